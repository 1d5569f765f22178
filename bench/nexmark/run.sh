#!/usr/bin/env bash
# Sluice alone on the Nexmark queries (bench/nexmark/queries/): each query that
# Sluice runs, over the same N events, from the built-in nexmark source and
# from a Kafka topic holding them as JSON (bench/nexmark/load_kafka.sh, on a
# private broker), into the noop sink, AVAILABLE NOW. Per run: wall time of
# the whole `sluice run` process, events/s by it, CPU seconds (user + sys, all
# threads), events per CPU-second ("per core"), the query's own time (sum of
# the batches' triggerExecution from the progress records) and peak RSS.
# The side-by-side comparison with Spark and Flink is bench/peers/run.sh.
#
#   bench/nexmark/run.sh [--events 10000000] [--queries "0 1 2 ..."] [--source builtin|kafka|both]
#                        [--rate 10000] [--partitions 2] [--kafka-partitions 4] [--sluice build/sluice]
#
# --rate is eventsPerSecond: the event-time rate (10,000 events per second
# of event time by default, so 10M events span 1000 s: 100 ten-second
# windows). Each measurement holds /work/bench.lock (flock) when that file's
# directory exists, so that benchmarks of several sessions never overlap;
# the load average before each run is printed with its figures. Run from
# the repository root; prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
sluice=build/sluice events=10000000 queries="" source=both rate=10000 partitions=2 kparts=4
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sluice) sluice=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --queries) queries=$2; shift 2 ;;
    --source) source=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --kafka-partitions) kparts=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x "$sluice" ]] || { echo "no $sluice: build it first (ninja -C build sluice)" >&2; exit 2; }
lock=(); [[ -d /work ]] && lock=(flock /work/bench.lock)
if [[ -z "$queries" ]]; then
  for f in bench/nexmark/queries/q*.sql; do
    grep -q '^-- unsupported:' "$f" || queries+=" $(basename "$f" .sql | tr -d q)"
  done
  queries=$(echo $queries | tr ' ' '\n' | sort -n | tr '\n' ' ')
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/nexmark-bench-XXXXXX")
KAFKA_BOOTSTRAP=""
if [[ "$source" != builtin ]]; then
  source bench/kafka/private_broker.sh
  start_private_broker nexmark-bench
  bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic nexmark "$kparts" >/dev/null
  echo "loading $events events into topic nexmark ($kparts partitions) on $KAFKA_BOOTSTRAP" >&2
  bash bench/nexmark/load_kafka.sh --sluice "$sluice" --bootstrap "$KAFKA_BOOTSTRAP" --topic nexmark \
    --events "$events" --rate "$rate" --partitions "$partitions" >&2
  trap 'bash scripts/kafka/broker.sh --dir "$BROKER_DIR" stop >/dev/null 2>&1 || true; rm -rf "$STATE" "$work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
opts="numEvents '$events', eventsPerSecond '$rate', numPartitions '$partitions'"

# job FILE QUERY_NUMBER SOURCE: the job running query N from SOURCE into noop.
source bench/nexmark/job.sh
job() {
  local out=$1 n=$2 src=$3 f=bench/nexmark/queries/q$2.sql mode stream
  mode=$(sed -n 's/^-- output mode: //p' "$f")
  if [[ $src == builtin ]]; then
    stream="CREATE STREAM nexmark USING nexmark OPTIONS ($opts);"
  else
    stream=$(nexmark_kafka_stream "$KAFKA_BOOTSTRAP" nexmark)
  fi
  nexmark_job "$f" "q$n" "$mode" "$work/ck-$src-q$n" "$stream" "CREATE SINK out USING noop;" > "$out"
}

echo "Nexmark, Sluice alone: $events events, eventsPerSecond $rate, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git rev-parse --short HEAD)"
echo
echo "| query | source | wall s | events/s | CPU s | events/CPU-s | query s | events/s (query) | peak RSS MB | load avg (1 min) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
sources=(builtin kafka); [[ $source == builtin ]] && sources=(builtin); [[ $source == kafka ]] && sources=(kafka)
for n in $queries; do
  for src in "${sources[@]}"; do
    job "$work/job.sql" "$n" "$src"
    rm -f "$work/progress.json" "$work/time.txt"
    load=$(cut -d' ' -f1 /proc/loadavg)
    "${lock[@]}" /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" \
      "$sluice" run "$work/job.sql" --progress-file "$work/progress.json" --log-level warn --no-ui >/dev/null \
      2>"$work/err.txt" || { echo "| q$n | $src | failed: $(head -c 200 "$work/err.txt" | tr '\n|' '  ') |"; continue; }
    read -r wall user sys rss < "$work/time.txt"
    query_ms=$(python3 -c "
import json,sys
t=0
for l in open('$work/progress.json'):
    t+=json.loads(l).get('durationMs',{}).get('triggerExecution',0)
print(t)")
    python3 -c "
e=$events; w=$wall; c=$user+$sys; q=$query_ms/1000
print('| q$n | $src | %.2f | %.0f | %.2f | %.0f | %.2f | %.0f | %.0f | $load |' % (w, e/w, c, e/c if c else 0, q, e/q if q else 0, $rss/1024))"
  done
done
