# Sourced by the fuzz scripts: the sanitizer settings of a fuzz run (a finding aborts, leaks are
# reported except inside system libraries, tests/lsan.supp) and the list of targets.
fuzz_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$fuzz_root/tests/lsan.supp}
export LC_ALL=C.UTF-8
fuzz_targets=$(sed -n '/^set(KERNELLENS_FUZZ_TARGETS/,/)/p' "$fuzz_root/fuzz/targets.cmake" |
  sed 's/set(KERNELLENS_FUZZ_TARGETS//; s/)//' | tr -s ' \n' '  ')
