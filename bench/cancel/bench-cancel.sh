#!/usr/bin/env bash
# Ctrl-C latency: how long kernellens-cli takes to exit after SIGINT, in every phase of an ingest.
#
#   bench/cancel/bench-cancel.sh BUILD_DIR [SYNTHETIC_REPO]
#
# The interrupt is sent a fixed time after a phase first shows on stderr: reading the linux-kbuild
# epoch (../shared/data), each derivation of the derive stage (`derive --force --only NAME` on the
# ingested store) and, when SYNTHETIC_REPO exists (default /work/bench-data/synthetic-kernel.git,
# 300,000 commits from bench/git/make-synthetic-kernel.py), walking and reading its history.
# Each latency is printed with the floor measured in the same run: the time from SIGINT to exit
# of `kernellens-cli stats`-sized work, i.e. the start-up and tear-down of the process itself.
set -euo pipefail
BUILD=${1:?usage: bench-cancel.sh BUILD_DIR [SYNTHETIC_REPO]}
SYN=${2:-/work/bench-data/synthetic-kernel.git}
here=$(cd "$(dirname "$0")/../.." && pwd)
data="$here/../shared/data"
CLI=$(cd "$BUILD" && pwd)/app/cli/kernellens-cli
WORK=$(mktemp -d /tmp/kl-bench-cancel.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ms_now() { date +%s%N | cut -c1-13; }

# interrupt LABEL PHASE_REGEX DELAY_MS CLI_ARGS... : prints "LABEL latency ms exit-code"
interrupt() {
    local label=$1 re=$2 delay=$3; shift 3
    : >"$WORK/err"
    "$CLI" "$@" >"$WORK/out" 2>"$WORK/err" &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null && ! tr '\r' '\n' <"$WORK/err" | grep -qE "$re"; do sleep 0.02; done
    if ! kill -0 "$pid" 2>/dev/null; then printf '  %-40s finished before the interrupt\n' "$label"; return; fi
    sleep "$(echo "scale=3; $delay/1000" | bc)"
    local t0; t0=$(ms_now)
    kill -INT "$pid" 2>/dev/null || { printf '  %-40s finished before the interrupt\n' "$label"; wait "$pid" || true; return; }
    local rc=0; wait "$pid" || rc=$?
    local t1; t1=$(ms_now)
    printf '  %-40s %5d ms  (exit %d)\n' "$label" $((t1 - t0)) "$rc"
    echo $((t1 - t0)) >>"$WORK/latencies"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
git clone -q --mirror "$data/linux-kbuild-epoch0.bundle" "$WORK/inbox/git/0.git"
git clone -q --mirror "$data/kernel-mini.bundle" "$WORK/kernel-mini.git"

# The floor: a process that opens the store and exits at once.
"$CLI" --db "$WORK/floor" --quiet ingest git "$WORK/kernel-mini.git" >/dev/null
t0=$(ms_now); "$CLI" --db "$WORK/floor" stats >/dev/null; floor=$(( $(ms_now) - t0 ))
echo "floor (kernellens-cli stats, start to exit): $floor ms"

echo "mail ingest of linux-kbuild (31,699 messages):"
for delay in 1000 5000 15000; do
    rm -rf "$WORK/mail"
    interrupt "reading, +${delay} ms" '\[epoch 0\]' "$delay" --db "$WORK/mail" ingest mail --list linux-kbuild "$WORK/inbox"
done
rm -rf "$WORK/mail"
echo "the derive stage after the whole epoch is read, interrupted 100 ms into threading:"
interrupt "ingest, derive threads" '\[deriving threads\]' 100 --db "$WORK/mail" ingest mail --list linux-kbuild "$WORK/inbox"
"$CLI" --db "$WORK/mail" --quiet ingest mail --list linux-kbuild "$WORK/inbox" >/dev/null
echo "derive stage (forced), interrupted 100 ms into each derivation:"
for d in friction patch-ids links review; do
    interrupt "derive $d" "deriving $d" 100 --db "$WORK/mail" derive --force --only "$d"
done

if [ -d "$SYN" ]; then
    echo "git ingest of $(basename "$SYN"):"
    for delay in 2000 10000 30000 60000; do
        rm -rf "$WORK/git"
        interrupt "git, +${delay} ms" '\[' "$delay" --db "$WORK/git" ingest git "$SYN"
    done
else
    echo "git ingest at scale: skipped ($SYN not found; see bench/git/make-synthetic-kernel.py)"
fi

max=$(sort -n "$WORK/latencies" | tail -1)
echo "worst latency: $max ms = $(echo "scale=1; $max/$floor" | bc)x the floor of $floor ms (goal: under 1000 ms)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
