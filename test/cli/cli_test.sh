#!/usr/bin/env bash
# The sluice command line: output formats, scripts from files and stdin,
# exit codes and error messages. Usage: cli_test.sh path/to/sluice
set -uo pipefail
SLUICE=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

check() {  # name expected actual
  if [[ "$2" == "$3" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAILED: %s\n--- expected\n%s\n--- actual\n%s\n' "$1" "$2" "$3"
  fi
}

out=$("$SLUICE" sql -e "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 22, NULL ORDER BY a")
# Columns are at least 3 characters wide (as Spark's show()), padded by one
# space on each side.
check "table" "+-----+------+
| a   | b    |
+-----+------+
| 1   | x    |
| 22  | NULL |
+-----+------+" "$out"

out=$("$SLUICE" sql --format csv -e "SELECT 1 AS a, 'x,y' AS b, CAST(NULL AS STRING) AS c")
check "csv" 'a,b,c
1,"x,y",' "$out"

out=$("$SLUICE" sql --format json -e "SELECT 1 AS a, CAST(NULL AS INT) AS n, TIMESTAMP '2024-01-01 10:00:00' AS t, named_struct('p', 2) AS s")
check "json" '{"a":1,"t":"2024-01-01T10:00:00.000Z","s":{"p":2}}' "$out"

# Spark's CSV writer refuses ARRAY and STRUCT columns: a user error, on
# stderr, exit 1, nothing on stdout (not even the header).
out=$("$SLUICE" sql --format csv -e "SELECT array(1, 2) AS a, 1 AS b" 2>"$WORK/err"); rc=$?
check "csv of an ARRAY: exit code" "1" "$rc"
check "csv of an ARRAY: stdout" "" "$out"
case "$(cat "$WORK/err")" in
  *"[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE]"*'column `a`'*ARRAY*) check "csv of an ARRAY: message" ok ok ;;
  *) check "csv of an ARRAY: message" "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] ... column \`a\` ... ARRAY" "$(cat "$WORK/err")" ;;
esac
out=$("$SLUICE" sql --format csv -e "SELECT named_struct('p', 1) AS s FROM range(0)" 2>/dev/null); rc=$?
check "csv of a STRUCT, no rows: exit code" "1" "$rc"

printf 'CREATE TABLE t (k STRING, v INT) USING json OPTIONS (path %s);\n-- a comment\nSELECT k, sum(v) AS s FROM t GROUP BY k ORDER BY k;\n' "'$WORK/in.json'" > "$WORK/script.sql"
printf '{"k":"a","v":1}\n{"k":"b","v":2}\n{"k":"a","v":3}\n' > "$WORK/in.json"
out=$("$SLUICE" sql --format csv -f "$WORK/script.sql")
check "script file" 'k,s
a,4
b,2' "$out"
out=$("$SLUICE" sql --format csv -f - < "$WORK/script.sql")
check "script on stdin" 'k,s
a,4
b,2' "$out"

err=$("$SLUICE" sql -e "SELECT nme FROM (SELECT 1 AS name)" 2>&1 >/dev/null); rc=$?
check "user error exit code" "1" "$rc"
check "user error message" 'error: [UNRESOLVED_COLUMN] cannot resolve column `nme` at line 1, column 8. Did you mean `name`?
  SELECT nme FROM (SELECT 1 AS name)
         ^' "$err"

err=$("$SLUICE" sql -e "SELECT 1 / 0" 2>&1 >/dev/null); rc=$?
check "runtime error exit code" "1" "$rc"
case "$err" in *"[DIVIDE_BY_ZERO]"*) check "runtime error class" ok ok ;; *) check "runtime error class" "[DIVIDE_BY_ZERO] in message" "$err" ;; esac

"$SLUICE" sql -f "$WORK/missing.sql" >/dev/null 2>&1; rc=$?
check "missing script exit code" "1" "$rc"

# The version, then the librdkafka linked into the binary (statically:
# scripts/setup_rdkafka.sh), for bug reports.
out=$("$SLUICE" --version)
if [[ "$out" =~ ^sluice\ [0-9]+\.[0-9]+\.[0-9]+\ \(([0-9a-f]+|unknown)\)$'\n'librdkafka\ [0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  check "version" ok ok
else
  check "version" "sluice X.Y.Z (commit), then librdkafka X.Y.Z" "$out"
fi

# Logs: `run` logs a line per batch at info (its default), none at error.
cat > "$WORK/rate.sql" <<SQL
CREATE STREAM ev USING rate-micro-batch OPTIONS (rowsPerBatch '10');
CREATE SINK out USING noop;
START STREAMING QUERY counts INTO out OUTPUT MODE complete CHECKPOINT LOCATION '$WORK/ck-rate'
  AS SELECT value % 3 AS k, count(*) AS n FROM ev GROUP BY value % 3;
SQL
"$SLUICE" run "$WORK/rate.sql" --log-level info --max-batches 3 --progress-file "$WORK/progress" 2>"$WORK/err-info"; rc=$?
check "run at info: exit code" "0" "$rc"
logged=$(sed -n "s/.* info  *\[stream\] query 'counts' batch \([0-9]*\): 10 input rows in [0-9]* ms, 3 state rows$/\1/p" "$WORK/err-info" | tr '\n' ' ')
ran=$(sed -n 's/.*"batchId":\([0-9]*\).*/\1/p' "$WORK/progress" | tr '\n' ' ')
check "run at info: one line per batch, with its id" "$ran" "$logged"
if [[ $(wc -l < "$WORK/progress") -ge 3 ]]; then check "run at info: batches ran" ok ok; else check "run at info: batches ran" ">= 3" "$(cat "$WORK/progress")"; fi
"$SLUICE" run "$WORK/rate.sql" --log-level error --max-batches 2 2>"$WORK/err-error"; rc=$?
check "run at error: exit code" "0" "$rc"
check "run at error: no log lines" "" "$(cat "$WORK/err-error")"
# The environment sets the level when --log-level is not given; the flag wins.
SLUICE_LOG_LEVEL=error "$SLUICE" run "$WORK/rate.sql" --max-batches 2 2>"$WORK/err-env"; rc=$?
check "run with SLUICE_LOG_LEVEL=error: exit code" "0" "$rc"
check "run with SLUICE_LOG_LEVEL=error: no log lines" "" "$(cat "$WORK/err-env")"
SLUICE_LOG_LEVEL=error "$SLUICE" run "$WORK/rate.sql" --log-level info --max-batches 2 2>"$WORK/err-env-flag"
if grep -q "query 'counts' batch" "$WORK/err-env-flag"; then
  check "run with SLUICE_LOG_LEVEL=error --log-level info: batch lines" ok ok
else
  check "run with SLUICE_LOG_LEVEL=error --log-level info: batch lines" "a line per batch" "$(cat "$WORK/err-env-flag")"
fi
"$SLUICE" run "$WORK/rate.sql" --log-level chatty >/dev/null 2>&1; rc=$?
check "unknown log level exit code" "105" "$rc"

# A directory that does not exist: the job waits and warns, naming it.
cat > "$WORK/missing.sql" <<SQL
CREATE STREAM ev (id BIGINT) USING json OPTIONS (path '$WORK/no-such-dir');
CREATE SINK out USING noop;
START STREAMING QUERY waits INTO out CHECKPOINT LOCATION '$WORK/ck-missing' AS SELECT id FROM ev;
SQL
timeout -s INT 3 "$SLUICE" run "$WORK/missing.sql" 2>"$WORK/err-missing"
if grep -q "warning \[FileStreamSource\[$WORK/no-such-dir\]\] directory $WORK/no-such-dir does not exist; waiting for it to be created" "$WORK/err-missing"; then
  check "missing directory warning" ok ok
else
  check "missing directory warning" "a warning naming $WORK/no-such-dir" "$(cat "$WORK/err-missing")"
fi
# --threads and SLUICE_THREADS size the thread pool: the threads of a running
# `sluice run` process (main, query, pool workers) differ by the difference
# of pool sizes.
cat > "$WORK/rate.sql" <<SQL
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '10');
CREATE SINK o USING noop;
START STREAMING QUERY q INTO o OUTPUT MODE update CHECKPOINT LOCATION '$WORK/ck-threads' AS SELECT value % 3 AS k, count(*) AS n FROM s GROUP BY value % 3;
SQL
threads_of_run() {  # sluice run arguments...; prints the process's thread count once batches run
  rm -rf "$WORK/ck-threads" "$WORK/progress.json"
  "$SLUICE" run "$WORK/rate.sql" --progress-file "$WORK/progress.json" "$@" >/dev/null &
  local pid=$! n=""
  for _ in $(seq 200); do
    [[ -s "$WORK/progress.json" ]] && break
    sleep 0.05
  done
  [[ -s "$WORK/progress.json" ]] && n=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid"
  echo "${n:-none}"
}
t1=$(threads_of_run --threads 1)
t4=$(threads_of_run --threads 4)
check "--threads 4 starts 3 more pool threads than --threads 1" "3" "$(( t4 - t1 ))"
t3=$(SLUICE_THREADS=3 threads_of_run)
check "SLUICE_THREADS=3 starts 2 more pool threads than --threads 1" "2" "$(( t3 - t1 ))"
t2=$(SLUICE_THREADS=3 threads_of_run --threads 2)
check "--threads wins over SLUICE_THREADS" "1" "$(( t2 - t1 ))"
err=$("$SLUICE" sql --threads 0 -e "SELECT 1" 2>&1 >/dev/null); rc=$?
check "--threads 0 is refused" "refused yes" "$([[ $rc -ne 0 ]] && echo refused) $([[ $err == *"--threads"* ]] && echo yes)"

# --each-statement: every statement on its own, one JSON line each (types as
# Spark's simpleString, values in the renderings statement_results.h
# documents); a failing statement does not stop the next one.
out=$("$SLUICE" sql --each-statement -e "CREATE TABLE e (x INT) USING json OPTIONS (path '$WORK/none.json'); SELECT 1 AS a, 'p;q' AS b, CAST(NULL AS INT) AS n; SELECT 1 / 0; -- no statement after this ;
SELECT -0.0D AS z, CAST('NaN' AS DOUBLE) AS nan, 1.50 AS d, DATE '2024-01-02' AS dt, TIMESTAMP '2024-01-01 10:00:00.5' AS ts, X'0AFF' AS bin, named_struct('p', 2, 'q', array(1, 2)) AS s")
check "--each-statement" '{"columns":[],"rows":[]}
{"columns":[{"name":"a","type":"int"},{"name":"b","type":"string"},{"name":"n","type":"int"}],"rows":[[1,"p;q",null]]}
{"error":"ExecutionError: [DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead.","user_error":true}
{"columns":[{"name":"z","type":"double"},{"name":"nan","type":"double"},{"name":"d","type":"decimal(3,2)"},{"name":"dt","type":"date"},{"name":"ts","type":"timestamp"},{"name":"bin","type":"binary"},{"name":"s","type":"struct<p:int,q:array<int>>"}],"rows":[[-0.0,"NaN","1.50","2024-01-02","2024-01-01 10:00:00.5","0x0aff",[2,[1,2]]]]}' "$out"

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
