#!/usr/bin/env bash
# End-to-end Kafka pipeline against the raw consume ceiling, same topic, same
# run: starts a private broker, loads EVENTS Yahoo ad events (kafka_load),
# then RUNS times each: kafka_consume_raw (2 threads: the ceiling) and
# `sluice run` of an available-now job
#   Kafka -> from_json(CAST(value AS STRING), <ad schema>) -> filter
#   (event_type = 'view') -> project (ad_id, event_time) -> noop sink
# Prints events/s, events/s per core (user+sys CPU of each process) and
# the ratio of the pipeline to the raw rate. The broker is always stopped.
#
#   bench/kafka/e2e.sh                       # EVENTS=2000000 PARTITIONS=4 RUNS=2
#
# SLUICE_BINS="/tmp/sluice-a /tmp/sluice-b" runs the jobs with each of these
# binaries in turn (same broker, same topic, same runs), to compare builds;
# the pipeline names then carry the binary's file name (from_json@sluice-a).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
EVENTS=${EVENTS:-2000000}
PARTITIONS=${PARTITIONS:-4}
RUNS=${RUNS:-2}
BUILD_DIR=${BUILD_DIR:-build-kafka}
TOPIC=ads

if [[ ! -x $BUILD_DIR/kafka_load || ! -x $BUILD_DIR/kafka_consume_raw || ! -x $BUILD_DIR/sluice ]]; then
  [[ -f $BUILD_DIR/build.ninja ]] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$BUILD_DIR" kafka_load kafka_consume_raw sluice
fi

source bench/kafka/private_broker.sh
start_private_broker sluice-kafka-e2e
bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$TOPIC" "$PARTITIONS" >/dev/null
"$BUILD_DIR/kafka_load" --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --events "$EVENTS"

SCHEMA='user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, event_time STRING, ip_address STRING'
SLUICE_BINS=${SLUICE_BINS:-$BUILD_DIR/sluice}
read -r -a BINS <<< "$SLUICE_BINS"
declare -a ROWS
for r in $(seq "$RUNS"); do
  raw=$("$BUILD_DIR/kafka_consume_raw" --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --threads 2 | grep '^RESULT')
  raw_eps=$(echo "$raw" | tr ' ' '\n' | sed -n 's/^events_per_s=//p')
  raw_core=$(echo "$raw" | tr ' ' '\n' | sed -n 's/^events_per_core_s=//p')
  ck=$STATE/ck$r
  cat > "$STATE/job$r.sql" <<SQL
CREATE STREAM ads USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', subscribe '$TOPIC',
  startingOffsets 'earliest');
CREATE SINK out USING noop;
START STREAMING QUERY e2e INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$ck'
  AS SELECT data.ad_id, data.event_time
     FROM (SELECT from_json(CAST(value AS STRING), '$SCHEMA') AS data FROM ads)
     WHERE data.event_type = 'view';
SQL
  # The same job with the JSON prefilter off: every record parsed, as for a
  # filter the prefilter cannot use (docs/kafka.md).
  sed "s/startingOffsets 'earliest'/startingOffsets 'earliest', jsonPrefilter 'false'/; s/QUERY e2e/QUERY e2e_full/; s|'$ck'|'$ck-full'|" \
    "$STATE/job$r.sql" > "$STATE/full$r.sql"
  # The same source without JSON parsing: what the Kafka scan itself costs.
  cat > "$STATE/src$r.sql" <<SQL
CREATE STREAM ads USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', subscribe '$TOPIC',
  startingOffsets 'earliest');
CREATE SINK out USING noop;
START STREAMING QUERY scan INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '${ck}-src'
  AS SELECT \`offset\` FROM ads WHERE length(value) > 100;
SQL
  for b in "${!BINS[@]}"; do
  bin=${BINS[$b]}
  for job in job full src; do
    # A fresh checkpoint per binary: each run reads the whole topic.
    rm -rf "$ck" "$ck-full" "$ck-src"
    /usr/bin/time -f "TIME %e %U %S %M" -o "$STATE/time$r" "$bin" run "$STATE/$job$r.sql" \
      --progress-file "$STATE/progress-$job$r-$b.json" >/dev/null
    read -r _ wall user sys rss < "$STATE/time$r"
    rows=$(sed -n 's/.*"numInputRows":\([0-9]*\).*/\1/p' "$STATE/progress-$job$r-$b.json" | awk '{ s += $1 } END { print s }')
    if [[ "$rows" != "$EVENTS" ]]; then echo "pipeline read $rows events, expected $EVENTS" >&2; exit 1; fi
    case $job in job) name=from_json ;; full) name=from_json_full_parse ;; *) name=scan_only ;; esac
    if [[ ${#BINS[@]} -gt 1 ]]; then name="$name@$(basename "$bin")"; fi
    ROWS+=("$(awk -v n="$EVENTS" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v re="$raw_eps" -v rc="$raw_core" \
      -v r="$r" -v name="$name" \
      'BEGIN { e = n / w; c = n / (u + s); printf "%s %.2f %.0f %.0f %.0f %.0f %.0f%% %.0f%% %d %s", r, w, e, c, re, rc, 100 * e / re, 100 * c / rc, m / 1024, name }')")
  done
  done
done
echo
echo "== Kafka end to end (from_json -> filter -> project -> noop) vs raw consume: $EVENTS events, $PARTITIONS partitions =="
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(date -u +%Y-%m-%d)"
echo "from_json: records that cannot hold event_type 'view' are not parsed (JSON prefilter)"
echo "from_json_full_parse: the same job with jsonPrefilter 'false': every record parsed"
echo "scan_only: the same source with no JSON parsing (SELECT offset WHERE length(value) > 100)"
printf '%-4s %-36s %8s %12s %14s %12s %14s %8s %9s %7s\n' run pipeline seconds events/s events/s/core raw_ev/s \
  raw_ev/s/core ratio ratio/core rss_MB
for line in "${ROWS[@]}"; do
  set -- $line
  printf '%-4s %-36s %8s %12s %14s %12s %14s %8s %9s %7s\n' "$1" "${10}" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
done
