# FIXTURES_SETUP kbuild_store: the kbuild epoch as a v2 inbox, ingested with the CLI.
# Inputs: CLI, BUNDLE, INBOX, STORE. Idempotent: a second run is an incremental no-op.
if(NOT EXISTS "${INBOX}/git/0.git/HEAD")
  file(MAKE_DIRECTORY "${INBOX}/git")
  execute_process(COMMAND git clone -q --mirror "${BUNDLE}" "${INBOX}/git/0.git"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(REMOVE_RECURSE "${INBOX}/git/0.git")
    message(FATAL_ERROR "git clone --mirror ${BUNDLE} failed (${rc})")
  endif()
endif()
execute_process(COMMAND "${CLI}" --db "${STORE}" --quiet ingest mail --list linux-kbuild "${INBOX}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kernellens-cli ingest mail failed (${rc})")
endif()
