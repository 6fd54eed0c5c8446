#!/usr/bin/env bash
# Set up, build, and run every test; then rebuild with ASan+UBSan and run the unit tests again.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKERNELLENS_WERROR=ON
cmake --build build -j "$jobs"
# Would this build work on a fresh machine? Every Debian package the build used (CMake package
# files, headers, linked libraries) must be on the fresh image or installed by install-deps.sh.
bash "$here/scripts/check-build-deps.sh" build
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 900

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKERNELLENS_SANITIZE=ON \
  -DKERNELLENS_BUILD_BENCH=OFF -DKERNELLENS_WERROR=ON
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS=suppressions="$here/tests/lsan.supp" \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -L unit --timeout 900

# A short fuzz stage: each parser's libFuzzer target (clang) for a bounded time, from the
# committed seeds; a crash, leak or UB report fails CI (docs/fuzzing.md).
bash "$here/scripts/fuzz-short.sh" "$here/build-fuzz"
