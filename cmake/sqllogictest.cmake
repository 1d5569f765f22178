# SQL logic tests: the file-format library, its unit test, the
# `sqllogictest` runner and one ctest test per test/sql/**/*.test file.

set(SLT_DIR ${PROJECT_SOURCE_DIR}/tools/sqllogictest)

# The file-format parser has no dependency on the engine, so it (and its
# test) build even before the Session implementation exists.
add_library(sluice_slt_format STATIC ${SLT_DIR}/test_file.cc)
target_include_directories(sluice_slt_format PUBLIC ${SLT_DIR})

add_executable(sqllogictest_format_test ${SLT_DIR}/test_file_test.cc)
target_link_libraries(sqllogictest_format_test PRIVATE sluice_slt_format GTest::gtest GTest::gtest_main)
target_compile_definitions(sqllogictest_format_test PRIVATE SLUICE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
gtest_discover_tests(sqllogictest_format_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)

# The runner links the engine; it is only defined once Session is implemented.
if(EXISTS ${PROJECT_SOURCE_DIR}/src/api/session.cc)
  add_executable(sqllogictest ${SLT_DIR}/main.cc)
  target_link_libraries(sqllogictest PRIVATE sluice_slt_format sluice_api sluice_stream)  # stream: the `stream` records

  file(GLOB_RECURSE SLT_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/test/sql/*.test)
  list(SORT SLT_FILES)
  foreach(f ${SLT_FILES})
    file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR}/test ${f})   # sql/<feature>/<name>.test
    string(REGEX REPLACE "\\.test$" "" name ${rel})
    add_test(NAME ${name}
             COMMAND sqllogictest ${f} --root ${PROJECT_SOURCE_DIR}
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(${name} PROPERTIES LABELS sql TIMEOUT 300)
    # A file that starts streaming queries runs a second time with the
    # RocksDB state store provider: both providers pass the same files.
    file(READ ${f} slt_text)
    string(REGEX MATCH "(^|\n)stream start " slt_streams "${slt_text}")
    if(slt_streams)
      add_test(NAME ${name}_rocksdb
               COMMAND sqllogictest ${f} --root ${PROJECT_SOURCE_DIR}
                       --conf spark.sql.streaming.stateStore.providerClass=rocksdb
               WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
      set_tests_properties(${name}_rocksdb PROPERTIES LABELS "sql;rocksdb" TIMEOUT 300)
    endif()
  endforeach()
endif()
