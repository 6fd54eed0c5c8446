#!/usr/bin/env bash
# The long fuzz runs: each target to RUNS executions (default 1,000,000) from its committed seeds,
# one after the other, then a table of executions, exec/s, coverage (libFuzzer's cov: edges and
# ft: features at the end) and corpus size. Logs, the grown corpora and any crash input are kept
# in BUILD_DIR/fuzz-long/<target>/; a finding stops that target and is reported as FAILED.
# --max-seconds S also stops each target after S seconds (the table then shows how far it got).
# --rss-limit MB raises libFuzzer's memory limit (default 2048) for a target that grows slowly,
# as search_query does with Xapian's parse-error leak (docs/fuzzing.md).
# --timeout S is libFuzzer's per-input wall-clock limit (default 30). On a loaded machine a
# niced fuzzer can be starved past 30 s on an input that replays in milliseconds.
# Usage: bench/fuzz/run-long.sh [--runs N] [--max-seconds S] [--rss-limit MB] [--timeout S] [BUILD_DIR] [TARGET...]
set -uo pipefail
source "$(dirname "$0")/../../scripts/fuzz-env.sh"
runs=1000000
seconds=0
[ "${1:-}" = --runs ] && { runs=$2; shift 2; }
[ "${1:-}" = --max-seconds ] && { seconds=$2; shift 2; }
rss_limit=2048
[ "${1:-}" = --rss-limit ] && { rss_limit=$2; shift 2; }
timeout=30
[ "${1:-}" = --timeout ] && { timeout=$2; shift 2; }
build=${1:-$fuzz_root/build-fuzz}; shift || true
targets=${*:-$fuzz_targets}
bash "$fuzz_root/scripts/fuzz-build.sh" "$build" || exit 1
printf '%-13s %10s %8s %6s %7s %7s %8s %s\n' target executions exec/s cov ft corpus seconds result
status=0
for t in $targets; do
  work=$build/fuzz-long/$t
  rm -rf "$work"; mkdir -p "$work/corpus" "$work/artifacts"
  start=$(date +%s)
  "$build/fuzz/fuzz_$t" -runs="$runs" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss_limit" -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$fuzz_root/fuzz/corpus/$t" >"$work/log" 2>&1
  rc=$?
  result=ok; ((rc == 0)) || { result="FAILED (rc $rc, $work/log)"; status=1; }
  stat() { grep -E "^stat::$1:" "$work/log" | awk '{print $2}'; }
  last=$(grep -E '^#[0-9]+' "$work/log" | tail -1)
  field() { sed -n "s/.* $1: *\([0-9]*\).*/\1/p" <<<"$last"; }
  corpus=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  printf '%-13s %10s %8s %6s %7s %7s %8s %s\n' "$t" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$(field cov)" "$(field ft)" "$corpus" "$(($(date +%s) - start))" "$result"
done
exit $status
