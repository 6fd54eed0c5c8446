#!/bin/bash
# Mail ingest benchmark: `kernellens-cli ingest mail` on the linux-kbuild epoch against the floor
# (streaming every object with `git cat-file --batch-all-objects --batch`) and against the peers
# of ../shared/BENCH-PEERS.md — public-inbox-index (-V2, indexlevel full), `notmuch new` and
# `mu index` on a Maildir export of the same messages — all measured in this one run.
# Prints wall time, messages per second, peak RSS and the ratios against the targets of issue 2.
#
# Usage: bench/mail/bench-mail-ingest.sh [--cli PATH] [--work DIR] [--peers "public-inbox notmuch mu"]
#                                        [--no-install] [--search-runs N]
#   --cli PATH      kernellens-cli to measure (default: the newest build-*/app/cli/kernellens-cli)
#   --work DIR      scratch directory (default: a new directory under ${TMPDIR:-/tmp}); kept
#   --peers LIST    which peers to run; "" runs none (default: all three)
#   --no-install    do not apt-get install missing peers (skip them instead)
#   --search-runs N repetitions of each search query for the p95 (default 10; 0 skips)
#   --limit N       only the first N messages of the epoch (a smoke test of the script; the
#                   targets are defined on the whole epoch)
#   --xapian-floor PATH  bench-search-floor (built in BUILD/bench/mail): after the ingest, time
#                   Xapian alone indexing the text of the fresh store, bare and as KernelLens does
# Environment: KERNELLENS_SHARED_DATA (default: ../shared/data beside the checkout).
#
# Peers are installed with apt-get here when missing (they are not build dependencies, so they
# are deliberately not in scripts/install-deps.sh). Nothing here is built from mail content:
# every command takes fixed arguments.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=${KERNELLENS_SHARED_DATA:-$repo/../shared/data}
cli=""
work=""
peers="public-inbox notmuch mu"
install=1
search_runs=10
limit=0
xapian_floor=""

while [ $# -gt 0 ]; do
    case "$1" in
        --cli) cli=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --peers) peers=$2; shift 2 ;;
        --no-install) install=0; shift ;;
        --search-runs) search_runs=$2; shift 2 ;;
        --limit) limit=$2; shift 2 ;;
        --xapian-floor) xapian_floor=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "bench-mail: unknown argument: $1" >&2; exit 2 ;;
    esac
done

bundle=$data/linux-kbuild-epoch0.bundle
[ -f "$bundle" ] || { echo "bench-mail: missing $bundle" >&2; exit 1; }
if [ -z "$cli" ]; then
    cli=$(ls -t "$repo"/build*/app/cli/kernellens-cli 2>/dev/null | head -n1 || true)
fi
[ -n "$cli" ] && [ -x "$cli" ] || { echo "bench-mail: kernellens-cli not found; build it or pass --cli PATH" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-mail: /usr/bin/time (Debian package 'time') is needed for peak RSS" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-mail: python3 is needed for the Maildir export and JSON" >&2; exit 1; }
if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/kl-bench-mail.XXXXXX")
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
echo "bench-mail: cli $cli"
echo "bench-mail: work $work"
echo "bench-mail: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"

# --- measuring ----------------------------------------------------------------------------------
declare -A wall rss cpu
# measure NAME COMMAND...: runs the command under /usr/bin/time -v, stdout/stderr to files
# (stdout to /dev/null when MEASURE_DISCARD=1, as for the floor, which streams every object).
measure() {
    local name=$1; shift
    echo "bench-mail: running $name: $*" >&2
    local rc=0 out="$work/out.$name"
    [ "${MEASURE_DISCARD:-0}" = 1 ] && out=/dev/null
    /usr/bin/time -v -o "$work/time.$name" "$@" >"$out" 2>"$work/err.$name" || rc=$?
    if [ $rc -ne 0 ]; then
        echo "bench-mail: $name failed with status $rc; last lines of its stderr:" >&2
        tail -n 5 "$work/err.$name" >&2
        return $rc
    fi
    wall[$name]=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$work/time.$name")
    rss[$name]=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time.$name")
    # CPU time (user + system) is less distorted than wall time on a loaded machine.
    cpu[$name]=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$work/time.$name")
}

# --- inputs ---------------------------------------------------------------------------------------
inbox=$work/inbox
epoch=$inbox/git/0.git
if [ ! -d "$epoch" ]; then
    mkdir -p "$inbox/git"
    if [ "$limit" -gt 0 ]; then
        # The first N commits only, and only their objects (the floor streams all objects).
        git clone -q --mirror "$bundle" "$work/full.git"
        head_ref=$(git -C "$work/full.git" symbolic-ref HEAD)
        cut=$(git -C "$work/full.git" rev-list --reverse "$head_ref" | sed -n "${limit}p")
        git -C "$work/full.git" update-ref "$head_ref" "$cut"
        git clone -q --mirror --no-local "$work/full.git" "$epoch"
        rm -rf "$work/full.git"
    else
        git clone -q --mirror "$bundle" "$epoch"
    fi
fi
messages=$(git -C "$epoch" rev-list --count --all)
echo "bench-mail: epoch has $messages commits (one message each)"

ensure_pkg() {  # ensure_pkg COMMAND PACKAGE
    command -v "$1" >/dev/null && return 0
    if [ $install -eq 1 ]; then
        echo "bench-mail: installing $2" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >"$work/apt.$2.log" 2>&1 || true
    fi
    command -v "$1" >/dev/null
}

export_maildir() {  # every blob <commit>:m as one file in cur/, oldest first
    local maildir=$1
    [ -d "$maildir/cur" ] && return 0
    mkdir -p "$maildir/cur" "$maildir/new" "$maildir/tmp"
    git -C "$epoch" log --reverse --format=%H:m --all | git -C "$epoch" cat-file --batch | python3 -c '
import sys, os
out = sys.argv[1]
src = sys.stdin.buffer
n = 0
while True:
    header = src.readline()
    if not header:
        break
    parts = header.split()
    if len(parts) == 2 and parts[1] == b"missing":   # a removal commit ("d"), no message
        continue
    size = int(parts[2])
    body = src.read(size)
    src.read(1)
    n += 1
    with open(os.path.join(out, "cur", "%07d.kbuild:2," % n), "wb") as f:
        f.write(body)
print(n)
' "$maildir" >"$work/maildir.count"
    echo "bench-mail: exported $(cat "$work/maildir.count") messages to $maildir" >&2
}

# --- the floor ------------------------------------------------------------------------------------
MEASURE_DISCARD=1 measure floor git -C "$epoch" cat-file --batch-all-objects --batch

# --- KernelLens -------------------------------------------------------------------------------------
rm -rf "$work/kl-store"
measure kernellens "$cli" --db "$work/kl-store" --json --quiet ingest mail --list linux-kbuild "$inbox"
kl_read=$(python3 -c 'import json,sys
try:
    print(json.load(open(sys.argv[1])).get("messages_read", 0))
except Exception:
    print(0)' "$work/out.kernellens")
[ "$kl_read" -gt 0 ] 2>/dev/null || kl_read=$messages
echo "bench-mail: kernellens read $kl_read messages" >&2

# Search latency on the fresh store: the acceptance queries, each run N times (process start
# included, so this is an upper bound of the query time).
search_p95=""
if [ "$search_runs" -gt 0 ]; then
    : >"$work/search.times"
    for q in 's:"tags.sh" AND f:ojeda' 'dfn:rust/Makefile' 'd:2024-01-01..2024-12-31 AND s:rust' 'nq:NAK'; do
        for _ in $(seq "$search_runs"); do
            start=$(date +%s%N)
            "$cli" --db "$work/kl-store" --json search --limit 20 "$q" >/dev/null 2>>"$work/err.search" || true
            echo $(( ($(date +%s%N) - start) / 1000 )) >>"$work/search.times"
        done
    done
    search_p95=$(sort -n "$work/search.times" | awk '{ v[NR] = $1 } END { i = int(NR * 0.95 + 0.999); if (i < 1) i = 1; printf "%.1f", v[i] / 1000 }')
fi

# Xapian alone on the same text (no parsing, SQLite or git): what the search half can cost at best.
if [ -n "$xapian_floor" ]; then
    echo "bench-mail: Xapian alone on the text of the store" >&2
    "$xapian_floor" "$work/kl-store" --threads "$(nproc)" >"$work/out.xapian-floor" 2>"$work/err.xapian-floor" ||
        echo "bench-mail: bench-search-floor failed; see $work/err.xapian-floor" >&2
fi

# --- peers ------------------------------------------------------------------------------------------
for peer in $peers; do
    case "$peer" in
        public-inbox)
            if ! ensure_pkg public-inbox-index public-inbox; then echo "bench-mail: public-inbox unavailable, skipped" >&2; continue; fi
            export PI_CONFIG=$work/pi-config
            rm -rf "$work/pi" "$PI_CONFIG"
            public-inbox-init -V2 -L full kbuild "$work/pi/kbuild" http://example.invalid/kbuild kbuild@example.invalid >/dev/null
            d=$work/pi/kbuild/git/0.git
            rm -rf "$d"
            git init -q --bare "$d"
            cp -a "$epoch"/objects/pack/* "$d/objects/pack/"
            cp "$epoch/packed-refs" "$d/packed-refs"
            measure public-inbox public-inbox-index "$work/pi/kbuild" || true
            ;;
        notmuch)
            if ! ensure_pkg notmuch notmuch; then echo "bench-mail: notmuch unavailable, skipped" >&2; continue; fi
            export_maildir "$work/maildir"
            rm -rf "$work/maildir/.notmuch"
            printf '[database]\npath=%s\n[new]\ntags=unread;\n[search]\nexclude_tags=\n' "$work/maildir" >"$work/notmuch-config"
            NOTMUCH_CONFIG=$work/notmuch-config measure notmuch notmuch new || true
            ;;
        mu)
            if ! ensure_pkg mu maildir-utils; then echo "bench-mail: mu unavailable, skipped" >&2; continue; fi
            export_maildir "$work/maildir"
            rm -rf "$work/mu"
            mu init --muhome="$work/mu" -m "$work/maildir" >/dev/null
            measure mu mu index --muhome="$work/mu" || true
            ;;
        *) echo "bench-mail: unknown peer $peer" >&2 ;;
    esac
done

# --- report -----------------------------------------------------------------------------------------
echo
echo "Mail ingest on the linux-kbuild epoch ($messages messages), measured in one run on $(hostname):"
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); wall-time ratios are only fair on an idle machine,"
echo " so CPU time (user + system) is shown too)"
printf '%-16s %10s %12s %10s %14s\n' tool "wall s" "msg/s" "cpu s" "peak RSS MiB"
for name in floor kernellens public-inbox notmuch mu; do
    [ -n "${wall[$name]:-}" ] || continue
    n=$messages
    [ "$name" = kernellens ] && n=$kl_read
    printf '%-16s %10s %12s %10s %14s\n' "$name" "${wall[$name]}" \
        "$(awk -v n="$n" -v s="${wall[$name]}" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')" "${cpu[$name]}" "${rss[$name]}"
done
echo
ratio() {  # ratio PEER TARGET: KernelLens throughput / peer throughput
    local peer=$1 target=$2
    [ -n "${wall[$peer]:-}" ] && [ -n "${wall[kernellens]:-}" ] || return 0
    awk -v kl="${wall[kernellens]}" -v p="${wall[$peer]}" -v n="$kl_read" -v m="$messages" -v t="$target" -v name="$peer" 'BEGIN {
        r = (n / kl) / (m / p)
        if (t == "") printf "throughput vs %-13s %8.1fx   (no target)\n", name, r
        else printf "throughput vs %-13s %8.1fx   (target >= %sx: %s)\n", name, r, t, (r >= t ? "met" : "NOT met") }'
    awk -v kl="${cpu[kernellens]}" -v p="${cpu[$peer]}" -v name="$peer" 'BEGIN {
        if (kl > 0) printf "  cpu time: %-13s uses %6.1fx the cpu of kernellens\n", name, p / kl }'
}
if [ -n "${wall[kernellens]:-}" ]; then
    awk -v kl="${wall[kernellens]}" -v f="${wall[floor]}" 'BEGIN {
        r = kl / f; printf "wall time vs the floor       %8.1fx   (target <= 4x: %s)\n", r, (r <= 4 ? "met" : "NOT met") }'
    awk -v kl="${cpu[kernellens]}" -v f="${cpu[floor]}" 'BEGIN { if (f > 0) printf "  cpu time: kernellens uses %6.1fx the cpu of the floor\n", kl / f }'
    ratio public-inbox 50
    ratio notmuch 3
    ratio mu ""
    awk -v r="${rss[kernellens]}" 'BEGIN { printf "peak RSS of kernellens-cli   %8d MiB (target < 512 MiB: %s)\n", r, (r < 512 ? "met" : "NOT met") }'
    [ -n "$search_p95" ] && awk -v p="$search_p95" 'BEGIN {
        printf "search p95 (with process start) %6.1f ms (target < 50 ms: %s)\n", p, (p < 50 ? "met" : "NOT met") }'
fi
if [ -s "$work/out.xapian-floor" ]; then
    echo
    echo "Xapian alone, indexing the text of the fresh store (loaded into memory first), same run:"
    cat "$work/out.xapian-floor"
    awk -v f="${wall[floor]}" '/^xapian-/ { printf "%s alone is %.1fx the floor (the target for the whole ingest is <= 4x)\n", $1, $3 / f }' "$work/out.xapian-floor"
fi
echo
echo "Logs and outputs: $work (time.*, out.*, err.*)"
