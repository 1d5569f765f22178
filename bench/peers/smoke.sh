#!/usr/bin/env bash
# The short form of bench/peers/run.sh (ctest peers_harness_smoke): checks
# that the harness works, no timing checked.
#  1. four queries of queries.conf through Sluice (built-in source and Kafka
#     topic) under measure.py, one of each kind (stateless q0, chained
#     aggregations q5, window join q7, DISTINCT counts q15): each run must
#     succeed and read its events (every query's result is checked by
#     nexmark_queries_test; `bash bench/peers/run.sh` measures them all);
#  2. the agreement run of q7 (windows closed by the
#     watermark) and q17 (update mode, final table) on a few thousand events:
#     Sluice from the generator and from Kafka, Spark, and Flink when
#     .venv-flink exists (scripts/setup_flink.sh; said plainly otherwise):
#     every engine must run and agree.
# Exit 77 (ctest SKIP) with the reason when pyspark or Java is missing.
#
#   bash bench/peers/smoke.sh [BUILD_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BUILD_DIR=${1:-${BUILD_DIR:-build}}
export BUILD_DIR
command -v java >/dev/null || { echo "peers smoke: SKIPPED: java is not installed (scripts/setup.sh)"; exit 77; }
VENV=${SLUICE_REFERENCE_VENV:-$ROOT/.venv-reference}
if ! "$VENV/bin/python" -c 'import pyspark' 2>/dev/null; then
  echo "peers smoke: SKIPPED: pyspark is not installed in $VENV (scripts/setup_pyspark.sh)"
  exit 77
fi
if ! ls "${SLUICE_SPARK_JARS:-$ROOT/.cache/spark-kafka-jars}"/spark-sql-kafka-0-10_2.13-*.jar >/dev/null 2>&1; then
  echo "peers smoke: SKIPPED: Spark's Kafka connector jars are missing (scripts/setup_pyspark.sh)"
  exit 77
fi
ENGINES="sluice spark"
if "${SLUICE_FLINK_VENV:-$ROOT/.venv-flink}/bin/python" -c 'import pyflink.table' 2>/dev/null; then
  ENGINES+=" flink"
else
  echo "peers smoke: Flink NOT checked: .venv-flink does not exist (scripts/setup_flink.sh installs it)"
fi
LOG=$(mktemp "${TMPDIR:-/tmp}/peers-smoke-XXXXXX")
trap 'rm -f "$LOG"' EXIT

SMOKE_QUERIES="q0 q5 q7 q15"
echo "peers smoke: 1. $SMOKE_QUERIES through Sluice (generator and Kafka), measured"
MEASURE=1 COMPARE=0 LATENCY=0 EVENTS=4000 QUERIES="$SMOKE_QUERIES" ENGINES=sluice SETUP=0 STRICT=1 bash bench/peers/run.sh > "$LOG" 2>&1 || {
  cat "$LOG"; echo "peers smoke: FAILED: a Sluice run failed"; exit 1; }
grep -E '^q[0-9]+ +sluice' "$LOG"
bad=$(grep -E '^q[0-9]+ +sluice' "$LOG" | grep -c 'FAILED\|UNSUPPORTED' || true)
runs=$(grep -cE '^q[0-9]+ +sluice' "$LOG" || true)
queries=$(wc -w <<<"$SMOKE_QUERIES")
if [[ $bad -ne 0 || $runs -ne $((2 * queries)) ]]; then
  cat "$LOG"; echo "peers smoke: FAILED: $runs Sluice runs reported figures ($bad without), expected $((2 * queries))"; exit 1
fi

echo "peers smoke: 2. agreement of $ENGINES on q7, q17"
MEASURE=0 COMPARE=1 LATENCY=0 COMPARE_EVENTS=3000 COMPARE_RATE=50 QUERIES="q7 q17" ENGINES="$ENGINES" SETUP=0 STRICT=1 \
  bash bench/peers/run.sh > "$LOG" 2>&1 || { cat "$LOG"; echo "peers smoke: FAILED: a run failed or the engines disagree"; exit 1; }
grep -E '^\[q[0-9]+\]|^  q[0-9]+:|^note' "$LOG"
echo "peers smoke: OK"
