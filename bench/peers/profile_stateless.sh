#!/usr/bin/env bash
# perf profile of a stateless Nexmark query from Kafka (q0, q1) next to the
# raw consume rate of the same topic (issue 17: stateless from Kafka at
# >= 90% of kafka_consume_raw). Loads EVENTS events into a private broker's
# topic, measures kafka_consume_raw (2 threads), then per query: one run
# under measure.py (wall, CPU, RSS) and one under `perf record -g`, and
# prints the flat self-time profile's top symbols.
#
#   flock /work/bench.lock bash bench/peers/profile_stateless.sh   # EVENTS=1000000 QUERIES="q0 q1"
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
EVENTS=${EVENTS:-1000000}
QUERIES=${QUERIES:-q0 q1}
BUILD_DIR=${BUILD_DIR:-build}
OUT=${OUT:-$(mktemp -d /tmp/sluice-prof-XXXXXX)}
SLUICE=$BUILD_DIR/sluice
source bench/kafka/private_broker.sh
source bench/nexmark/job.sh
start_private_broker sluice-prof
B=$KAFKA_BOOTSTRAP
bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic nexmark 4 >/dev/null
bash bench/nexmark/load_kafka.sh --sluice "$SLUICE" --bootstrap "$B" --topic nexmark --events "$EVENTS" --partitions 1 >&2
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD_DIR/kafka_consume_raw" --bootstrap "$B" --topic nexmark --threads 2 | grep '^RESULT'
for q in $QUERIES; do
  for i in 1 2; do
    nexmark_job "bench/nexmark/queries/$q.sql" "$q" append "$OUT/ck-$q-$i" "$(nexmark_kafka_stream "$B" nexmark)" \
      "CREATE SINK out USING noop;" > "$OUT/$q-$i.sql"
  done
  python3 bench/peers/measure.py --out "$OUT/$q.measure" -- "$SLUICE" run "$OUT/$q-1.sql" --log-level warn --no-ui \
    --progress-file "$OUT/$q.progress" >/dev/null
  echo "$q: $(sed -n 's/^MEASURE //p' "$OUT/$q.measure") load $(cut -d' ' -f1 /proc/loadavg)"
  perf record -F 2999 -g -o "$OUT/$q.perf" -- "$SLUICE" run "$OUT/$q-2.sql" --log-level warn --no-ui >/dev/null 2>&1
  perf report -i "$OUT/$q.perf" --no-children -g none --sort dso,symbol --stdio 2>/dev/null | grep -v "^#" | grep "%" | head -25 || true
  perf report -i "$OUT/$q.perf" --no-children -g none --sort dso --stdio 2>/dev/null | grep -v "^#" | grep "%" | head -8 || true
done
echo "profiles in $OUT"
