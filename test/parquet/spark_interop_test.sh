#!/usr/bin/env bash
# Runs spark_interop_test.py with the pyspark of .venv-reference/
# (scripts/setup_pyspark.sh), else python3 (which then reports SKIPPED).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=${SLUICE_REFERENCE_VENV:-$ROOT/.venv-reference}
PY=python3
[[ -x $VENV/bin/python ]] && PY=$VENV/bin/python
exec "$PY" "$ROOT/test/parquet/spark_interop_test.py" "$@"
