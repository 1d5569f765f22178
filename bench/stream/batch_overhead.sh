#!/usr/bin/env bash
# Fixed cost of a micro-batch whose plan has parallel steps (figures, not
# assertions): rate-micro-batch (10 rows per batch, PARTITIONS partitions) ->
# grouped count (update mode, 10 groups) -> noop sink, checkpoint on tmpfs
# so that fsyncs cost nothing and the CPU cost of a batch shows. Each given
# `sluice` binary runs ROUNDS times, binaries alternating (so machine load
# hits them alike); every run prints
#   batches/s      progress records over the span of their timestamps
#                  (process start and the first WARMUP batches left out)
#   median / p99   of triggerExecution per batch, in microseconds, from
#                  numInputRows / processedRowsPerSecond (durationMs is
#                  whole milliseconds, too coarse here)
#
# Usage: bench/stream/batch_overhead.sh path/to/sluice [path/to/other-sluice ...]
#        BATCHES=2000 ROUNDS=3 PARTITIONS=2 WARMUP=100 (defaults)
#        QUERY='SELECT value FROM s' OUTPUT_MODE=append: another query on s
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 path/to/sluice [path/to/other-sluice ...]" >&2; exit 1; }
BATCHES=${BATCHES:-2000}
ROUNDS=${ROUNDS:-3}
PARTITIONS=${PARTITIONS:-2}
WARMUP=${WARMUP:-100}
QUERY=${QUERY:-SELECT value % 10 AS k, count(*) AS n FROM s GROUP BY value % 10}
OUTPUT_MODE=${OUTPUT_MODE:-update}
WORK=$(mktemp -d /tmp/sluice-bench-overhead.XXXXXX)
SHM=/dev/shm/sluice-bench-overhead.$$
trap 'rm -rf "$WORK" "$SHM"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rate-micro-batch (10 rows/batch, $PARTITIONS partitions) -> $QUERY -> noop ($OUTPUT_MODE), checkpoint on tmpfs, $BATCHES batches"

summary() {  # progress-file
  python3 - "$1" "$WARMUP" <<'PY'
import datetime, json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
recs = recs[int(sys.argv[2]):]
def ts(r):
    return datetime.datetime.strptime(r["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
span = ts(recs[-1]) - ts(recs[0])
us = sorted(r["numInputRows"] / r["processedRowsPerSecond"] * 1e6 for r in recs if r["processedRowsPerSecond"] > 0)
pct = lambda q: us[min(len(us) - 1, int(q * len(us)))]
print(f"{(len(recs) - 1) / span:8.0f} batches/s   triggerExecution median {pct(0.5):6.0f} us   p99 {pct(0.99):6.0f} us   ({len(recs)} batches)")
PY
}

for round in $(seq "$ROUNDS"); do
  for bin in "$@"; do
    rm -rf "$SHM"
    mkdir -p "$SHM"
    cat > "$WORK/job.sql" <<SQL
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '10', numPartitions '$PARTITIONS');
CREATE SINK o USING noop;
START STREAMING QUERY q INTO o OUTPUT MODE $OUTPUT_MODE CHECKPOINT LOCATION '$SHM/ck'
  AS $QUERY;
SQL
    rm -f "$WORK/progress.json"
    "$bin" run "$WORK/job.sql" --max-batches "$BATCHES" --progress-file "$WORK/progress.json" >/dev/null
    printf 'round %s  %-40s %s\n' "$round" "$bin" "$(summary "$WORK/progress.json")"
  done
done
