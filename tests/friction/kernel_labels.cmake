# The labeled kernel mail (bench/friction/kernel-labels) against the real kbuild store: every
# labeled Message-ID resolves, export.py and evaluate.py run, and the trainer's weighted kernel
# CV reproduces the figure docs/friction.md reports for the shipped setting (C 0.3, x30).
# Inputs: PYTHON, TRAIN, CLI, STORE, LABELS, DATA, LEXICON, WORK, EXPECT_CV_ROW, EXPECT_SHIPPED_F1.
file(MAKE_DIRECTORY "${WORK}")
set(_set "${WORK}/kernel-labeled.jsonl")
execute_process(COMMAND "${PYTHON}" "${LABELS}/export.py" --store "${STORE}"
                        --labels "${LABELS}/labels-more.jsonl" --census "${LABELS}/labels-dev.jsonl"
                        --census "${LABELS}/labels-train.jsonl" --census "${LABELS}/labels-test.jsonl" --out "${_set}"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "4015 labeled kernel messages")
  message(FATAL_ERROR "export.py failed (${rc}): ${err}")
endif()
execute_process(COMMAND "${TRAIN}" --data "${DATA}" --lexicon "${LEXICON}" --kernel "${_set}" --kernel-copies 30
                        --C 0.3 --eval --transfer-only
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kernellens-train-friction --kernel failed (${rc}): ${err}")
endif()
string(FIND "${out}" "${EXPECT_CV_ROW}" at)
if(at LESS 0)
  message(FATAL_ERROR "kernel CV row \"${EXPECT_CV_ROW}\" not in:\n${out}")
endif()
# The shipped model was trained on these messages: this F1 is in-sample, a check that model,
# labels, store and classifier agree, not a measure of quality.
execute_process(COMMAND "${PYTHON}" "${LABELS}/evaluate.py" --store "${STORE}" --cli "${CLI}" --bootstrap 100
                        --labels "${LABELS}/labels-more.jsonl" --census "${LABELS}/labels-dev.jsonl"
                        --census "${LABELS}/labels-train.jsonl" --census "${LABELS}/labels-test.jsonl"
                        --expect-f1 "${EXPECT_SHIPPED_F1}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "evaluate.py failed (${rc}): ${out}${err}")
endif()
message(STATUS "${out}")
