#!/usr/bin/env bash
# Configures and builds the libFuzzer targets (clang, ASan+UBSan) in a build folder of their own
# and only what they need: no GUI, tests or benchmarks. Usage: scripts/fuzz-build.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-fuzz}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKERNELLENS_FUZZ=ON -DKERNELLENS_BUILD_GUI=OFF -DKERNELLENS_BUILD_TESTS=OFF \
  -DKERNELLENS_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)" --target kernellens-fuzzers
