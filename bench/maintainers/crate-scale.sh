#!/bin/sh
# The crate binding model at the size of a full kernel's headers, which the FreeBSD fixture
# (37 headers) cannot show: a C tree with the 2,676 real headers of Linux v6.12's include/linux
# (kernel-mini.bundle) laid out FreeBSD-style as sys/sys/*.h, with their `#include <linux/…>`
# lines rewritten to `<sys/…>` so the transitive include walk runs over the whole set, and a
# crate whose bindings.h includes every one of them and whose lib.rs names 3,000 identifiers
# as bindings::NAME. Linux headers are macro-heavier than FreeBSD's, so this is a harder input
# for the declaration scanner than sys/ would be; it measures time, memory and robustness, not
# FreeBSD's figures.
# Floor, measured in the same run: `cat` of the same headers (reading them once).
# Usage: crate-scale.sh BUILD_DIR WORK_DIR
set -eu
build=$(cd "$1" && pwd) work=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
bundle=$here/../shared/data/kernel-mini.bundle
rm -rf "$work"; mkdir -p "$work"
git clone -q "$bundle" "$work/linux"
git -C "$work/linux" checkout -q v6.12
mkdir -p "$work/tree/sys/sys"
(cd "$work/linux/include/linux" && find . -name '*.h' | while read -r h; do
    mkdir -p "$work/tree/sys/sys/$(dirname "$h")"
    sed 's|#include <linux/|#include <sys/|' "$h" > "$work/tree/sys/sys/$h"
done)
headers=$(cd "$work/tree/sys/sys" && find . -name '*.h' | sed 's|^\./||' | sort)
mkdir -p "$work/crate/kpi/src"
for h in $headers; do echo "#include <sys/$h>"; done > "$work/crate/bindings.h"
# 3,000 identifiers that appear before a '(' in the headers: functions, macros and noise alike.
grep -ohE '\b[a-z_][a-z0-9_]{3,}\(' -r "$work/tree/sys/sys" | tr -d '(' | sort -u | head -3000 |
    awk 'BEGIN { print "pub fn f() {" } { print "    bindings::" $1 "();" } END { print "}" }' > "$work/crate/kpi/src/lib.rs"
for repo in tree crate; do
    git -C "$work/$repo" init -q -b main
    git -C "$work/$repo" add -A
    git -C "$work/$repo" -c user.name=bench -c user.email=bench@example.org commit -qm "$repo"
done
n=$(echo "$headers" | wc -l)
bytes=$(find "$work/tree/sys/sys" -name "*.h" -exec cat {} + | wc -c)
floor_start=$(date +%s%N)
find "$work/tree/sys/sys" -name '*.h' -exec cat {} + > /dev/null
floor_ms=$((($(date +%s%N) - floor_start) / 1000000))
/usr/bin/time -f '%e %M' -o "$work/time" "$build/app/cli/kernellens-cli" --db "$work/store" ingest git "$work/crate" \
    --binding-model crate --binding-tree "$work/tree" > "$work/log" 2>&1 || { cat "$work/log"; exit 1; }
read -r secs rss < "$work/time"
q() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
        "$work/store/kernellens.sqlite" "$1"; }
echo "headers in the tree: $n ($bytes bytes)"
echo "bound headers: $(q "SELECT count(*) FROM crate_items WHERE kind = 'bound-header'")," \
     "declared functions: $(q "SELECT count(DISTINCT name) FROM crate_items WHERE kind = 'declared-function'")," \
     "referenced: $(q "SELECT count(*) FROM crate_items WHERE kind = 'referenced-function'")," \
     "unresolved: $(q "SELECT count(*) FROM crate_items WHERE kind = 'unresolved-reference'")"
crate_ms=$(q "SELECT elapsed_ms FROM crate_runs")
echo "crate analysis (crate_runs.elapsed_ms): $crate_ms ms"
echo "whole ingest + derive: ${secs} s, peak RSS $((rss / 1024)) MiB"
echo "floor (cat of the headers, cold or warm as the run found them): $floor_ms ms; ratio $(awk -v a="$crate_ms" -v b="$floor_ms" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')x"
