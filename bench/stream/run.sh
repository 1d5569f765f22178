#!/usr/bin/env bash
# Streaming runtime benchmarks (figures, not assertions):
#   1. rate-micro-batch -> filter/project -> noop sink: events/s on one core
#   2. the same into the JSON file sink (part files + manifest, fsync'd)
#   3. fixed cost of one micro-batch (10-row batches) with the checkpoint on
#      disk and on tmpfs: wall time per batch over 1000 batches
# Usage: bench/stream/run.sh [build-dir]    (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
SLUICE=$(cd "$BUILD" && pwd)/sluice
[[ -x $SLUICE ]] || { echo "build $SLUICE first (ninja -C $BUILD sluice)"; exit 1; }
WORK=$(mktemp -d /tmp/sluice-bench-stream.XXXXXX)
SHM=/dev/shm/sluice-bench-stream.$$
trap 'rm -rf "$WORK" "$SHM"' EXIT
ROWS=${ROWS:-2000000}
BATCHES=${BATCHES:-10}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# Sums numInputRows and triggerExecution over the progress records after the
# first two (warm-up) and prints events/s.
rate_of() {
  python3 - "$1" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
recs = recs[2:] if len(recs) > 3 else recs
rows = sum(r["numInputRows"] for r in recs)
ms = sum(r["durationMs"]["triggerExecution"] for r in recs)
print(f"{rows} rows in {ms} ms of triggerExecution over {len(recs)} batches: {rows / max(ms, 1) * 1000 / 1e6:.1f}M events/s")
PY
}

pipeline() {  # name sink-clause
  local name=$1 sink=$2
  cat > "$WORK/$name.sql" <<SQL
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '$ROWS');
CREATE SINK o USING $sink;
START STREAMING QUERY q INTO o CHECKPOINT LOCATION '$WORK/$name-ck'
  AS SELECT value * 2 AS v, timestamp FROM s WHERE value % 3 <> 0;
SQL
  /usr/bin/time -f "  process: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
    taskset -c 0 "$SLUICE" run "$WORK/$name.sql" --max-batches "$BATCHES" --progress-file "$WORK/$name.json" >/dev/null
  echo "  $(rate_of "$WORK/$name.json")"
}

echo "1. rate-micro-batch ($ROWS rows/batch) -> filter + project -> noop, one core"
pipeline noop "noop"
echo "2. rate-micro-batch ($ROWS rows/batch) -> filter + project -> json file sink, one core"
pipeline file "json OPTIONS (path '$WORK/out')"

fixed() {  # dir
  local dir=$1 n=1000
  cat > "$WORK/fixed.sql" <<SQL
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '10');
CREATE SINK o USING noop;
START STREAMING QUERY q INTO o CHECKPOINT LOCATION '$dir/ck' AS SELECT value FROM s;
SQL
  mkdir -p "$dir"
  "$SLUICE" run "$WORK/fixed.sql" --max-batches 5 >/dev/null  # create the checkpoint
  local t0 t1
  t0=$(date +%s%N)
  "$SLUICE" run "$WORK/fixed.sql" --max-batches "$n" >/dev/null
  t1=$(date +%s%N)
  echo "  $dir: $(( (t1 - t0) / n / 1000 )) us per batch (wall, $n batches, process start included)"
}
echo "3. fixed cost per micro-batch (offset log + commit log written durably: temp file, fsync, rename, fsync dir)"
fixed "$WORK/disk"
fixed "$SHM"
