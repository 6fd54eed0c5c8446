#!/usr/bin/env bash
# Minimises raw seeds (fuzz/make-seeds.sh OUT) into the committed fuzz/corpus/<target>/ with
# libFuzzer's -merge=1: only inputs that add coverage are kept, under content-hash names.
# Existing corpus files are kept. Usage: fuzz/merge-seeds.sh RAW_SEEDS [BUILD_DIR] [TARGET...]
set -euo pipefail
source "$(dirname "$0")/../scripts/fuzz-env.sh"
raw=${1:?usage: merge-seeds.sh RAW_SEEDS [BUILD_DIR] [TARGET...]}
build=${2:-$fuzz_root/build-fuzz}
shift $(($# >= 2 ? 2 : 1))
for t in ${*:-$fuzz_targets}; do
  mkdir -p "$fuzz_root/fuzz/corpus/$t"
  "$build/fuzz/fuzz_$t" -merge=1 -timeout=30 -rss_limit_mb=2048 "$fuzz_root/fuzz/corpus/$t" "$raw/$t" \
    >"$build/merge-$t.log" 2>&1 || { tail -40 "$build/merge-$t.log"; exit 1; }
  echo "$t: $(ls "$fuzz_root/fuzz/corpus/$t" | wc -l) seeds, $(du -sk "$fuzz_root/fuzz/corpus/$t" | cut -f1) KiB"
done
