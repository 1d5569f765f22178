#!/usr/bin/env bash
# The Python package's build and test tools, from PyPI, into a project-local
# venv, .venv-python/ at the repository root (git-ignored), with the system
# python3: nanobind and scikit-build-core (to build sluice), pytest, and the
# libraries the package exchanges data with through the Arrow C Data
# Interface (pyarrow, pandas, polars, duckdb), prometheus_client (the monitor
# test parses /metrics with it). Idempotent and fast once done.
#
# scripts/test.sh builds the extension module in its CMake build against this
# venv's interpreter (-DSLUICE_BUILD_PYTHON=ON) and runs python/tests with it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${SLUICE_PYTHON_VENV:-$PWD/.venv-python}
# Pinned so that a build on a fresh machine is the build tested here.
PACKAGES=(nanobind==3.1.0 scikit-build-core==1.1.2 pytest==9.2.0 pyarrow==26.0.1 pandas==3.1.1
          numpy==2.4.6 polars==2.1.0 duckdb==2.0.0
          prometheus_client==0.26.0)  # its text parser checks /metrics (test/monitor/, issue 16)
STAMP="$VENV/.installed"
WANT="${PACKAGES[*]}"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  echo "setup_python: $VENV is up to date"
  exit 0
fi
if [[ ! -x "$VENV/bin/pip" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
fi
echo "setup_python: installing ${PACKAGES[*]} into $VENV"
"$VENV/bin/pip" install --disable-pip-version-check -q "${PACKAGES[@]}"
echo "$WANT" > "$STAMP"
echo "setup_python: ready ($VENV)"
