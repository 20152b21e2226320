#!/usr/bin/env bash
# make bench-provider: one CA and N service certificates (ECDSA P-256),
# applied and then planned again with no change, in two modes:
#   generated - the provider generates each service key (key in state, sensitive)
#   supplied  - each service key is generated outside Terraform and only its
#               public key is given (public_key_pem): no service key in state
#   keyless   - supplied, and the CA key is kept in an encrypted file
#               (key_storage = "file"): no private key of any kind in state
#   stepca    - generated, but every certificate is signed by a real step-ca
#               on loopback (crank_stepca_issuer): one token + CSR round trip
#               per certificate; compare with "generated" (the local CA)
# Prints wall times and state sizes. Peer figures for the same 200 identities
# built with hashicorp/tls resources on this machine size (quoted in the issue,
# that provider is not reachable here): 36 s apply, 9 s no-op plan, 1.2 MB state.
source "$(dirname "$0")/lib.sh"
tofu=$1
root=$(repo_root)
count=${BENCH_CERTS:-200}
work=$(mktemp -d -t crank-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
rc=$(dev_override "$work")
export TF_CLI_CONFIG_FILE=$rc CHECKPOINT_DISABLE=1

now_ms() { date +%s%3N; }

write_config() { # dir mode
	local dir=$1 mode=$2 ca issuer=crank_ca.root.issuer validity=""
	mkdir -p "$dir"
	ca='resource "crank_ca" "root" {
  subject = { common_name = "Bench Root" }'
	[[ $mode == keyless ]] && ca+='
  key_storage = "file"
  key_file    = "${path.module}/ca.key"'
	ca+='
}'
	if [[ $mode == stepca ]]; then
		ca="data \"crank_stepca_issuer\" \"ca\" {
  url              = \"$stepca_url\"
  root_fingerprint = \"$stepca_fp\"
  provisioner_name = \"crank\"
}"
		issuer=data.crank_stepca_issuer.ca.issuer
		# Inside the lifetime of the test CA's intermediate.
		validity='  validity = "72h"'
	fi
	cat >"$dir/main.tf" <<TF
terraform {
  required_providers {
    crank = { source = "crank-platform/crank" }
  }
}
provider "crank" {
  trust_domain = "bench.example.org"
}
$ca
resource "crank_certificate" "svc" {
  count   = $count
  issuer  = $issuer
  service = "svc-\${count.index}"
$validity
TF
	if [[ $mode == supplied || $mode == keyless ]]; then
		mkdir -p "$dir/keys"
		for ((i = 0; i < count; i++)); do
			openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null |
				openssl pkey -pubout -out "$dir/keys/svc-$i.pub.pem"
		done
		echo '  public_key_pem = file("${path.module}/keys/svc-${count.index}.pub.pem")' >>"$dir/main.tf"
	fi
	echo "}" >>"$dir/main.tf"
}

bench() { # mode
	local mode=$1 dir="$work/$1" t0 t1 t2
	write_config "$dir" "$mode"
	cd "$dir"
	t0=$(now_ms)
	"$tofu" apply -auto-approve -no-color >apply.log 2>&1 || { tail -20 apply.log; exit 1; }
	t1=$(now_ms)
	# The no-op plan runs three times; the median is reported.
	local plans=() p0 p1
	for _ in 1 2 3; do
		p0=$(now_ms)
		"$tofu" plan -detailed-exitcode -no-color >plan.log 2>&1 || { echo "no-op plan was not empty (exit $?)"; tail -20 plan.log; exit 1; }
		p1=$(now_ms)
		plans+=($((p1 - p0)))
	done
	local median
	median=$(printf '%s\n' "${plans[@]}" | sort -n | sed -n 2p)
	t2=$((t1 + median))
	local size keys
	size=$(wc -c <terraform.tfstate)
	# PEM keys (service keys) plus CA keys inside issuer handles ("key" field).
	keys=$( (grep -o -e 'BEGIN PRIVATE KEY' -e '\\"key\\":' terraform.tfstate || true) | wc -l)
	awk -v m="$mode" -v n="$count" -v a=$((t1 - t0)) -v p=$((t2 - t1)) -v s="$size" -v k="$keys" 'BEGIN {
		printf "%-10s %5d certs  apply %6.1f s   no-op plan (median of 3) %5.1f s   state %7.1f KB   private keys in state: %d\n", m, n, a / 1000, p / 1000, s / 1024, k
	}'
	cd "$work"
}

echo "crank provider, $count ECDSA P-256 service certificates under one CA ($(nproc) cores)"
export CRANK_KEY_PASSPHRASE=${CRANK_KEY_PASSPHRASE:-bench-only-passphrase-0123456789}
bench generated
bench supplied
bench keyless
# step-ca: the test CA of internal/issuer/stepca/stepcatest (built by .ci/run
# into ~/.cache/crank-ci/bin), on loopback for the length of this run.
export CRANK_STEPCA_PROVISIONER_PASSWORD=bench-only-provisioner-password
(cd "$root" && go build -o "$work/stepca-serve" ./internal/issuer/stepca/stepcatest/serve)
"$work/stepca-serve" -out "$work/stepca.addr" &
stepca_pid=$!
trap 'kill "$stepca_pid" 2>/dev/null; wait "$stepca_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
	[[ -s $work/stepca.addr ]] && break
	kill -0 "$stepca_pid" 2>/dev/null || { echo "step-ca did not start" >&2; exit 1; }
	sleep 0.2
done
read -r stepca_url stepca_fp <"$work/stepca.addr"
bench stepca
# Vault PKI (issue 19): the same generated-key certificates, each a CSR signed
# through pki/sign/<role> of a real `vault server -dev` on loopback (one
# request per certificate). The config is the vault variant of write_config.
vault_bin=${CRANK_VAULT:-$HOME/.cache/crank-ci/bin/vault-v1.21.4}
if [[ -x $vault_bin ]]; then
	vault_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	export VAULT_ADDR=http://127.0.0.1:$vault_port VAULT_TOKEN=bench-only-root-token
	"$vault_bin" server -dev -dev-root-token-id="$VAULT_TOKEN" -dev-listen-address="127.0.0.1:$vault_port" >"$work/vault.log" 2>&1 &
	vault_pid=$!
	# Added to whatever EXIT trap is set already (other servers of this run).
	trap "kill $vault_pid 2>/dev/null; $(trap -p EXIT | awk -F"'" '{print $2}')" EXIT
	for _ in $(seq 150); do "$vault_bin" status >/dev/null 2>&1 && break; sleep 0.2; done
	"$vault_bin" secrets enable -max-lease-ttl=8760h pki >/dev/null
	"$vault_bin" write pki/root/generate/internal common_name="Bench Vault Root" key_type=ec ttl=8760h >/dev/null 2>&1
	"$vault_bin" write pki/roles/bench allowed_uri_sans="spiffe://bench.example.org/*" key_type=any max_ttl=2400h require_cn=false >/dev/null
	write_config() { # dir: the vault variant
		mkdir -p "$1"
		cat >"$1/main.tf" <<TF
terraform {
  required_providers {
    crank = { source = "crank-platform/crank" }
  }
}
provider "crank" {
  trust_domain = "bench.example.org"
}
data "crank_vault_issuer" "pki" {
  address = "$VAULT_ADDR"
  mount   = "pki"
  role    = "bench"
}
resource "crank_certificate" "svc" {
  count   = $count
  issuer  = data.crank_vault_issuer.pki.issuer
  service = "svc-\${count.index}"
}
TF
	}
	bench vault
	kill "$vault_pid" 2>/dev/null || true
else
	echo "vault      skipped: $vault_bin is not built (../shared/tools/build-vault.sh $vault_bin)"
fi
echo "hashicorp/tls    200 certs  apply   36.0 s   no-op plan   9.0 s   state  1200.0 KB   (peer figures quoted in the issue)"
