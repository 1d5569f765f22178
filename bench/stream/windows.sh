#!/usr/bin/env bash
# Event-time window benchmarks (figures, not assertions), each on one core
# (taskset -c 0) with both state store providers:
#   1. tumbling 10 s window count, 10K keys       (append, watermark 5 s)
#   2. tumbling 10 s window count, 1M keys        (append, watermark 5 s)
#   3. sliding 10 s / 2 s window count per item   (Nexmark q5's first stage: "hot items")
#   4. per-window maximum of a price              (Nexmark q7's shape)
# Input: rate-micro-batch, ROWS rows per micro-batch, its timestamp advancing
# 1 s per batch, so a 10 s window spans 10 batches and the watermark closes
# one window per 10 batches. Figures from the progress records (after the
# first WARMUP batches): events/s = numInputRows / triggerExecution; state
# rows and bytes from stateOperators (numRowsTotal, memoryUsedBytes) of the
# last batch, and the state directory's size on disk; peak RSS from
# /usr/bin/time.
#
# Usage: bench/stream/windows.sh [build-dir]    (default: build)
#   ROWS=1000000 BATCHES=30 PROVIDERS="hdfs rocksdb" ONLY="1 2" bench/stream/windows.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
SLUICE=$(cd "$BUILD" && pwd)/sluice
[[ -x $SLUICE ]] || { echo "build $SLUICE first (ninja -C $BUILD sluice)"; exit 1; }
WORK=$(mktemp -d /tmp/sluice-bench-windows.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROWS=${ROWS:-1000000}
BATCHES=${BATCHES:-30}
WARMUP=${WARMUP:-3}
PROVIDERS=${PROVIDERS:-"hdfs rocksdb"}
ONLY=${ONLY:-"1 2 3 4"}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $ROWS rows/batch, $BATCHES batches"

report() {  # progress-file time-file checkpoint
  python3 - "$1" "$2" "$3" "$WARMUP" <<'PY'
import json, os, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
warm = int(sys.argv[4])
data = [r for r in recs if r["numInputRows"] > 0]
use = data[warm:] if len(data) > warm + 2 else data
rows = sum(r["numInputRows"] for r in use)
ms = sum(r["durationMs"]["triggerExecution"] for r in use)
ops = recs[-1].get("stateOperators", []) if recs else []
state_rows = sum(o.get("numRowsTotal", 0) for o in ops)
state_mem = sum(o.get("memoryUsedBytes", 0) for o in ops)
peak_rows = max((sum(o.get("numRowsTotal", 0) for o in r.get("stateOperators", [])) for r in recs), default=0)
disk = 0
for root, _, files in os.walk(os.path.join(sys.argv[3], "state")):
    for f in files:
        try:
            disk += os.path.getsize(os.path.join(root, f))
        except OSError:
            pass
rss = open(sys.argv[2]).read().strip()
print(f"    {rows / max(ms, 1) * 1000 / 1e6:.2f}M events/s per core ({rows} rows in {ms} ms over {len(use)} batches); "
      f"state: {state_rows} rows now, {peak_rows} at most, {state_mem / 1e6:.1f} MB in memory, "
      f"{disk / 1e6:.1f} MB on disk; peak RSS {int(rss) / 1024:.0f} MB")
PY
}

run() {  # name provider select-statement
  local name=$1 provider=$2 query=$3
  local ck="$WORK/$name-$provider-ck"
  cat > "$WORK/$name.sql" <<SQL
SET spark.sql.streaming.stateStore.providerClass = $provider;
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '$ROWS', advanceMillisPerBatch '1000');
CREATE SINK o USING noop;
START STREAMING QUERY q INTO o OUTPUT MODE append CHECKPOINT LOCATION '$ck'
  AS $query;
SQL
  /usr/bin/time -f "%M" -o "$WORK/time" taskset -c 0 "$SLUICE" run "$WORK/$name.sql" --max-batches "$BATCHES" \
    --progress-file "$WORK/$name-$provider.json" --log-level warn >/dev/null
  report "$WORK/$name-$provider.json" "$WORK/time" "$ck"
  rm -rf "$ck"
}

WM="s WATERMARK timestamp DELAY OF INTERVAL 5 SECONDS"
for n in $ONLY; do
  case $n in
    1) title="tumbling window count, 10K keys"
       q="SELECT window(timestamp, '10 seconds') AS w, value % 10000 AS k, count(*) AS n FROM $WM GROUP BY window(timestamp, '10 seconds'), value % 10000" ;;
    2) title="tumbling window count, 1M keys"
       q="SELECT window(timestamp, '10 seconds') AS w, value % 1000000 AS k, count(*) AS n FROM $WM GROUP BY window(timestamp, '10 seconds'), value % 1000000" ;;
    3) title="sliding 10 s / 2 s window count per item, 10K items (Nexmark q5 first stage)"
       q="SELECT window(timestamp, '10 seconds', '2 seconds') AS w, value % 10000 AS auction, count(*) AS bids FROM $WM GROUP BY window(timestamp, '10 seconds', '2 seconds'), value % 10000" ;;
    4) title="per-window maximum price (Nexmark q7 shape)"
       q="SELECT window(timestamp, '10 seconds') AS w, max(value * 7919 % 100000) AS top_price, count(*) AS bids FROM $WM GROUP BY window(timestamp, '10 seconds')" ;;
    *) echo "no benchmark $n"; exit 1 ;;
  esac
  echo "$n. $title"
  for p in $PROVIDERS; do
    echo "  provider $p:"
    run "b$n" "$p" "$q"
  done
done
