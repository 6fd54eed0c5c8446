#!/bin/sh
# patch-id benchmark: `git log -p --all | git patch-id --stable` against CommitPatchIds, and
# `git patch-id --stable` against patchIdStable on the same log text, in the same run.
#
#   bench/patchid/bench-patch-id.sh BUILD_DIR [REPO]
#
# REPO defaults to a mirror clone of ../shared/data/liburing.bundle, made here in a temporary
# directory and removed after. KL_BENCH_ROUNDS (default 3) sets the rounds; the best is printed.
set -eu

BUILD=${1:?usage: bench-patch-id.sh BUILD_DIR [REPO]}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$BUILD/bench/patchid/bench_patch_id
[ -x "$BENCH" ] || { echo "build it first: cmake --build $BUILD --target bench_patch_id" >&2; exit 1; }
WORK=$(mktemp -d /tmp/kl-bench-patchid.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

if [ $# -ge 2 ]; then
    REPO=$2
else
    BUNDLE=${KL_SHARED_DATA:-$HERE/../../../shared/data}/liburing.bundle
    REPO=$WORK/liburing.git
    git clone -q --mirror "$BUNDLE" "$REPO"
fi
cat "$REPO"/objects/pack/*.pack >/dev/null 2>&1 || true    # the same warm page cache for both

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH" "$REPO" --rounds "${KL_BENCH_ROUNDS:-3}"
# git's own peak resident sets (the bench process cannot see them: see bench_patch_id.cpp).
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
/usr/bin/time -f '%M' -o "$WORK/log.rss" git -C "$REPO" log -p --all >"$WORK/log.txt"
/usr/bin/time -f '%M' -o "$WORK/pid.rss" git patch-id --stable <"$WORK/log.txt" >/dev/null
echo "peak RSS: git log -p $(( $(tail -1 "$WORK/log.rss") / 1024 )) MiB, git patch-id $(( $(tail -1 "$WORK/pid.rss") / 1024 )) MiB"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
