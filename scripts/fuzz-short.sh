#!/usr/bin/env bash
# CI's short fuzz stage: builds the libFuzzer targets (scripts/fuzz-build.sh) and fuzzes each for
# a bounded time from its committed seeds; any crash, leak, UB report or timeout fails the stage.
# New inputs go to a temporary folder, never into fuzz/corpus. Total fuzzing time is
# FUZZ_SECONDS per target (default 18 s, 9 targets: under 3 minutes).
# Usage: scripts/fuzz-short.sh [BUILD_DIR]
set -euo pipefail
source "$(dirname "$0")/fuzz-env.sh"
build=${1:-$fuzz_root/build-fuzz}
seconds=${FUZZ_SECONDS:-18}
bash "$fuzz_root/scripts/fuzz-build.sh" "$build"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
failed=()
for t in $fuzz_targets; do
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  if "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" \
       "$work/$t/corpus" "$fuzz_root/fuzz/corpus/$t" >"$work/$t/log" 2>&1; then
    echo "fuzz $t: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$t/log" | tail -1)"
  else
    echo "fuzz $t: FAILED"; tail -60 "$work/$t/log"
    mkdir -p "$build/fuzz-findings/$t" && cp "$work/$t/artifacts/"* "$build/fuzz-findings/$t/" 2>/dev/null || true
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz-short: findings in ${failed[*]} (inputs kept in $build/fuzz-findings/; see docs/fuzzing.md)"
  exit 1
fi
echo "fuzz-short: no findings in $(wc -w <<<"$fuzz_targets") targets, ${seconds} s each"
