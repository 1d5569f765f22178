#!/usr/bin/env bash
# Nexmark side by side: Sluice, Spark Structured Streaming and Flink on the
# same events (issue 17, item 4). For each query of bench/peers/queries.conf:
#
#   sluice-gen    `sluice run`, the built-in nexmark source (EVENTS events,
#                 GEN_PARTITIONS partitions), available now, noop sink
#   sluice-kafka  `sluice run`, the Nexmark topic (bench/nexmark/kafka_stream.sql),
#                 available now, noop sink
#   spark         pyspark 4.3 local[2], available-now trigger, noop sink,
#                 spark.sql.shuffle.partitions 2 (bench/peers/spark/)
#   flink         PyFlink 2.2 mini-cluster, parallelism 2, bounded Kafka
#                 source, blackhole sink (bench/peers/flink/)
#
# The topic (PARTITIONS partitions) holds the EVENTS events the built-in
# source generates (same seed), written as JSON by bench/nexmark/load_kafka.sh
# from one source partition, so each Kafka partition is in event-time order.
# Every process is measured with its whole process tree (measure.py: the
# JVMs' CPU counted, peak RSS of the tree). Printed per query and engine:
# events/s by the process's wall clock and by the query's own time (Sluice
# and Spark: the sum of the batches' durationMs.triggerExecution; Flink: the
# job's net runtime), events per CPU-second, peak RSS, and the ratios of
# sluice-kafka to each peer. The raw consume rate of the topic
# (kafka_consume_raw, 2 threads) is measured too, for the stateless queries'
# ratio to it.
#
# Then (COMPARE=1, the default) the agreement run: every engine runs the
# query again on COMPARE_EVENTS events (another topic) writing its rows
# (Sluice: a JSON file sink, or for update mode a one-partition Kafka topic;
# Spark: foreachBatch; Flink: collect() with the change kinds), and
# bench/peers/compare.py checks them by the query's rule (queries.conf; the
# rules are explained there and in docs/nexmark.md).
#
#   bash bench/peers/run.sh                              # EVENTS=2000000, every query, every engine
#   EVENTS=5000 COMPARE_EVENTS=5000 QUERIES="q0 q2" ENGINES="sluice spark" bash bench/peers/run.sh
#
# Then (LATENCY=1, the default) the fixed-rate run: bench/latency/run.sh on
# a broker of its own (ZGC, warmed up first: docs/benchmarks.md, "The
# broker's pauses"), LATENCY_RATE events/s (20000) for LATENCY_SECONDS (20) into a
# 4-partition topic, its stateless query (Kafka -> from_json -> filter ->
# Kafka) and its windowed one (1 s tumbling count, 1 s watermark delay), for
# each engine with exactly once where it has it (Spark's Kafka sink is at
# least once); printed: sink latency p50 / p99 per engine and query, and
# each peer's over Sluice's. docs/benchmarks.md explains the measure.
#
# Environment: EVENTS (2000000), COMPARE_EVENTS (200000), COMPARE (1),
# RATE (0) and COMPARE_RATE (1000): the generator's eventsPerSecond, i.e. how
# fast event time advances (0: as at 10,000 per second; the runs themselves
# go as fast as they can), so the agreement run spans 200 s of event time
# (twenty 10-second windows) with few events,
# MEASURE (1: the throughput runs; 0: only the agreement run), QUERIES (all
# of queries.conf), ENGINES ("sluice spark flink"), PARTITIONS (4),
# GEN_PARTITIONS (4), RUNS (1: throughput runs per engine and query; the
# best is kept), BUILD_DIR (build), SLUICE_QUERIES (bench/nexmark/queries),
# BENCH_LOCK (a file: each measured process runs under `flock` on it, so
# benchmarks of several people on one machine do not overlap),
# SLUICE_REFERENCE_VENV / SLUICE_SPARK_JARS (scripts/setup_pyspark.sh),
# SLUICE_FLINK_VENV / SLUICE_FLINK_JARS (scripts/setup_flink.sh),
# SETUP (1: run both setup scripts first; they install what is missing),
# RESULTS_FILE (append the ROW lines there), STRICT (1: exit 1 when an
# engine that ran disagrees, or a run failed).
# An engine that is not installed is reported as not run, with the reason.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
HERE=bench/peers
EVENTS=${EVENTS:-2000000}
COMPARE_EVENTS=${COMPARE_EVENTS:-200000}
RATE=${RATE:-0}
COMPARE_RATE=${COMPARE_RATE:-1000}
COMPARE=${COMPARE:-1}
LATENCY=${LATENCY:-1}
LATENCY_RATE=${LATENCY_RATE:-20000}
LATENCY_SECONDS=${LATENCY_SECONDS:-20}
MEASURE=${MEASURE:-1}
ENGINES=${ENGINES:-sluice spark flink}
PARTITIONS=${PARTITIONS:-4}
GEN_PARTITIONS=${GEN_PARTITIONS:-4}
RUNS=${RUNS:-1}
BUILD_DIR=${BUILD_DIR:-build}
SLUICE_QUERIES=${SLUICE_QUERIES:-bench/nexmark/queries}
SETUP=${SETUP:-1}
STRICT=${STRICT:-0}
SLUICE=$BUILD_DIR/sluice
# The stateless queries (one pass over the topic, no state): their rate is
# also given as a share of the raw consume rate (issue 17's 90% target).
STATELESS="q0 q1 q2 q10 q14 q21 q22"
if [[ -z ${QUERIES:-} ]]; then
  QUERIES=$(grep -v '^#' $HERE/queries.conf | awk 'NF { print $1 }' | tr '\n' ' ')
fi

has_engine() { [[ " $ENGINES " == *" $1 "* ]]; }
conf() {  # conf QUERY FIELD(2=mode, 3..=rule)
  awk -v q="$1" -v f="$2" '$1 == q { if (f == 2) print $2; else { s = $3; for (i = 4; i <= NF; i++) s = s " " $i; print s } }' $HERE/queries.conf
}
locked() { if [[ -n ${BENCH_LOCK:-} ]]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }
field() { tr ' ' '\n' <<< "$2" | sed -n "s/^$1=//p" | head -1; }

if [[ ! -x $SLUICE || ! -x $BUILD_DIR/kafka_consume_raw ]]; then
  [[ -f $BUILD_DIR/build.ninja ]] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  nice ninja -C "$BUILD_DIR" sluice kafka_consume_raw
fi

# ---- the peers: installed here when missing ---------------------------------
SPARK_WHY="" FLINK_WHY=""
SPARK_PY=${SLUICE_REFERENCE_VENV:-$ROOT/.venv-reference}/bin/python
SPARK_JARS_DIR=${SLUICE_SPARK_JARS:-$ROOT/.cache/spark-kafka-jars}
FLINK_VENV=${SLUICE_FLINK_VENV:-$ROOT/.venv-flink}
FLINK_PY=$FLINK_VENV/bin/python
FLINK_JAR=${SLUICE_FLINK_JARS:-$ROOT/.cache/flink-jars}/flink-sql-connector-kafka-5.0.0-2.2.jar
if has_engine spark; then
  [[ $SETUP == 1 ]] && bash scripts/setup_pyspark.sh >&2
  if ! "$SPARK_PY" -c 'import pyspark' 2>/dev/null; then
    SPARK_WHY="pyspark is not installed ($SPARK_PY: scripts/setup_pyspark.sh)"
  elif ! ls "$SPARK_JARS_DIR"/spark-sql-kafka-0-10_2.13-*.jar >/dev/null 2>&1; then
    SPARK_WHY="Spark's Kafka connector jars are not in $SPARK_JARS_DIR (scripts/setup_pyspark.sh)"
  fi
fi
if has_engine flink; then
  [[ $SETUP == 1 ]] && bash scripts/setup_flink.sh >&2
  if ! "$FLINK_PY" -c 'import pyflink.table' 2>/dev/null; then
    FLINK_WHY="PyFlink is not installed ($FLINK_PY: scripts/setup_flink.sh$([[ -f $FLINK_VENV/SETUP_FAILED ]] && echo ": $(cat "$FLINK_VENV/SETUP_FAILED")"))"
  elif [[ ! -s $FLINK_JAR ]]; then
    FLINK_WHY="Flink's Kafka connector is not at $FLINK_JAR (scripts/setup_flink.sh)"
  fi
fi
[[ -n $SPARK_WHY ]] && echo "run.sh: Spark not run: $SPARK_WHY" >&2
[[ -n $FLINK_WHY ]] && echo "run.sh: Flink not run: $FLINK_WHY" >&2

source bench/kafka/private_broker.sh
start_private_broker sluice-peers
B=$KAFKA_BOOTSTRAP
load_topic() {  # load_topic TOPIC EVENTS RATE
  bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$1" "$PARTITIONS" >/dev/null
  bash bench/nexmark/load_kafka.sh --sluice "$SLUICE" --bootstrap "$B" --topic "$1" --events "$2" --rate "$3" \
    --partitions 1 >&2
}

# The Sluice job of QUERY: the stream, the views, the sink, the query.
source bench/nexmark/job.sh
sluice_job() {  # sluice_job QUERY SOURCE(gen|kafka) TOPIC EVENTS RATE SINK_SQL CHECKPOINT
  local q=$1 src=$2 topic=$3 n=$4 rate=$5 sink=$6 ck=$7 stream
  if [[ $src == gen ]]; then
    stream="CREATE STREAM nexmark USING nexmark OPTIONS (numEvents '$n', eventsPerSecond '$rate', numPartitions '$GEN_PARTITIONS');"
  else
    stream=$(nexmark_kafka_stream "$B" "$topic")
  fi
  nexmark_job "${SLUICE_QUERY_FILE:-$SLUICE_QUERIES/$q.sql}" "$q" "$(conf "$q" 2)" "$ck" "$stream" "$sink"
}

# Sums a Sluice progress file: input rows and the batches' own time.
sluice_progress() {
  python3 - "$1" <<'PY'
import json, sys
rows = ms = n = 0
for line in open(sys.argv[1]):
    if line.strip():
        p = json.loads(line); n += 1
        rows += p.get("numInputRows", 0); ms += p.get("durationMs", {}).get("triggerExecution", 0)
print("rows_in=%d batches=%d query_ms=%d" % (rows, n, ms))
PY
}

# The output mode of queries.conf must be the one the Sluice query's header names.
for q in $QUERIES; do
  [[ -f $SLUICE_QUERIES/$q.sql ]] || { echo "run.sh: no Sluice query $SLUICE_QUERIES/$q.sql" >&2; exit 2; }
  [[ -n $(conf "$q" 2) ]] || { echo "run.sh: $q is not in $HERE/queries.conf" >&2; exit 2; }
  header=$(sed -n 's/^-- output mode: *\([a-z]*\).*/\1/p' "$SLUICE_QUERIES/$q.sql" | head -1)
  if [[ -n $header && $header != "$(conf "$q" 2)" ]]; then
    echo "run.sh: $q: queries.conf says output mode $(conf "$q" 2), $SLUICE_QUERIES/$q.sql says $header" >&2; exit 2
  fi
done

declare -a ROWS NOTES
FAILED=0
# run_engine QUERY ENGINE TOPIC EVENTS RATE MODE(measure|compare) OUT: prints the RESULT and MEASURE fields
run_engine() {
  local q=$1 engine=$2 topic=$3 n=$4 rate=$5 what=$6 out=$7 dir mode
  dir=$STATE/$q-$engine-$what
  rm -rf "$dir"; mkdir -p "$dir"
  mode=$(conf "$q" 2)
  local cmd=() sink
  case $engine in
    sluice-gen|sluice-kafka)
      if [[ $what == measure ]]; then
        sink="CREATE SINK out USING noop;"
      elif [[ $mode == append ]]; then
        sink="CREATE SINK out USING json OPTIONS (path '$out', ignoreNullFields 'false');"
      else
        bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$q-$engine-out" 1 >/dev/null
        sink="CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '$B', topic '$q-$engine-out');"
      fi
      # The agreement run may use a variant of the query (bench/peers/sluice/<query>.sql:
      # the same query with a column the agreement rule needs, e.g. q5's window end).
      local qfile=$SLUICE_QUERIES/$q.sql
      [[ $what == compare && -f $HERE/sluice/$q.sql ]] && qfile=$HERE/sluice/$q.sql
      SLUICE_QUERY_FILE=$qfile sluice_job "$q" "${engine#sluice-}" "$topic" "$n" "$rate" "$sink" "$dir/ck" > "$dir/job.sql"
      if [[ $what == compare && $mode != append ]]; then
        # The rows as the sink wrote them: the output topic into a JSON file sink.
        sed -i "s/^START STREAMING QUERY \([a-z0-9]*\) INTO out \(.*\) AS$/START STREAMING QUERY \1 INTO out \2 AS SELECT to_json(struct(*)) AS value FROM (/; \$s/^;$/);/" "$dir/job.sql"
      fi
      cmd=("$SLUICE" run "$dir/job.sql" --progress-file "$dir/progress.json" --log-level warn --no-ui)
      ;;
    spark)
      cmd=("$SPARK_PY" $HERE/spark/nexmark.py --bootstrap "$B" --topic "$topic" --query $HERE/spark/$q.sql
           --jars "$(ls "$SPARK_JARS_DIR"/*.jar | tr '\n' ',' | sed 's/,$//')" --checkpoint "$dir/ck")
      [[ $what == compare ]] && cmd+=(--compare-out "$out")
      ;;
    flink)
      cmd=("$FLINK_PY" $HERE/flink/nexmark.py --bootstrap "$B" --topic "$topic" --query $HERE/flink/$q.sql
           --jar "$FLINK_JAR")
      [[ $what == compare ]] && cmd+=(--compare-out "$out")
      ;;
  esac
  local rc=0
  if [[ $what == measure ]]; then
    locked python3 $HERE/measure.py --out "$dir/measure.txt" -- "${cmd[@]}" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
  else
    "${cmd[@]}" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
  fi
  if grep -q '^UNSUPPORTED' "$dir/stdout"; then
    echo "UNSUPPORTED $(sed -n 's/^UNSUPPORTED //p' "$dir/stdout")"
    return 0
  fi
  if [[ $rc -ne 0 ]]; then
    echo "run.sh: $q $engine ($what) failed (exit $rc):" >&2
    grep -v '^\s*at \|WARN' "$dir/stderr" | tail -15 >&2
    grep -m1 -E '^[A-Za-z.]*(Exception|Error): ' "$dir/stderr" | cut -c1-600 | sed 's/^/run.sh: the error: /' >&2 || true
    echo "FAILED exit $rc"
    return 0
  fi
  if [[ $engine == sluice-* && $what == compare && $mode != append ]]; then
    # Read the output topic back (one partition: the order it was written).
    cat > "$dir/dump.sql" <<SQL
CREATE STREAM o USING kafka OPTIONS (kafka.bootstrap.servers '$B', subscribe '$q-$engine-out', startingOffsets 'earliest');
CREATE SINK out USING json OPTIONS (path '$out');
START STREAMING QUERY dump INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$dir/ck-dump'
  AS SELECT \`offset\`, CAST(value AS STRING) AS value FROM o;
SQL
    "$SLUICE" run "$dir/dump.sql" --log-level warn >&2
  fi
  local result
  if [[ $engine == sluice-* ]]; then
    result=$(sluice_progress "$dir/progress.json")
  else
    result=$(sed -n 's/^RESULT //p' "$dir/stdout")
  fi
  echo "OK $result $(sed -n 's/^MEASURE //p' "$dir/measure.txt" 2>/dev/null)"
}

engines_for() {  # the engine runs of this harness, in order
  local list=()
  if has_engine sluice; then list+=(sluice-gen sluice-kafka); fi
  if has_engine spark; then list+=(spark); fi
  if has_engine flink; then list+=(flink); fi
  echo "${list[@]}"
}
why_not() {
  case $1 in spark) echo "$SPARK_WHY" ;; flink) echo "$FLINK_WHY" ;; *) echo "" ;; esac
}

RAW_EPS="" RAW_CORE=""
if [[ $MEASURE == 1 ]]; then
  echo "== loading $EVENTS Nexmark events into topic nexmark ($PARTITIONS partitions)" >&2
  load_topic nexmark "$EVENTS" "$RATE"
  raw=$(locked "$BUILD_DIR/kafka_consume_raw" --bootstrap "$B" --topic nexmark --threads 2 | grep '^RESULT' || true)
  RAW_EPS=$(field events_per_s "$raw")
  RAW_CORE=$(field events_per_core_s "$raw")
  for q in $QUERIES; do
    for e in $(engines_for); do
      if [[ -n $(why_not "$e") ]]; then continue; fi
      best=""
      for r in $(seq "$RUNS"); do
        res=$(run_engine "$q" "$e" nexmark "$EVENTS" "$RATE" measure "")
        echo "[$q $e run $r] $res" >&2
        case $res in
          OK*)
            if [[ $e == sluice-* && $(field rows_in "$res") -eq 0 ]]; then FAILED=1; fi
            if [[ -z $best ]] || awk -v a="$(field wall_s "$res")" -v b="$(field wall_s "$best")" 'BEGIN { exit !(a < b) }'; then
              best=$res
            fi ;;
          UNSUPPORTED*) best=$res; break ;;
          *) FAILED=1; best=$res; break ;;
        esac
      done
      ROWS+=("$q|$e|$best|$(cut -d' ' -f1 /proc/loadavg)")
      [[ -n ${RESULTS_FILE:-} ]] && echo "ROW query=$q engine=$e events=$EVENTS $best load1=$(cut -d' ' -f1 /proc/loadavg)" >> "$RESULTS_FILE"
    done
  done
fi

declare -A AGREE
if [[ $COMPARE == 1 ]]; then
  echo "== loading $COMPARE_EVENTS Nexmark events into topic nexmark-cmp for the agreement runs" >&2
  load_topic nexmark-cmp "$COMPARE_EVENTS" "$COMPARE_RATE"
  for q in $QUERIES; do
    if [[ $(conf "$q" 3) == none ]]; then AGREE[$q]="not compared (rule none: see queries.conf)"; continue; fi
    specs=()
    for e in $(engines_for); do
      [[ -n $(why_not "$e") ]] && continue
      out=$STATE/out-$q-$e
      res=$(run_engine "$q" "$e" nexmark-cmp "$COMPARE_EVENTS" "$COMPARE_RATE" compare "$out")
      case $res in
        OK*)
          case $e in
            sluice-*) [[ $(conf "$q" 2) == append ]] && specs+=("$e=json:$out") || specs+=("$e=kafka:$out") ;;
            *) specs+=("$e=lines:$out") ;;
          esac ;;
        UNSUPPORTED*) NOTES+=("$q $e: ${res#UNSUPPORTED }") ;;
        *) NOTES+=("$q $e: the agreement run failed"); FAILED=1 ;;
      esac
    done
    if [[ ${#specs[@]} -ge 2 ]]; then
      if python3 $HERE/compare.py --rule "$(conf "$q" 3)" "${specs[@]}" > "$STATE/compare-$q.txt"; then
        AGREE[$q]="agree ($(grep -c '^COMPARE' "$STATE/compare-$q.txt") runs)"
      else
        AGREE[$q]="DIFFER"
        FAILED=1
      fi
      sed "s/^/[$q] /" "$STATE/compare-$q.txt"
    else
      AGREE[$q]="fewer than two engines ran"
    fi
  done
fi

LATENCY_ROWS=$STATE/latency-rows.txt
LATENCY_ENGINES=""
if [[ $LATENCY == 1 ]]; then
  has_engine sluice && LATENCY_ENGINES+=" sluice"
  has_engine spark && [[ -z $SPARK_WHY ]] && LATENCY_ENGINES+=" spark"
  has_engine flink && [[ -z $FLINK_WHY ]] && LATENCY_ENGINES+=" flink"
  echo "== fixed-rate latency: $LATENCY_RATE events/s for $LATENCY_SECONDS s (bench/latency/run.sh:$LATENCY_ENGINES)" >&2
  : > "$LATENCY_ROWS"
  # Its own broker, not this one: run.sh starts a ZGC broker and warms it up
  # (this one is G1, whose pauses set the tails).
  if ! locked env -u KAFKA_BOOTSTRAP -u KAFKA_BROKER_DIR RATE="$LATENCY_RATE" SECONDS="$LATENCY_SECONDS" \
      QUERY="stateless windowed" ENGINES="$LATENCY_ENGINES" EXACTLY_ONCE=true RESULTS_FILE="$LATENCY_ROWS" \
      BUILD_DIR="$BUILD_DIR" SLUICE_BIN="$SLUICE" bash bench/latency/run.sh > "$STATE/latency.log" 2>&1; then
    tail -20 "$STATE/latency.log" >&2
    NOTES+=("the fixed-rate latency run failed (bench/latency/run.sh; its last lines are above)")
    FAILED=1
  fi
fi

# ---- the report -------------------------------------------------------------
echo
if [[ $MEASURE == 1 ]]; then
  echo "== Nexmark side by side: $EVENTS events (topic: $PARTITIONS partitions, JSON), $(nproc) cores =="
elif [[ $COMPARE == 1 ]]; then
  echo "== Nexmark agreement of the engines: $COMPARE_EVENTS events (topic: $PARTITIONS partitions, JSON) =="
else
  echo "== Fixed-rate latency of the engines =="
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n $RAW_EPS ]] && echo "raw consume (kafka_consume_raw, 2 threads): $RAW_EPS events/s, $RAW_CORE events per CPU-second"
[[ -n $SPARK_WHY ]] && echo "Spark: not run: $SPARK_WHY"
[[ -n $FLINK_WHY ]] && echo "Flink: not run: $FLINK_WHY"
if [[ $MEASURE == 1 ]]; then
  printf '%-4s %-13s %9s %11s %11s %12s %8s %7s %6s\n' query engine wall_s ev/s_wall ev/s_query ev/cpu_s cpu_s rss_MB load1
  declare -A EPS CORE
  for row in "${ROWS[@]}"; do
    IFS='|' read -r q e res load <<< "$row"
    case $res in
      OK*)
        w=$(field wall_s "$res"); c=$(field cpu_s "$res"); qm=$(field query_ms "$res"); m=$(field peak_rss_mb "$res")
        line=$(awk -v n="$EVENTS" -v w="$w" -v c="$c" -v qm="$qm" 'BEGIN { printf "%.0f %.0f %.0f", n / w, (qm > 0 ? n / (qm / 1000) : 0), n / c }')
        read -r eps qeps ceps <<< "$line"
        EPS[$q-$e]=$eps; CORE[$q-$e]=$ceps
        printf '%-4s %-13s %9s %11s %11s %12s %8s %7.0f %6s\n' "$q" "$e" "$w" "$eps" "$qeps" "$ceps" "$c" "$m" "$load" ;;
      *) printf '%-4s %-13s %s\n' "$q" "$e" "$res" ;;
    esac
  done
  echo
  echo "ratios (sluice-kafka / peer; same topic): events/s by wall clock, events per CPU-second"
  for q in $QUERIES; do
    line="$q:"
    for p in spark flink; do
      if [[ -n ${EPS[$q-sluice-kafka]:-} && -n ${EPS[$q-$p]:-} ]]; then
        line+=$(awk -v a="${EPS[$q-sluice-kafka]}" -v b="${EPS[$q-$p]}" -v c="${CORE[$q-sluice-kafka]}" -v d="${CORE[$q-$p]}" -v p="$p" \
          'BEGIN { printf "  vs %s %.1fx wall, %.1fx per CPU-second", p, a / b, c / d }')
      fi
    done
    if [[ -n $RAW_EPS && -n ${EPS[$q-sluice-kafka]:-} && " $STATELESS " == *" $q "* ]]; then
      line+=$(awk -v a="${EPS[$q-sluice-kafka]}" -v r="$RAW_EPS" 'BEGIN { printf "  | %.0f%% of raw consume", 100 * a / r }')
    fi
    echo "$line"
  done
fi
if [[ $LATENCY == 1 && -s $LATENCY_ROWS ]]; then
  echo
  echo "fixed-rate latency, $LATENCY_RATE events/s for $LATENCY_SECONDS s: sink p50 / p99 in ms (stateless: the"
  echo "output record's timestamp - the input's produce time; windowed: - (window end + 1 s delay)); peer p99 / Sluice p99"
  for lq in stateless windowed; do
    declare -A P50=() P99=()
    for e in $LATENCY_ENGINES; do
      row=$(grep " engine=$e query=$lq " "$LATENCY_ROWS" | tail -1 || true)
      [[ -z $row ]] && continue
      P50[$e]=$(field sink_p50_ms "$row"); P99[$e]=$(field sink_p99_ms "$row")
    done
    line="  $lq:"
    for e in $LATENCY_ENGINES; do
      [[ -n ${P99[$e]:-} ]] || { line+="  $e not measured"; continue; }
      line+="  $e ${P50[$e]} / ${P99[$e]}"
      if [[ $e != sluice && -n ${P99[sluice]:-} ]]; then
        line+=$(awk -v a="${P99[$e]}" -v b="${P99[sluice]}" 'BEGIN { if (b > 0) printf " (%.1fx)", a / b }')
      fi
    done
    echo "$line"
  done
fi
if [[ $COMPARE == 1 ]]; then
  echo
  echo "agreement ($COMPARE_EVENTS events, rules in bench/peers/queries.conf):"
  for q in $QUERIES; do echo "  $q: ${AGREE[$q]:-not compared}"; done
fi
for n in "${NOTES[@]+"${NOTES[@]}"}"; do echo "note: $n"; done
if [[ $STRICT == 1 && $FAILED -ne 0 ]]; then
  echo "run.sh: a run failed or the engines disagree (above)" >&2
  exit 1
fi
exit 0
