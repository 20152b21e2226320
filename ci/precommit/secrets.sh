#!/usr/bin/env bash
# The crank-gate-secrets pre-commit hook: pre-commit passes the staged file
# names; this writes their staged content (the index, which is what the commit
# records) into a scratch tree and scans it once, so an unstaged edit can
# neither hide a staged secret nor fail a commit that does not contain it.
set -euo pipefail
if ! command -v crank-gate >/dev/null; then
	echo "crank-gate-secrets: crank-gate is not on PATH; install it from a release archive or with 'make build' (see gate/docs/ci.md)" >&2
	exit 2
fi
for a in "$@"; do
	if [[ $a == -* ]]; then
		echo "crank-gate-secrets: takes no args ($a); configure the rules in .gitleaks.toml and .gitleaksignore at the repository root" >&2
		exit 2
	fi
done
(($# > 0)) || exit 0
top=$(git rev-parse --show-toplevel)
staged=$(mktemp -d)
trap 'rm -rf "$staged"' EXIT
git checkout-index --prefix="$staged/" -- "$@"
# The repository's gitleaks settings, as the developer has them.
for f in .gitleaks.toml .gitleaksignore; do
	if [[ -f $top/$f ]]; then cp "$top/$f" "$staged/$f"; fi
done
cd "$staged"
exec crank-gate secrets --no-color .
