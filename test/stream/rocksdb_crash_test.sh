#!/usr/bin/env bash
# Crash test of the RocksDB state store provider: a streaming aggregation
# (`sluice run`, spark.sql.streaming.stateStore.providerClass = rocksdb, a
# state snapshot every 2 versions) is killed with SIGKILL at kill points of
# the batch lifecycle and of the provider (after a state delta is written,
# before a snapshot directory is renamed into place), restarted on the same
# checkpoint with one more input file, and the final complete-mode table must
# hold the counts and sums of all the input exactly once.
#   usage: rocksdb_crash_test.sh <path to sluice binary>
set -euo pipefail
SLUICE=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Input file f (0..4) holds ids 3f+1..3f+3, key k<id mod 3>. Over all 15 ids:
# k0: 3,6,9,12,15 (5 rows, sum 45); k1: 1,4,...,13 (5, 35); k2: 2,...,14 (5, 40).
expected=$'k0 5 45\nk1 5 35\nk2 5 40'

add_file() {  # dir f
  for r in 1 2 3; do id=$(($2 * 3 + r)); echo "{\"id\":$id,\"k\":\"k$((id % 3))\"}"; done > "$1/in/f$2.json"
  touch -d "@$((1700000000 + $2))" "$1/in/f$2.json"
}

failed=0
for point in after_offset_log after_sink after_commit rocksdb_state:after_delta \
             rocksdb_state:snapshot_before_rename atomic_write:before_rename; do
  for hit in 1 2 3; do
    d="$WORK/$(echo "$point" | tr ':' '_')-$hit"
    mkdir -p "$d/in"
    for f in 0 1 2 3; do add_file "$d" "$f"; done
    cat > "$d/job.sql" <<SQL
SET spark.sql.streaming.stateStore.providerClass = rocksdb;
SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 2;
CREATE STREAM input (id BIGINT, k STRING) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING console OPTIONS (numRows '1000', truncate 'false');
START STREAMING QUERY agg INTO out OUTPUT MODE complete TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck'
  AS SELECT k, count(*) AS n, sum(id) AS s FROM input GROUP BY k;
SQL
    set +e
    SLUICE_KILL_AT="$point:$hit" "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1"
    rc=$?
    set -e
    if [ $rc -ne 137 ]; then
      echo "FAIL: $point:$hit: expected the process to be killed (rc 137), got rc $rc"; cat "$d/err1"; failed=1; continue
    fi
    # One more file, so the restart runs at least one batch and prints the table.
    add_file "$d" 4
    if ! "$SLUICE" run "$d/job.sql" >"$d/out2" 2>"$d/err2"; then
      echo "FAIL: restart after $point:$hit"; cat "$d/err2"; failed=1; continue
    fi
    got=$(awk '/^Batch: /{t=""} /^\| *k[0-9]/{gsub(/\|/," "); $1=$1; t=t $0 "\n"} END{printf "%s", t}' "$d/out2" | sort)
    if [ "$got" != "$expected" ]; then
      echo "FAIL: $point:$hit: the final table is not the input's counts and sums:"; echo "$got"; failed=1; continue
    fi
    # The state is RocksDB's: snapshot directories, never the file provider's.
    if ! ls -d "$d"/ck/state/0/*/*.rocksdb >/dev/null 2>&1 || ls "$d"/ck/state/0/*/*.snapshot >/dev/null 2>&1; then
      echo "FAIL: $point:$hit: expected RocksDB snapshots only:"; ls -R "$d/ck/state"; failed=1; continue
    fi
    echo "ok: killed at $point (hit $hit), restarted: counts and sums exact"
  done
done

# A damaged snapshot file: the next start fails naming it, and so does every
# later one (nothing is repaired by guessing).
d="$WORK/after_commit-1"
# The newest snapshot holding data (the three keys may all hash to one partition).
sst=$(ls "$d"/ck/state/0/*/*.rocksdb/*.sst | sort -t/ -k1,1 | awk -F/ '{v=$(NF-1); sub(/\.rocksdb$/,"",v); print v, $0}' \
      | sort -n | tail -n 1 | cut -d' ' -f2)
python3 - "$sst" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x01
open(p, "wb").write(bytes(b))
PY
echo '{"id":16,"k":"k1"}' > "$d/in/f5.json"
for attempt in 1 2; do
  if "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err-damaged"; then
    echo "FAIL: a run over a damaged state snapshot succeeded"; failed=1
  elif ! grep -q "state snapshot file $sst fails its checksum" "$d/err-damaged"; then
    echo "FAIL: the error does not name the damaged file $sst:"; cat "$d/err-damaged"; failed=1
  else
    echo "ok: damaged snapshot file named (start $attempt)"
  fi
done
exit $failed
