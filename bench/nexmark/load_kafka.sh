#!/usr/bin/env bash
# Writes Nexmark events as JSON to a Kafka topic (the single-topic layout of
# docs/nexmark.md: one object per record, no key), with a `sluice run` job:
# the built-in nexmark source -> to_json.sql -> the Kafka sink. The same
# options give the same events as the built-in source in a query.
#
#   bench/nexmark/load_kafka.sh --bootstrap 127.0.0.1:9092 --topic nexmark --events 1000000 \
#       [--sluice build/sluice] [--seed 0] [--rate 0] [--partitions 4] [--options "k 'v', ..."]
#
# --rate is eventsPerSecond (event-time rate; the load itself runs as fast
# as it can: AVAILABLE NOW); --partitions is the source's numPartitions (how
# many threads generate; the events do not depend on it); --options adds
# source options verbatim (e.g. "outOfOrderGroupSize '10'"). The
# topic is created by the broker on first write (auto-create) unless it
# exists; create it first for a given partition count. Prints the events
# written and the seconds taken.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sluice="$here/../../build/sluice"
bootstrap="" topic="" events="" seed=0 rate=0 partitions=4 extra=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sluice) sluice=$2; shift 2 ;;
    --bootstrap) bootstrap=$2; shift 2 ;;
    --topic) topic=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --options) extra=", $2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$bootstrap" && -n "$topic" && -n "$events" ]] || { echo "need --bootstrap, --topic and --events" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "CREATE STREAM nexmark USING nexmark OPTIONS (numEvents '$events', seed '$seed', eventsPerSecond '$rate', numPartitions '$partitions'$extra);"
  echo "CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '$bootstrap', topic '$topic');"
  echo "START STREAMING QUERY nexmark_load INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$work/ck' AS"
  cat "$here/to_json.sql"
  echo ";"
} > "$work/load.sql"
start=$(date +%s.%N)
"$sluice" run "$work/load.sql" --log-level warn
end=$(date +%s.%N)
echo "loaded $events nexmark events into $topic in $(echo "$end - $start" | bc) s"
