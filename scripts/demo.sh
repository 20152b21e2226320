#!/usr/bin/env bash
# make demo: apply examples/quickstart in a temporary directory with the
# provider built from this checkout, then summarise and verify the result.
source "$(dirname "$0")/lib.sh"
tofu=$1
root=$(repo_root)
work=$(mktemp -d -t crank-demo-XXXXXX)
echo "==> building the provider and applying examples/quickstart in $work"
rc=$(dev_override "$work")
cp "$root"/examples/quickstart/*.tf "$work/"
cd "$work"
export TF_CLI_CONFIG_FILE=$rc CHECKPOINT_DISABLE=1
# A dev override needs no `init`; the warning it prints is expected.
"$tofu" apply -auto-approve -no-color -compact-warnings >apply.log 2>&1 || { cat apply.log; exit 1; }
grep -E '^Apply complete' apply.log
echo
"$tofu" output -json | (cd "$root" && go run ./internal/demo "$work")
