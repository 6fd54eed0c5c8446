#!/usr/bin/env bash
# Binding inventory + coverage on the full two-release tree, with blob reuse, CPU time and peak
# RSS; a peer in the same run (git grep over the same blobs); and the get_maintainer.pl agreement.
#   usage: run-bench.sh BUILD_DIR [REPO=/work/bench-data/kernel-releases.git] [N_PATHS=500]
# REPO comes from ../shared/scripts/make-kernel-releases.sh.
set -euo pipefail
build=$(cd "${1:?usage: run-bench.sh BUILD_DIR [REPO] [N_PATHS]}" && pwd)
repo=${2:-/work/bench-data/kernel-releases.git}
n=${3:-500}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bench/maintainers/kl-bench-coverage"
cli="$build/app/cli/kernellens-cli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== inventory (v6.1 then v6.12, one release per run as ingest git would)"
/usr/bin/time -v "$bench" inventory "$repo" "$work/store" v6.1 v6.12 2> "$work/time" | grep -v '^  '
grep -E "Maximum resident|Elapsed" "$work/time"

echo "== peer: git grep -c EXPORT_SYMBOL over the same trees (*.c, *.rs bindings::)"
for tag in v6.1 v6.12; do
  start=$(date +%s.%N)
  git -C "$repo" grep -c -E 'EXPORT_SYMBOL' "$tag" -- '*.c' > /dev/null
  git -C "$repo" grep -c 'bindings::' "$tag" -- '*.rs' > /dev/null || true
  echo "$tag: git grep $(echo "$(date +%s.%N) - $start" | bc) s"
done

echo "== coverage command"
start=$(date +%s.%N)
"$cli" --db "$work/store" --csv coverage --release v6.12 --compare v6.1 > "$work/coverage.csv"
echo "coverage --compare: $(echo "$(date +%s.%N) - $start" | bc) s"
grep -E '^(ETHERNET PHY LIBRARY|BLOCK LAYER|FIRMWARE LOADER \(request_firmware\)|WORKQUEUE),' "$work/coverage.csv" | head -4

echo "== path -> sections vs get_maintainer.pl ($n random paths of v6.12)"
mkdir -p "$work/tree"
git -C "$repo" archive v6.12 | tar -x -C "$work/tree"
bash "$here/compare-get-maintainer.sh" "$work/tree" "$n" 1 "$bench"
