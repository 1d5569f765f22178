#!/usr/bin/env bash
# Runs pyarrow_interop_test.py with the pyarrow of .venv-python/
# (scripts/setup_python.sh), else python3 (which then reports SKIPPED).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${SLUICE_PYTHON:-$ROOT/.venv-python/bin/python}
[[ -x $PY ]] || PY=python3
exec "$PY" "$ROOT/test/parquet/pyarrow_interop_test.py" "$@"
