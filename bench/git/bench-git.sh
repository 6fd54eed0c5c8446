#!/bin/sh
# Git ingest benchmark: kernellens-cli against git on the same repository, in the same run.
#
#   bench/git/bench-git.sh BUILD_DIR [SYNTHETIC_REPO] [RELEASES_REPO]
#
# SYNTHETIC_REPO (default /work/bench-data/synthetic-kernel.git) comes from
# bench/git/make-synthetic-kernel.py: refs/heads/bench-base is the first 300,000 commits and
# refs/heads/next has 1,000 more. RELEASES_REPO (default /work/bench-data/kernel-releases.git) is
# the two-release tree from ../shared/scripts/make-kernel-releases.sh; skipped when absent.
#
# Prints, each with the load average when it was taken: git log --numstat --no-renames (run
# before and after) against the ingest (wall, CPU, peak RSS, ratios); the ingest's history phase
# (discovery + per-file stats + rows, from its JSON summary) against git log, with the peak RSS
# seen during that phase; the incremental rerun after the 1,000 extra commits; release-tree
# counting against git cat-file --batch + newline counting.
# KL_BENCH_QUICK=1 runs git log once (busy machines).
set -eu

BUILD=${1:?usage: bench-git.sh BUILD_DIR [SYNTHETIC_REPO] [RELEASES_REPO]}
REPO=${2:-/work/bench-data/synthetic-kernel.git}
RELEASES=${3:-/work/bench-data/kernel-releases.git}
CLI=$BUILD/app/cli/kernellens-cli
SNAP=$BUILD/bench/git/bench-git-snapshot
WORK=$(mktemp -d /tmp/kl-bench-git.XXXXXX)
trap 'rm -rf "$WORK"; git -C "$REPO" update-ref refs/heads/master refs/heads/bench-base 2>/dev/null || true' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
# "wall user sys maxrss_kb" of a command, from GNU time.
measure() {
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || {
        echo "failed: $*" >&2; cat "$WORK/err" >&2; exit 1; }
    cat "$WORK/time"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
cpu() { awk -v u="$1" -v s="$2" 'BEGIN { print u + s }'; }
# The ingest under GNU time, sampling its resident set twice a second with the phase it reports
# on stderr into $WORK/phases.
measure_ingest() {
    : >"$WORK/phases"
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" &
    tpid=$!
    sleep 0.2
    pid=$(pgrep -P "$tpid" | head -1 || true)
    while kill -0 "$tpid" 2>/dev/null; do
        if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
            rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
            phase=$(tr '\r' '\n' <"$WORK/err" | grep -o '^\[[a-z ]*' | tail -1 || true)
            [ -n "$rss" ] && echo "$rss $phase" >>"$WORK/phases"
        fi
        sleep 0.5
    done
    wait "$tpid" || { echo "failed: $*" >&2; cat "$WORK/err" >&2; exit 1; }
    cat "$WORK/time"
}
json_field() { sed -n "s/.*\"$1\": *\\([0-9.]*\\).*/\\1/p" "$WORK/out" | head -1; }

echo "== history: $REPO"
git -C "$REPO" update-ref refs/heads/master refs/heads/bench-base
cat "$REPO"/objects/pack/*.pack >/dev/null    # same warm page cache for both
commits=$(git -C "$REPO" rev-list --count master)
echo "commits on master: $commits; $(ls "$REPO"/objects/pack/*.pack | wc -l) pack(s), $(du -sh "$REPO"/objects/pack | cut -f1)"

loadA=$(load)
set -- $(measure git -C "$REPO" log --numstat --no-renames master)
gitA_wall=$1 gitA_cpu=$(cpu "$2" "$3") gitA_rss=$4
loadK=$(load)
set -- $(measure_ingest "$CLI" --json --db "$WORK/store" ingest git "$REPO" --branch master)
kl_wall=$1 kl_cpu=$(cpu "$2" "$3") kl_rss=$4
history_rss_kb=$(awk '/walking history|reading commits/ { if ($1 > m) m = $1 } END { print m + 0 }' "$WORK/phases")
kl_history=$(json_field history_seconds)
kl_snapshots=$(json_field snapshot_seconds)
if [ "${KL_BENCH_QUICK:-0}" = 1 ]; then
    gitB_wall=$gitA_wall gitB_cpu=$gitA_cpu loadB=$loadA
else
    loadB=$(load)
    set -- $(measure git -C "$REPO" log --numstat --no-renames master)
    gitB_wall=$1 gitB_cpu=$(cpu "$2" "$3")
fi
git_wall=$(awk -v a="$gitA_wall" -v b="$gitB_wall" 'BEGIN{print (a+b)/2}')
git_cpu=$(awk -v a="$gitA_cpu" -v b="$gitB_cpu" 'BEGIN{print (a+b)/2}')
echo "git log --numstat --no-renames: wall ${gitA_wall}s / ${gitB_wall}s (before/after), cpu ${gitA_cpu}s / ${gitB_cpu}s, peak rss ${gitA_rss} KB (load ${loadA} / ${loadB})"
echo "kernellens-cli ingest git:      wall ${kl_wall}s, cpu ${kl_cpu}s, peak rss ${kl_rss} KB ($(awk -v k="$kl_rss" 'BEGIN{printf "%.0f", k/1024}') MiB) (load ${loadK})"
echo "  history phase ${kl_history}s (peak rss in it ${history_rss_kb} KB), snapshots ${kl_snapshots}s, the rest (MAINTAINERS/coverage per release) $(awk -v w="$kl_wall" -v h="$kl_history" -v s="$kl_snapshots" 'BEGIN{printf "%.1f", w-h-s}')s"
echo "ratio ingest/git log: whole command wall $(ratio "$kl_wall" "$git_wall"), cpu $(ratio "$kl_cpu" "$git_cpu"); history phase wall $(ratio "$kl_history" "$git_wall")"
[ "$kl_rss" -lt 1048576 ] && echo "peak RSS < 1 GiB: yes" || echo "peak RSS < 1 GiB: NO (history phase: $([ "$history_rss_kb" -lt 1048576 ] && echo yes || echo no))"

echo "== incremental rerun after $(git -C "$REPO" rev-list --count bench-base..next) new commits"
git -C "$REPO" update-ref refs/heads/master refs/heads/next
loadI=$(load)
set -- $(measure "$CLI" --db "$WORK/store" ingest git "$REPO" --branch master)
echo "rerun: wall ${1}s, cpu $(cpu "$2" "$3")s, rss ${4} KB (load ${loadI}): $(cat "$WORK/out")"
git -C "$REPO" update-ref refs/heads/master refs/heads/bench-base

if [ -d "$RELEASES" ]; then
    echo "== release trees: $RELEASES"
    cat "$RELEASES"/objects/pack/*.pack >/dev/null
    git -C "$RELEASES" ls-tree -r v6.12 | awk '$1 ~ /^100/ {print $3}' | sort -u >"$WORK/blobs"
    loadC=$(load)
    set -- $(measure sh -c "git -C '$RELEASES' cat-file --batch <'$WORK/blobs' | wc -l")
    cf_wall=$1 cf_cpu=$(cpu "$2" "$3")
    echo "git cat-file --batch + wc -l over v6.12 blobs ($(wc -l <"$WORK/blobs")): wall ${cf_wall}s, cpu ${cf_cpu}s (load ${loadC})"
    loadS=$(load)
    set -- $(measure "$SNAP" "$RELEASES" v6.12)
    echo "kernellens v6.12 tree (cold cache): wall ${1}s, cpu $(cpu "$2" "$3")s, rss ${4} KB, ratio wall $(ratio "$1" "$cf_wall"), cpu $(ratio "$(cpu "$2" "$3")" "$cf_cpu") (load ${loadS})"
    grep '^tree' "$WORK/out"
    set -- $(measure "$SNAP" "$RELEASES" v6.1 v6.12)
    grep '^tree' "$WORK/out" | awk '{ print } /^tree/ { s[NR] = $NF } END { printf "second snapshot costs %.2f of the first (time)\n", s[2] / s[1] }'
fi
