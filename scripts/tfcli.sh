#!/usr/bin/env bash
# tfcli.sh: prints the path of the Terraform-compatible CLI `make demo` uses,
# and on stderr which one and why. examples/quickstart needs provider
# functions, ephemeral resources and write-only attributes: OpenTofu >= 1.11
# or Terraform >= 1.11. Order: $TF_CLI (an explicit choice: too old is an
# error, not a fallback), `tofu` on PATH, `terraform` on PATH, an OpenTofu
# already built into bin/tofu. When none fits, it prints nothing and exits 3,
# saying why, so the caller can build OpenTofu.
# Exit codes: 0 found, 2 $TF_CLI unusable, 3 none found.
set -euo pipefail

min_major=1 min_minor=11

# cli_version BIN: prints "OpenTofu 1.11.6" or "Terraform 1.11.4", or
# nothing when BIN does not answer like either.
cli_version() {
	local out name ver
	# An empty CLI config keeps ~/.terraformrc (and its warnings) out of it.
	out=$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version -json 2>/dev/null) || return 0
	ver=$(sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\)[^"]*".*/\1/p' <<<"$out" | head -n1)
	[[ -n $ver ]] || return 0
	name=$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null | head -n1 | cut -d' ' -f1) || true
	case $name in OpenTofu | Terraform) echo "$name $ver" ;; esac
}

# new_enough "1.11.4": major.minor at least min_major.min_minor.
new_enough() {
	local major minor
	IFS=. read -r major minor _ <<<"$1"
	((major > min_major || (major == min_major && minor >= min_minor)))
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
need="OpenTofu or Terraform >= $min_major.$min_minor (provider functions, ephemeral resources, write-only attributes)"

if [[ -n ${TF_CLI:-} ]]; then
	bin=$(command -v -- "$TF_CLI" || true)
	[[ -n $bin ]] || { echo "TF_CLI=$TF_CLI: no such executable" >&2; exit 2; }
	v=$(cli_version "$bin")
	[[ -n $v ]] || { echo "TF_CLI=$TF_CLI: '$bin version -json' does not answer like OpenTofu or Terraform" >&2; exit 2; }
	new_enough "${v#* }" || { echo "TF_CLI=$TF_CLI is $v; the quickstart needs $need" >&2; exit 2; }
	echo "using $v at $bin (TF_CLI)" >&2
	echo "$bin"
	exit 0
fi

skipped=()
for cand in tofu terraform "$root/bin/tofu"; do
	bin=$(command -v -- "$cand" || true)
	[[ -n $bin ]] || continue
	v=$(cli_version "$bin")
	if [[ -z $v ]]; then
		skipped+=("$bin does not answer like OpenTofu or Terraform")
	elif ! new_enough "${v#* }"; then
		skipped+=("$bin is $v")
	else
		echo "using $v at $bin" >&2
		echo "$bin"
		exit 0
	fi
done
why="no tofu or terraform on PATH"
((${#skipped[@]} == 0)) || why=$(IFS=';'; echo "${skipped[*]}")
echo "no usable CLI: $why; the quickstart needs $need" >&2
exit 3
