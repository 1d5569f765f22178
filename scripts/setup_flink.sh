#!/usr/bin/env bash
# Installs Flink as a peer engine of the side-by-side benchmarks (bench/peers/,
# bench/ysb/, bench/latency/): PyFlink (apache-flink 2.2.1 from PyPI, which
# carries Flink's own jars and runs a local mini-cluster in its JVM) into a
# project-local venv, .venv-flink/ at the repository root (git-ignored;
# SLUICE_FLINK_VENV overrides it), with the system python3; and Flink's SQL
# Kafka connector matching that Flink (org.apache.flink:flink-sql-connector-kafka
# 5.0.0-2.2, one shaded jar with its own kafka-clients) from Maven Central
# through mvn into .cache/flink-jars/ (git-ignored; SLUICE_FLINK_JARS
# overrides the folder). A job loads it with
#   table_env.get_config().set("pipeline.jars", "file://<folder>/<jar>")
# (bench/peers/flink/common.py does). Idempotent and fast once done. Needs
# the network the first time, Java 17 and Maven (scripts/setup.sh installs
# both).
#
# Prints, last, the two lines a caller can eval:
#   FLINK_PYTHON=<venv>/bin/python
#   FLINK_KAFKA_JAR=<folder>/flink-sql-connector-kafka-5.0.0-2.2.jar
# A failed installation (no network, no python3-venv) does not fail the
# caller: it is said plainly here and written to <venv>/SETUP_FAILED, and the
# benchmarks then report Flink as not run with that reason.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${SLUICE_FLINK_VENV:-$PWD/.venv-flink}
VERSION=2.2.1
JARS=${SLUICE_FLINK_JARS:-$PWD/.cache/flink-jars}
KAFKA_CONNECTOR=flink-sql-connector-kafka
KAFKA_CONNECTOR_VERSION=5.0.0-2.2
JAR=$JARS/$KAFKA_CONNECTOR-$KAFKA_CONNECTOR_VERSION.jar
FAILED="$VENV/SETUP_FAILED"

say_result() {
  echo "FLINK_PYTHON=$VENV/bin/python"
  echo "FLINK_KAFKA_JAR=$JAR"
}

# The connector is one self-contained jar: no transitive dependencies needed.
fetch_kafka_jar() {
  if [[ -s $JAR ]]; then
    echo "setup_flink: Flink's Kafka connector present: $JAR"
    return 0
  fi
  if ! command -v mvn >/dev/null; then
    echo "setup_flink: Kafka connector NOT FETCHED: maven (mvn) is not installed (scripts/setup.sh)" >&2
    return 0
  fi
  echo "setup_flink: fetching org.apache.flink:$KAFKA_CONNECTOR:$KAFKA_CONNECTOR_VERSION into $JARS"
  mkdir -p "$JARS"
  if mvn -B -q dependency:copy \
      -Dartifact=org.apache.flink:$KAFKA_CONNECTOR:$KAFKA_CONNECTOR_VERSION:jar \
      -Dtransitive=false -DoutputDirectory="$JARS.tmp" >"$(dirname "$JARS")/flink-kafka-mvn.log" 2>&1 &&
     [[ -s $JARS.tmp/$(basename "$JAR") ]]; then
    mv "$JARS.tmp/$(basename "$JAR")" "$JAR"
    rm -rf "$JARS.tmp"
    echo "setup_flink: $(ls "$JARS" | tr '\n' ' ')"
  else
    rm -rf "$JARS.tmp"
    echo "setup_flink: Kafka connector NOT FETCHED (no network?): see $(dirname "$JARS")/flink-kafka-mvn.log" >&2
  fi
}

if [[ -x "$VENV/bin/python" ]] &&
   "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('apache-flink') != '$VERSION')" 2>/dev/null &&
   "$VENV/bin/python" -c "import pyflink.table" 2>/dev/null; then
  rm -f "$FAILED"
  echo "setup_flink: apache-flink $VERSION present in $VENV"
  fetch_kafka_jar
  say_result
  exit 0
fi

fail() {
  mkdir -p "$VENV"
  echo "$1" > "$FAILED"
  echo "setup_flink: NOT INSTALLED: $1" >&2
  echo "setup_flink: the Flink runs of the benchmarks will be reported as not run" >&2
  exit 0
}

command -v python3 >/dev/null || fail "python3 is not installed"
command -v java >/dev/null || fail "java is not installed (scripts/setup.sh installs Java 17)"
if [[ ! -x "$VENV/bin/pip" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" 2>"$VENV.log" ||
    fail "python3 -m venv $VENV failed (install python3-venv): $(tail -1 "$VENV.log")"
  rm -f "$VENV.log"
fi
echo "setup_flink: installing apache-flink==$VERSION into $VENV (about 700 MB with its jars and Beam, once)"
if ! "$VENV/bin/pip" install --disable-pip-version-check -q "apache-flink==$VERSION" 2>"$VENV/pip.log"; then
  fail "pip install apache-flink==$VERSION failed (no network?): $(grep -v '^ *$' "$VENV/pip.log" | tail -1)"
fi
"$VENV/bin/python" -c "import pyflink.table" 2>"$VENV/import.log" ||
  fail "apache-flink $VERSION installed but 'import pyflink.table' fails: $(tail -1 "$VENV/import.log")"
rm -f "$FAILED"
echo "setup_flink: apache-flink $VERSION installed in $VENV"
fetch_kafka_jar
say_result
