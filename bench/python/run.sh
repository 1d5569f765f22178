#!/usr/bin/env bash
# The same Kafka pipelines from Python and from `sluice run`, and under
# pyspark, on one topic in one run (issue 13's speed item): starts a private
# broker, loads EVENTS Yahoo ad events (bench/kafka/kafka_load), then RUNS
# times each of
#   sluice-run      `sluice run` of the SQL job
#   sluice-python   bench/python/kafka_pipeline.py --engine sluice   (the package, this build)
#   pyspark         bench/python/kafka_pipeline.py --engine pyspark  (pyspark 4.3.0, local[*],
#                   Spark's Kafka connector 4.2.0: scripts/setup_pyspark.sh)
# for two jobs, each reading the whole topic with an available-now trigger:
#   filter  Kafka -> from_json -> filter (event_type = 'view') -> project -> noop
#   count   Kafka -> from_json -> groupBy(ad_type).count() (complete) -> noop
# and prints events/s, events/s per core (CPU of the engine's process over
# the query) and, per job, Python's and pyspark's rates against sluice run's.
#
#   bench/python/run.sh                     # EVENTS=2000000 PARTITIONS=4 RUNS=2
#   SKIP_PYSPARK=1 bench/python/run.sh      # without pyspark
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
EVENTS=${EVENTS:-2000000}
PARTITIONS=${PARTITIONS:-4}
RUNS=${RUNS:-2}
BUILD_DIR=${BUILD_DIR:-build}
PY=${PY:-$ROOT/.venv-python/bin/python}
REF_PY=$ROOT/.venv-reference/bin/python
JARS_DIR=${SLUICE_SPARK_JARS:-$ROOT/.cache/spark-kafka-jars}
TOPIC=ads

[[ -f $BUILD_DIR/build.ninja ]] || { echo "configure $BUILD_DIR with -DSLUICE_BUILD_PYTHON=ON first (scripts/test.sh does)" >&2; exit 1; }
ninja -C "$BUILD_DIR" kafka_load sluice python_package >/dev/null

source bench/kafka/private_broker.sh
start_private_broker sluice-pybench
bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$TOPIC" "$PARTITIONS" >/dev/null
"$BUILD_DIR/kafka_load" --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --events "$EVENTS" >/dev/null

SCHEMA='user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, event_time STRING, ip_address STRING'
job_sql() {  # job checkpoint
  local select mode=""
  if [[ $1 == filter ]]; then
    select="SELECT data.ad_id, data.event_time FROM (SELECT from_json(CAST(value AS STRING), '$SCHEMA') AS data FROM ads) WHERE data.event_type = 'view'"
  else
    select="SELECT data.ad_type, count(*) AS count FROM (SELECT from_json(CAST(value AS STRING), '$SCHEMA') AS data FROM ads) GROUP BY data.ad_type"
    mode="OUTPUT MODE complete"
  fi
  cat <<SQL
SET spark.sql.shuffle.partitions = 2;
CREATE STREAM ads USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', subscribe '$TOPIC',
  startingOffsets 'earliest');
CREATE SINK out USING noop;
START STREAMING QUERY bench INTO out $mode TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$2' AS $select;
SQL
}

have_pyspark=1
if [[ -n ${SKIP_PYSPARK:-} ]]; then
  have_pyspark=0; echo "pyspark: skipped (SKIP_PYSPARK)"
elif [[ ! -x $REF_PY ]] || ! ls "$JARS_DIR"/spark-sql-kafka-0-10_2.13-*.jar >/dev/null 2>&1; then
  have_pyspark=0; echo "pyspark: NOT RUN: no $REF_PY or no Kafka connector jars in $JARS_DIR (bash scripts/setup_pyspark.sh)"
fi
SPARK_JARS=$(ls "$JARS_DIR"/*.jar 2>/dev/null | tr '\n' ',' | sed 's/,$//')

declare -A SUM_EPS SUM_CORE COUNT
record() {  # key eps core
  SUM_EPS[$1]=$(awk -v a="${SUM_EPS[$1]:-0}" -v b="$2" 'BEGIN{print a+b}')
  SUM_CORE[$1]=$(awk -v a="${SUM_CORE[$1]:-0}" -v b="$3" 'BEGIN{print a+b}')
  COUNT[$1]=$(( ${COUNT[$1]:-0} + 1 ))
}
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

for r in $(seq "$RUNS"); do
  for job in filter count; do
    ck=$STATE/ck-$job-$r
    job_sql "$job" "$ck-run" > "$STATE/$job.sql"
    /usr/bin/time -f "%e %U %S" -o "$STATE/time" "$BUILD_DIR/sluice" run "$STATE/$job.sql" --log-level warn \
      --progress-file "$STATE/progress-$job-$r.json" >/dev/null
    read -r wall user sys < "$STATE/time"
    eps=$(awk -v n="$EVENTS" -v w="$wall" 'BEGIN{printf "%.0f", n/w}')
    core=$(awk -v n="$EVENTS" -v u="$user" -v s="$sys" 'BEGIN{printf "%.0f", n/(u+s)}')
    trig=$(python3 -c 'import json,sys; ps=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; print(len(ps), sum(p["durationMs"].get("triggerExecution",0) for p in ps))' "$STATE/progress-$job-$r.json")
    echo "run $r $job sluice-run     events/s=$eps events/s/core=$core wall=${wall}s batches=${trig% *} trigger_ms=${trig#* }"
    record "$job sluice-run" "$eps" "$core"

    out=$(PYTHONPATH=$ROOT/$BUILD_DIR/python "$PY" bench/python/kafka_pipeline.py --engine sluice --job "$job" \
            --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --events "$EVENTS" --checkpoint "$ck-py" | grep '^RESULT')
    eps=$(echo "$out" | field events_per_s); core=$(echo "$out" | field events_per_core_s)
    echo "run $r $job sluice-python  events/s=$eps events/s/core=$core wall=$(echo "$out" | field wall_s)s batches=$(echo "$out" | field batches) trigger_ms=$(echo "$out" | field trigger_ms)"
    record "$job sluice-python" "$eps" "$core"

    if [[ $have_pyspark == 1 ]]; then
      out=$(JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64} \
            PYSPARK_SUBMIT_ARGS="--master local[*] --jars $SPARK_JARS pyspark-shell" \
            "$REF_PY" bench/python/kafka_pipeline.py --engine pyspark --job "$job" \
              --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --events "$EVENTS" --checkpoint "$ck-spark" 2>"$STATE/spark.log" \
            | grep '^RESULT') || { echo "pyspark failed:"; tail -20 "$STATE/spark.log"; exit 1; }
      eps=$(echo "$out" | field events_per_s); core=$(echo "$out" | field events_per_core_s)
      echo "run $r $job pyspark        events/s=$eps events/s/core=$core wall=$(echo "$out" | field wall_s)s"
      record "$job pyspark" "$eps" "$core"
    fi
  done
done

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); events=$EVENTS partitions=$PARTITIONS runs=$RUNS"
printf '%-8s %-15s %14s %16s %12s\n' job engine "events/s" "events/s/core" "vs sluice-run"
for job in filter count; do
  base=$(awk -v s="${SUM_EPS[$job sluice-run]}" -v c="${COUNT[$job sluice-run]}" 'BEGIN{print s/c}')
  for eng in sluice-run sluice-python pyspark; do
    [[ -n ${COUNT[$job $eng]:-} ]] || continue
    awk -v j="$job" -v e="$eng" -v s="${SUM_EPS[$job $eng]}" -v k="${SUM_CORE[$job $eng]}" -v c="${COUNT[$job $eng]}" -v b="$base" \
      'BEGIN{printf "%-8s %-15s %14.0f %16.0f %11.1f%%\n", j, e, s/c, k/c, 100*(s/c)/b}'
  done
done
