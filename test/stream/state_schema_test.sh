#!/usr/bin/env bash
# A SQL job restarted on its checkpoint after its query changed: the state of
# the streaming aggregation no longer fits, so `sluice run` fails at start
# with the state-schema error (exit 1) instead of printing old state in the
# wrong columns or failing with Corruption; the unchanged query restarts and
# continues its totals.
#   usage: state_schema_test.sh <path to sluice binary>
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
contains() {  # name needle haystack
  if [[ "$3" == *"$2"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAILED: %s\n--- expected to contain\n%s\n--- actual\n%s\n' "$1" "$2" "$3"
  fi
}

mkdir -p "$WORK/in"
job() {  # job file, SELECT list, GROUP BY
  cat > "$1" <<SQL
CREATE STREAM clicks (user_id STRING, ad_id STRING, x BIGINT) USING json OPTIONS (path '$WORK/in');
CREATE SINK out USING console;
START STREAMING QUERY q INTO out OUTPUT MODE complete TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$WORK/ck'
  AS SELECT $2 FROM clicks GROUP BY $3;
SQL
}
job "$WORK/job.sql" "user_id, count(*) AS n, sum(x) AS s" "user_id"
job "$WORK/swapped.sql" "user_id, sum(x) AS s, count(*) AS n" "user_id"
job "$WORK/rekeyed.sql" "ad_id, count(*) AS n, sum(x) AS s" "ad_id"

printf '{"user_id":"u1","ad_id":"a1","x":5}\n{"user_id":"u1","ad_id":"a2","x":7}\n' > "$WORK/in/f0.json"
out=$("$SLUICE" run "$WORK/job.sql" 2>&1); rc=$?
check "first run exit code" 0 "$rc"
contains "first run output" "| u1      | 2   | 12  |" "$out"

printf '{"user_id":"u2","ad_id":"a1","x":1}\n' > "$WORK/in/f1.json"
err=$("$SLUICE" run "$WORK/swapped.sql" 2>&1 >/dev/null); rc=$?
check "swapped aggregates exit code" 1 "$rc"
contains "swapped aggregates error" "StatefulAggregate (operator 0): the query's state schema is not compatible with the checkpoint $WORK/ck: value columns changed: column 0 was count(1) AS n BIGINT, is now sum(x) AS s BIGINT" "$err"
contains "swapped aggregates error class" "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]" "$err"

err=$("$SLUICE" run "$WORK/rekeyed.sql" 2>&1 >/dev/null); rc=$?
check "changed key exit code" 1 "$rc"
contains "changed key error" "key columns changed from (user_id STRING) to (ad_id STRING)" "$err"
contains "changed key error class" "[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]" "$err"
check "failed starts logged no batch" "0" "$(ls "$WORK/ck/offsets" | tr '\n' ' ' | xargs)"

out=$("$SLUICE" run "$WORK/job.sql" 2>&1); rc=$?
check "unchanged query exit code" 0 "$rc"
contains "unchanged query continues u1" "| u1      | 2   | 12  |" "$out"
contains "unchanged query continues u2" "| u2      | 1   | 1   |" "$out"

echo "state schema: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
