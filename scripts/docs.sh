#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs. tfplugindocs would look for (or
# download) a Terraform binary; instead OpenTofu writes the schema, which
# includes functions and ephemeral resources, and tfplugindocs reads it.
source "$(dirname "$0")/lib.sh"
tofu=$1 tfplugindocs=$2
root=$(repo_root)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=$(dev_override "$work")
cat >"$work/main.tf" <<'TF'
terraform {
  required_providers {
    crank = { source = "registry.terraform.io/hashicorp/crank" }
  }
}
TF
(cd "$work" && TF_CLI_CONFIG_FILE=$rc "$tofu" providers schema -json >schema.json)
cd "$root"
"$tfplugindocs" generate --provider-name crank --providers-schema "$work/schema.json" --rendered-website-dir docs
