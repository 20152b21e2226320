#!/usr/bin/env bash
# make demo: both products in one temporary directory.
#  1. crank: apply examples/quickstart with the provider built from this
#     checkout on a Terraform-compatible CLI already installed (see
#     scripts/tfcli.sh; OpenTofu is built only when there is none), then
#     summarise and verify the result with openssl.
#  2. crank-gate: `crank-gate check` on a copy of examples/gate (Dockerfile
#     lint, the sample's OCI image with the offline CVE DB fixture, secrets in
#     its source tree), then the same check with a waiver recording an
#     accepted risk.
source "$(dirname "$0")/lib.sh"
root=$(repo_root)
work=$(mktemp -d -t crank-demo-XXXXXX)
mkdir -p "$root/bin"

# The gate links Trivy and is by far the slowest build, so it starts first
# and overlaps the provider's build and apply. It goes to bin/ (where `make
# build` puts it): go build skips the link when the binary there is already
# up to date, which is most of a warm run's time. Its own process group lets
# an early exit stop the whole build.
setsid bash -c 'cd "$1" && GOEXPERIMENT=jsonv2 go build -o bin/ ./gate/cmd/crank-gate ./internal/demo/gatesample' _ "$root" \
	>"$work/gate-build.log" 2>&1 &
gate_build=$!
trap 'kill -- -$gate_build 2>/dev/null || :' EXIT

echo "== crank: the provider, on examples/quickstart"
rc=0
tf=$("$root/scripts/tfcli.sh") || rc=$?
if ((rc == 3)); then
	echo "==> building OpenTofu from the Go module proxy into bin/tofu, as none was found (about 5 minutes on 2 cores the first time)"
	"${MAKE:-make}" -C "$root" --no-print-directory "$(cd "$root" && pwd -P)/bin/tofu"
	tf=$root/bin/tofu
elif ((rc != 0)); then
	exit "$rc"
fi
cli_rc=$(dev_override "$work")
cp "$root"/examples/quickstart/*.tf "$work/"
(
	cd "$work"
	export TF_CLI_CONFIG_FILE=$cli_rc CHECKPOINT_DISABLE=1
	# A dev override needs no `init`; the warning it prints is expected.
	"$tf" apply -auto-approve -no-color -compact-warnings >apply.log 2>&1 || { cat apply.log; exit 1; }
	grep -E '^Apply complete' apply.log
	echo
	"$tf" output -json | (cd "$root" && go run ./internal/demo "$work")
)

echo
echo "== crank-gate: the CI quality gate, on examples/gate"
wait "$gate_build" || { cat "$work/gate-build.log"; exit 1; }
trap - EXIT
gate=$root/bin/crank-gate
sample=$work/gate
"$root/bin/gatesample" "$root/examples/gate" "$sample"
cd "$sample"

# gate_check: runs `crank-gate check` with the terminal report on stdout and
# SARIF to a file, then shows the gate's own per-category verdict (the last
# line it writes on stderr) as a table. Returns the gate's exit code.
gate_check() {
	local rc=0 verdict cat n
	echo "\$ crank-gate check --format tty --format sarif=crank-gate.sarif"
	"$gate" check --no-color --format tty --format sarif=crank-gate.sarif 2>"$work/check.err" || rc=$?
	verdict=$(grep -E '^crank-gate check: ' "$work/check.err" | tail -n1)
	grep -vxF -- "$verdict" "$work/check.err" || :
	printf '  %-16s %-18s %s\n' category checked verdict
	for cat in dockerfile image vulnerabilities secrets policy; do
		n=$(grep -oE "[( ]$cat: [0-9]+" <<<"$verdict" | grep -oE '[0-9]+$' || :)
		printf '  %-16s %-18s %s\n' "$cat" "$(what_checked "$cat")" "$([[ -n $n ]] && echo "FAIL ($n)" || echo pass)"
	done
	echo "exit $rc: ${verdict#crank-gate check: }; SARIF report: $sample/crank-gate.sarif"
	return "$rc"
}
what_checked() {
	case $1 in
	dockerfile) echo Dockerfile ;;
	image | vulnerabilities) echo oci:build/image ;;
	secrets) echo src/ ;;
	policy) echo waivers ;;
	esac
}

rc=0
gate_check || rc=$?
((rc == 1)) || { echo "demo: expected the gate to fail (exit 1) on the sample's fixable HIGH CVE" >&2; exit 1; }

echo
echo "A team that accepts the risk records it in crank-gate.yaml, with a reason and an expiry date:"
waiver="  - id: CVE-2099-1001
    target: oci:build/image:latest
    reason: the X.509 parser is not reachable, the service accepts no certificates; upgrade scheduled
    expires: $(date -u -d '+30 days' +%F 2>/dev/null || date -u -v+30d +%F)"
printf '%s\n' "$waiver" >>crank-gate.yaml
printf '%s\n' "$waiver"
rc=0
gate_check || rc=$?
((rc == 0)) || { echo "demo: expected the gate to pass (exit 0) with the waiver" >&2; exit 1; }
echo
echo "Files are in $sample"
