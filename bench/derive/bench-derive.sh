#!/usr/bin/env bash
# The derive stage: what it costs on the real data of the main job, and whether linking scales.
#
#   bench/derive/bench-derive.sh BUILD_DIR [SYNTHETIC_REPO]
#
# 1. Real data (../shared/data): kernel-mini, the linux-kbuild epoch and liburing with its io-uring
#    threads, ingested into a fresh store as the main job does. Prints each derivation's seconds
#    from the ingests' JSON (the first, full derive of everything), then a no-op rerun and a forced
#    rerun (links and review redone, patch-ids cached), against the ingest time of the same run.
# 2. Scale (SYNTHETIC_REPO, default /work/bench-data/synthetic-kernel.git from
#    bench/git/make-synthetic-kernel.py; skipped when absent): the 300,000-commit history with
#    patch mail made by `git format-patch` from its last N commits (N = 10,000, then 20,000).
#    Linking is timed at both sizes (a linear join takes about twice as long for twice the mail;
#    a quadratic one four times), then the 1,000 commits of refs/heads/next and their mail are
#    added and the incremental derive is timed: patch-ids reads only the new rows.
set -euo pipefail
BUILD=${1:?usage: bench-derive.sh BUILD_DIR [SYNTHETIC_REPO]}
SYN=${2:-/work/bench-data/synthetic-kernel.git}
here=$(cd "$(dirname "$0")/../.." && pwd)
data="$here/../shared/data"
CLI=$(cd "$BUILD" && pwd)/app/cli/kernellens-cli
WORK=$(mktemp -d /tmp/kl-bench-derive.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
secs() { /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }; cat "$WORK/time"; }
# The derive seconds in an ingest's or derive's JSON: `total` prints their sum, `lines` one line
# per derivation.
derive_json() {
    python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
runs = doc.get("derive", doc.get("runs", []))
if sys.argv[2] == "total":
    print("%.2f" % sum(r["seconds"] for r in runs))
else:
    for r in runs:
        state = "unchanged" if r["skipped"] else "%.2f s, %d items" % (r["seconds"], r["items"])
        print("      %-14s %s  %s" % (r["name"], state, "" if r["skipped"] else r["note"]))
PY
}

echo "== derive stage on kbuild + kernel-mini + liburing (load $(load))"
git clone -q --mirror "$data/kernel-mini.bundle" "$WORK/kernel-mini.git"
git clone -q --mirror "$data/liburing.bundle" "$WORK/liburing.git"
mkdir -p "$WORK/inbox/git"
git clone -q --mirror "$data/linux-kbuild-epoch0.bundle" "$WORK/inbox/git/0.git"
store="$WORK/store"
total_derive=0
total_ingest=0
step() {
    local label=$1; shift
    read -r wall rss < <(secs "$CLI" --db "$store" --json "$@")
    local d
    d=$(derive_json "$WORK/out" total)
    echo "  $label: ${wall} s wall (peak ${rss} KiB), of which derive ${d} s"
    derive_json "$WORK/out" lines
    total_derive=$(awk -v a="$total_derive" -v b="$d" 'BEGIN { print a + b }')
    total_ingest=$(awk -v a="$total_ingest" -v b="$wall" 'BEGIN { print a + b }')
}
step "ingest git kernel-mini" ingest git "$WORK/kernel-mini.git"
step "ingest mail linux-kbuild" ingest mail --list linux-kbuild "$WORK/inbox"
step "ingest git liburing" ingest git --tags 'liburing-*' "$WORK/liburing.git"
step "ingest mail io-uring" ingest mail --list io-uring "$data/io-uring-liburing.mbox"
echo "  whole derive stage, first run: ${total_derive} s of ${total_ingest} s for the four ingests ($(awk -v a="$total_derive" -v b="$total_ingest" 'BEGIN { printf "%.1f", 100 * a / b }') %)"
read -r wall rss < <(secs "$CLI" --db "$store" --json derive)
echo "  rerun, nothing changed: ${wall} s (peak ${rss} KiB)"
read -r wall rss < <(secs "$CLI" --db "$store" --json derive --force)
echo "  forced rerun (threads, friction, trees and patch-ids find nothing new; links and review redone): ${wall} s (peak ${rss} KiB)"
derive_json "$WORK/out" lines

if [ ! -d "$SYN" ]; then
    echo "== scale: $SYN not found; make it with bench/git/make-synthetic-kernel.py $SYN"
    exit 0
fi
echo "== scale: $SYN (load $(load))"
syn="$WORK/syn.git"
git clone -q --mirror "$SYN" "$syn"
git -C "$syn" update-ref refs/heads/master refs/heads/bench-base 2>/dev/null || true
sstore="$WORK/syn-store"
read -r wall rss < <(secs "$CLI" --db "$sstore" --json ingest git "$syn")
echo "  ingest git: ${wall} s (peak ${rss} KiB)"
# Patch mail from the newest 20,000 commits (no merges); Message-IDs from --thread. The newest
# half is ingested first, then the whole mbox (its first half is then already stored).
git -C "$syn" format-patch --stdout --thread=shallow --no-merges -20000 master >"$WORK/all.mbox"
python3 - "$WORK/all.mbox" "$WORK/half.mbox" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
starts = [m.start() for m in re.finditer(rb'(?m)^From [0-9a-f]{40} ', data)]
open(sys.argv[2], 'wb').write(data[starts[len(starts) // 2]:])
PY
n2=$(grep -c '^From [0-9a-f]\{40\} ' "$WORK/all.mbox")
n1=$(grep -c '^From [0-9a-f]\{40\} ' "$WORK/half.mbox")
read -r wall rss < <(secs "$CLI" --db "$sstore" --json ingest mail --list syn "$WORK/half.mbox")
echo "  ingest $n1 patch mails: ${wall} s (peak ${rss} KiB)"
derive_json "$WORK/out" lines
read -r half _ < <(secs "$CLI" --db "$sstore" --json derive --only links --force)
read -r wall rss < <(secs "$CLI" --db "$sstore" --json ingest mail --list syn "$WORK/all.mbox")
echo "  ingest to $n2 patch mails: ${wall} s (peak ${rss} KiB)"
derive_json "$WORK/out" lines
read -r full frss < <(secs "$CLI" --db "$sstore" --json derive --only links --force)
echo "  linking alone: ${half} s with $n1 mails, ${full} s with $n2 (peak ${frss} KiB); ratio $(awk -v a="$full" -v b="$half" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') for $(awk -v a="$n2" -v b="$n1" 'BEGIN { printf "%.2f", a / b }')x the mail"
if git -C "$syn" rev-parse -q --verify refs/heads/next >/dev/null; then
    git -C "$syn" update-ref refs/heads/master refs/heads/next
    read -r wall rss < <(secs "$CLI" --db "$sstore" --json ingest git "$syn")
    echo "  incremental: ingest git of the 1,000 new commits: ${wall} s"
    derive_json "$WORK/out" lines
    git -C "$syn" format-patch --stdout --thread=shallow --no-merges bench-base..next >"$WORK/next.mbox"
    read -r wall rss < <(secs "$CLI" --db "$sstore" --json ingest mail --list syn "$WORK/next.mbox")
    echo "  incremental: their mail: ${wall} s (peak ${rss} KiB)"
    derive_json "$WORK/out" lines
fi
