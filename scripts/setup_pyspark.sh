#!/usr/bin/env bash
# Installs the reference engine of the differential test (test/differential/)
# and of the Python conformance test (test/pyspark/): pyspark 4.3.0 from PyPI
# into a project-local venv, .venv-reference/ at the repository root
# (git-ignored), with the system python3; and Spark's Kafka connector for it
# (org.apache.spark:spark-sql-kafka-0-10_2.13 4.2.0 with
# spark-token-provider-kafka-0-10, kafka-clients and commons-pool2) from
# Maven Central through mvn into .cache/spark-kafka-jars/ (git-ignored;
# SLUICE_SPARK_JARS overrides the folder), which test/pyspark/harness.py
# passes to pyspark with --jars. Idempotent and fast once done. Needs the
# network the first time, Java 17 and Maven (setup.sh installs both).
#
# A failed installation (no network, no python3-venv) does not fail the
# caller (scripts/test.sh): it is said plainly here and written to
# .venv-reference/SETUP_FAILED, and the differential test then reports
# SKIPPED with that reason instead of passing.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${SLUICE_REFERENCE_VENV:-$PWD/.venv-reference}
VERSION=4.3.0
FAILED="$VENV/SETUP_FAILED"
JARS=${SLUICE_SPARK_JARS:-$PWD/.cache/spark-kafka-jars}
KAFKA_CONNECTOR_VERSION=4.2.0

# Spark's Kafka connector jars (only the four the connector needs beyond
# pyspark's own jars; test/pyspark/spark-kafka.pom.xml). A failure is said
# plainly and leaves no half-filled folder: the Kafka programs of the
# conformance test then report SKIP with the reason.
fetch_kafka_jars() {
  if ls "$JARS"/spark-sql-kafka-0-10_2.13-$KAFKA_CONNECTOR_VERSION.jar >/dev/null 2>&1; then
    echo "setup_pyspark: Spark's Kafka connector jars present in $JARS"
    return 0
  fi
  if ! command -v mvn >/dev/null; then
    echo "setup_pyspark: Kafka connector jars NOT FETCHED: maven (mvn) is not installed (scripts/setup.sh)" >&2
    return 0
  fi
  echo "setup_pyspark: fetching Spark's Kafka connector $KAFKA_CONNECTOR_VERSION into $JARS"
  rm -rf "$JARS.tmp"
  mkdir -p "$(dirname "$JARS")"
  if mvn -B -q -f test/pyspark/spark-kafka.pom.xml -Dspark.kafka.version=$KAFKA_CONNECTOR_VERSION \
      dependency:copy-dependencies -DincludeScope=runtime \
      -DincludeArtifactIds=spark-sql-kafka-0-10_2.13,spark-token-provider-kafka-0-10_2.13,kafka-clients,commons-pool2 \
      -DoutputDirectory="$JARS.tmp" >"$(dirname "$JARS")/spark-kafka-mvn.log" 2>&1 &&
     ls "$JARS.tmp"/spark-sql-kafka-0-10_2.13-*.jar >/dev/null 2>&1; then
    rm -rf "$JARS"
    mv "$JARS.tmp" "$JARS"
    echo "setup_pyspark: $(ls "$JARS" | tr '\n' ' ')"
  else
    rm -rf "$JARS.tmp"
    echo "setup_pyspark: Kafka connector jars NOT FETCHED (no network?): see $(dirname "$JARS")/spark-kafka-mvn.log" >&2
  fi
}

# pandas and pyarrow for pyspark's toPandas()/toArrow() (the conformance
# programs use them; the same versions as scripts/setup_python.sh's).
PANDAS_PACKAGES=(pandas==3.1.1 pyarrow==26.0.1)
install_pandas() {
  if "$VENV/bin/python" -c "import pandas, pyarrow, sys; sys.exit(not (pandas.__version__ == '${PANDAS_PACKAGES[0]#*==}' and pyarrow.__version__ == '${PANDAS_PACKAGES[1]#*==}'))" 2>/dev/null; then
    return 0
  fi
  echo "setup_pyspark: installing ${PANDAS_PACKAGES[*]} into $VENV"
  "$VENV/bin/pip" install --disable-pip-version-check -q "${PANDAS_PACKAGES[@]}" 2>"$VENV/pip-pandas.log" ||
    echo "setup_pyspark: pandas/pyarrow NOT INSTALLED (no network?): $(grep -v '^ *$' "$VENV/pip-pandas.log" | tail -1)" >&2
}

if [[ -x "$VENV/bin/python" ]] &&
   "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$VERSION')" 2>/dev/null; then
  rm -f "$FAILED"
  echo "setup_pyspark: pyspark $VERSION present in $VENV"
  install_pandas
  fetch_kafka_jars
  exit 0
fi

fail() {
  mkdir -p "$VENV"
  echo "$1" > "$FAILED"
  echo "setup_pyspark: NOT INSTALLED: $1" >&2
  echo "setup_pyspark: the differential test (ctest -L differential) will be SKIPPED" >&2
  exit 0
}

command -v python3 >/dev/null || fail "python3 is not installed"
if [[ ! -x "$VENV/bin/pip" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" 2>"$VENV.log" ||
    fail "python3 -m venv $VENV failed (install python3-venv): $(tail -1 "$VENV.log")"
  rm -f "$VENV.log"
fi
echo "setup_pyspark: installing pyspark==$VERSION into $VENV (about 450 MB, once)"
if ! "$VENV/bin/pip" install --disable-pip-version-check -q "pyspark==$VERSION" 2>"$VENV/pip.log"; then
  fail "pip install pyspark==$VERSION failed (no network?): $(grep -v '^ *$' "$VENV/pip.log" | tail -1)"
fi
rm -f "$FAILED"
echo "setup_pyspark: pyspark $VERSION installed in $VENV"
install_pandas
fetch_kafka_jars
