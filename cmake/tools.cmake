# The sluice command line.
add_executable(sluice tools/sluice/main.cc tools/sluice/statement_results.cc tools/sluice/checkpoint_command.cc)
target_include_directories(sluice PRIVATE ${CLI11_INCLUDE_DIR} ${PROJECT_BINARY_DIR}/include)
target_link_libraries(sluice PRIVATE sluice_api)

add_test(NAME cli_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/cli/cli_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(cli_test PROPERTIES LABELS e2e TIMEOUT 60)
add_test(NAME checkpoint_cli_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/cli/checkpoint_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(checkpoint_cli_test PROPERTIES LABELS e2e TIMEOUT 60)

# docs/streaming.md's connector tables match the connector registry.
add_test(NAME connectors_doc_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/cli/connectors_doc_test.sh
         $<TARGET_FILE:sluice> ${PROJECT_SOURCE_DIR}/docs/streaming.md)
set_tests_properties(connectors_doc_test PROPERTIES LABELS e2e TIMEOUT 60)

# The differential test against Spark (test/differential/README.md): a
# fixed seed and 300 generated queries through pyspark 4.3 and through
# sluice, compared on rows, types and error classes. SKIPPED (exit 77) when
# scripts/setup_pyspark.sh could not install pyspark; it says why. The long
# form is scripts/differential.sh (random seeds, thousands of queries).
add_test(NAME differential_short
         COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/differential.sh --sluice $<TARGET_FILE:sluice> --seed 1 --count 300
                 --max-failures-shown 40)
set_tests_properties(differential_short PROPERTIES LABELS differential TIMEOUT 900 SKIP_RETURN_CODE 77)
find_package(Python3 REQUIRED COMPONENTS Interpreter)
# The streaming differential (test/differential/README.md, "Streaming"):
# windowed, deduplicating and joining queries through pyspark and sluice
# over the same files, one per micro-batch, compared batch by batch.
add_test(NAME differential_streaming
         COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/differential.sh --streaming --short --sluice $<TARGET_FILE:sluice>)
set_tests_properties(differential_streaming PROPERTIES LABELS differential TIMEOUT 600 SKIP_RETURN_CODE 77)
add_test(NAME differential_streaming_harness_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/differential/streaming_harness_test.py $<TARGET_FILE:sluice>)
set_tests_properties(differential_streaming_harness_test PROPERTIES LABELS differential TIMEOUT 60)
# The harness's own check, without pyspark: injected differences are seen.
add_test(NAME differential_comparator_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/differential/comparator_test.py $<TARGET_FILE:sluice>)
set_tests_properties(differential_comparator_test PROPERTIES LABELS differential TIMEOUT 60)
# The monitoring server of `sluice run` (issue 16, docs/ui.md): every endpoint
# scraped, /metrics parsed by prometheus_client and checked against the
# progress file, the token, loopback binding, malformed requests, the next
# free port, --no-ui. SKIPPED (77) without prometheus_client.
add_test(NAME monitor_server_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/monitor/monitor_test.py $<TARGET_FILE:sluice>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(monitor_server_test PROPERTIES LABELS "ui;e2e" TIMEOUT 120 SKIP_RETURN_CODE 77)
# The monitoring server with a PostgreSQL sink (issue 16, docs/ui.md): the
# password in no endpoint, page, progress record or log line, also once the
# query failed (the server stopped under it). About 15 s.
add_test(NAME monitor_pg_secret_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/monitor/monitor_pg_secret_test.py
                 $<TARGET_FILE:sluice> ${PROJECT_SOURCE_DIR})
set_tests_properties(monitor_pg_secret_test PROPERTIES LABELS "postgres;ui;e2e" TIMEOUT 120 SKIP_RETURN_CODE 77)
# `sluice run`'s terminal progress line on a pty; --quiet; --progress; plain
# log lines when stderr is not a terminal (issue 16).
add_test(NAME monitor_progress_line_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/monitor/progress_line_test.py $<TARGET_FILE:sluice>)
set_tests_properties(monitor_progress_line_test PROPERTIES LABELS "ui;e2e" TIMEOUT 60)
