# Parquet (docs/parquet.md): interop tests against independent readers and
# writers, and the SIGKILL loop's parquet pipeline. The unit tests are in
# src/connectors/file/parquet_*_test.cc (connectors_file_test).
#
# pyarrow (.venv-python) writes files Sluice reads, and reads the files
# Sluice's Parquet sink writes; about a second.
add_test(NAME parquet_pyarrow_interop_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/test/parquet/pyarrow_interop_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(parquet_pyarrow_interop_test PROPERTIES LABELS "e2e;parquet" TIMEOUT 120 SKIP_RETURN_CODE 77)
# The same both ways with pyspark 4.3 (.venv-reference); SKIPPED with the
# reason without pyspark or Java. About 20 s (Spark's start).
add_test(NAME parquet_spark_interop_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/test/parquet/spark_interop_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(parquet_spark_interop_test PROPERTIES LABELS "e2e;parquet" TIMEOUT 300 SKIP_RETURN_CODE 77)
# Random SIGKILLs of a JSON -> Parquet sink job (scripts/sigkill_loop.sh
# --pipelines parquet: every input id exactly once in the files the
# manifest lists, read by pyarrow); the short form, a few seconds.
add_test(NAME parquet_sigkill_test COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/sigkill_loop.sh
         --sluice $<TARGET_FILE:sluice> --kills 6 --pipelines parquet)
set_tests_properties(parquet_sigkill_test PROPERTIES LABELS "e2e;parquet" TIMEOUT 120)
# The link order that keeps Sluice's simdjson and OpenSSL calls off
# libparquet's exported copies (cmake/arrow.cmake): the load-time bindings
# of sluice's own symbols, and a JSON -> Parquet job (the crash's setting).
add_test(NAME parquet_link_order_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/test/parquet/link_order_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(parquet_link_order_test PROPERTIES LABELS "e2e;parquet" TIMEOUT 60)
