#!/usr/bin/env bash
# The Yahoo Streaming Benchmark, Sluice side by side with Spark and Flink on
# the same Kafka topic (docs/ysb.md). Starts a private broker (always
# stopped), writes the static ad -> campaign table (100 campaigns x 10 ads)
# and runs, for each engine in ENGINES, the YSB query
#   Kafka ad events -> from_json -> keep views -> join the ad -> campaign
#   table -> count per campaign per 10-second event-time window -> Kafka
# (sluice.sql here, spark_ysb.py, flink_ysb.py) twice:
#
# 1. Throughput: EVENTS events loaded first (kafka_load, EVENTS_PER_MS
#    events per ms of event time), the job reads them all and stops
#    (Sluice and Spark available-now, Flink a bounded source). Whole process
#    tree measured (bench/peers/measure.py: wall, CPU with the JVM's, peak
#    RSS in MiB); then
#    ysb_check works the expected counts out of the input topic and checks
#    the job's output topic (read_committed): every window's final count.
#    The engines agree when each one's digest equals the expected digest.
# 2. Latency (LATENCY=1): the job runs first (default trigger), kafka_load
#    --rate RATE produces SECONDS of events whose event time is the wall
#    clock, and ysb_check --latency measures, per (campaign, window), the
#    time from the window's last view to the write of its final count (the
#    output record's Kafka timestamp; "visible": when the read_committed
#    reader got it), windows of the first WARMUP_MS left out; also checked
#    against the input.
#
#   bench/ysb/run.sh                          # long form (2M events; latency at 20,000/s for 40 s)
#   SMOKE=1 EVENTS=20000 RATE=2000 SECONDS=12 bench/ysb/run.sh   # the ctest form
#
# Output mode: MODE update (default; YSB's semantics: a window's count is
# written again each batch it grows; every engine) or append (once, when
# the watermark passes window end + DELAY_MS; Sluice and Spark only).
# Environment: EVENTS (2000000), EVENTS_PER_MS (10), PARTITIONS (4), ENGINES
# ("sluice spark flink"), LATENCY (1), RATE (20000), SECONDS (40), WARMUP_MS
# (10000), LATENCY_ENGINES (the engines of the latency runs: ENGINES), DELAY_MS (1000, the watermark delay), EXACTLY_ONCE (Sluice's
# Kafka sink: true; Spark's and Flink's are at least once here),
# FLINK_MINIBATCH_MS (50), BUILD_DIR (build; sluice, kafka_load and
# ysb_check are built there if missing), SLUICE_BIN, SLUICE_THREADS,
# SMOKE=1 (exit 1 unless every run's output matches the input; a missing
# peer is reported as not run; exit 77, ctest's SKIP, when no engine of
# ENGINES can run), KEEP_STATE=1.
# Peers: pyspark and Spark's Kafka jars from scripts/setup_pyspark.sh,
# PyFlink and Flink's Kafka connector from scripts/setup_flink.sh; both are
# run here when missing (INSTALL=0 skips that).
RUN_SECONDS=$SECONDS
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
[[ $RUN_SECONDS -gt 0 && $RUN_SECONDS -lt 100000 ]] || RUN_SECONDS=40
EVENTS=${EVENTS:-2000000}
EVENTS_PER_MS=${EVENTS_PER_MS:-10}
PARTITIONS=${PARTITIONS:-4}
ENGINES=${ENGINES:-sluice spark flink}
ENGINES=${ENGINES//,/ }
LATENCY=${LATENCY:-1}
LATENCY_ENGINES=${LATENCY_ENGINES:-$ENGINES}
LATENCY_ENGINES=${LATENCY_ENGINES//,/ }
RATE=${RATE:-20000}
WARMUP_MS=${WARMUP_MS:-10000}
DELAY_MS=${DELAY_MS:-1000}
MODE=${MODE:-update}
EXACTLY_ONCE=${EXACTLY_ONCE:-true}
FLINK_MINIBATCH_MS=${FLINK_MINIBATCH_MS:-50}
BUILD_DIR=${BUILD_DIR:-build}
SMOKE=${SMOKE:-0}
INSTALL=${INSTALL:-1}
SLUICE_BIN=${SLUICE_BIN:-$BUILD_DIR/sluice}
LOAD_BIN=${LOAD_BIN:-$BUILD_DIR/kafka_load}
CHECK_BIN=${CHECK_BIN:-$BUILD_DIR/ysb_check}
SPARK_VENV=${SLUICE_REFERENCE_VENV:-$ROOT/.venv-reference}
SPARK_JARS=${SLUICE_SPARK_JARS:-$ROOT/.cache/spark-kafka-jars}
FLINK_VENV=${SLUICE_FLINK_VENV:-$ROOT/.venv-flink}
FLINK_JARS=${SLUICE_FLINK_JARS:-$ROOT/.cache/flink-jars}
case $MODE in update|append) ;; *) echo "run.sh: MODE must be update or append" >&2; exit 2 ;; esac

if [[ ! -x $SLUICE_BIN || ! -x $LOAD_BIN || ! -x $CHECK_BIN ]]; then
  [[ -f $BUILD_DIR/build.ninja ]] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  nice ninja -C "$BUILD_DIR" sluice kafka_load ysb_check
fi

# Peers: what is missing is installed (INSTALL=1) or reported as not run.
declare -A NOT_RUN
spark_ready() {
  "$SPARK_VENV/bin/python" -c 'import pyspark' 2>/dev/null && ls "$SPARK_JARS"/spark-sql-kafka-0-10_2.13-*.jar >/dev/null 2>&1
}
flink_ready() {
  "$FLINK_VENV/bin/python" -c 'import pyflink' 2>/dev/null && ls "$FLINK_JARS"/flink-sql-connector-kafka-*.jar >/dev/null 2>&1
}
for engine in $ENGINES; do
  case $engine in
    sluice) ;;
    spark)
      if ! spark_ready && [[ $INSTALL == 1 ]]; then bash scripts/setup_pyspark.sh >&2 || true; fi
      spark_ready || NOT_RUN[spark]="pyspark or Spark's Kafka jars missing (scripts/setup_pyspark.sh)" ;;
    flink)
      if [[ $MODE != update ]]; then NOT_RUN[flink]="MODE=$MODE: the Flink version is update only (docs/ysb.md)"; continue; fi
      if ! flink_ready && [[ $INSTALL == 1 ]]; then bash scripts/setup_flink.sh >&2 || true; fi
      flink_ready || NOT_RUN[flink]="PyFlink or Flink's Kafka connector missing (scripts/setup_flink.sh)" ;;
    *) echo "run.sh: unknown engine $engine (sluice, spark, flink)" >&2; exit 2 ;;
  esac
done

RUNNABLE=0
for engine in $ENGINES; do [[ -n ${NOT_RUN[$engine]:-} ]] || RUNNABLE=1; done
if [[ $RUNNABLE == 0 ]]; then
  for engine in "${!NOT_RUN[@]}"; do echo "$engine: NOT RUN: ${NOT_RUN[$engine]}"; done
  echo "run.sh: SKIPPED: none of the engines ($ENGINES) is installed"
  exit 77
fi

T0=$(date +%s.%N)
step() { awk -v t0="$T0" -v t="$(date +%s.%N)" -v m="$*" 'BEGIN { printf "run.sh [%6.1f s] %s\n", t - t0, m }' >&2; }
source bench/kafka/private_broker.sh
step "starting a private broker"
start_private_broker sluice-ysb
B=$KAFKA_BOOTSTRAP
TABLE=$STATE/campaigns.csv
topic() { bash scripts/kafka/broker.sh --dir "$BROKER_DIR" create-topic "$1" "$2" >/dev/null; }
field() { tr ' ' '\n' <<< "$2" | sed -n "s/^$1=//p" | head -1; }
load1() { cut -d' ' -f1 /proc/loadavg; }
FAILED=0
JOB_PGID=

stop_job() {  # stop_job PID: SIGTERM to the job's session, SIGKILL after 60 s
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  JOB_PGID=
}
# On exit (also on failure or Ctrl-C): a job still running, then the broker.
trap '[[ -n $JOB_PGID ]] && kill -KILL -- "-$JOB_PGID" 2>/dev/null; bash scripts/kafka/broker.sh --dir "$BROKER_DIR" stop >/dev/null 2>&1 || true; [[ -n ${KEEP_STATE:-} ]] && echo "run.sh: state kept in $STATE" >&2 || rm -rf "$STATE"' EXIT

# The job command of ENGINE reading IN, writing OUT, for TRIGGER
# (available-now | default); DIR holds its files.
job_command() {
  local engine=$1 in=$2 out=$3 trigger=$4 dir=$5
  case $engine in
    sluice)
      local trig=""
      [[ $trigger == available-now ]] && trig="TRIGGER AVAILABLE NOW"
      sed -e "s|@BOOTSTRAP@|$B|g; s|@INPUT@|$in|g; s|@OUTPUT@|$out|g; s|@TABLE@|$TABLE|g" \
          -e "s|@CHECKPOINT@|$dir/ck|g; s|@MODE@|$MODE|g; s|@TRIGGER@|$trig|g; s|@DELAY_MS@|$DELAY_MS|g" \
          -e "s|@EXACTLY_ONCE@|$EXACTLY_ONCE|g" bench/ysb/sluice.sql > "$dir/job.sql"
      echo "$SLUICE_BIN run $dir/job.sql --no-ui --progress-file $dir/progress.json" ;;
    spark)
      echo "$SPARK_VENV/bin/python bench/ysb/spark_ysb.py $B $in $out $TABLE $dir/ck $MODE $trigger $DELAY_MS $(ls "$SPARK_JARS"/*.jar | tr '\n' ',' | sed 's/,$//')" ;;
    flink)
      echo "$FLINK_VENV/bin/python bench/ysb/flink_ysb.py $B $in $out $TABLE $MODE $trigger $(ls "$FLINK_JARS"/flink-sql-connector-kafka-*.jar | head -1) $FLINK_MINIBATCH_MS" ;;
  esac
}
label_of() {
  case $1 in
    sluice) echo "sluice (eo=$EXACTLY_ONCE)" ;;
    spark) echo "spark local[2] (alo)" ;;
    flink) echo "flink p=2 (alo)" ;;
  esac
}

# ---- 1. throughput and agreement -------------------------------------------
step "loading $EVENTS events"
topic ads "$PARTITIONS"
"$LOAD_BIN" --bootstrap "$B" --topic ads --events "$EVENTS" --events-per-ms "$EVENTS_PER_MS" --campaign-table "$TABLE"
declare -a TROWS LROWS
for engine in $ENGINES; do
  [[ -n ${NOT_RUN[$engine]:-} ]] && continue
  dir=$STATE/tp-$engine
  mkdir -p "$dir"
  topic "tp-out-$engine" "$PARTITIONS"
  cmd=$(job_command "$engine" ads "tp-out-$engine" available-now "$dir")
  step "$engine: throughput run"
  l0=$(load1)
  rc=0
  python3 bench/peers/measure.py --out "$dir/proc" -- $cmd > "$dir/job.log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "run.sh: [$engine] the throughput job failed (exit $rc):" >&2; tail -20 "$dir/job.log" >&2; FAILED=1; continue
  fi
  proc=$(cat "$dir/proc")
  step "$engine: checking its output"
  check=$("$CHECK_BIN" --bootstrap "$B" --input ads --output "tp-out-$engine" --table "$TABLE" --events "$EVENTS" \
            --mode "$MODE" --delay-ms "$DELAY_MS" --idle-timeout 15 | tee "$dir/check.out" | grep '^RESULT') || true
  own=""
  if [[ $engine == sluice ]]; then  # the query's own time: its batches' triggerExecution
    own=$(sed -n 's/.*"triggerExecution":\([0-9]*\).*/\1/p' "$dir/progress.json" | awk '{ s += $1 } END { printf "%.2f", s / 1000 }')
  fi
  TROWS+=("$(label_of "$engine")|wall=$(field wall_s "$proc") cpu=$(field cpu_s "$proc") rss_mb=$(field peak_rss_mb "$proc") own=$own windows=$(field windows "$check") exact=$(field exact "$check") digest=$(field digest "$check") expected_digest=$(field expected_digest "$check") load=$l0")
  if [[ $(field exact "$check") != 1 ]]; then
    echo "run.sh: [$engine] the output does not match the input: $(grep -v '^RESULT' "$dir/check.out")" >&2
    FAILED=1
  fi
done

# ---- 2. latency ----------------------------------------------------------------
if [[ $LATENCY == 1 ]]; then
  n=$(awk -v r="$RATE" -v s="$RUN_SECONDS" 'BEGIN { printf "%d", r * s }')
  for engine in $ENGINES; do
    [[ -n ${NOT_RUN[$engine]:-} || " $LATENCY_ENGINES " != *" $engine "* ]] && continue
    dir=$STATE/lat-$engine
    mkdir -p "$dir"
    topic "lat-in-$engine" "$PARTITIONS"
    topic "lat-out-$engine" "$PARTITIONS"
    cmd=$(job_command "$engine" "lat-in-$engine" "lat-out-$engine" default "$dir")
    step "$engine: latency run: starting the job"
    setsid $cmd > "$dir/job.log" 2>&1 &
    JOB_PGID=$!
    # Ready: Sluice once its query started (its log says so), the peers once
    # they print READY (plus a few seconds for their first batch).
    for ((i = 0; i < 1200; i++)); do
      if [[ $engine == sluice ]]; then grep -q "query 'ysb' started" "$dir/job.log" 2>/dev/null && { sleep 0.5; break; }
      else grep -q '^READY' "$dir/job.log" 2>/dev/null && { sleep 5; break; }; fi
      kill -0 "$JOB_PGID" 2>/dev/null || break
      sleep 0.1
    done
    if ! kill -0 "$JOB_PGID" 2>/dev/null; then
      echo "run.sh: [$engine] the latency job did not start:" >&2; tail -20 "$dir/job.log" >&2; FAILED=1; JOB_PGID=; continue
    fi
    "$CHECK_BIN" --bootstrap "$B" --input "lat-in-$engine" --output "lat-out-$engine" --table "$TABLE" --events "$n" \
      --mode "$MODE" --delay-ms "$DELAY_MS" --latency --warmup-ms "$WARMUP_MS" --idle-timeout 30 > "$dir/check.out" 2>&1 &
    check_pid=$!
    l0=$(load1)
    step "$engine: producing $n events at $RATE/s"
    "$LOAD_BIN" --bootstrap "$B" --topic "lat-in-$engine" --events "$n" --rate "$RATE" > "$dir/load.out"
    step "$engine: waiting for the reader"
    wait "$check_pid" || true
    l1=$(load1)
    step "$engine: stopping the job"
    stop_job "$JOB_PGID"
    step "$engine: stopped"
    check=$(grep '^RESULT' "$dir/check.out" || true)
    LROWS+=("$(label_of "$engine")|$check load=$l0/$l1 $(grep -o 'latest hand-over [0-9.]* ms' "$dir/load.out" | tr ' ' '_')")
    if [[ $(field exact "$check") != 1 ]]; then
      echo "run.sh: [$engine] latency run: the output does not match the input: $(grep -v '^RESULT' "$dir/check.out" | head -3)" >&2
      FAILED=1
    elif [[ $(field measured "$check") -lt 1 ]]; then
      echo "run.sh: [$engine] latency run: no window measured after the warm-up" >&2
      FAILED=1
    fi
  done
fi

# ---- report ----------------------------------------------------------------------
echo
echo "== YSB: Kafka -> from_json -> views -> join ad->campaign (static CSV) -> count per campaign per 10 s window (OUTPUT MODE $MODE) -> Kafka =="
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "throughput: $EVENTS events ($PARTITIONS partitions, $EVENTS_PER_MS per ms of event time) read once and stopped; whole process tree (JVM included)"
printf '%-22s %8s %12s %10s %14s %8s %8s %9s %-24s %s\n' engine wall_s events/s query_s events/cpu_s cpu_s rss_MiB windows "agrees (digest)" "load1 at start"
sl_eps=
sl_cpu=
for r in "${TROWS[@]}"; do
  label=${r%%|*}; row=${r#*|}
  f() { field "$1" "$row"; }
  eps=$(awk -v n="$EVENTS" -v w="$(f wall)" 'BEGIN { printf "%.0f", n / w }')
  [[ $label == sluice* ]] && { sl_eps=$eps; sl_cpu=$(f cpu); }
  qs=$(f own); [[ -n $qs ]] || qs=-
  agree="no"; [[ $(f exact) == 1 && $(f digest) == "$(f expected_digest)" ]] && agree="yes ($(f digest))"
  printf '%-22s %8.2f %12s %10s %14.0f %8.2f %8.0f %9s %-24s %s\n' "$label" "$(f wall)" "$eps" "$qs" \
    "$(awk -v n="$EVENTS" -v c="$(f cpu)" 'BEGIN { printf "%.0f", (c > 0 ? n / c : 0) }')" "$(f cpu)" "$(f rss_mb)" "$(f windows)" "$agree" "$(f load)"
done
if [[ -n $sl_eps ]]; then
  for r in "${TROWS[@]}"; do
    label=${r%%|*}; [[ $label == sluice* ]] && continue
    row=${r#*|}
    echo "sluice / $label: $(awk -v a="$sl_eps" -v n="$EVENTS" -v w="$(field wall "$row")" 'BEGIN { printf "%.1fx", a / (n / w) }') by wall clock, $(awk -v a="$sl_cpu" -v c="$(field cpu "$row")" 'BEGIN { printf "%.1fx", (a > 0 ? c / a : 0) }') per CPU-second"
  done
fi
if [[ $LATENCY == 1 ]]; then
  echo
  echo "latency: $RATE events/s for $RUN_SECONDS s, event time = wall clock; per (campaign, window) after the first $WARMUP_MS ms:"
  echo "  last view -> final count written (sink: the record's Kafka timestamp; visible: read_committed reader), and window end -> final count"
  printf '%-22s %9s %20s %16s %22s %10s %s\n' engine windows "sink p50/p90/p99/max" "visible p50/p99" "window end p50/p99/max" exact "load1 start/end"
  for r in "${LROWS[@]}"; do
    label=${r%%|*}; row=${r#*|}
    f() { field "$1" "$row"; }
    printf '%-22s %9s %20s %16s %22s %10s %s\n' "$label" "$(f measured)/$(f windows)" \
      "$(f last_event_p50_ms)/$(f last_event_p90_ms)/$(f last_event_p99_ms)/$(f last_event_max_ms)" \
      "$(f visible_p50_ms)/$(f visible_p99_ms)" "$(f window_end_p50_ms)/$(f window_end_p99_ms)/$(f window_end_max_ms)" \
      "$(f exact)" "$(f load)"
  done
fi
for engine in "${!NOT_RUN[@]}"; do echo "$engine: NOT RUN: ${NOT_RUN[$engine]}"; done
if [[ $SMOKE == 1 ]]; then
  [[ $FAILED == 0 ]] && echo "SMOKE OK: every engine run matched the counts worked out from the input" || echo "SMOKE FAIL (see above)" >&2
fi
exit $FAILED
