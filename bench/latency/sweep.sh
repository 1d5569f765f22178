#!/usr/bin/env bash
# The latency/throughput curve of issue 14 (item 3): bench/latency/run.sh for
# Sluice at each rate of RATES, on one private broker, then a CSV and an SVG
# plot (bench/latency/plot_curve.py: sink latency p50/p99 and the achieved
# throughput against the input rate, log scale).
#
#   bash bench/latency/sweep.sh
#   RATES="1000 10000 100000" SECONDS=10 EXACTLY_ONCE=false bash bench/latency/sweep.sh
#
# Environment: RATES ("1000 2000 5000 10000 20000 50000 100000 200000 300000
# 400000"), SECONDS (10 per rate), WARMUP (3), PARTITIONS (4), EXACTLY_ONCE
# (both), BUILD_DIR (build), SLUICE_BIN, LATENCY_BIN, OUT_CSV
# (docs/img/latency_curve.csv), OUT_SVG (docs/img/latency_curve.svg),
# TITLE (the plot's subtitle; default: the machine, date and load),
# BROKER_GC (zgc | g1), BROKER_HEAP, BROKER_JAVA and BROKER_WARMUP (150 s,
# before the first rate) as in run.sh.
# A rate the producer cannot reach shows as achieved < asked; a rate the job
# cannot keep up with shows as growing latency (the reader waits up to
# IDLE_TIMEOUT s after the last record).
RUN_SECONDS=$SECONDS
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
[[ $RUN_SECONDS -gt 0 ]] || RUN_SECONDS=10
RATES=${RATES:-1000 2000 5000 10000 20000 50000 100000 200000 300000 400000}
BUILD_DIR=${BUILD_DIR:-build}
OUT_CSV=${OUT_CSV:-docs/img/latency_curve.csv}
OUT_SVG=${OUT_SVG:-docs/img/latency_curve.svg}
export BUILD_DIR PARTITIONS=${PARTITIONS:-4} EXACTLY_ONCE=${EXACTLY_ONCE:-both} WARMUP=${WARMUP:-3}
export SLUICE_BIN=${SLUICE_BIN:-$BUILD_DIR/sluice} LATENCY_BIN=${LATENCY_BIN:-$BUILD_DIR/kafka_latency}

if [[ ! -x $SLUICE_BIN || ! -x $LATENCY_BIN ]]; then
  [[ -f $BUILD_DIR/build.ninja ]] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  nice ninja -C "$BUILD_DIR" sluice kafka_latency
fi

STATE=$(mktemp -d "${TMPDIR:-/tmp}/sluice-latency-sweep-XXXXXX")
cleanup() {
  bash scripts/kafka/broker.sh --dir "$STATE/broker" stop >/dev/null 2>&1 || true
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
source bench/kafka/private_broker.sh
latency_broker_env || exit 2
eval "$(env "${BROKER_ENV[@]}" bash scripts/kafka/broker.sh --dir "$STATE/broker" start --owner-pid $$ |
  grep '^KAFKA_BOOTSTRAP=')"
export KAFKA_BOOTSTRAP KAFKA_BROKER_DIR=$STATE/broker

LOADS=()
WARM=${BROKER_WARMUP:-150}  # the first rate's run.sh warms the broker up
for rate in $RATES; do
  echo "== $rate events/s ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
  LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
  RATE=$rate SECONDS=$RUN_SECONDS ENGINES=sluice RESULTS_FILE=$STATE/rows BROKER_WARMUP=$WARM \
    bash bench/latency/run.sh 2>&1 | grep -E '^\[|^ROW|run.sh' | grep -v '^ROW' || true
  WARM=0
done

mkdir -p "$(dirname "$OUT_CSV")" "$(dirname "$OUT_SVG")"
COLS="engine exactly_once rate achieved_rate max_behind_ms produced expected unique missing duplicates sink_p50_ms sink_p90_ms sink_p99_ms sink_p999_ms sink_max_ms visible_p50_ms visible_p99_ms batch_p50_ms batch_p99_ms batches rows_per_batch job_eps capacity_eps load1"
echo "$COLS" | tr ' ' ',' > "$OUT_CSV"
while read -r line; do
  out=()
  for c in $COLS; do
    out+=("$(tr ' ' '\n' <<< "$line" | sed -n "s/^$c=//p" | head -1)")
  done
  (IFS=,; echo "${out[*]}") >> "$OUT_CSV"
done < <(sed 's/^ROW //' "$STATE/rows")
TITLE=${TITLE:-"$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(date -u +%Y-%m-%d), ${RUN_SECONDS} s per rate, load average $(printf '%s\n' "${LOADS[@]}" | sort -n | sed -n '1p;$p' | paste -sd-) during the sweep"}
python3 bench/latency/plot_curve.py "$OUT_CSV" "$OUT_SVG" --subtitle "$TITLE"
echo
column -s, -t < "$OUT_CSV" | cut -c1-250
echo "wrote $OUT_CSV and $OUT_SVG"
