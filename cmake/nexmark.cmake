# The Nexmark queries (bench/nexmark/queries/) on a small stream of the
# built-in nexmark source, each checked against a plain-Python computation
# over the events' JSON, the stateful ones again on a shuffled stream
# (test/nexmark/nexmark_queries_test.py; 30-40 s). Needs the Python package
# (SLUICE_BUILD_PYTHON).
if(SLUICE_BUILD_TESTS AND TARGET _core)
  add_test(NAME nexmark_queries_test
           COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${PROJECT_BINARY_DIR}/python
                   ${Python_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/nexmark/nexmark_queries_test.py
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(nexmark_queries_test PROPERTIES LABELS "e2e;python;nexmark" TIMEOUT 300)
endif()
# The loader's topic read back through kafka_stream.sql equals the built-in
# source's rows (a private broker on 127.0.0.1; ~30 s). Skipped, saying so,
# when the broker distribution is missing.
if(SLUICE_BUILD_TESTS)
  add_test(NAME nexmark_kafka_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/nexmark/nexmark_kafka_test.sh $<TARGET_FILE:sluice>)
  set_tests_properties(nexmark_kafka_test PROPERTIES LABELS "kafka;integration;nexmark" TIMEOUT 180 SKIP_RETURN_CODE 77)
endif()
