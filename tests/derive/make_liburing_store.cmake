# FIXTURES_SETUP liburing_store: liburing (git, tags liburing-*) and its io-uring threads (mbox),
# ingested with the CLI, which runs the derive stage after each ingest.
# Inputs: CLI, BUNDLE, MBOX, REPO, STORE. Idempotent: a second run is an incremental no-op.
if(NOT EXISTS "${REPO}/HEAD")
  execute_process(COMMAND git clone -q --mirror "${BUNDLE}" "${REPO}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(REMOVE_RECURSE "${REPO}")
    message(FATAL_ERROR "git clone --mirror ${BUNDLE} failed (${rc})")
  endif()
endif()
execute_process(COMMAND "${CLI}" --db "${STORE}" --quiet ingest git --tags "liburing-*" "${REPO}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kernellens-cli ingest git failed (${rc})")
endif()
execute_process(COMMAND "${CLI}" --db "${STORE}" --quiet ingest mail --list io-uring "${MBOX}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kernellens-cli ingest mail failed (${rc})")
endif()
