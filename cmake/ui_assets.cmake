# The web page of the monitor (src/monitor/ui/ and uPlot from .deps/ui/, fetched by
# scripts/setup_ui.sh) embedded into the binary: a generated ui_assets.cc implements
# sluice::monitor::FindUiAsset. Nothing is read from the file system at run time.
set(SLUICE_UI_SRC ${PROJECT_SOURCE_DIR}/src/monitor/ui)
set(SLUICE_UI_DEPS ${PROJECT_SOURCE_DIR}/.deps/ui)
if(NOT EXISTS ${SLUICE_UI_DEPS}/uplot.iife.min.js)
  execute_process(COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/setup_ui.sh RESULT_VARIABLE setup_ui_rc)
  if(NOT setup_ui_rc EQUAL 0 OR NOT EXISTS ${SLUICE_UI_DEPS}/uplot.iife.min.js)
    message(FATAL_ERROR "uPlot is missing from ${SLUICE_UI_DEPS}: run scripts/setup_ui.sh")
  endif()
endif()
set(SLUICE_UI_FILES
    /index.html=${SLUICE_UI_SRC}/index.html
    /app.js=${SLUICE_UI_SRC}/app.js
    /style.css=${SLUICE_UI_SRC}/style.css
    /uplot.iife.min.js=${SLUICE_UI_DEPS}/uplot.iife.min.js
    /uplot.min.css=${SLUICE_UI_DEPS}/uplot.min.css
    /uplot.LICENSE.txt=${SLUICE_UI_DEPS}/uplot.LICENSE)
set(ui_inputs)
foreach(entry IN LISTS SLUICE_UI_FILES)
  string(REGEX REPLACE "^[^=]*=" "" f "${entry}")
  list(APPEND ui_inputs ${f})
endforeach()
string(REPLACE ";" "|" ui_assets_arg "${SLUICE_UI_FILES}")
set(ui_assets_cc ${PROJECT_BINARY_DIR}/generated/monitor/ui_assets.cc)
add_custom_command(
  OUTPUT ${ui_assets_cc}
  COMMAND ${CMAKE_COMMAND} -DOUT=${ui_assets_cc} "-DASSETS=${ui_assets_arg}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_ui.cmake
  DEPENDS ${ui_inputs} ${PROJECT_SOURCE_DIR}/cmake/embed_ui.cmake
  COMMENT "Embedding the monitor's web page"
  VERBATIM)
add_library(sluice_ui_assets STATIC ${ui_assets_cc})
set_property(GLOBAL APPEND PROPERTY SLUICE_MODULES sluice_ui_assets)
target_include_directories(sluice_ui_assets PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
if(TARGET sluice_monitor)
  target_link_libraries(sluice_monitor PUBLIC sluice_ui_assets)
endif()

if(SLUICE_BUILD_TESTS)
  add_executable(ui_assets_test ${PROJECT_SOURCE_DIR}/test/monitor/ui_assets_test.cc)
  target_link_libraries(ui_assets_test PRIVATE sluice_ui_assets GTest::gtest GTest::gtest_main)
  gtest_discover_tests(ui_assets_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ui)
endif()

# The page in headless Chromium against a local server with 1000 recorded-shape batches
# (test/monitor/ui_browser_test.py --fixture): every chart has its points, the plan table its
# operators. SKIPPED (77) without Chromium. About 5 s.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME ui_browser_fixture_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/monitor/ui_browser_test.py --fixture
                 --screenshot ${PROJECT_BINARY_DIR}/test-artifacts/ui_fixture.png)
set_tests_properties(ui_browser_fixture_test PROPERTIES LABELS ui TIMEOUT 60 SKIP_RETURN_CODE 77)
# The same checks against `sluice run` itself (the real server, the embedded files): a windowed
# count on rate-micro-batch with the UI on a free port, 20 batches. About 9 s.
add_test(NAME ui_browser_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/monitor/ui_browser_test.py --sluice $<TARGET_FILE:sluice>
                 --batches 20 --screenshot ${PROJECT_BINARY_DIR}/test-artifacts/ui.png)
set_tests_properties(ui_browser_test PROPERTIES LABELS ui TIMEOUT 90 SKIP_RETURN_CODE 77)
# The same with a token set (SLUICE_UI_TOKEN): the page opened as /?token=T.
add_test(NAME ui_browser_token_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/monitor/ui_browser_test.py --sluice $<TARGET_FILE:sluice>
                 --batches 20 --token)
set_tests_properties(ui_browser_token_test PROPERTIES LABELS ui TIMEOUT 90 SKIP_RETURN_CODE 77)
