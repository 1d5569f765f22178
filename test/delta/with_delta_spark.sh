#!/usr/bin/env bash
# Runs test/delta/delta_spark_test.py with the pyspark that delta-spark's
# jars are built for (.venv-delta-spark/, .cache/delta-spark-jars/: both from
# scripts/setup_delta.sh) and Java 17, or says SKIPPED with the reason and
# exits 77 (ctest's SKIP_RETURN_CODE here) when any of them is missing.
#   usage: with_delta_spark.sh <sluice binary>
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV=${SLUICE_DELTA_SPARK_VENV:-$ROOT/.venv-delta-spark}
JARS=${SLUICE_DELTA_JARS:-$ROOT/.cache/delta-spark-jars}
PY=$VENV/bin/python
skip() { echo "SKIPPED: delta_spark_test: $1"; exit 77; }
if [[ ! -x $PY ]]; then
  [[ -f $VENV/SETUP_FAILED ]] && skip "scripts/setup_delta.sh failed: $(cat "$VENV/SETUP_FAILED")"
  skip "no $PY (run scripts/setup_delta.sh)"
fi
"$PY" -c "import pyspark" 2>/dev/null || skip "pyspark does not import with $PY (run scripts/setup_delta.sh)"
ls "$JARS"/delta-spark_2.13-*.jar >/dev/null 2>&1 || skip "no delta-spark jars in $JARS (run scripts/setup_delta.sh; see .cache/delta-spark-mvn.log)"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
[[ -x $JAVA_HOME/bin/java ]] || skip "no Java at $JAVA_HOME (scripts/setup.sh installs openjdk-17)"
exec "$PY" "$ROOT/test/delta/delta_spark_test.py" --sluice "$1" --jars "$JARS"
