#!/usr/bin/env bash
# The long form of the Python conformance test (test/pyspark/README.md):
# every example program under pyspark and under sluice, compared, with a
# verdict table at the end. The short form is ctest's python_conformance.
#
#   scripts/python_conformance.sh [--build DIR] [harness options and program globs]
#
# Builds the Python package in DIR (default build/) first. Exit status as
# test/pyspark/harness.py: 0 all agree (or are known failures), 1 a
# difference, 77 pyspark is not installed (scripts/setup_pyspark.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build
if [[ ${1:-} == --build ]]; then BUILD=$2; shift 2; fi
PY=${SLUICE_PYTHON:-$PWD/.venv-python/bin/python}
[[ -x $PY ]] || PY=python3
if [[ ! -f $BUILD/build.ninja ]]; then
  cmake -S . -B "$BUILD" -G Ninja -DSLUICE_BUILD_PYTHON=ON -DPython_EXECUTABLE="$PY" >/dev/null
fi
nice ninja -C "$BUILD" -j2 python_package >/dev/null
SLUICE_PYTHON=$PY SLUICE_PYTHONPATH=$PWD/$BUILD/python exec "$PY" test/pyspark/harness.py "$@"
