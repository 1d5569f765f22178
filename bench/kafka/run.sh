#!/usr/bin/env bash
# The Kafka raw consume ceiling, end to end: starts a private broker
# (scripts/kafka/broker.sh), creates a topic, loads ad events with kafka_load,
# reads the whole topic RUNS times with kafka_consume_raw for each thread
# count in THREADS, prints a summary and stops the broker (also on failure).
#
#   bench/kafka/run.sh                       # 5M events, 4 partitions, 3 runs
#   EVENTS=1000000 THREADS="1 2" bench/kafka/run.sh
#
# Environment: EVENTS (5000000), PARTITIONS (4), RUNS (3), THREADS ("1 2"),
# COMPRESSION (none; or lz4, zstd), BUILD_DIR (build-kafka; the two tools
# are built there with ninja if missing), SLUICE_KAFKA_HEAP (512m).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
EVENTS=${EVENTS:-5000000}
PARTITIONS=${PARTITIONS:-4}
RUNS=${RUNS:-3}
THREADS=${THREADS:-1 2}
COMPRESSION=${COMPRESSION:-none}
BUILD_DIR=${BUILD_DIR:-build-kafka}
TOPIC=ads

if [[ ! -x $BUILD_DIR/kafka_load || ! -x $BUILD_DIR/kafka_consume_raw ]]; then
  [[ -f $BUILD_DIR/build.ninja ]] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$BUILD_DIR" kafka_load kafka_consume_raw
fi

source bench/kafka/private_broker.sh
start_private_broker sluice-kafka-bench
echo "broker: $KAFKA_BOOTSTRAP (Kafka ${SLUICE_KAFKA_VERSION:-4.1.1}, state in $BROKER_DIR)"
bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$TOPIC" "$PARTITIONS" >/dev/null
echo "topic: $TOPIC with $PARTITIONS partitions"

"$BUILD_DIR/kafka_load" --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --events "$EVENTS" \
  --compression "$COMPRESSION"

# The broker shares the machine with the consumer, so its CPU per run
# (broker_cpu_s, bench/kafka/private_broker.sh) is reported too.

declare -a SUMMARY
for t in $THREADS; do
  for r in $(seq "$RUNS"); do
    b0=$(broker_cpu_s)
    out=$("$BUILD_DIR/kafka_consume_raw" --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --threads "$t")
    b1=$(broker_cpu_s)
    echo "$out" | grep -v '^RESULT'
    SUMMARY+=("threads=$t run=$r broker_cpu_s=$(awk -v a="$b0" -v b="$b1" 'BEGIN { printf "%.2f", b - a }') $(echo "$out" | grep '^RESULT' | sed 's/^RESULT //')")
  done
done

echo
echo "== Kafka raw consume ceiling: $EVENTS events, $PARTITIONS partitions, compression $COMPRESSION =="
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(date -u +%Y-%m-%d)"
echo "events/s/core: events per CPU second of the consumer process (librdkafka threads included);"
echo "broker_cpu_s: CPU seconds the broker JVM spent meanwhile on the same machine."
printf '%-8s %-4s %9s %12s %9s %14s %8s %13s %7s\n' threads run seconds events/s MB/s events/s/core cpu_s broker_cpu_s rss_MB
for line in "${SUMMARY[@]}"; do
  get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  printf '%-8s %-4s %9s %12s %9s %14s %8s %13s %7s\n' "$(get threads)" "$(get run)" "$(get seconds)" \
    "$(get events_per_s)" "$(get mb_per_s)" "$(get events_per_core_s)" "$(get cpu_s)" \
    "$(get broker_cpu_s)" "$(get peak_rss_mb)"
done
