#!/usr/bin/env bash
# The Python package as a user installs it: `pip install ./python` into a
# fresh virtual environment (build isolation: scikit-build-core and nanobind
# come from PyPI), then the README's example runs there, with no pyspark,
# no pandas and no JVM in that environment (pyarrow==26.0.1 is there: the
# engine's Parquet support loads its libarrow / libparquet); then `pip wheel ./python`
# makes a wheel that installs into a second fresh environment.
#
#   bash scripts/test_python_install.sh [BUILD_DIR]
#
# BUILD_DIR (default build-wheel at the repository root) keeps the wheel
# build incremental between runs; with CCACHE_NOHASHDIR=1 (scripts/test.sh
# sets it) the engine's objects are ccache hits from the main build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${1:-$ROOT/build-wheel}
export CCACHE_NOHASHDIR=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pyinstall-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "== pip install ./python into a fresh venv =="
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --disable-pip-version-check -q -Cbuild-dir="$BUILD_DIR" ./python
for absent in pyspark pandas; do
  if "$WORK/venv/bin/python" -c "import $absent" 2>/dev/null; then
    echo "FAIL: $absent is importable in the fresh venv; the test would not show that sluice runs without it" >&2
    exit 1
  fi
done
[[ "$("$WORK/venv/bin/python" -c 'import pyarrow; print(pyarrow.__version__)')" == 26.0.1 ]] \
  || { echo "FAIL: the package's dependency pyarrow==26.0.1 is not installed" >&2; exit 1; }
[[ -z "$(command -v java 2>/dev/null)" ]] || echo "(java is on this machine; nothing in the package starts it)"

echo "== the README's example =="
# Extracted from README.md (the block after 'pip install ./python'), run as written.
awk '/^<!-- python-example -->$/{f=1; next} f && /^```python$/{p=1; next} p && /^```$/{exit} p' README.md \
  > "$WORK/example.py"
[[ -s "$WORK/example.py" ]] || { echo "FAIL: no python example found in README.md" >&2; exit 1; }
(cd "$WORK" && "$WORK/venv/bin/python" example.py) > "$WORK/example.out"
cat "$WORK/example.out"
grep -q 'Batch: ' "$WORK/example.out" || { echo "FAIL: the example printed no batch" >&2; exit 1; }

echo "== pip wheel ./python, installed into a second venv =="
"$WORK/venv/bin/pip" wheel --disable-pip-version-check -q -Cbuild-dir="$BUILD_DIR" -w "$WORK/wheels" ./python
WHEEL=$(ls "$WORK"/wheels/sluice-*.whl)
grep -q 'sluice/_core' <<<"$(python3 -m zipfile -l "$WHEEL")" || { echo "FAIL: $WHEEL has no sluice/_core module" >&2; exit 1; }
python3 -m venv "$WORK/venv2"
"$WORK/venv2/bin/pip" install --disable-pip-version-check -q "$WHEEL"
"$WORK/venv2/bin/python" - <<'PY'
from sluice.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
rows = spark.sql("SELECT id, id * 2 AS twice FROM range(3)").collect()
assert [tuple(r) for r in rows] == [(0, 0), (1, 2), (2, 4)], rows
print("wheel ok:", rows)
PY
"$WORK/venv2/bin/sluice" --version
echo "python install test: OK"
