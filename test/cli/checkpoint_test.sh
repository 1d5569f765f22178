#!/usr/bin/env bash
# `sluice checkpoint`: the summary of a streaming checkpoint and the state
# rows of an operator, after a real job (`sluice run`), with a batch whose
# commit is missing and with a damaged state file. Expected values worked out
# by hand from the input rows. Usage: checkpoint_test.sh path/to/sluice
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

CK="$WORK/ck"
mkdir -p "$WORK/in"
cat > "$WORK/job.sql" <<SQL
CREATE STREAM kv (k STRING, v BIGINT) USING json OPTIONS (path '$WORK/in');
CREATE SINK out USING noop;
SET spark.sql.shuffle.partitions = 1;
START STREAMING QUERY q INTO out OUTPUT MODE update TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$CK'
AS SELECT k, count(*) AS n, sum(v) AS s, avg(v) AS a FROM kv GROUP BY k;
SQL
# No input yet: the query started (metadata written) but ran no batch.
"$SLUICE" run "$WORK/job.sql" --log-level warn || { echo "FAILED: run without input"; exit 1; }
out=$("$SLUICE" checkpoint "$CK"); rc=$?
check "no batch yet: exit code" 0 "$rc"
contains "no batch yet: batches" "batches: none" "$out"
contains "no batch yet: operators" "stateful operators: none has written state" "$out"

printf '{"k":"a","v":1}\n{"k":"b","v":10}\n{"k":"a","v":3}\n' > "$WORK/in/001.json"
"$SLUICE" run "$WORK/job.sql" --log-level warn || { echo "FAILED: first run"; exit 1; }
printf '{"k":"a","v":5}\n{"k":"c","v":7}\n' > "$WORK/in/002.json"
"$SLUICE" run "$WORK/job.sql" --log-level warn || { echo "FAILED: second run"; exit 1; }

out=$("$SLUICE" checkpoint "$CK"); rc=$?
check "summary: exit code" 0 "$rc"
query_id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$CK/metadata")
contains "summary: query id" "query id: $query_id" "$out"
contains "summary: batches" "batches: 0 to 1 (2 in the offset log); newest committed: 1" "$out"
contains "summary: pinned conf" "spark.sql.shuffle.partitions=1" "$out"
contains "summary: batch 0 offsets" '| 0     | yes       | 0 (1970-01-01T00:00:00.000Z) | 0 (1970-01-01T00:00:00.000Z) |' "$out"
contains "summary: batch 0 source offset" '{"logOffset":0} |' "$out"
contains "summary: batch 1 source offset" '{"logOffset":1} |' "$out"
contains "summary: operators" "stateful operators: 1" "$out"
contains "summary: operator kind" "operator 0: StatefulAggregate" "$out"
contains "summary: keys" "key columns:   k STRING" "$out"
contains "summary: values" "value columns: count(1) AS n BIGINT [state BIGINT]; sum(v) AS s BIGINT [state BIGINT]; avg(v) AS a DOUBLE [state DOUBLE, BIGINT]" "$out"
# After batch 1: a (3 rows in), b, c.
contains "summary: state size" "partitions: 1; state of batch 1 (version 2): 3 rows," "$out"

out=$("$SLUICE" checkpoint "$CK" state 0); rc=$?
check "state: exit code" 0 "$rc"
check "state: table" "operator 0 (StatefulAggregate), state of batch 1 (version 2)
+-----+-----+-----+------+-----+--------------+
| k   | n   | s   | a_0  | a_1 | partition_id |
+-----+-----+-----+------+-----+--------------+
| a   | 3   | 9   | 9.0  | 3   | 0            |
| b   | 1   | 10  | 10.0 | 1   | 0            |
| c   | 1   | 7   | 7.0  | 1   | 0            |
+-----+-----+-----+------+-----+--------------+
3 rows" "$out"

out=$("$SLUICE" checkpoint "$CK" state 0 --batch 0 --partition 0)
check "state of batch 0" "operator 0 (StatefulAggregate), state of batch 0 (version 1)
+-----+-----+-----+------+-----+--------------+
| k   | n   | s   | a_0  | a_1 | partition_id |
+-----+-----+-----+------+-----+--------------+
| a   | 2   | 4   | 4.0  | 2   | 0            |
| b   | 1   | 10  | 10.0 | 1   | 0            |
+-----+-----+-----+------+-----+--------------+
2 rows" "$out"

# A batch that ran but was not committed (its commit removed, as after a
# crash before the commit log): listed as not committed, and the state shown
# is the newest committed batch's, although version 2 is on disk.
rm "$CK/commits/1"
out=$("$SLUICE" checkpoint "$CK")
contains "uncommitted: batches" "newest committed: 0" "$out"
contains "uncommitted: batch 1" '| 1     | no        | 0 (1970-01-01T00:00:00.000Z) | -' "$out"
contains "uncommitted: latest version on disk" '| 0         | -     | 2              | 2    |' "$out"
out=$("$SLUICE" checkpoint "$CK" state 0)
contains "uncommitted: state of batch 0" "state of batch 0 (version 1)" "$out"
contains "uncommitted: 2 rows" "2 rows" "$out"

# Errors: exit 1, the message on stderr names what is wrong.
err=$("$SLUICE" checkpoint "$CK" state 4 2>&1 >/dev/null); rc=$?
check "unknown operator: exit code" 1 "$rc"
contains "unknown operator: message" "has no state for operator 4" "$err"
err=$("$SLUICE" checkpoint "$CK" state 0 --partition 3 2>&1 >/dev/null); rc=$?
check "unknown partition: exit code" 1 "$rc"
contains "unknown partition: message" "has no partition 3" "$err"
err=$("$SLUICE" checkpoint "$WORK/in" 2>&1 >/dev/null); rc=$?
check "not a checkpoint: exit code" 1 "$rc"
contains "not a checkpoint: message" "is not a streaming checkpoint" "$err"
err=$("$SLUICE" checkpoint "$CK" stats 0 2>&1 >/dev/null); rc=$?
check "bad usage: exit code" 1 "$rc"
echo "garbage" > "$CK/state/0/0/1.delta"
err=$("$SLUICE" checkpoint "$CK" state 0 2>&1 >/dev/null); rc=$?
check "damaged state file: exit code" 1 "$rc"
contains "damaged state file: names it" "$CK/state/0/0/1.delta" "$err"
# The checkpoint was only read: no file was added by the inspection.
check "nothing written" "" "$(find "$CK" -newer "$CK/state/0/0/1.delta" -type f)"

# A checkpoint of the RocksDB provider (a snapshot every 2 versions, so the
# state directory holds <v>.rocksdb/ and rocksdb-work/ beside the deltas):
# the same state rows, read with the provider its files show.
CK2="$WORK/ck-rocksdb"
mkdir -p "$WORK/in2"
cat > "$WORK/job2.sql" <<SQL
CREATE STREAM kv (k STRING, v BIGINT) USING json OPTIONS (path '$WORK/in2', maxFilesPerTrigger '1');
CREATE SINK out USING noop;
SET spark.sql.shuffle.partitions = 1;
SET spark.sql.streaming.stateStore.providerClass = rocksdb;
SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 2;
START STREAMING QUERY q INTO out OUTPUT MODE update TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$CK2'
AS SELECT k, count(*) AS n, sum(v) AS s FROM kv GROUP BY k;
SQL
printf '{"k":"a","v":1}\n{"k":"b","v":10}\n' > "$WORK/in2/001.json"
printf '{"k":"a","v":3}\n' > "$WORK/in2/002.json"
printf '{"k":"c","v":7}\n{"k":"a","v":5}\n' > "$WORK/in2/003.json"
touch -d '2024-01-01 00:00:01' "$WORK/in2/001.json"; touch -d '2024-01-01 00:00:02' "$WORK/in2/002.json"
touch -d '2024-01-01 00:00:03' "$WORK/in2/003.json"
"$SLUICE" run "$WORK/job2.sql" --log-level warn || { echo "FAILED: rocksdb run"; exit 1; }
check "rocksdb: a snapshot was written" "yes" "$(ls -d "$CK2"/state/0/0/*.rocksdb >/dev/null 2>&1 && echo yes)"
out=$("$SLUICE" checkpoint "$CK2" state 0 2>&1); rc=$?
check "rocksdb state: exit code" 0 "$rc"
check "rocksdb state: table" "operator 0 (StatefulAggregate), state of batch 2 (version 3)
+-----+-----+-----+--------------+
| k   | n   | s   | partition_id |
+-----+-----+-----+--------------+
| a   | 3   | 9   | 0            |
| b   | 1   | 10  | 0            |
| c   | 1   | 7   | 0            |
+-----+-----+-----+--------------+
3 rows" "$out"
out=$("$SLUICE" checkpoint "$CK2" state 0 --batch 0 2>&1)
contains "rocksdb state of batch 0" "| a   | 1   | 1   | 0            |" "$out"
out=$("$SLUICE" checkpoint "$CK2" 2>&1); rc=$?
check "rocksdb summary: exit code" 0 "$rc"
contains "rocksdb summary: 3 rows" "state of batch 2 (version 3): 3 rows" "$out"

echo "checkpoint_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
