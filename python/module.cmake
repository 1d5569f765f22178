# The Python extension module sluice._core (nanobind), built from
# python/bindings/*.cc against the engine's module libraries, and the
# importable package beside it: <build>/python/sluice holds the package's
# Python files (copied from python/sluice at every build) and _core, so
#
#   PYTHONPATH=<build>/python python -c "import sluice"
#
# works from a build tree; `pip install ./python` (python/pyproject.toml)
# builds the same target through scikit-build-core.
find_package(Python 3.9 REQUIRED COMPONENTS Interpreter Development.Module)
if(NOT nanobind_ROOT)
  execute_process(COMMAND "${Python_EXECUTABLE}" -m nanobind --cmake_dir
                  OUTPUT_VARIABLE nanobind_ROOT OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _nb_rc)
  if(NOT _nb_rc EQUAL 0)
    message(FATAL_ERROR "SLUICE_BUILD_PYTHON: nanobind is not installed for ${Python_EXECUTABLE} "
                        "(bash scripts/setup_python.sh, then -DPython_EXECUTABLE=.venv-python/bin/python)")
  endif()
endif()
find_package(nanobind CONFIG REQUIRED)

file(GLOB SLUICE_PY_BINDINGS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/python/bindings/*.cc)
nanobind_add_module(_core NB_STATIC ${SLUICE_PY_BINDINGS})
target_link_libraries(_core PRIVATE sluice_api sluice_stream)
target_include_directories(_core PRIVATE ${PROJECT_SOURCE_DIR}/python/bindings ${PROJECT_BINARY_DIR}/include)
set(SLUICE_PY_PACKAGE_DIR ${PROJECT_BINARY_DIR}/python/sluice)
set_target_properties(_core PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${SLUICE_PY_PACKAGE_DIR})
# Installed, sluice/_core.so loads libarrow / libparquet from the pyarrow
# package beside it (pyarrow==26.0.1, a dependency of the package).
set_target_properties(_core PROPERTIES INSTALL_RPATH "$ORIGIN/../pyarrow")

file(GLOB_RECURSE SLUICE_PY_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/python/sluice/*.py)
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/python/package.stamp
  COMMAND ${CMAKE_COMMAND} -DSRC=${PROJECT_SOURCE_DIR}/python/sluice -DDST=${SLUICE_PY_PACKAGE_DIR}
          -P ${PROJECT_SOURCE_DIR}/python/sync_package.cmake
  COMMAND ${CMAKE_COMMAND} -E touch ${PROJECT_BINARY_DIR}/python/package.stamp
  DEPENDS ${SLUICE_PY_SOURCES} ${PROJECT_SOURCE_DIR}/python/sync_package.cmake
  COMMENT "Copying the sluice Python package into ${PROJECT_BINARY_DIR}/python")
add_custom_target(python_package ALL DEPENDS ${PROJECT_BINARY_DIR}/python/package.stamp _core)

if(SLUICE_BUILD_TESTS)
  # The pytest suite of the package (python/tests), label "python"; -rs
  # prints the reason of every skipped test. The tests that start a Kafka
  # broker run apart, labelled "kafka" too (ctest -LE kafka leaves them out).
  set(SLUICE_PYTEST ${CMAKE_COMMAND} -E env PYTHONPATH=${PROJECT_BINARY_DIR}/python SLUICE_BINARY=$<TARGET_FILE:sluice>
      ${Python_EXECUTABLE} -m pytest -q -rs -p no:cacheprovider ${PROJECT_SOURCE_DIR}/python/tests)
  add_test(NAME python_tests COMMAND ${SLUICE_PYTEST} -m "not kafka" WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(python_tests PROPERTIES LABELS python TIMEOUT 900)
  add_test(NAME python_kafka_tests COMMAND ${SLUICE_PYTEST} -m kafka WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(python_kafka_tests PROPERTIES LABELS "python;kafka" TIMEOUT 600)
  # `pip install ./python` and `pip wheel ./python` into fresh virtual
  # environments, as a user installs it (scripts/test_python_install.sh);
  # its engine objects are ccache hits from this build when both ran with
  # CCACHE_NOHASHDIR=1 (scripts/test.sh sets it).
  add_test(NAME python_install_test COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/test_python_install.sh
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(python_install_test PROPERTIES LABELS "python;install" TIMEOUT 1800)
endif()

include(${PROJECT_SOURCE_DIR}/cmake/python_conformance.cmake)
include(${PROJECT_SOURCE_DIR}/cmake/nexmark.cmake)
