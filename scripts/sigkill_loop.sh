#!/usr/bin/env bash
# Random SIGKILL loop: real `sluice run` processes are killed with SIGKILL at
# random moments while input keeps arriving, restarted on the same
# checkpoint, killed again, ...; at the end an available-now run drains what
# is left and the output is checked against the input: every record exactly
# once. Unlike the kill-point tests (test/stream/crash_test.sh,
# test/kafka/kafka_exactly_once_crash_test.cc), the kills land anywhere:
# during startup, recovery, a batch, a fsync, a Kafka transaction.
#
#   scripts/sigkill_loop.sh [--sluice BIN] [--kafka-tool BIN] [--kills N]
#                           [--pipelines file,parquet,agg,agg-rocksdb,kafka,kafka-agg,kafka-trickle,kafka-pipelined,delta,postgres,postgres-agg[:KILLS]]
#                           [--seed S]
#                           [--work DIR] [--keep]
#
# Pipelines (each on its own input, checkpoint and output):
#   file       JSON files -> file source (maxFilesPerTrigger 1) -> JSON file
#              sink. Output: the part files the sink's manifest lists,
#              read here (not through the engine).
#   parquet    JSON files -> file source (maxFilesPerTrigger 1) -> Parquet
#              file sink (partitionBy k, zstd). Output: the part files the
#              manifest lists, read by pyarrow (.venv-python, setup_python.sh).
#   agg        JSON files (keys k0..k6) -> streaming aggregation (count and
#              sum per key, state in the checkpoint) -> console, complete
#              mode. Output: the table printed by the last batch of the final
#              run, compared with counts and sums of the input.
#   agg-rocksdb  the same with the RocksDB state store provider
#              (spark.sql.streaming.stateStore.providerClass = rocksdb, a
#              snapshot every 3 versions).
#   kafka      topic (2 partitions) -> Kafka source (maxOffsetsPerTrigger
#              40) -> Kafka sink with exactlyOnce 'true'. Output: the topic
#              read with read_committed by kafka_topic_tool (librdkafka).
#   kafka-agg  keyed topic -> count per key -> Kafka sink, update mode,
#              exactlyOnce 'true' (one output partition): the last count
#              written for each key is compared with the input.
#   kafka-trickle  topic (4 partitions) -> Kafka source with the default
#              trigger and no maxOffsetsPerTrigger -> Kafka sink with
#              exactlyOnce 'true', while a background producer keeps adding
#              1..10 records at a time (a kafka_topic_tool run each, several
#              a second) through every run and kill: the job runs many tiny
#              batches, the low-latency case. Output checked as for kafka.
#   kafka-pipelined  kafka-trickle with the query option pipelinedCommits
#              'true' (a batch's transaction commits while the next batch
#              runs; its own topics skp-in and skp-out).
#   delta      JSON files -> file source (maxFilesPerTrigger 1) -> Delta sink
#              (append). Output: the table read by the `deltalake` package
#              (delta-rs, .venv-delta/ from scripts/setup_delta.sh), and its
#              _delta_log read directly: each batch id in one Delta version
#              only (a second txn of the query for a batch id counts as a
#              duplicate). Without deltalake the loop says SKIPPED and exits 77.
#   postgres   JSON files -> file source (maxFilesPerTrigger 1) -> PostgreSQL
#              sink (append). Output: the table's ids, read with psql.
#   postgres-agg  JSON files -> count and sum per key -> PostgreSQL sink,
#              update mode (upsert by key): the table's counts and sums,
#              read with psql, compared with the input.
# The Kafka pipelines start a private broker (scripts/kafka/broker.sh),
# unless KAFKA_BOOTSTRAP names a running one. The PostgreSQL pipelines
# start a private server (scripts/postgres/server.sh); without the server
# binaries the script prints SKIPPED and exits 77.
#
# --kills N: kills per pipeline (default 70: 280 over the four pipelines);
# a pipeline named as NAME:K in --pipelines gets K kills instead.
# Each round adds input, starts the job, waits a random time (file and agg
# up to 0.4 s, Kafka up to 3 s: a Kafka job needs about a second to start)
# and kills it with SIGKILL; a process that exits by itself in between is a
# failed restart (its log is printed).
#
# Prints one line per pipeline: kills (and how many of them came after the
# run had committed a batch), failed restarts, input records, duplicates
# (extra copies in the output), losses (input records missing from the
# output), and a TOTAL line. Exit status 1 if any duplicate, loss, unknown
# output record or failed restart was seen.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SLUICE=${SLUICE:-$ROOT/build/sluice}
KAFKA_TOOL=${KAFKA_TOOL:-}
KILLS=70
PIPELINES=file,agg,kafka,kafka-agg
SEED=${SEED:-$$}
WORK=
KEEP=0
while (($#)); do
  case $1 in
    --sluice) SLUICE=$2; shift 2 ;;
    --kafka-tool) KAFKA_TOOL=$2; shift 2 ;;
    --kills) KILLS=$2; shift 2 ;;
    --pipelines) PIPELINES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "sigkill_loop.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x $SLUICE ]] || { echo "sigkill_loop.sh: no sluice binary at $SLUICE (build it, or pass --sluice)" >&2; exit 2; }
[[ -n $KAFKA_TOOL ]] || KAFKA_TOOL=$(dirname "$SLUICE")/kafka_topic_tool
command -v python3 >/dev/null || { echo "sigkill_loop.sh: python3 is needed to check the output" >&2; exit 2; }
RANDOM=$SEED
if [[ -z $WORK ]]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-sigkill-XXXXXX")
else
  mkdir -p "$WORK"
fi
BROKER_DIR=
PG_DIR=
TRICKLE_PID=
cleanup() {
  if [[ -n $TRICKLE_PID ]]; then kill "$TRICKLE_PID" 2>/dev/null || true; wait "$TRICKLE_PID" 2>/dev/null || true; fi
  if [[ -n $BROKER_DIR ]]; then bash "$ROOT/scripts/kafka/broker.sh" --dir "$BROKER_DIR" stop >/dev/null 2>&1 || true; fi
  if [[ -n $PG_DIR ]]; then bash "$ROOT/scripts/postgres/server.sh" --dir "$PG_DIR" stop >/dev/null 2>&1 || true; fi
  if ((KEEP)); then echo "sigkill_loop.sh: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "sigkill_loop.sh: seed $SEED, $KILLS kills per pipeline ($PIPELINES), work dir $WORK"

# Random delay in seconds, "0.000" .. max_ms/1000.
random_delay() { local ms=$(( (RANDOM * 32768 + RANDOM) % ($1 + 1) )); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }

# ---- the broker (Kafka pipelines only) ------------------------------------
need_kafka() {
  [[ -n ${KAFKA_BOOTSTRAP:-} ]] && return 0
  [[ -x $KAFKA_TOOL ]] || { echo "sigkill_loop.sh: no kafka_topic_tool at $KAFKA_TOOL (ninja kafka_topic_tool)" >&2; exit 2; }
  BROKER_DIR=$WORK/broker
  eval "$(bash "$ROOT/scripts/kafka/broker.sh" --dir "$BROKER_DIR" start --owner-pid $$ | grep '^KAFKA_BOOTSTRAP=')"
  export KAFKA_BOOTSTRAP
}
# ---- the Delta reader (delta pipeline only) ---------------------------------
DELTA_PYTHON=${DELTA_PYTHON:-$ROOT/.venv-delta/bin/python}
need_delta() {
  if ! "$DELTA_PYTHON" -c "import deltalake" 2>/dev/null; then
    echo "SKIPPED: sigkill_loop.sh: the delta pipeline needs the deltalake package ($DELTA_PYTHON; run scripts/setup_delta.sh)"
    exit 77
  fi
}
# ---- the PostgreSQL server (postgres pipelines only) -------------------------
need_postgres() {
  [[ -n $PG_DIR ]] && return 0
  if [[ ! -x ${SLUICE_PG_BIN:-/usr/lib/postgresql/15/bin}/postgres ]] || ! command -v psql >/dev/null; then
    echo "SKIPPED: the postgres pipelines need PostgreSQL 15 and psql (scripts/setup.sh installs postgresql-15)"
    exit 77
  fi
  # Outside $WORK: the server runs as an unprivileged user that must reach it.
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sluice-sigkill-pg-XXXXXX")
  eval "$(bash "$ROOT/scripts/postgres/server.sh" --dir "$PG_DIR" start --owner-pid $$)"
  export PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD SLUICE_PG_CONN
}
pg_query() { psql -XAtq -v ON_ERROR_STOP=1 -F' ' -c "$1"; }
create_topic() { bash "$ROOT/scripts/kafka/broker.sh" --dir "${BROKER_DIR:-$WORK/broker}" create-topic "$1" "$2" >/dev/null; }

# ---- input of each pipeline ------------------------------------------------
NEXT_ID=0
# file / agg: a JSON-lines file of 1..20 records with the next ids.
add_file_input() {  # dir
  local n=$(( RANDOM % 20 + 1 )) f
  f="$1/in-$(printf '%06d' "$NEXT_ID").json"
  for ((i = NEXT_ID; i < NEXT_ID + n; ++i)); do echo "{\"id\":$i,\"k\":\"k$((i % 7))\",\"v\":$((i % 5))}"; done > "$f.tmp"
  mv "$f.tmp" "$f"  # whole files only: the source may list the directory at any time
  NEXT_ID=$((NEXT_ID + n))
}
# kafka / kafka-agg: 1..60 records with the next ids.
add_topic_input() {  # topic [keys]
  local n=$(( RANDOM % 60 + 1 ))
  "$KAFKA_TOOL" produce --bootstrap "$KAFKA_BOOTSTRAP" --topic "$1" --from "$NEXT_ID" --to $((NEXT_ID + n)) \
    ${2:+--keys "$2"}
  NEXT_ID=$((NEXT_ID + n))
}

# ---- the jobs ----------------------------------------------------------------
# write_job <pipeline> <dir> <trigger clause>
write_job() {
  local p=$1 d=$2 trigger=$3
  case $p in
    delta) cat <<SQL
CREATE STREAM input (id BIGINT, k STRING, v BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING delta OPTIONS (path '$d/out');
START STREAMING QUERY copy INTO out $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT id, k, v FROM input;
SQL
    ;;
    file) cat <<SQL
CREATE STREAM input (id BIGINT, k STRING, v BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING json OPTIONS (path '$d/out');
START STREAMING QUERY copy INTO out $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT id FROM input;
SQL
    ;;
    parquet) cat <<SQL
CREATE STREAM input (id BIGINT, k STRING, v BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING parquet OPTIONS (path '$d/out', partitionBy 'k', compression 'zstd');
START STREAMING QUERY copy INTO out $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT id, k FROM input;
SQL
    ;;
    agg|agg-rocksdb)
      if [ "$p" = agg-rocksdb ]; then
        echo "SET spark.sql.streaming.stateStore.providerClass = rocksdb;"
        echo "SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 3;"
      fi
      cat <<SQL
CREATE STREAM input (id BIGINT, k STRING, v BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING console OPTIONS (numRows '1000', truncate 'false');
START STREAMING QUERY agg INTO out OUTPUT MODE complete $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT k, count(*) AS n, sum(v) AS s FROM input GROUP BY k;
SQL
    ;;
    postgres) cat <<SQL
CREATE STREAM input (id BIGINT, k STRING, v BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING postgres OPTIONS (url '$SLUICE_PG_CONN', passwordEnv 'PGPASSWORD', dbtable 'sk_out');
START STREAMING QUERY copy INTO out $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT id, k, v FROM input;
SQL
    ;;
    postgres-agg) cat <<SQL
CREATE STREAM input (id BIGINT, k STRING, v BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING postgres OPTIONS (url '$SLUICE_PG_CONN', passwordEnv 'PGPASSWORD', dbtable 'ska_out',
  keyColumns 'k');
START STREAMING QUERY agg INTO out OUTPUT MODE update $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT k, count(*) AS n, sum(v) AS s FROM input GROUP BY k;
SQL
    ;;
    kafka) cat <<SQL
CREATE STREAM input USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', subscribe 'sk-in',
  startingOffsets 'earliest', maxOffsetsPerTrigger '40');
CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', topic 'sk-out', exactlyOnce 'true');
START STREAMING QUERY copy INTO out $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT CAST(value AS STRING) AS value FROM input;
SQL
    ;;
    kafka-trickle|kafka-pipelined)
      # The same copy; kafka-pipelined on its own topics, with pipelined commits.
      local t=skt extra=""
      [[ $p == kafka-pipelined ]] && t=skp extra=", pipelinedCommits 'true'"
      cat <<SQL
CREATE STREAM input USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', subscribe '$t-in',
  startingOffsets 'earliest');
CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', topic '$t-out', exactlyOnce 'true'$extra);
START STREAMING QUERY copy INTO out $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT CAST(value AS STRING) AS value FROM input;
SQL
    ;;
    kafka-agg) cat <<SQL
CREATE STREAM input USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', subscribe 'ska-in',
  startingOffsets 'earliest', maxOffsetsPerTrigger '40');
CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '$KAFKA_BOOTSTRAP', topic 'ska-out', exactlyOnce 'true');
START STREAMING QUERY counts INTO out OUTPUT MODE update $trigger CHECKPOINT LOCATION '$d/ck'
  AS SELECT CAST(key AS STRING) AS key, CAST(count(*) AS STRING) AS value FROM input GROUP BY CAST(key AS STRING);
SQL
    ;;
  esac
}

# kafka-trickle: a background producer of the next ids, 1..10 records per
# kafka_topic_tool run, until <dir>/trickle.stop exists; <dir>/trickle.next
# holds the next id once a run's records are all acknowledged.
start_trickle() {  # topic dir
  local topic=$1 d=$2
  rm -f "$d/trickle.stop"
  echo "$NEXT_ID" > "$d/trickle.next"
  (
    id=$NEXT_ID
    RANDOM=$((SEED + 1))
    while [[ ! -e $d/trickle.stop ]]; do
      n=$(( RANDOM % 10 + 1 ))
      "$KAFKA_TOOL" produce --bootstrap "$KAFKA_BOOTSTRAP" --topic "$topic" --from "$id" --to $((id + n)) \
        2>>"$d/trickle.err" || { echo failed > "$d/trickle.failed"; exit 1; }
      id=$((id + n))
      echo "$id" > "$d/trickle.next.tmp" && mv "$d/trickle.next.tmp" "$d/trickle.next"
    done
  ) &
  TRICKLE_PID=$!
}
stop_trickle() {  # dir; sets NEXT_ID; returns 1 if a produce run failed
  touch "$1/trickle.stop"
  wait "$TRICKLE_PID" 2>/dev/null || true
  TRICKLE_PID=
  NEXT_ID=$(cat "$1/trickle.next")
  [[ ! -e $1/trickle.failed ]]
}

# ---- the check: prints "<duplicates> <losses> <unknown>" (scripts/sigkill_check.py)
# The parquet pipeline's check reads the files with pyarrow, from the venv
# scripts/setup_python.sh makes (SLUICE_PYTHON overrides it).
check() {
  local py=python3
  if [[ $1 == parquet ]]; then py=${SLUICE_PYTHON:-$ROOT/.venv-python/bin/python}; fi
  "$py" "$ROOT/scripts/sigkill_check.py" "$@"
}

# ---- one pipeline --------------------------------------------------------------
TOTAL_KILLS=0; TOTAL_FAILED=0; TOTAL_DUPS=0; TOTAL_LOSSES=0; TOTAL_UNKNOWN=0; TOTAL_INPUT=0
run_pipeline() {
  local p=$1 rounds=$2 d=$WORK/$1 max_ms kills=0 after_batch=0 failed=0
  mkdir -p "$d/in"
  NEXT_ID=0
  case $p in
    file|parquet|agg|agg-rocksdb) max_ms=400 ;;
    delta) need_delta; max_ms=400 ;;
    postgres|postgres-agg) need_postgres; max_ms=600 ;;
    kafka) need_kafka; create_topic sk-in 2; create_topic sk-out 2; max_ms=3000 ;;
    kafka-agg) need_kafka; create_topic ska-in 2; create_topic ska-out 1; max_ms=3000 ;;
    kafka-trickle) need_kafka; create_topic skt-in 4; create_topic skt-out 2; max_ms=3000 ;;
    kafka-pipelined) need_kafka; create_topic skp-in 4; create_topic skp-out 2; max_ms=3000 ;;
  esac
  write_job "$p" "$d" "" > "$d/job.sql"
  write_job "$p" "$d" "TRIGGER AVAILABLE NOW" > "$d/final.sql"
  add_input() {
    case $p in
      file|parquet|agg|agg-rocksdb|delta|postgres|postgres-agg) add_file_input "$d/in" ;;
      kafka) add_topic_input sk-in ;;
      kafka-agg) add_topic_input ska-in 7 ;;
      kafka-trickle|kafka-pipelined) ;;  # the background producer adds it
    esac
  }
  [[ $p == kafka-trickle ]] && start_trickle skt-in "$d"
  [[ $p == kafka-pipelined ]] && start_trickle skp-in "$d"
  for ((r = 1; r <= rounds; ++r)); do
    add_input
    ((RANDOM % 3 == 0)) && add_input
    local delay; delay=$(random_delay "$max_ms")
    "$SLUICE" run "$d/job.sql" >"$d/run.out" 2>"$d/run.err" &
    local pid=$! rc=0
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || rc=$?  # (2>/dev/null: no "Killed" notice from bash)
    grep "\] query .* batch [0-9]*:" "$d/run.err" >> "$d/batches" || true  # batches the run finished
    if ((rc == 137)); then
      kills=$((kills + 1))
      grep -q "\] query .* batch [0-9]*:" "$d/run.err" && after_batch=$((after_batch + 1))
    else
      failed=$((failed + 1))
      echo "sigkill_loop.sh: $p round $r: the job exited by itself with status $rc before the kill:" >&2
      tail -n 5 "$d/run.err" >&2
    fi
  done
  # Drain (and once more: nothing left), then check.
  if [[ $p == kafka-trickle || $p == kafka-pipelined ]]; then
    if ! stop_trickle "$d"; then
      failed=$((failed + 1)); echo "sigkill_loop.sh: $p: the background producer failed:" >&2; tail -n 5 "$d/trickle.err" >&2
    fi
  fi
  add_input
  local rc=0
  "$SLUICE" run "$d/final.sql" >"$d/final.out" 2>"$d/final.err" || rc=$?
  if ((rc != 0)); then
    failed=$((failed + 1)); echo "sigkill_loop.sh: $p: the final run failed ($rc):" >&2; tail -n 5 "$d/final.err" >&2
  fi
  rc=0
  "$SLUICE" run "$d/final.sql" >"$d/final2.out" 2>"$d/final2.err" || rc=$?
  if ((rc != 0)); then
    failed=$((failed + 1)); echo "sigkill_loop.sh: $p: the second final run failed ($rc):" >&2; tail -n 5 "$d/final2.err" >&2
  fi
  case $p in
    kafka) "$KAFKA_TOOL" dump --bootstrap "$KAFKA_BOOTSTRAP" --topic sk-out > "$d/dump" ;;
    kafka-agg) "$KAFKA_TOOL" dump --bootstrap "$KAFKA_BOOTSTRAP" --topic ska-out > "$d/dump" ;;
    kafka-trickle) "$KAFKA_TOOL" dump --bootstrap "$KAFKA_BOOTSTRAP" --topic skt-out > "$d/dump" ;;
    kafka-pipelined) "$KAFKA_TOOL" dump --bootstrap "$KAFKA_BOOTSTRAP" --topic skp-out > "$d/dump" ;;
    postgres) pg_query "SELECT id FROM sk_out" > "$d/dump" ;;
    postgres-agg) pg_query "SELECT k, n, s FROM ska_out" > "$d/dump" ;;
  esac
  local dups losses unknown checked=$p
  [[ $p == kafka-trickle || $p == kafka-pipelined ]] && checked=kafka  # the same output: ids once each
  if [[ $p == delta ]]; then
    read -r dups losses unknown < <("$DELTA_PYTHON" "$ROOT/scripts/sigkill_check.py" delta "$d" "$NEXT_ID")
  else
    read -r dups losses unknown < <(check "$checked" "$d" "$NEXT_ID")
  fi
  local batches=""
  [[ $p == kafka-trickle || $p == kafka-pipelined ]] && batches="  batches finished in killed runs $(cat "$d/batches" 2>/dev/null | wc -l)"
  printf '%-10s kills %4d (%d after a committed batch)  failed restarts %d  input records %6d  duplicates %d  losses %d  unknown %d%s\n' \
    "$p" "$kills" "$after_batch" "$failed" "$NEXT_ID" "$dups" "$losses" "$unknown" "$batches"
  TOTAL_KILLS=$((TOTAL_KILLS + kills)); TOTAL_FAILED=$((TOTAL_FAILED + failed)); TOTAL_INPUT=$((TOTAL_INPUT + NEXT_ID))
  TOTAL_DUPS=$((TOTAL_DUPS + dups)); TOTAL_LOSSES=$((TOTAL_LOSSES + losses)); TOTAL_UNKNOWN=$((TOTAL_UNKNOWN + unknown))
}

IFS=, read -r -a LIST <<< "$PIPELINES"
# The parquet pipeline's check needs pyarrow: without it, the run is
# SKIPPED (exit 77) when parquet is all it was asked for, else an error.
if [[ ,$PIPELINES, == *,parquet[,:]* ]]; then
  PARQUET_PY=${SLUICE_PYTHON:-$ROOT/.venv-python/bin/python}
  if ! "$PARQUET_PY" -c "import pyarrow.parquet" 2>/dev/null; then
    echo "sigkill_loop.sh: SKIPPED parquet: pyarrow is not importable by $PARQUET_PY (scripts/setup_python.sh)"
    [[ ${#LIST[@]} -eq 1 ]] && exit 77
    exit 2
  fi
fi
for entry in "${LIST[@]}"; do
  p=${entry%%:*} k=$KILLS
  [[ $entry == *:* ]] && k=${entry#*:}
  [[ $k =~ ^[0-9]+$ ]] || { echo "sigkill_loop.sh: bad kill count in '$entry'" >&2; exit 2; }
  case $p in
    file|parquet|agg|agg-rocksdb|kafka|kafka-agg|kafka-trickle|kafka-pipelined|delta|postgres|postgres-agg) run_pipeline "$p" "$k" ;;
    *) echo "sigkill_loop.sh: unknown pipeline '$p' (file, parquet, agg, agg-rocksdb, kafka, kafka-agg, kafka-trickle, kafka-pipelined, delta, postgres, postgres-agg)" >&2
       exit 2 ;;
  esac
done
printf 'TOTAL      kills %4d  failed restarts %d  input records %6d  duplicates %d  losses %d  unknown %d\n' \
  "$TOTAL_KILLS" "$TOTAL_FAILED" "$TOTAL_INPUT" "$TOTAL_DUPS" "$TOTAL_LOSSES" "$TOTAL_UNKNOWN"
((TOTAL_FAILED + TOTAL_DUPS + TOTAL_LOSSES + TOTAL_UNKNOWN == 0))
