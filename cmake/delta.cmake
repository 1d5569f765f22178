# The Delta sink's end-to-end tests: real `sluice run` processes write Delta
# tables that the `deltalake` package (scripts/setup_delta.sh, .venv-delta/)
# reads back; SKIPPED (exit 77) with the reason when it is not installed.
add_test(NAME delta_sink_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/delta/with_deltalake.sh
         ${PROJECT_SOURCE_DIR}/test/delta/delta_sink_test.py --sluice $<TARGET_FILE:sluice>)
set_tests_properties(delta_sink_test PROPERTIES LABELS e2e TIMEOUT 120 SKIP_RETURN_CODE 77)
