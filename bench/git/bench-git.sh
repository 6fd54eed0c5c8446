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
# Prints: git log --numstat --no-renames vs ingest (wall, CPU, peak RSS, ratio), the incremental
# rerun after 1,000 commits, and release-tree counting vs git cat-file --batch + newline counting.
set -eu

BUILD=${1:?usage: bench-git.sh BUILD_DIR [SYNTHETIC_REPO] [RELEASES_REPO]}
REPO=${2:-/work/bench-data/synthetic-kernel.git}
RELEASES=${3:-/work/bench-data/kernel-releases.git}
CLI=$BUILD/app/cli/kernellens-cli
SNAP=$BUILD/bench/git/bench-git-snapshot
WORK=$(mktemp -d /tmp/kl-bench-git.XXXXXX)
trap 'rm -rf "$WORK"; git -C "$REPO" update-ref refs/heads/master refs/heads/bench-base 2>/dev/null || true' EXIT

# "wall user sys maxrss_kb" of a command, from GNU time.
measure() {
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || {
        echo "failed: $*" >&2; cat "$WORK/err" >&2; exit 1; }
    cat "$WORK/time"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "== history: $REPO"
git -C "$REPO" update-ref refs/heads/master refs/heads/bench-base
cat "$REPO"/objects/pack/*.pack >/dev/null    # same warm page cache for both
commits=$(git -C "$REPO" rev-list --count master)
echo "commits on master: $commits (load: $(cut -d' ' -f1-3 /proc/loadavg))"

set -- $(measure git -C "$REPO" log --numstat --no-renames master)
gitA_wall=$1 gitA_cpu=$(awk -v u="$2" -v s="$3" 'BEGIN{print u+s}') gitA_rss=$4
set -- $(measure "$CLI" --quiet --db "$WORK/store" ingest git "$REPO" --branch master)
kl_wall=$1 kl_cpu=$(awk -v u="$2" -v s="$3" 'BEGIN{print u+s}') kl_rss=$4
if [ "${KL_BENCH_QUICK:-0}" = 1 ]; then   # one git run only (busy machines)
    gitB_wall=$gitA_wall gitB_cpu=$gitA_cpu
else
    set -- $(measure git -C "$REPO" log --numstat --no-renames master)
    gitB_wall=$1 gitB_cpu=$(awk -v u="$2" -v s="$3" 'BEGIN{print u+s}')
fi
git_wall=$(awk -v a="$gitA_wall" -v b="$gitB_wall" 'BEGIN{print (a+b)/2}')
git_cpu=$(awk -v a="$gitA_cpu" -v b="$gitB_cpu" 'BEGIN{print (a+b)/2}')
echo "kernellens ingest: $(cat "$WORK/out")"
echo "git log --numstat --no-renames: wall ${gitA_wall}s / ${gitB_wall}s (before/after), cpu ${gitA_cpu}s / ${gitB_cpu}s, rss ${gitA_rss} KB"
echo "kernellens-cli ingest git:      wall ${kl_wall}s, cpu ${kl_cpu}s, peak rss ${kl_rss} KB ($(awk -v k="$kl_rss" 'BEGIN{printf "%.0f", k/1024}') MiB)"
echo "ratio ingest/git log: wall $(ratio "$kl_wall" "$git_wall"), cpu $(ratio "$kl_cpu" "$git_cpu")"
[ "$kl_rss" -lt 1048576 ] && echo "peak RSS < 1 GiB: yes" || echo "peak RSS < 1 GiB: NO"

echo "== incremental rerun after $(git -C "$REPO" rev-list --count bench-base..next) new commits"
git -C "$REPO" update-ref refs/heads/master refs/heads/next
set -- $(measure "$CLI" --db "$WORK/store" ingest git "$REPO" --branch master)
echo "rerun: wall ${1}s, cpu $(awk -v u="$2" -v s="$3" 'BEGIN{print u+s}')s, rss ${4} KB: $(cat "$WORK/out")"
git -C "$REPO" update-ref refs/heads/master refs/heads/bench-base

if [ -d "$RELEASES" ]; then
    echo "== release trees: $RELEASES"
    cat "$RELEASES"/objects/pack/*.pack >/dev/null
    git -C "$RELEASES" ls-tree -r v6.12 | awk '$1 ~ /^100/ {print $3}' | sort -u >"$WORK/blobs"
    set -- $(measure sh -c "git -C '$RELEASES' cat-file --batch <'$WORK/blobs' | wc -l")
    cf_wall=$1 cf_cpu=$(awk -v u="$2" -v s="$3" 'BEGIN{print u+s}')
    echo "git cat-file --batch + wc -l over v6.12 blobs ($(wc -l <"$WORK/blobs")): wall ${cf_wall}s, cpu ${cf_cpu}s"
    set -- $(measure "$SNAP" "$RELEASES" v6.12)
    echo "kernellens v6.12 tree (cold cache): wall ${1}s, cpu $(awk -v u="$2" -v s="$3" 'BEGIN{print u+s}')s, ratio wall $(ratio "$1" "$cf_wall"), cpu $(ratio "$(awk -v u="$2" -v s="$3" 'BEGIN{print u+s}')" "$cf_cpu")"
    grep '^tree' "$WORK/out"
    set -- $(measure "$SNAP" "$RELEASES" v6.1 v6.12)
    grep '^tree' "$WORK/out" | awk '{ print } /^tree/ { s[NR] = $NF } END { printf "second snapshot costs %.2f of the first (time)\n", s[2] / s[1] }'
fi
