#!/usr/bin/env bash
# make bench-gate: crank-gate lint over the whole corpus, then the peers on
# the same files in the same run when they are installed (make bench-peers):
# dockerfilelint (npm) and trivy config (Go). Never commit the peers.
set -euo pipefail
corpus=${1:?corpus directory}
peers=${PEERS:-$(cd "$(dirname "$0")/.." && pwd)/bin/peers}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
go build -o bin/crank-gate ./gate/cmd/crank-gate
go run ./gate/bench -dir "$corpus" | sed -n -e '1,8p' -e '/^BuildKit checks/p'

now_ms() { date +%s%3N; }
timeit() { # label command...
	local label=$1 t0 t1
	shift
	t0=$(now_ms)
	"$@" >/dev/null 2>&1 || true
	t1=$(now_ms)
	awk -v l="$label" -v ms=$((t1 - t0)) 'BEGIN { printf "  %-34s %7.3f s\n", l, ms / 1000 }'
}
mapfile -t files < <(find "$corpus" -type f ! -name LICENSE | sort)
echo
echo "side by side, ${#files[@]} files, wall time of one CLI run each ($(nproc) cores):"
timeit "crank-gate lint (all rules)" bin/crank-gate lint --fail-on none --format json=/dev/null "$corpus"
if [[ -x $peers/node_modules/.bin/dockerfilelint ]]; then
	timeit "dockerfilelint 1.8.0" "$peers/node_modules/.bin/dockerfilelint" -o json "${files[@]}"
else
	echo "  dockerfilelint                     not installed (make bench-peers)"
fi
if [[ -x $peers/trivy ]]; then
	timeit "trivy config (0.74.0)" "$peers/trivy" config --skip-check-update --cache-dir "$peers/trivy-cache" "$corpus"
else
	echo "  trivy config                       not installed (make bench-peers; quoted in the issue: about 4.9 s)"
fi
