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

file(GLOB_RECURSE SLUICE_PY_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/python/sluice/*.py)
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/python/package.stamp
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${PROJECT_SOURCE_DIR}/python/sluice ${SLUICE_PY_PACKAGE_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${PROJECT_BINARY_DIR}/python/package.stamp
  DEPENDS ${SLUICE_PY_SOURCES}
  COMMENT "Copying the sluice Python package into ${PROJECT_BINARY_DIR}/python")
add_custom_target(python_package ALL DEPENDS ${PROJECT_BINARY_DIR}/python/package.stamp _core)

if(SLUICE_BUILD_TESTS)
  # The pytest suite of the package (python/tests), label "python".
  add_test(NAME python_tests
           COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${PROJECT_BINARY_DIR}/python SLUICE_BINARY=$<TARGET_FILE:sluice>
                   ${Python_EXECUTABLE} -m pytest -q -p no:cacheprovider ${PROJECT_SOURCE_DIR}/python/tests
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(python_tests PROPERTIES LABELS python TIMEOUT 900)
endif()

include(${PROJECT_SOURCE_DIR}/cmake/python_conformance.cmake)
