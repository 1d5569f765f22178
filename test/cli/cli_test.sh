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

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
