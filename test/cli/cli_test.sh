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

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
