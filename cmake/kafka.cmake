# Kafka: the librdkafka-based connector module, the test broker helper, the
# tests that run against a real Apache Kafka broker (scripts/kafka/broker.sh)
# and the Kafka benchmark tools.

# src/connectors/kafka/*.cc -> sluice_connectors_kafka is declared in
# cmake/modules.cmake with the other connectors (its *_test.cc files ->
# connectors_kafka_test, labelled "unit": keep broker-free unit tests there).
# Where TestKafkaBroker finds the broker script (SLUICE_KAFKA_BROKER_SCRIPT in
# the environment overrides it at run time).
target_compile_definitions(sluice_connectors_kafka PRIVATE
  SLUICE_KAFKA_BROKER_SCRIPT="${PROJECT_SOURCE_DIR}/scripts/kafka/broker.sh")

# Tests that start a real broker: test/kafka/*_test.cc
# -> connectors_kafka_broker_test, labelled "kafka" (ctest -L kafka, or
# -LE kafka to skip them). Each test process starts its own broker (about
# 5 s; the first run also downloads Kafka through Maven).
file(GLOB SLUICE_KAFKA_BROKER_TESTS CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/test/kafka/*_test.cc)
if(SLUICE_KAFKA_BROKER_TESTS AND SLUICE_BUILD_TESTS)
  add_executable(connectors_kafka_broker_test ${SLUICE_KAFKA_BROKER_TESTS})
  target_include_directories(connectors_kafka_broker_test PRIVATE ${PROJECT_SOURCE_DIR}/test/kafka)
  target_link_libraries(connectors_kafka_broker_test PRIVATE
    sluice_stream sluice_connectors_kafka GTest::gtest GTest::gtest_main)
  # The crash test runs `sluice run` as a child process.
  add_dependencies(connectors_kafka_broker_test sluice)
  target_compile_definitions(connectors_kafka_broker_test PRIVATE SLUICE_BINARY="$<TARGET_FILE:sluice>")
  # One ctest entry per test binary (not per test case): each binary starts
  # one broker for all its suites (SetUpTestSuite), which keeps the whole
  # kafka label to a few minutes on 2 cores.
  add_test(NAME connectors_kafka_broker_test COMMAND connectors_kafka_broker_test)
  set_tests_properties(connectors_kafka_broker_test PROPERTIES LABELS "kafka;integration" TIMEOUT 600)
endif()

# Benchmark tools (plain executables that print their figures).
add_executable(kafka_load ${PROJECT_SOURCE_DIR}/bench/kafka/kafka_load.cc)
target_link_libraries(kafka_load PRIVATE RdKafka::rdkafka Threads::Threads)
target_include_directories(kafka_load PRIVATE ${CLI11_INCLUDE_DIR})
add_executable(kafka_consume_raw ${PROJECT_SOURCE_DIR}/bench/kafka/kafka_consume_raw.cc)
target_link_libraries(kafka_consume_raw PRIVATE RdKafka::rdkafka Threads::Threads)
target_include_directories(kafka_consume_raw PRIVATE ${CLI11_INCLUDE_DIR})
# The event-to-sink latency harness (issue 14): a fixed-rate producer and a
# read_committed reader (bench/latency/run.sh, sweep.sh).
add_executable(kafka_latency ${PROJECT_SOURCE_DIR}/bench/latency/kafka_latency.cc)
target_link_libraries(kafka_latency PRIVATE RdKafka::rdkafka Threads::Threads)
target_include_directories(kafka_latency PRIVATE ${CLI11_INCLUDE_DIR})
# The harness works (no timing checked): a few seconds at 1,000 events/s
# through Sluice with exactly-once off and on; fails unless every view the
# producer made is read back exactly once and the job read every record;
# then the windowed query (exactly-once): every closed window once, with the
# count the reader works out from the input.
add_test(NAME latency_harness_smoke
         COMMAND env SMOKE=1 RATE=1000 SECONDS=3 WARMUP=1 ENGINES=sluice EXACTLY_ONCE=both QUERY=stateless,windowed
                 SLUICE_BIN=$<TARGET_FILE:sluice> LATENCY_BIN=$<TARGET_FILE:kafka_latency>
                 bash ${PROJECT_SOURCE_DIR}/bench/latency/run.sh)
set_tests_properties(latency_harness_smoke PROPERTIES LABELS "kafka;bench" TIMEOUT 180)
# The Nexmark side-by-side harness works (bench/peers/smoke.sh; no timing
# checked): every query through Sluice measured, and q7 (windows) and q17
# (update mode) agree between Sluice, Spark and (when .venv-flink exists)
# Flink on 3,000 events. SKIPPED without pyspark or Java. About 1-2 minutes
# on an idle machine (each peer run starts a JVM: ~20 s).
add_test(NAME peers_harness_smoke COMMAND bash ${PROJECT_SOURCE_DIR}/bench/peers/smoke.sh ${CMAKE_BINARY_DIR})
set_tests_properties(peers_harness_smoke PROPERTIES LABELS "kafka;bench" TIMEOUT 900 SKIP_RETURN_CODE 77)
# Fills and reads topics with plain librdkafka for the shell tests
# (scripts/sigkill_loop.sh checks the engine's output with it).
add_executable(kafka_topic_tool ${PROJECT_SOURCE_DIR}/test/kafka/kafka_topic_tool.cc)
target_link_libraries(kafka_topic_tool PRIVATE RdKafka::rdkafka Threads::Threads)
target_include_directories(kafka_topic_tool PRIVATE ${CLI11_INCLUDE_DIR})
# The Kafka half of the random SIGKILL loop, short: Kafka -> Kafka
# exactlyOnce, Kafka -> aggregation -> Kafka exactlyOnce and the trickle
# (many tiny batches, default trigger) Kafka -> Kafka exactlyOnce, with and
# without pipelined commits, 2 kills each, against a private broker (about
# a minute).
add_test(NAME kafka_sigkill_test COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/sigkill_loop.sh
         --sluice $<TARGET_FILE:sluice> --kafka-tool $<TARGET_FILE:kafka_topic_tool> --kills 2
         --pipelines kafka,kafka-agg,kafka-trickle,kafka-pipelined)
set_tests_properties(kafka_sigkill_test PROPERTIES LABELS "kafka;integration" TIMEOUT 300)
# The monitoring server against a real broker (issue 16, docs/ui.md): Kafka
# lag per partition checked against the broker's end offsets, the watermark
# lag, no secret in any endpoint or error text (about 25 s).
add_test(NAME monitor_kafka_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/monitor/monitor_kafka_test.py
                 $<TARGET_FILE:sluice> $<TARGET_FILE:kafka_topic_tool> ${PROJECT_SOURCE_DIR})
set_tests_properties(monitor_kafka_test PROPERTIES LABELS "kafka;ui;e2e" TIMEOUT 180 SKIP_RETURN_CODE 77)
# The Yahoo Streaming Benchmark's reader (bench/ysb/run.sh): expected counts
# from the input topic, the engine's output checked, window latency.
add_executable(ysb_check ${PROJECT_SOURCE_DIR}/bench/ysb/ysb_check.cc)
target_link_libraries(ysb_check PRIVATE RdKafka::rdkafka Threads::Threads)
target_include_directories(ysb_check PRIVATE ${CLI11_INCLUDE_DIR})
# YSB (bench/ysb/run.sh), short: 20,000 events through Sluice, whose final
# count of every (campaign, window) must equal the count ysb_check works out
# of the input topic; then 12 s at 2,000 events/s (the latency path, the
# same check). About 25 s. No timing is checked.
add_test(NAME ysb_smoke
         COMMAND env SMOKE=1 INSTALL=0 EVENTS=20000 RATE=2000 SECONDS=12 WARMUP_MS=0 ENGINES=sluice
                 SLUICE_BIN=$<TARGET_FILE:sluice> LOAD_BIN=$<TARGET_FILE:kafka_load> CHECK_BIN=$<TARGET_FILE:ysb_check>
                 bash ${PROJECT_SOURCE_DIR}/bench/ysb/run.sh)
set_tests_properties(ysb_smoke PROPERTIES LABELS "kafka;bench" TIMEOUT 180 SKIP_RETURN_CODE 77)
# The same query in Spark and Flink is checked the same way by the script,
# not here (about 2 min on 2 cores with both peers):
#   SMOKE=1 EVENTS=5000 LATENCY=0 ENGINES=spark,flink bash bench/ysb/run.sh
