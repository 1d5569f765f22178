#!/usr/bin/env bash
# The Nexmark topic holds the same events as the built-in source: load N
# events with bench/nexmark/load_kafka.sh into a private broker, read them
# back through bench/nexmark/kafka_stream.sql (from_json), and compare every
# event's person / auction / bid with the built-in source's rows of the same
# options (both written by a json file sink, compared as multisets in
# Python). Also checks the records: no key, and values whose timestamps are
# "yyyy-MM-dd HH:mm:ss.SSS".
#   test/nexmark/nexmark_kafka_test.sh build/sluice
set -euo pipefail
cd "$(dirname "$0")/../.."
sluice=$(realpath "${1:-build/sluice}")
if ! bash scripts/kafka/broker.sh classpath >/dev/null 2>&1; then
  echo "SKIP: no Kafka broker distribution (scripts/kafka/broker.sh fetch)"; exit 77
fi
source bench/kafka/private_broker.sh
start_private_broker nexmark-kafka-test
bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic nexmark 3 >/dev/null
N=20000
opts="numEvents '$N', seed '5', eventsPerSecond '2000', numPartitions '2'"
bash bench/nexmark/load_kafka.sh --sluice "$sluice" --bootstrap "$KAFKA_BOOTSTRAP" --topic nexmark --events $N \
  --seed 5 --rate 2000 --partitions 2 >/dev/null 2>&1
select="SELECT event_type, to_json(person) AS p, to_json(auction) AS a, to_json(bid) AS b FROM nexmark"
{
  sed -e "s/@BOOTSTRAP@/$KAFKA_BOOTSTRAP/" -e "s/@TOPIC@/nexmark/" bench/nexmark/kafka_stream.sql
  echo "CREATE SINK out USING json OPTIONS (path '$STATE/from_kafka');"
  echo "START STREAMING QUERY k INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$STATE/ck1' AS $select;"
} > "$STATE/kafka.sql"
{
  echo "CREATE STREAM nexmark USING nexmark OPTIONS ($opts);"
  echo "CREATE SINK out USING json OPTIONS (path '$STATE/builtin');"
  echo "START STREAMING QUERY b INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$STATE/ck2' AS $select;"
} > "$STATE/builtin.sql"
{
  echo "CREATE TABLE records USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', subscribe 'nexmark');"
  echo "SELECT count(*) AS n, count(key) AS keys,"
  echo "  count_if(CAST(value AS STRING) RLIKE '\"dateTime\":\"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}\"') AS ts_ok"
  echo "FROM records;"
} > "$STATE/records.sql"
"$sluice" run "$STATE/kafka.sql" --log-level warn --no-ui >/dev/null
"$sluice" run "$STATE/builtin.sql" --log-level warn --no-ui >/dev/null
records=$("$sluice" sql -f "$STATE/records.sql" --format csv | tail -1)
python3 - "$STATE" "$N" "$records" <<'EOF'
import collections, glob, json, sys
state, n, records = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def rows(d):
    c = collections.Counter()
    for f in glob.glob(d + "/*.json"):
        for line in open(f):
            r = json.loads(line)
            c[(r["event_type"], r.get("p"), r.get("a"), r.get("b"))] += 1
    return c
k, b = rows(state + "/from_kafka"), rows(state + "/builtin")
assert sum(b.values()) == n, ("built-in rows", sum(b.values()))
assert k == b, ("kafka and built-in differ", len(k - b), len(b - k), list((k - b).elements())[:2])
count, keys, ts_ok = map(int, records.split(","))
assert (count, keys, ts_ok) == (n, 0, n), ("records", count, keys, ts_ok)
print("ok: %d events, the Kafka topic's rows equal the built-in source's; no keys; timestamps yyyy-MM-dd HH:mm:ss.SSS" % n)
EOF
