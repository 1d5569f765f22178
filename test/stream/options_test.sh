#!/usr/bin/env bash
# Strict options: a misspelt, unsupported or out-of-range option, and an
# output mode the sink does not support, fail `sluice run` (and batch reads)
# with an error naming the option, and leave no checkpoint behind.
# Usage: options_test.sh path/to/sluice
set -uo pipefail
SLUICE=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
mkdir -p "$WORK/in"
printf '{"a":1}\n' > "$WORK/in/f1.json"

# run_job NAME STREAM-OPTIONS SINK EXPECTED-SUBSTRING...: the job must fail
# (exit 1), print every expected substring, and create no checkpoint.
run_job() {
  local name=$1 stream=$2 sink=$3
  shift 3
  local ckpt="$WORK/ckpt-$name"
  cat > "$WORK/$name.sql" <<SQL
$stream
$sink
START STREAMING QUERY q INTO out
  CHECKPOINT LOCATION '$ckpt'
  AS SELECT * FROM s;
SQL
  local err rc
  err=$(timeout 20 "$SLUICE" run "$WORK/$name.sql" --max-batches 1 2>&1 >/dev/null)
  rc=$?
  local ok=1
  [[ $rc == 1 ]] || { ok=0; echo "FAILED: $name: exit code $rc, expected 1"; }
  for want in "$@"; do
    [[ "$err" == *"$want"* ]] || { ok=0; echo "FAILED: $name: no '$want' in:"; echo "$err"; }
  done
  [[ ! -e "$ckpt" ]] || { ok=0; echo "FAILED: $name: the checkpoint $ckpt was created"; }
  if ((ok)); then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

NOOP="CREATE SINK out USING noop;"
run_job max_file_per_trigger \
  "CREATE STREAM s (a INT) USING json OPTIONS (path '$WORK/in', maxFilePerTrigger '1');" "$NOOP" \
  "unknown option 'maxFilePerTrigger' for source 'json'; did you mean 'maxFilesPerTrigger'?" \
  "valid options: path, maxFilesPerTrigger, mode" "line 1, column 1"
run_job mdoe \
  "CREATE STREAM s (a INT) USING json OPTIONS (path '$WORK/in', mdoe 'FAILFAST');" "$NOOP" \
  "unknown option 'mdoe' for source 'json'; did you mean 'mode'?"
run_job row_per_second \
  "CREATE STREAM s USING rate OPTIONS (rowPerSecond '10');" "$NOOP" \
  "unknown option 'rowPerSecond' for source 'rate'; did you mean 'rowsPerSecond'?"
run_job num_row \
  "CREATE STREAM s USING rate OPTIONS (rowsPerSecond '10');" \
  "CREATE SINK out USING console OPTIONS (numRow '5');" \
  "unknown option 'numRow' for sink 'console'; did you mean 'numRows'?" "CREATE SINK out (line 2, column 1)"
run_job kafka_starting_offset \
  "CREATE STREAM s USING kafka OPTIONS (kafka.bootstrap.servers '127.0.0.1:1', subscribe 't', startingOffset 'earliest');" \
  "$NOOP" "unknown option 'startingOffset' for source 'kafka'; did you mean 'startingOffsets'?"
run_job kafka_bad_property \
  "CREATE STREAM s USING kafka OPTIONS (kafka.bootstrap.servers '127.0.0.1:1', subscribe 't', kafka.fetch.max.bytez '1');" \
  "$NOOP" "kafka.fetch.max.bytez" "No such configuration property"
run_job bad_int \
  "CREATE STREAM s USING rate OPTIONS (numPartitions '0');" "$NOOP" \
  "option 'numPartitions' of source 'rate' must be an integer in 1..1024, got '0'"
run_job huge_rows_per_batch \
  "CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '9000000000000000000');" "$NOOP" \
  "option 'rowsPerBatch' of source 'rate-micro-batch' must be an integer in 1..1000000000"
run_job bad_enum \
  "CREATE STREAM s (a INT) USING json OPTIONS (path '$WORK/in', mode 'FAILFASTER');" "$NOOP" \
  "option 'mode' of source 'json' must be one of PERMISSIVE | DROPMALFORMED | FAILFAST, got 'FAILFASTER'"
run_job unsupported \
  "CREATE STREAM s (a INT) USING json OPTIONS (path '$WORK/in', latestFirst 'true');" "$NOOP" \
  "option 'latestFirst' of source 'json' is not supported by Sluice"
run_job missing_required \
  "CREATE STREAM s USING rate-micro-batch OPTIONS (numPartitions '2');" "$NOOP" \
  "source 'rate-micro-batch' needs option 'rowsPerBatch'"
run_job unknown_format \
  "CREATE STREAM s USING rtae;" "$NOOP" "unknown streaming source format 'rtae'; did you mean 'rate'?"

# A session setting the engine reads is checked when it is SET.
for v in 0 -4; do
  run_job "set_shuffle_partitions_$v" \
    "SET spark.sql.shuffle.partitions = $v;
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '10');" "$NOOP" \
    "SET spark.sql.shuffle.partitions (line 1, column 1): option 'spark.sql.shuffle.partitions' of the session configuration must be an integer in 1..10000, got '$v'"
done

# A json file sink cannot take complete mode: refused with the START's line
# and column before anything is written.
cat > "$WORK/complete.sql" <<SQL
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '10');
CREATE SINK out USING json OPTIONS (path '$WORK/out');
START STREAMING QUERY q INTO out
  OUTPUT MODE complete
  CHECKPOINT LOCATION '$WORK/ckpt-complete'
  AS SELECT value % 2 AS k, count(*) AS n FROM s GROUP BY value % 2;
SQL
err=$(timeout 20 "$SLUICE" run "$WORK/complete.sql" --max-batches 1 2>&1 >/dev/null); rc=$?
if [[ $rc == 1 && "$err" == *"sink 'json' does not support complete output mode (it supports: append)"* &&
      "$err" == *"(line 3, column 1)"* && ! -e "$WORK/ckpt-complete" && ! -e "$WORK/out" ]]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAILED: complete mode into the json sink: rc=$rc"; echo "$err"
fi

# Batch reads follow the same rule.
err=$("$SLUICE" sql -e "CREATE TABLE t (a INT) USING json OPTIONS (path '$WORK/in', mdoe 'FAILFAST'); SELECT * FROM t" 2>&1 >/dev/null); rc=$?
if [[ $rc == 1 && "$err" == *"unknown option 'mdoe' for table format 'json'; did you mean 'mode'?"* ]]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAILED: batch table option: rc=$rc"; echo "$err"
fi

# And a correct job still runs.
cat > "$WORK/good.sql" <<SQL
CREATE STREAM s (a INT) USING json OPTIONS (path '$WORK/in', maxFilesPerTrigger '1', MODE 'failfast');
CREATE SINK out USING json OPTIONS (path '$WORK/good-out', ignoreNullFields 'false');
START STREAMING QUERY q INTO out CHECKPOINT LOCATION '$WORK/ckpt-good' AS SELECT * FROM s;
SQL
if timeout 20 "$SLUICE" run "$WORK/good.sql" --max-batches 1 >/dev/null 2>"$WORK/good.err" &&
   [[ -f "$WORK/ckpt-good/commits/0" ]] && grep -qF '{"a":1}' "$WORK/good-out"/part-*; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAILED: a valid job"; cat "$WORK/good.err"
fi

# ... and a valid SET is the default of the queries started after it: the
# stateful query pins 3 state partitions in offsets/0.
cat > "$WORK/set.sql" <<SQL
SET spark.sql.shuffle.partitions = 3;
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '10');
CREATE SINK out USING noop;
START STREAMING QUERY q INTO out OUTPUT MODE update CHECKPOINT LOCATION '$WORK/ckpt-set'
  AS SELECT value % 2 AS k, count(*) AS n FROM s GROUP BY value % 2;
SQL
if timeout 20 "$SLUICE" run "$WORK/set.sql" --max-batches 1 >/dev/null 2>"$WORK/set.err" &&
   grep -q '"spark.sql.shuffle.partitions":"3"' "$WORK/ckpt-set/offsets/0" &&
   [[ -d "$WORK/ckpt-set/state/0/2" && ! -e "$WORK/ckpt-set/state/0/3" ]]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAILED: SET spark.sql.shuffle.partitions = 3 in a job"; cat "$WORK/set.err"
  cat "$WORK/ckpt-set/offsets/0"; ls "$WORK/ckpt-set/state/0"
fi

echo "options_test: $passed passed, $failed failed"
[[ $failed == 0 ]]
