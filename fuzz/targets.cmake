# The fuzz targets, fuzz/fuzz_<name>.cpp: read by fuzz/ (libFuzzer build) and tests/fuzz (replay).
set(KERNELLENS_FUZZ_TARGETS
  mail_parse mbox subject trailers diff quoting maintainers search_query pack_reader)
