# The conformance test of the Python package against PySpark
# (test/pyspark/README.md): the example programs run under pyspark (local
# mode, from .venv-reference, made by scripts/setup_pyspark.sh) and under
# sluice (this build's package, the programs' import lines rewritten), and
# their outputs are compared. The short form runs a subset (harness.py
# --short, a few minutes); scripts/python_conformance.sh runs them all.
# Without pyspark the test reports SKIPPED (exit 77) and says why.
if(SLUICE_BUILD_TESTS)
  add_test(NAME python_conformance
           COMMAND ${CMAKE_COMMAND} -E env SLUICE_PYTHONPATH=${PROJECT_BINARY_DIR}/python
                   SLUICE_PYTHON=${Python_EXECUTABLE}
                   ${Python_EXECUTABLE} ${PROJECT_SOURCE_DIR}/test/pyspark/harness.py --short
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(python_conformance PROPERTIES LABELS python TIMEOUT 900 SKIP_RETURN_CODE 77
                       DEPENDS python_tests)
  # The harness's own tests (import rewriting, the comparison), no pyspark needed.
  add_test(NAME python_conformance_harness_test
           COMMAND ${Python_EXECUTABLE} -m pytest -q -p no:cacheprovider ${PROJECT_SOURCE_DIR}/test/pyspark/harness_test.py
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(python_conformance_harness_test PROPERTIES LABELS python TIMEOUT 120)
endif()
