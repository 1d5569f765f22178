# The sluice command line.
add_executable(sluice tools/sluice/main.cc tools/sluice/statement_results.cc)
target_include_directories(sluice PRIVATE ${CLI11_INCLUDE_DIR} ${PROJECT_BINARY_DIR}/include)
target_link_libraries(sluice PRIVATE sluice_api)

add_test(NAME cli_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/cli/cli_test.sh $<TARGET_FILE:sluice>)
set_tests_properties(cli_test PROPERTIES LABELS e2e TIMEOUT 60)

# docs/streaming.md's connector tables match the connector registry.
add_test(NAME connectors_doc_test COMMAND bash ${PROJECT_SOURCE_DIR}/test/cli/connectors_doc_test.sh
         $<TARGET_FILE:sluice> ${PROJECT_SOURCE_DIR}/docs/streaming.md)
set_tests_properties(connectors_doc_test PROPERTIES LABELS e2e TIMEOUT 60)
