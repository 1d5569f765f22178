#!/usr/bin/env bash
# Crash test of a stream-stream join: a real `sluice run` process joining two
# file streams is killed with SIGKILL at each kill point of the batch
# lifecycle, and between the commits of the join's two state stores
# (stream_join:between_store_commits), restarted on the same checkpoint, and
# the file sink's manifest-listed output must hold every joined pair exactly
# once. Each batch reads one file of each side; the right side's files come
# in the reverse order of the left's, so most pairs meet across batches,
# through the state of one side or the other. Both state store providers
# (file, RocksDB) run every case.
#   usage: join_crash_test.sh <path to sluice binary>
set -euo pipefail
SLUICE=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# id, id * 10 (left), id * 100 (right) for ids 1..12.
expected=""
for i in $(seq 1 12); do expected+="$i $((i * 10)) $((i * 100))"$'\n'; done

for provider in hdfs rocksdb; do
for point in after_offset_log stream_join:between_store_commits file_sink:before_manifest after_sink after_commit \
             atomic_write:before_rename; do
  for hit in 1 2 3; do
    d="$WORK/$provider-$(echo "$point" | tr ':' '_')-$hit"
    mkdir -p "$d/left" "$d/right"
    # Left file f holds ids 3f+1..3f+3; right file f the ids of left file 3 - f.
    for f in 0 1 2 3; do
      for r in 1 2 3; do
        id=$((f * 3 + r)); echo "{\"id\":$id,\"lv\":$((id * 10))}"
      done > "$d/left/f$f.json"
      for r in 1 2 3; do
        id=$(((3 - f) * 3 + r)); echo "{\"id\":$id,\"rv\":$((id * 100))}"
      done > "$d/right/f$f.json"
      touch -d "@$((1700000000 + f))" "$d/left/f$f.json" "$d/right/f$f.json"
    done
    cat > "$d/job.sql" <<SQL
SET spark.sql.streaming.stateStore.providerClass = $provider;
CREATE STREAM lefts (id BIGINT, lv BIGINT) USING json OPTIONS (path '$d/left', maxFilesPerTrigger '1');
CREATE STREAM rights (id BIGINT, rv BIGINT) USING json OPTIONS (path '$d/right', maxFilesPerTrigger '1');
CREATE SINK out USING json OPTIONS (path '$d/out');
START STREAMING QUERY j INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck'
  AS SELECT l.id, l.lv, r.rv FROM lefts l JOIN rights r ON l.id = r.id;
SQL
    set +e
    SLUICE_KILL_AT="$point:$hit" "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1"
    rc=$?
    set -e
    if [ $rc -ne 137 ]; then
      echo "FAIL: $point:$hit: expected the process to be killed (rc 137), got rc $rc"; cat "$d/err1"; exit 1
    fi
    "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err2" || { echo "FAIL: restart after $point:$hit"; cat "$d/err2"; exit 1; }
    "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err3" || { echo "FAIL: second restart after $point:$hit"; cat "$d/err3"; exit 1; }
    # Output = the files listed in the manifest (_sluice_metadata), not the directory.
    got=$(for m in $(ls "$d/out/_sluice_metadata" | sort -n); do tail -n +2 "$d/out/_sluice_metadata/$m"; done \
          | sed -n 's/.*"path":"\([^"]*\)".*/\1/p' | while read -r f; do cat "$d/out/$f"; done \
          | sed -n 's/{"id":\([0-9]*\),"lv":\([0-9]*\),"rv":\([0-9]*\)}/\1 \2 \3/p' | sort -n)
    if [ "$got"$'\n' != "$expected" ]; then
      echo "FAIL: $point:$hit: output is not every joined pair exactly once:"; echo "$got" | tr '\n' ';'; echo; exit 1
    fi
    echo "ok: $provider: killed at $point (hit $hit), restarted: 12 joined pairs exactly once"
  done
done
done
