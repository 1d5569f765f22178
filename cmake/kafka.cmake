# Kafka: the librdkafka-based connector module, the test broker helper, the
# tests that run against a real Apache Kafka broker (scripts/kafka/broker.sh)
# and the Kafka benchmark tools.

# src/connectors/kafka/*.cc -> sluice_connectors_kafka (plus, by the usual
# convention, *_test.cc there -> connectors_kafka_test, labelled "unit": keep
# broker-free unit tests there).
sluice_module(connectors/kafka DEPS sluice_common PkgConfig::RDKAFKA)
# Where TestKafkaBroker finds the broker script (SLUICE_KAFKA_BROKER_SCRIPT in
# the environment overrides it at run time).
target_compile_definitions(sluice_connectors_kafka PRIVATE
  SLUICE_KAFKA_BROKER_SCRIPT="${PROJECT_SOURCE_DIR}/scripts/kafka/broker.sh")

# Tests that start a real broker: src/connectors/kafka/broker_tests/*_test.cc
# -> connectors_kafka_broker_test, labelled "kafka" (ctest -L kafka, or
# -LE kafka to skip them). Each test process starts its own broker (about
# 5 s; the first run also downloads Kafka through Maven).
file(GLOB SLUICE_KAFKA_BROKER_TESTS CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/src/connectors/kafka/broker_tests/*_test.cc)
if(SLUICE_KAFKA_BROKER_TESTS)
  add_executable(connectors_kafka_broker_test ${SLUICE_KAFKA_BROKER_TESTS})
  target_link_libraries(connectors_kafka_broker_test PRIVATE
    sluice_connectors_kafka GTest::gtest GTest::gtest_main)
  gtest_discover_tests(connectors_kafka_broker_test DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "kafka;integration" TIMEOUT 300)
endif()

# Benchmark tools (plain executables that print their figures).
add_executable(kafka_load ${PROJECT_SOURCE_DIR}/bench/kafka/kafka_load.cc)
target_link_libraries(kafka_load PRIVATE PkgConfig::RDKAFKA Threads::Threads)
target_include_directories(kafka_load PRIVATE ${CLI11_INCLUDE_DIR})
add_executable(kafka_consume_raw ${PROJECT_SOURCE_DIR}/bench/kafka/kafka_consume_raw.cc)
target_link_libraries(kafka_consume_raw PRIVATE PkgConfig::RDKAFKA Threads::Threads)
target_include_directories(kafka_consume_raw PRIVATE ${CLI11_INCLUDE_DIR})
