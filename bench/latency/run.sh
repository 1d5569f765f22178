#!/usr/bin/env bash
# Event-to-sink latency (issue 14): a fixed-rate producer writes JSON ad
# events (each with an id and its produce time) into a PARTITIONS-partition
# topic; the job under test runs
#   Kafka -> from_json(CAST(value AS STRING), schema) -> filter (event_type = 'view')
#         -> to_json(struct(...)) AS value -> Kafka
# with the default trigger; a read_committed reader of the output topic
# computes each view's latency (kafka_latency, bench/latency/kafka_latency.cc).
#
#   bash bench/latency/run.sh                                  # 20,000/s for 30 s
#   RATE=200000 SECONDS=20 ENGINES=sluice bash bench/latency/run.sh
#   QUERY=windowed ENGINES=sluice bash bench/latency/run.sh    # issue 14's windowed target
#
# QUERY=windowed runs instead a tumbling event-time window count of the views
# (event time = produce time, WINDOW_MS 1000, watermark delay DELAY_MS 1000,
# append mode, one {"window_end_ms","n"} record per closed window); the reader
# also reads the input, checks every closed window's count, and measures
# each window's latency past window end + delay (when the watermark can first
# pass it). Every engine runs both queries (Flink: whole-second WINDOW_MS and
# DELAY_MS).
#
# TRIGGERS ("0"; e.g. "0 100"): processing-time trigger intervals in ms, one
# run each. 0 = the default trigger (a batch as soon as the previous one
# ended). Sluice: TRIGGER PROCESSING TIME 'N milliseconds'; Spark:
# trigger(processingTime=...); Flink has no trigger (records flow one by
# one): its checkpoint interval plays the part, as its exactly-once Kafka
# sink commits on checkpoints (max(N, 10) ms; bench/latency/flink_job.py).
#
# Per run (engine x exactly-once): fresh input and output topics, the job
# started and given its first batch, WARMUP seconds of events at RATE (left
# out of the percentiles), SECONDS of measured events, then the reader waits
# for every expected view, the job is stopped (SIGTERM) and its progress
# records give the batch figures. The broker is private and always stopped.
#
# Figures (ms):
#   sink     = output record's Kafka timestamp - input record's produce time
#              (the issue's definition: when the sink produced the record)
#   visible  = when the read_committed reader received it - produce time
#              (includes the transaction commit and the reader's fetch)
#   batch    = durationMs.triggerExecution of the batches after the warm-up
#   then the average of every durationMs key over those batches.
#   CPU seconds: the job's process tree from its start to the reader's end,
#   and the broker's (a broker run.sh started, or KAFKA_BROKER_DIR's) over
#   the reader's run (ROW keys job_cpu_s, broker_cpu_s).
#
# Environment:
#   RATE (20000 events/s), SECONDS (30), WARMUP (3; Spark: SPARK_WARMUP, 10),
#   PARTITIONS (4), EXACTLY_ONCE (both | true | false; Sluice and Flink:
#   Spark's Kafka sink is at least once), ENGINES ("sluice spark flink"; also
#   "floor": the reader reads the input topic itself, the harness's own
#   latency), FLINK_WARMUP (10), SLUICE_FLINK_VENV (.venv-flink) and
#   SLUICE_FLINK_JARS (.cache/flink-jars): PyFlink and Flink's Kafka
#   connector, installed by scripts/setup_flink.sh,
#   BUILD_DIR (build; sluice and kafka_latency are built there if missing),
#   SLUICE_BIN / LATENCY_BIN (override the two binaries),
#   KAFKA_BOOTSTRAP (use this broker instead of starting one: sweep.sh),
#   SLUICE_REFERENCE_VENV (.venv-reference) and SLUICE_SPARK_JARS
#   (.cache/spark-kafka-jars): pyspark and Spark's Kafka connector, installed
#   by scripts/setup_pyspark.sh,
#   SMOKE=1: check that the harness counted right (every expected view
#   measured exactly once, the reader's expected count = the producer's view
#   count, the job read every produced record) and exit 1 if not.
#   RESULTS_FILE: append each run's ROW line there (sweep.sh).
#   LINGER_MS (1): the producer's linger.ms; IDLE_TIMEOUT (30 s): the reader
#   gives up after this long without an output record.
#   KEEP_STATE=1: keep each run's job, log and progress file (the broker's
#   data is kept too; the broker itself is stopped).
#   SLUICE_SOURCE_OPTIONS, SLUICE_SINK_OPTIONS: more options of Sluice's
#   Kafka source and sink, as SQL (SLUICE_SINK_OPTIONS="kafka.linger.ms '5'").
#   BROKER_GC (zgc | g1): the collector of the broker run.sh starts. ZGC by
#   default: with broker.sh's G1 the broker stopped for a young collection
#   of 6-13 ms about once a second at 20,000/s, on both cores, and every
#   process on the machine waited with it (the floor's visible p99 was
#   49-231 ms with G1 and 3-4 ms with ZGC; docs/benchmarks.md, "The
#   broker's pauses").
#   BROKER_HEAP (2g) and BROKER_JAVA (the newest JDK 21+ under /usr/lib/jvm,
#   else java): with Java 17's ZGC and 512 MB the broker collected every
#   2 s, and transactions slowed for the 100-230 ms of each collection
#   (docs/benchmarks.md, "The broker's collector"); generational ZGC (Java
#   21+) and a larger heap collect less often and more cheaply.
#   (latency_broker_env in bench/kafka/private_broker.sh.)
#   BROKER_WARMUP (seconds; 150, or 0 with SMOKE=1 or KAFKA_BOOTSTRAP): an
#   unmeasured Sluice exactly-once run at RATE on the new broker before the
#   measured ones, so that the broker's produce, fetch and transaction paths
#   are compiled by its JIT before anything is timed. The broker keeps
#   getting faster for about two minutes of that load: after 15 s, six runs
#   in a row had exactly-once p99s of 83, 44, 17, 12, 12, 13 ms
#   (docs/benchmarks.md, "The broker's first minutes").
RUN_SECONDS=$SECONDS   # bash's SECONDS counts from the value in the environment
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
[[ $RUN_SECONDS -gt 0 ]] || RUN_SECONDS=30
RATE=${RATE:-20000}
WARMUP=${WARMUP:-3}
SPARK_WARMUP=${SPARK_WARMUP:-10}
PARTITIONS=${PARTITIONS:-4}
EXACTLY_ONCE=${EXACTLY_ONCE:-both}
ENGINES=${ENGINES:-sluice spark flink}
FLINK_WARMUP=${FLINK_WARMUP:-10}
FLINK_VENV=${SLUICE_FLINK_VENV:-$ROOT/.venv-flink}
FLINK_JAR=${SLUICE_FLINK_JARS:-$ROOT/.cache/flink-jars}/flink-sql-connector-kafka-5.0.0-2.2.jar
TRIGGERS=${TRIGGERS:-0}
ENGINES=${ENGINES//,/ }
BUILD_DIR=${BUILD_DIR:-build}
SMOKE=${SMOKE:-0}
VENV=${SLUICE_REFERENCE_VENV:-$ROOT/.venv-reference}
JARS_DIR=${SLUICE_SPARK_JARS:-$ROOT/.cache/spark-kafka-jars}
SLUICE_BIN=${SLUICE_BIN:-$BUILD_DIR/sluice}
LATENCY_BIN=${LATENCY_BIN:-$BUILD_DIR/kafka_latency}
IDLE_TIMEOUT=${IDLE_TIMEOUT:-30}
LINGER_MS=${LINGER_MS:-1}
# More options for Sluice's Kafka source and sink, as SQL: "kafka.linger.ms '5'".
SOURCE_OPTS=${SLUICE_SOURCE_OPTIONS:+, $SLUICE_SOURCE_OPTIONS}
SINK_OPTS=${SLUICE_SINK_OPTIONS:+, $SLUICE_SINK_OPTIONS}
# process_tree_cpu_s PID, broker_cpu_s (of BROKER_DIR's broker) and
# latency_broker_env (the JVM of the broker run.sh starts).
source bench/kafka/private_broker.sh
latency_broker_env || exit 2
if [[ -n ${KAFKA_BOOTSTRAP:-} || $SMOKE == 1 ]]; then
  BROKER_WARMUP=${BROKER_WARMUP:-0}
else
  BROKER_WARMUP=${BROKER_WARMUP:-150}
fi
QUERIES=${QUERY:-stateless}
QUERIES=${QUERIES//,/ }
WINDOW_MS=${WINDOW_MS:-1000}
DELAY_MS=${DELAY_MS:-1000}
for QUERY in $QUERIES; do
  case $QUERY in
    stateless|windowed) ;;
    *) echo "run.sh: QUERY must be stateless, windowed or both ('stateless windowed')" >&2; exit 2 ;;
  esac
done
case $EXACTLY_ONCE in
  both) EO_LIST="false true" ;;
  true|false) EO_LIST=$EXACTLY_ONCE ;;
  *) echo "run.sh: EXACTLY_ONCE must be both, true or false" >&2; exit 2 ;;
esac

if [[ ! -x $SLUICE_BIN || ! -x $LATENCY_BIN ]]; then
  [[ -f $BUILD_DIR/build.ninja ]] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  nice ninja -C "$BUILD_DIR" sluice kafka_latency
fi

STATE=$(mktemp -d "${TMPDIR:-/tmp}/sluice-latency-XXXXXX")
JOB_PID=
cleanup() {
  if [[ -n $JOB_PID ]] && kill -0 "$JOB_PID" 2>/dev/null; then
    kill -TERM "$JOB_PID" 2>/dev/null || true
    sleep 1
    kill -KILL "$JOB_PID" 2>/dev/null || true
  fi
  if [[ -z ${EXTERNAL_BROKER:-} ]]; then
    bash scripts/kafka/broker.sh --dir "$STATE/broker" stop >/dev/null 2>&1 || true
  fi
  if [[ -n ${KEEP_STATE:-} ]]; then
    echo "run.sh: KEEP_STATE: jobs, logs and progress files kept in $STATE (run<N>/)" >&2
  else
    rm -rf "$STATE"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n ${KAFKA_BOOTSTRAP:-} ]]; then
  EXTERNAL_BROKER=1
  BROKER_DIR=${KAFKA_BROKER_DIR:?KAFKA_BOOTSTRAP needs KAFKA_BROKER_DIR (the broker.sh --dir, to create topics)}
else
  BROKER_DIR=$STATE/broker
  eval "$(env "${BROKER_ENV[@]}" bash scripts/kafka/broker.sh --dir "$BROKER_DIR" start --owner-pid $$ |
    grep '^KAFKA_BOOTSTRAP=')"
fi
B=$KAFKA_BOOTSTRAP

SCHEMA='id BIGINT, ts_us BIGINT, user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, event_time STRING, ip_address STRING'
FIELDS='data.id, data.ts_us, data.user_id, data.page_id, data.ad_id, data.ad_type, data.event_type, data.event_time, data.ip_address'

field() {  # field KEY LINE: the value of KEY=... in a RESULT/STATS line
  tr ' ' '\n' <<< "$2" | sed -n "s/^$1=//p" | head -1
}

# Waits until FILE has a progress record (the job's first batch ran), at most
# $2 seconds, while PID lives.
wait_first_batch() {
  local file=$1 limit=$2 pid=$3 i
  for ((i = 0; i < limit * 10; i++)); do
    [[ -s $file ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 0
}

stop_job() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "run.sh: job $pid did not stop within 60 s of SIGTERM: killed" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  JOB_PID=
}

flink_ready() {
  [[ -x $FLINK_VENV/bin/python ]] || { echo "PyFlink is not installed ($FLINK_VENV/bin/python missing: scripts/setup_flink.sh)"; return 1; }
  "$FLINK_VENV/bin/python" -c 'import pyflink' 2>/dev/null || { echo "PyFlink is not installed in $FLINK_VENV (scripts/setup_flink.sh)"; return 1; }
  [[ -s $FLINK_JAR ]] || { echo "Flink's Kafka connector $FLINK_JAR is missing (scripts/setup_flink.sh)"; return 1; }
  if [[ $QUERY == windowed ]] && (( WINDOW_MS % 1000 || DELAY_MS % 1000 )); then
    echo "the Flink job takes whole-second WINDOW_MS and DELAY_MS"; return 1
  fi
  return 0
}

spark_ready() {
  [[ -x $VENV/bin/python ]] || { echo "pyspark is not installed ($VENV/bin/python missing: scripts/setup_pyspark.sh)"; return 1; }
  "$VENV/bin/python" -c 'import pyspark' 2>/dev/null || { echo "pyspark is not installed in $VENV (scripts/setup_pyspark.sh)"; return 1; }
  ls "$JARS_DIR"/spark-sql-kafka-0-10_2.13-*.jar >/dev/null 2>&1 || { echo "Spark's Kafka connector jars are not in $JARS_DIR (scripts/setup_pyspark.sh)"; return 1; }
  return 0
}

declare -a ROWS BREAKDOWN
FAILED=0
RUN=0
PREFIX=lat$(date +%s)-$$
one_run() {  # one_run ENGINE EXACTLY_ONCE TRIGGER_MS
  local engine=$1 eo=$2 trig=${3:-0} warmup=$WARMUP label trigger_sql="" tlabel=""
  if (( trig > 0 )); then
    trigger_sql="TRIGGER PROCESSING TIME '$trig milliseconds'"
    tlabel=" trigger=${trig}ms"
  fi
  RUN=$((RUN + 1))
  local in=$PREFIX-in$RUN out=$PREFIX-out$RUN dir=$STATE/run$RUN
  mkdir -p "$dir"
  bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$in" "$PARTITIONS" >/dev/null
  local expect=view measure_topic=$out
  case $engine in
    sluice)
      label="sluice eo=$eo$tlabel"
      if [[ $QUERY == windowed ]]; then
        label="sluice windowed eo=$eo$tlabel"
        cat > "$dir/job.sql" <<SQL
CREATE STREAM ads USING kafka OPTIONS (kafka.bootstrap.servers '$B', subscribe '$in',
  startingOffsets 'earliest'$SOURCE_OPTS);
CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '$B', topic '$out', exactlyOnce '$eo'$SINK_OPTS);
START STREAMING QUERY latency INTO out $trigger_sql CHECKPOINT LOCATION '$dir/ck'
  AS SELECT to_json(named_struct('window_end_ms', unix_millis(w.end), 'n', n)) AS value
     FROM (SELECT window(ts, '$WINDOW_MS milliseconds') AS w, count(*) AS n
           FROM (SELECT timestamp_micros(data.ts_us) AS ts
                 FROM (SELECT from_json(CAST(value AS STRING), '$SCHEMA') AS data FROM ads)
                 WHERE data.event_type = 'view')
                WATERMARK ts DELAY OF INTERVAL $DELAY_MS MILLISECONDS
           GROUP BY window(ts, '$WINDOW_MS milliseconds'));
SQL
      else
      cat > "$dir/job.sql" <<SQL
CREATE STREAM ads USING kafka OPTIONS (kafka.bootstrap.servers '$B', subscribe '$in',
  startingOffsets 'earliest'$SOURCE_OPTS);
CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '$B', topic '$out', exactlyOnce '$eo'$SINK_OPTS);
START STREAMING QUERY latency INTO out $trigger_sql CHECKPOINT LOCATION '$dir/ck'
  AS SELECT to_json(struct($FIELDS)) AS value
     FROM (SELECT from_json(CAST(value AS STRING), '$SCHEMA') AS data FROM ads)
     WHERE data.event_type = 'view';
SQL
      fi
      bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$out" "$PARTITIONS" >/dev/null
      "$SLUICE_BIN" run "$dir/job.sql" --progress-file "$dir/progress.json" > "$dir/job.log" 2>&1 &
      JOB_PID=$!
      wait_first_batch "$dir/progress.json" 10 "$JOB_PID" || { echo "run.sh: sluice failed to start:" >&2; tail -20 "$dir/job.log" >&2; FAILED=1; JOB_PID=; return; }
      ;;
    spark)
      label="spark local[2] (at least once)$tlabel"
      [[ $QUERY == windowed ]] && label="spark windowed (at least once)$tlabel"
      warmup=$SPARK_WARMUP
      bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$out" "$PARTITIONS" >/dev/null
      local jars
      jars=$(ls "$JARS_DIR"/*.jar | tr '\n' ',' | sed 's/,$//')
      "$VENV/bin/python" bench/latency/spark_job.py "$B" "$in" "$out" "$dir/ck" "$dir/progress.json" "$jars" \
        "$QUERY" "$trig" "$WINDOW_MS" "$DELAY_MS" > "$dir/job.log" 2>&1 &
      JOB_PID=$!
      local i
      for ((i = 0; i < 1800; i++)); do
        grep -q '^READY' "$dir/job.log" 2>/dev/null && break
        kill -0 "$JOB_PID" 2>/dev/null || break
        sleep 0.1
      done
      if ! grep -q '^READY' "$dir/job.log"; then
        echo "run.sh: the Spark job did not start:" >&2; tail -30 "$dir/job.log" >&2; FAILED=1; stop_job "$JOB_PID"; return
      fi
      wait_first_batch "$dir/progress.json" 60 "$JOB_PID" || true
      ;;
    flink)
      label="flink p2 eo=$eo ckpt=$(( trig > 10 ? trig : 10 ))ms"
      [[ $QUERY == windowed ]] && label="flink windowed eo=$eo ckpt=$(( trig > 10 ? trig : 10 ))ms"
      warmup=$FLINK_WARMUP
      bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$out" "$PARTITIONS" >/dev/null
      mkdir -p "$dir/flink-ck"
      FLINK_CHECKPOINT_DIR=$dir/flink-ck "$FLINK_VENV/bin/python" bench/latency/flink_job.py "$B" "$in" "$out" \
        "$FLINK_JAR" "$QUERY" "$eo" "$trig" "$WINDOW_MS" "$DELAY_MS" > "$dir/job.log" 2>&1 &
      JOB_PID=$!
      local j
      for ((j = 0; j < 1800; j++)); do
        grep -q '^READY' "$dir/job.log" 2>/dev/null && break
        kill -0 "$JOB_PID" 2>/dev/null || break
        sleep 0.1
      done
      if ! grep -q '^READY' "$dir/job.log"; then
        echo "run.sh: the Flink job did not start:" >&2; tail -30 "$dir/job.log" >&2; FAILED=1; stop_job "$JOB_PID"; return
      fi
      ;;
    floor)
      label="floor (reader on the input)"
      expect=
      measure_topic=$in
      ;;
  esac

  local rc=0 broker_cpu0 broker_cpu1 job_cpu=""
  broker_cpu0=$(broker_cpu_s)
  "$LATENCY_BIN" run --bootstrap "$B" --input "$in" --output "$measure_topic" --rate "$RATE" \
    --seconds "$RUN_SECONDS" --warmup-seconds "$warmup" --expect-event-type "$expect" \
    --idle-timeout "$IDLE_TIMEOUT" --linger-ms "$LINGER_MS" \
    $([[ $QUERY == windowed ]] && echo "--window-ms $WINDOW_MS --delay-ms $DELAY_MS") \
    > "$dir/latency.out" 2> "$dir/latency.err" || rc=$?
  broker_cpu1=$(broker_cpu_s)
  # The job's CPU from its start (the first batch included) to the reader's end.
  [[ -n $JOB_PID ]] && job_cpu=$(process_tree_cpu_s "$JOB_PID")
  [[ -n $JOB_PID ]] && stop_job "$JOB_PID"
  cat "$dir/latency.err" >&2
  grep -v '^RESULT' "$dir/latency.out" | sed "s/^/[$label] /"
  local prod meas
  prod=$(grep '^RESULT produce' "$dir/latency.out" || true)
  meas=$(grep '^RESULT measure' "$dir/latency.out" || true)
  if [[ -z $prod || -z $meas ]]; then
    echo "run.sh: [$label] kafka_latency printed no RESULT lines (exit $rc)" >&2
    FAILED=1
    return
  fi
  local stats=""
  if [[ $engine != floor && $engine != flink ]]; then
    stats=$(python3 bench/latency/progress_stats.py "$dir/progress.json" \
      --from-ms "$(( $(field measured_from_wall_us "$prod") / 1000 ))")
    if [[ $engine == spark ]]; then
      # The job's log past its start, for a failure.
      grep -v '^READY' "$dir/job.log" | grep -i 'error\|exception' | head -5 >&2 || true
    fi
  fi
  local row
  row="engine=${engine} query=$QUERY trigger_ms=$trig exactly_once=$([[ $engine == sluice || $engine == flink ]] && echo "$eo" || echo "-") rate=$RATE"
  row+=" achieved_rate=$(field achieved_rate "$prod") max_behind_ms=$(field max_behind_ms "$prod")"
  row+=" produced=$(field produced "$prod") produced_views=$(field expected "$prod")"
  for k in closed_windows wrong_counts expected unique missing duplicates unexpected measured sink_p50_ms sink_p90_ms sink_p99_ms \
           sink_p999_ms sink_max_ms visible_p50_ms visible_p90_ms visible_p99_ms visible_p999_ms visible_max_ms exact; do
    row+=" $k=$(field "$k" "$meas")"
  done
  for k in batches total_rows batch_p50_ms batch_p99_ms job_eps capacity_eps rows_per_batch; do
    row+=" $k=$(field "$k" "$stats")"
  done
  row+=" linger_ms=$LINGER_MS load1=$(cut -d' ' -f1 /proc/loadavg) job_cpu_s=$job_cpu"
  row+=" broker_cpu_s=$([[ -n $broker_cpu0 && -n $broker_cpu1 ]] && awk -v a="$broker_cpu0" -v b="$broker_cpu1" 'BEGIN { printf "%.2f", b - a }')"
  echo "ROW $row"
  [[ -n ${RESULTS_FILE:-} && -z ${WARMING:-} ]] && echo "ROW $row" >> "$RESULTS_FILE"
  ROWS+=("$label|$row")
  BREAKDOWN+=("$label|$(tr ' ' '\n' <<< "$stats" | { grep '^avg_' || true; } | sed 's/^avg_//' | tr '\n' ' ')")

  if [[ $SMOKE == 1 && $QUERY == windowed ]]; then
    local why=""
    [[ $(field exact "$meas") == 1 ]] || why+=" not every closed window arrived once with the input's count (exit $rc);"
    [[ $(field measured "$meas") -gt 0 ]] || why+=" no window measured after the warm-up;"
    # (The job may still be reading the last, unclosed window's records when
    # it is stopped: its input count is not checked here.)
    if [[ -n $why ]]; then
      echo "SMOKE FAIL [$label]:$why" >&2
      FAILED=1
    else
      echo "SMOKE OK [$label]: $(field closed_windows "$meas") closed windows once each with the input's counts"
    fi
  elif [[ $SMOKE == 1 ]]; then
    local why=""
    [[ $(field exact "$meas") == 1 ]] || why+=" not every expected record arrived exactly once (exit $rc);"
    [[ $(field expected "$meas") == "$(field expected "$prod")" ]] || why+=" reader expected $(field expected "$meas") records, producer made $(field expected "$prod") views;"
    [[ $(field unique "$meas") == "$(field expected "$prod")" ]] || why+=" reader saw $(field unique "$meas") ids, producer made $(field expected "$prod") views;"
    [[ $(field measured "$meas") -gt 0 ]] || why+=" no record measured after the warm-up;"
    if [[ $engine != floor && $engine != flink ]]; then
      [[ $(field total_rows "$stats") == "$(field produced "$prod")" ]] || why+=" the job read $(field total_rows "$stats") input rows, producer made $(field produced "$prod");"
    fi
    if [[ -n $why ]]; then
      echo "SMOKE FAIL [$label]:$why" >&2
      FAILED=1
    else
      echo "SMOKE OK [$label]: $(field unique "$meas") of $(field expected "$prod") expected records once each$([[ $engine != floor && $engine != flink ]] && echo ", the job read $(field total_rows "$stats") of $(field produced "$prod") input records")"
    fi
  elif [[ $rc -ne 0 ]]; then
    echo "run.sh: [$label] kafka_latency exit $rc (missing or duplicate records: see the RESULT line)" >&2
  fi
}

SPARK_NOTE=""
FLINK_NOTE=""
BROKER_NOTE="broker: $([[ -n ${EXTERNAL_BROKER:-} ]] && echo "given (KAFKA_BOOTSTRAP)" || echo "started by run.sh, $BROKER_JVM_NOTE")"
if (( BROKER_WARMUP > 0 )); then
  # Not measured: its rows, breakdown and failure are dropped (a failure
  # shows again in the measured runs).
  echo "run.sh: warming the broker up: an unmeasured Sluice exactly-once run of $BROKER_WARMUP s at $RATE/s" >&2
  MEASURED_SECONDS=$RUN_SECONDS
  RUN_SECONDS=$BROKER_WARMUP
  QUERY=stateless
  WARMING=1
  one_run sluice true 0 > "$STATE/broker-warmup.log" 2>&1 || true
  WARMING=
  RUN_SECONDS=$MEASURED_SECONDS
  ROWS=()
  BREAKDOWN=()
  FAILED=0
  BROKER_NOTE+=", warmed up by $BROKER_WARMUP s of Sluice exactly once at $RATE/s"
fi
for QUERY in $QUERIES; do
for trig in $TRIGGERS; do
for engine in $ENGINES; do
  case $engine in
    sluice) for eo in $EO_LIST; do one_run sluice "$eo" "$trig"; done ;;
    spark)
      if why=$(spark_ready); then one_run spark - "$trig"; else SPARK_NOTE="Spark: not run: $why"; fi ;;
    flink)
      if why=$(flink_ready); then
        for eo in $EO_LIST; do one_run flink "$eo" "$trig"; done
      else FLINK_NOTE="Flink: not run: $why"; fi ;;
    floor) [[ $QUERY == windowed || $trig != "${TRIGGERS%% *}" ]] || one_run floor - ;;  # one floor serves all
    *) echo "run.sh: unknown engine $engine (sluice, spark, flink, floor)" >&2; exit 2 ;;
  esac
done
done
done

machine_line() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$BROKER_NOTE"
}
breakdown() {  # breakdown windowed|stateless: the durationMs averages of that query's runs
  echo "durationMs averages (ms per batch, batches after the warm-up):"
  local r
  for r in "${BREAKDOWN[@]}"; do
    [[ ${r%%|*} == *windowed* ]] && [[ $1 == stateless ]] && continue
    [[ ${r%%|*} != *windowed* ]] && [[ $1 == windowed ]] && continue
    echo "  ${r%%|*}: ${r#*|}"
  done
  echo "CPU seconds during the measured run (job: from its start; broker: the reader's run):"
  for r in "${ROWS[@]}"; do
    [[ ${r%%|*} == *windowed* ]] && [[ $1 == stateless ]] && continue
    [[ ${r%%|*} != *windowed* ]] && [[ $1 == windowed ]] && continue
    echo "  ${r%%|*}: job $(field job_cpu_s "${r#*|}") s, broker $(field broker_cpu_s "${r#*|}") s"
  done
}
if [[ " $QUERIES " == *" stateless "* ]]; then
  echo
  echo "== Event-to-sink latency: Kafka -> from_json -> filter -> to_json -> Kafka, $RATE events/s for $RUN_SECONDS s (+ warm-up), $PARTITIONS partitions, default trigger =="
  machine_line
  printf '%-44s %9s %23s %17s %15s %9s %17s\n' engine achieved/s "sink p50/p90/p99/p99.9" "sink max" "visible p50/p99" "batch p50/p99" "views once/expected"
  for r in "${ROWS[@]}"; do
    label=${r%%|*}; row=${r#*|}
    [[ $label == *windowed* ]] && continue
    f() { field "$1" "$row"; }
    printf '%-44s %9.0f %23s %17s %15s %9s %17s\n' "$label" "$(f achieved_rate)" \
      "$(f sink_p50_ms)/$(f sink_p90_ms)/$(f sink_p99_ms)/$(f sink_p999_ms) ms" "$(f sink_max_ms) ms" \
      "$(f visible_p50_ms)/$(f visible_p99_ms)" "$(f batch_p50_ms)/$(f batch_p99_ms)" \
      "$(( $(f unique) - $(f unexpected) ))/$(f expected)$([[ $(f duplicates) != 0 ]] && echo " dup $(f duplicates)")"
  done
  breakdown stateless
fi
if [[ " $QUERIES " == *" windowed "* ]]; then
  echo
  echo "== Window latency past window end + ${DELAY_MS} ms delay: Kafka -> from_json -> filter -> ${WINDOW_MS} ms tumbling count (watermark delay ${DELAY_MS} ms) -> Kafka, $RATE events/s for $RUN_SECONDS s, $PARTITIONS partitions, default trigger =="
  machine_line
  printf '%-44s %9s %23s %15s %9s %22s\n' engine achieved/s "sink p50/p90/p99/max" "visible p50/p99" "batch p50/p99" "windows closed/missing/wrong"
  for r in "${ROWS[@]}"; do
    label=${r%%|*}; row=${r#*|}
    [[ $label == *windowed* ]] || continue
    f() { field "$1" "$row"; }
    printf '%-44s %9.0f %23s %15s %9s %22s\n' "$label" "$(f achieved_rate)" \
      "$(f sink_p50_ms)/$(f sink_p90_ms)/$(f sink_p99_ms)/$(f sink_max_ms) ms" \
      "$(f visible_p50_ms)/$(f visible_p99_ms)" "$(f batch_p50_ms)/$(f batch_p99_ms)" \
      "$(f closed_windows)/$(f missing)/$(f wrong_counts)$([[ $(f duplicates) != 0 ]] && echo " dup $(f duplicates)")"
  done
  breakdown windowed
fi
[[ -n $SPARK_NOTE ]] && echo "$SPARK_NOTE"
[[ -n $FLINK_NOTE ]] && echo "$FLINK_NOTE"
exit $FAILED
