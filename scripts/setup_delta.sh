#!/usr/bin/env bash
# The independent readers of the Delta sink's tests (test/delta/), into
# project-local, git-ignored places, with the system python3. Idempotent and
# fast once done.
#  1. The `deltalake` package (delta-rs) from PyPI, pinned, with pyarrow for
#     its to_pyarrow_table(), in .venv-delta/ (delta_sink_test,
#     delta_sigkill_test, bench/delta).
#  2. Spark with Delta Lake's jars (delta_spark_test): the newest delta-spark
#     on Maven Central, io.delta:delta-spark_2.13:4.4.0, is built for Spark
#     4.2 and fails on the project's reference pyspark 4.3.0
#     (NoSuchMethodError on LogicalRDD.<init> at the first scan), so
#     pyspark==4.2.0 goes into a venv of its own, .venv-delta-spark/ (about
#     510 MB, 25 s cold), and the two jars delta-spark reads with
#     (io.delta:delta-spark_2.13 and io.delta:delta-storage, 9.6 MB) into
#     .cache/delta-spark-jars/ through mvn (5 s cold).
#  Cold: about 35 s and 860 MB in all; warm: a few milliseconds.
#
# A failed installation (no network, no python3-venv, no mvn) does not fail
# the caller (scripts/test.sh): it is said plainly here and written to
# <venv>/SETUP_FAILED, and the tests that need it report SKIPPED (exit 77)
# with that reason instead of passing.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${SLUICE_DELTA_VENV:-$PWD/.venv-delta}
PACKAGES=(deltalake==1.6.6 pyarrow==26.0.1)
SPARK_VENV=${SLUICE_DELTA_SPARK_VENV:-$PWD/.venv-delta-spark}
SPARK_PACKAGES=(pyspark==4.2.0)
JARS=${SLUICE_DELTA_JARS:-$PWD/.cache/delta-spark-jars}
DELTA_VERSION=4.4.0

# install_venv <venv> <what it is for> <packages...>: 0 when ready.
install_venv() {
  local venv=$1 what=$2; shift 2
  local want="$*"
  if [[ -x "$venv/bin/python" && -f "$venv/.installed" && "$(cat "$venv/.installed")" == "$want" ]]; then
    echo "setup_delta: $venv is up to date"
    return 0
  fi
  fail() {
    mkdir -p "$venv"
    echo "$1" > "$venv/SETUP_FAILED"
    echo "setup_delta: NOT INSTALLED: $1" >&2
    echo "setup_delta: the $what will be SKIPPED" >&2
    return 1
  }
  command -v python3 >/dev/null || { fail "python3 is not installed"; return 1; }
  if [[ ! -x "$venv/bin/pip" ]]; then
    rm -rf "$venv"
    python3 -m venv "$venv" 2>/dev/null || { fail "python3 -m venv $venv failed (install python3-venv)"; return 1; }
  fi
  echo "setup_delta: installing $want into $venv"
  if ! "$venv/bin/pip" install --disable-pip-version-check -q "$@" 2>"$venv/pip.log"; then
    fail "pip install $want failed (no network?): $(grep -v '^ *$' "$venv/pip.log" | tail -1)"
    return 1
  fi
  rm -f "$venv/SETUP_FAILED"
  echo "$want" > "$venv/.installed"
  echo "setup_delta: ready ($venv)"
}

install_venv "$VENV" "Delta read-back tests (deltalake)" "${PACKAGES[@]}" || true
install_venv "$SPARK_VENV" "Delta read-back test with Spark" "${SPARK_PACKAGES[@]}" || true

# Delta Lake's jars for that Spark (only the two that pyspark's jars lack).
if ls "$JARS"/delta-spark_2.13-$DELTA_VERSION.jar "$JARS"/delta-storage-$DELTA_VERSION.jar >/dev/null 2>&1; then
  echo "setup_delta: delta-spark $DELTA_VERSION jars present in $JARS"
elif ! command -v mvn >/dev/null; then
  echo "setup_delta: delta-spark jars NOT FETCHED: maven (mvn) is not installed (scripts/setup.sh)" >&2
else
  echo "setup_delta: fetching delta-spark $DELTA_VERSION jars into $JARS"
  rm -rf "$JARS.tmp"
  mkdir -p "$(dirname "$JARS")"
  # dependency:copy of the two artifacts only (no transitive resolution:
  # Spark, Scala and Hadoop come with pyspark): about 10 MB, 20 MB in ~/.m2.
  ok=1
  for artifact in io.delta:delta-spark_2.13:$DELTA_VERSION io.delta:delta-storage:$DELTA_VERSION; do
    mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$JARS.tmp" \
      >>"$(dirname "$JARS")/delta-spark-mvn.log" 2>&1 || ok=0
  done
  if ((ok)) && ls "$JARS.tmp"/delta-spark_2.13-*.jar "$JARS.tmp"/delta-storage-*.jar >/dev/null 2>&1; then
    rm -rf "$JARS"
    mv "$JARS.tmp" "$JARS"
    echo "setup_delta: $(ls "$JARS" | tr '\n' ' ')"
  else
    rm -rf "$JARS.tmp"
    echo "setup_delta: delta-spark jars NOT FETCHED (no network?): see $(dirname "$JARS")/delta-spark-mvn.log" >&2
  fi
fi
