#!/bin/bash
# Memory benchmark of `kernellens-cli ingest mail` (the derive stage it runs included) on
# public-inbox v2 archives of growing size built from the real linux-kbuild messages by
# make-big-archive.py. For each size, on a fresh store: peak RSS (/usr/bin/time -v), wall time,
# messages/s, and the RSS sampled every second (rss.N.tsv: seconds, VmRSS KiB, VmHWM KiB).
# Prints the ratio peak at the largest size / peak at the smallest: flat memory is ~1.0.
#
# Usage: bench/mail/bench-memory.sh [--cli PATH] [--work DIR] [--sizes "30000 100000 300000"]
#                                   [--per-epoch M] [--keep-stores]
#   --cli PATH      kernellens-cli to measure (default: the newest build*/app/cli/kernellens-cli)
#   --work DIR      where archives, stores and logs go (default: /work/bench-data/mem if
#                   /work/bench-data exists, else a new directory under ${TMPDIR:-/tmp});
#                   archives are kept and reused by later runs (they are deterministic)
#   --sizes LIST    message counts (default "30000 100000 300000")
#   --per-epoch M   messages per git epoch of the archives (default 50000)
#   --keep-stores   keep the stores (default: each is removed after it is measured)
# Environment: KERNELLENS_SHARED_DATA (default: ../shared/data beside the checkout).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cli=""
work=""
sizes="30000 100000 300000"
per_epoch=50000
keep_stores=0

while [ $# -gt 0 ]; do
    case "$1" in
        --cli) cli=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --sizes) sizes=$2; shift 2 ;;
        --per-epoch) per_epoch=$2; shift 2 ;;
        --keep-stores) keep_stores=1; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "bench-memory: unknown argument: $1" >&2; exit 2 ;;
    esac
done

if [ -z "$cli" ]; then
    cli=$(ls -t "$repo"/build*/app/cli/kernellens-cli 2>/dev/null | head -n1 || true)
fi
[ -n "$cli" ] && [ -x "$cli" ] || { echo "bench-memory: kernellens-cli not found; build it or pass --cli PATH" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-memory: /usr/bin/time (Debian package 'time') is needed for peak RSS" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-memory: python3 is needed for make-big-archive.py" >&2; exit 1; }
if [ -z "$work" ]; then
    if [ -d /work/bench-data ]; then work=/work/bench-data/mem; else work=$(mktemp -d "${TMPDIR:-/tmp}/kl-bench-memory.XXXXXX"); fi
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
echo "bench-memory: cli $cli"
echo "bench-memory: work $work"
echo "bench-memory: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"

# sample PID FILE: VmRSS and VmHWM of PID every second until it exits.
sample() {
    local pid=$1 file=$2 t=0
    printf 'seconds\tvmrss_kib\tvmhwm_kib\n' >"$file"
    while kill -0 "$pid" 2>/dev/null; do
        awk -v t="$t" '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { if (r != "") printf "%d\t%s\t%s\n", t, r, h }' \
            "/proc/$pid/status" >>"$file" 2>/dev/null || true
        sleep 1
        t=$((t + 1))
    done
}

declare -A wall rss rate
for n in $sizes; do
    inbox=$work/archive-$n
    if [ ! -f "$inbox/.complete-$per_epoch" ]; then
        echo "bench-memory: building the archive of $n messages" >&2
        "$here/make-big-archive.py" --messages "$n" --per-epoch "$per_epoch" --out "$inbox" --cache "$work/cache"
        touch "$inbox/.complete-$per_epoch"
    fi
    store=$work/store-$n
    rm -rf "$store"
    echo "bench-memory: ingesting $n messages" >&2
    /usr/bin/time -v -o "$work/time.$n" "$cli" --db "$store" --json --quiet ingest mail --list bench "$inbox" \
        >"$work/out.$n" 2>"$work/err.$n" &
    timer=$!
    sleep 0.2
    # /usr/bin/time's child is the CLI.
    clipid=$(pgrep -P "$timer" | head -n1 || true)
    [ -n "$clipid" ] && sample "$clipid" "$work/rss.$n.tsv" &
    sampler=$!
    rc=0
    wait "$timer" || rc=$?
    wait "$sampler" 2>/dev/null || true
    if [ $rc -ne 0 ]; then
        echo "bench-memory: ingest of $n failed with status $rc; last lines of its stderr:" >&2
        tail -n 5 "$work/err.$n" >&2
        exit 1
    fi
    wall[$n]=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        k = split($2, p, ":"); s = 0; for (i = 1; i <= k; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$work/time.$n")
    rss[$n]=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time.$n")
    rate[$n]=$(awk -v n="$n" -v s="${wall[$n]}" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
    [ $keep_stores -eq 1 ] || rm -rf "$store"
done

echo
echo "Mail ingest (with derive) on archives built from linux-kbuild, fresh store each, on $(hostname):"
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%10s %10s %10s %14s\n' messages "wall s" "msg/s" "peak RSS MiB"
first="" last=""
for n in $sizes; do
    printf '%10s %10s %10s %14s\n' "$n" "${wall[$n]}" "${rate[$n]}" "${rss[$n]}"
    [ -n "$first" ] || first=$n
    last=$n
done
awk -v a="${rss[$first]}" -v b="${rss[$last]}" -v f="$first" -v l="$last" 'BEGIN {
    printf "peak RSS at %s / peak RSS at %s: %.2f (flat: ~1.0)\n", l, f, b / a
    printf "largest peak %d MiB (target < 512 MiB: %s)\n", (a > b ? a : b), ((a > b ? a : b) < 512 ? "met" : "NOT met") }'
echo "RSS over time: $work/rss.N.tsv; logs: $work/time.N, err.N, out.N"
