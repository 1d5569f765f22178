# The Delta sink's end-to-end tests: real `sluice run` processes write Delta
# tables that the `deltalake` package (scripts/setup_delta.sh, .venv-delta/)
# reads back; SKIPPED (exit 77) with the reason when it is not installed.
add_test(NAME delta_sink_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/delta/with_deltalake.sh
         ${PROJECT_SOURCE_DIR}/test/delta/delta_sink_test.py --sluice $<TARGET_FILE:sluice>)
set_tests_properties(delta_sink_test PROPERTIES LABELS e2e TIMEOUT 120 SKIP_RETURN_CODE 77)
# Random SIGKILLs of `sluice run` writing a Delta table (the short form of
# `scripts/sigkill_loop.sh --pipelines delta`): every input row once as
# deltalake reads the table, each batch id in one Delta version.
add_test(NAME delta_sigkill_test COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/sigkill_loop.sh
         --sluice $<TARGET_FILE:sluice> --kills 6 --pipelines delta)
set_tests_properties(delta_sigkill_test PROPERTIES LABELS e2e TIMEOUT 120 SKIP_RETURN_CODE 77)
# Spark (pyspark 4.2.0 + delta-spark 4.4.0's jars, scripts/setup_delta.sh)
# reads the tables Sluice wrote, and appends to one between Sluice's runs.
add_test(NAME delta_spark_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/delta/with_delta_spark.sh $<TARGET_FILE:sluice>)
set_tests_properties(delta_spark_test PROPERTIES LABELS e2e TIMEOUT 300 SKIP_RETURN_CODE 77)
