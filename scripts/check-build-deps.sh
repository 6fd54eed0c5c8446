#!/usr/bin/env bash
# Fails when a build used a Debian package that a fresh Debian 12 machine would lack: neither on
# the fresh image nor installed by scripts/install-deps.sh (with its hard dependencies). A package
# installed by hand on a developer's or CI's machine hides exactly that failure, so run-tests.sh
# (CI) and main-job.sh run this right after their builds.
# Usage: check-build-deps.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: check-build-deps.sh BUILD_DIR}
check="$here/../shared/scripts/check-fresh-machine.sh"
if [ ! -f "$check" ]; then
  echo "check-build-deps.sh: $check not found; ../shared must sit beside the checkout" >&2
  exit 2
fi
cd "$here"
bash "$check" "$build" scripts/install-deps.sh
