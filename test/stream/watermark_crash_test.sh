#!/usr/bin/env bash
# Crash test of a watermarked append aggregation: a real `sluice run` process
# is killed with SIGKILL at each kill point of the batch lifecycle
# (SLUICE_KILL_AT=<point>:<hit>), restarted on the same checkpoint, and the
# file sink's manifest-listed output must hold every closed group exactly
# once with its full count: the watermark (offsets/<id> batchWatermarkMs,
# commits/<id> nextBatchWatermarkMs) and the state survive the kill, the
# re-run batch drops the same late rows and emits the same groups.
#   usage: watermark_crash_test.sh <path to sluice binary> [hdfs|rocksdb]
# The second argument is the state store provider (default hdfs, the file
# one). With rocksdb (a snapshot every 2 versions) the provider's own kill
# points are added (after a state delta is written, before a snapshot
# directory is renamed into place) and the state must be RocksDB's.
#
# Input: 4 files, one per batch (maxFilesPerTrigger 1), event times in
# seconds after 2024-01-01 00:00:00; WATERMARK ts DELAY OF 10 SECONDS,
# GROUP BY ts, append mode. Worked out by hand (Spark's rules: a batch runs
# with the watermark computed after the previous one; late = event time <=
# the previous batch's watermark; a group is emitted once its time <= the
# batch's watermark):
#   batch 0  f0: 5 5 12        wm 0    late<=0   emits -             next wm 2
#   batch 1  f1: 20 21 3       wm 2    late<=0   emits -             next wm 11
#   batch 2  f2: 30 9 12       wm 11   late<=2   emits 3:1 5:2 9:1   next wm 20
#   batch 3  f3: 40 15 25 8    wm 20   late<=11  (8 dropped)
#                                                emits 12:2 15:1 20:1  next wm 30
#   batch 4  no data           wm 30             emits 21:1 25:1 30:1  (40 stays)
set -euo pipefail
SLUICE=$1
PROVIDER=${2:-hdfs}
case "$PROVIDER" in hdfs|rocksdb) ;; *) echo "usage: $0 <sluice> [hdfs|rocksdb]"; exit 2 ;; esac
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

expected=$'3:1\n5:2\n9:1\n12:2\n15:1\n20:1\n21:1\n25:1\n30:1'

ts() { printf '2024-01-01T00:00:%02d.000Z' "$1"; }

run_case() {
  local point=$1 hit=$2
  local d="$WORK/$(echo "$point" | tr ':' '_')-$hit"
  mkdir -p "$d/in"
  local f=0
  for secs in "5 5 12" "20 21 3" "30 9 12" "40 15 25 8"; do
    for s in $secs; do echo "{\"k\":\"x\",\"ts\":\"$(ts "$s")\"}"; done > "$d/in/f$f.json"
    touch -d "@$((1700000000 + f))" "$d/in/f$f.json"
    f=$((f + 1))
  done
  cat > "$d/job.sql" <<SQL
SET spark.sql.streaming.stateStore.providerClass = $PROVIDER;
SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 2;
CREATE STREAM input (k STRING, ts TIMESTAMP) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING json OPTIONS (path '$d/out');
START STREAMING QUERY agg INTO out OUTPUT MODE append TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck'
  AS SELECT ts, count(*) AS n FROM input WATERMARK ts DELAY OF INTERVAL 10 SECONDS GROUP BY ts;
SQL
  if [ -n "$point" ]; then
    set +e
    SLUICE_KILL_AT="$point:$hit" "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1"
    local rc=$?
    set -e
    if [ $rc -ne 137 ]; then
      echo "FAIL: $point:$hit: expected the process to be killed (rc 137), got rc $rc"; cat "$d/err1"; exit 1
    fi
  fi
  # Restart (and once more: nothing left to do) without a kill point.
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err2" || { echo "FAIL: restart after $point:$hit"; cat "$d/err2"; exit 1; }
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err3" || { echo "FAIL: second restart after $point:$hit"; cat "$d/err3"; exit 1; }
  # Output = the files listed in the manifest (_sluice_metadata), as second:count.
  local got
  got=$(for m in $(ls "$d/out/_sluice_metadata" | sort -n); do tail -n +2 "$d/out/_sluice_metadata/$m"; done \
        | sed -n 's/.*"path":"\([^"]*\)".*/\1/p' | while read -r f; do cat "$d/out/$f"; done \
        | sed -n 's/.*"ts":"2024-01-01T00:00:\([0-9]*\)[^"]*","n":\([0-9]*\).*/\1:\2/p' | sed 's/^0\([0-9]\)/\1/' | sort -n)
  if [ "$got" != "$expected" ]; then
    echo "FAIL: ${point:-no kill}:$hit: output is not every closed group exactly once:"
    echo "$got" | tr '\n' ' '; echo; echo "expected:"; echo "$expected" | tr '\n' ' '; echo; exit 1
  fi
  # The watermarks the batches ran with, from the offset log.
  local wms
  wms=$(for b in 0 1 2 3 4; do sed -n 2p "$d/ck/offsets/$b" | sed -n 's/.*"batchWatermarkMs":\([0-9]*\).*/\1/p'; done | tr '\n' ' ')
  local base=1704067200000
  want="0 $((base + 2000)) $((base + 11000)) $((base + 20000)) $((base + 30000)) "
  if [ "$wms" != "$want" ]; then
    echo "FAIL: ${point:-no kill}:$hit: batch watermarks $wms, expected $want"; exit 1
  fi
  # The state is the provider's: RocksDB snapshot directories and its working
  # instance, or the file provider's snapshots, never the other's.
  if [ "$PROVIDER" = rocksdb ]; then
    if ! ls -d "$d"/ck/state/0/*/*.rocksdb >/dev/null 2>&1 || ls "$d"/ck/state/0/*/*.snapshot >/dev/null 2>&1; then
      echo "FAIL: ${point:-no kill}:$hit: expected RocksDB snapshots only:"; ls -R "$d/ck/state"; exit 1
    fi
  elif ls -d "$d"/ck/state/0/*/*.rocksdb "$d"/ck/state/0/*/rocksdb-work >/dev/null 2>&1; then
    echo "FAIL: ${point:-no kill}:$hit: RocksDB files in a file provider's state:"; ls -R "$d/ck/state"; exit 1
  fi
  echo "ok ($PROVIDER): ${point:-no kill} (hit $hit): 9 groups exactly once, watermarks as logged"
}

points="after_offset_log file_sink:before_manifest after_sink after_commit"
hits="1 2 3 4 5"
if [ "$PROVIDER" = rocksdb ]; then
  # Each batch commits one delta per partition that holds state; snapshots
  # every 2 versions. Three hits of each point keep the run short.
  points="$points rocksdb_state:after_delta rocksdb_state:snapshot_before_rename"
  hits="1 2 3"
fi
run_case "" 0
for point in $points; do
  for hit in $hits; do
    run_case "$point" "$hit"
  done
done
