# Shared by the scripts: build the provider and point a CLI at it through a
# dev override, so nothing is downloaded from a registry.
set -euo pipefail

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# dev_override WORKDIR: builds the provider into WORKDIR/plugins and writes
# WORKDIR/cli.tfrc mapping crank-platform/crank to it. Prints the rc path.
dev_override() {
	local work=$1 root
	root=$(repo_root)
	mkdir -p "$work/plugins" "$root/bin"
	# Built where `make build` puts it, so go build can skip an up-to-date link.
	(cd "$root" && go build -o bin/terraform-provider-crank .)
	cp "$root/bin/terraform-provider-crank" "$work/plugins/"
	cat >"$work/cli.tfrc" <<RC
provider_installation {
  dev_overrides {
    "crank-platform/crank"                       = "$work/plugins"
    "registry.terraform.io/crank-platform/crank" = "$work/plugins"
    "registry.terraform.io/hashicorp/crank"      = "$work/plugins"
  }
  direct {}
}
RC
	echo "$work/cli.tfrc"
}
