#!/usr/bin/env bash
# Fixed cost of a micro-batch (figures, not assertions): tiny batches of a
# grouped count (update mode, 10 groups) into the noop sink, checkpoint on
# tmpfs so that fsyncs cost nothing and the CPU cost of a batch shows.
#
#   SOURCE=rate   rate-micro-batch, 10 rows per batch. Its batches are one
#                 partition, so no step of the plan runs in parallel.
#   SOURCE=rate2  two rate-micro-batch streams of 5 rows per batch, read
#                 through UNION ALL (the query sees `s`): two partitions,
#                 drained in parallel into the aggregate every batch.
#   SOURCE=files  a directory of JSON files (5 rows each, on tmpfs), taken
#                 FILES_PER_BATCH per batch (maxFilesPerTrigger): one
#                 partition per file, so every batch runs parallel steps
#                 (the scan partitions feeding the aggregate, on up to
#                 FILES_PER_BATCH threads).
#
# Each given `sluice` binary runs ROUNDS times, binaries alternating (so
# machine load hits them alike); every run prints
#   batches/s      progress records over the span of their timestamps
#                  (process start and the first WARMUP batches left out)
#   median / p99   of triggerExecution per batch, in microseconds, from
#                  numInputRows / processedRowsPerSecond (durationMs is
#                  whole milliseconds, too coarse here)
#
# Usage: bench/stream/batch_overhead.sh path/to/sluice [path/to/other-sluice ...]
#        SOURCE=rate BATCHES=2000 ROUNDS=3 WARMUP=100 FILES_PER_BATCH=2 (defaults)
#        QUERY='SELECT value FROM s' OUTPUT_MODE=append: another query on s
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 path/to/sluice [path/to/other-sluice ...]" >&2; exit 1; }
SOURCE=${SOURCE:-rate}
BATCHES=${BATCHES:-2000}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-100}
FILES_PER_BATCH=${FILES_PER_BATCH:-2}
QUERY=${QUERY:-SELECT value % 10 AS k, count(*) AS n FROM s GROUP BY value % 10}
OUTPUT_MODE=${OUTPUT_MODE:-update}
WORK=$(mktemp -d /tmp/sluice-bench-overhead.XXXXXX)
SHM=/dev/shm/sluice-bench-overhead.$$
trap 'rm -rf "$WORK" "$SHM"' EXIT
mkdir -p "$SHM"

case $SOURCE in
  rate)
    STREAM="CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '10');"
    what="rate-micro-batch (10 rows/batch, one partition)"
    ;;
  rate2)
    STREAM="CREATE STREAM s1 USING rate-micro-batch OPTIONS (rowsPerBatch '5');
CREATE STREAM s2 USING rate-micro-batch OPTIONS (rowsPerBatch '5');"
    QUERY=${QUERY//FROM s/FROM (SELECT value FROM s1 UNION ALL SELECT value FROM s2)}
    what="two rate-micro-batch streams (5 rows/batch each) through UNION ALL: two partitions"
    ;;
  files)
    # BATCHES + WARMUP batches' worth of files, oldest first by name and mtime.
    python3 - "$SHM/in" $(( (BATCHES + 50) * FILES_PER_BATCH )) <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
for i in range(n):
    with open(os.path.join(d, f"f{i:07d}.json"), "w") as f:
        f.write("".join(f'{{"value":{i * 5 + j}}}\n' for j in range(5)))
    os.utime(os.path.join(d, f"f{i:07d}.json"), ns=(i * 1000000, i * 1000000))
PY
    STREAM="CREATE STREAM s (value BIGINT) USING json OPTIONS (path '$SHM/in', maxFilesPerTrigger '$FILES_PER_BATCH');"
    what="JSON files on tmpfs ($FILES_PER_BATCH files = partitions of 5 rows per batch)"
    ;;
  *) echo "SOURCE must be rate, rate2 or files" >&2; exit 1 ;;
esac

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$what -> $QUERY -> noop ($OUTPUT_MODE), checkpoint on tmpfs, $BATCHES batches"

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
    rm -rf "$SHM/ck"
    cat > "$WORK/job.sql" <<SQL
$STREAM
CREATE SINK o USING noop;
START STREAMING QUERY q INTO o OUTPUT MODE $OUTPUT_MODE CHECKPOINT LOCATION '$SHM/ck'
  AS $QUERY;
SQL
    rm -f "$WORK/progress.json"
    "$bin" run "$WORK/job.sql" --max-batches "$BATCHES" --progress-file "$WORK/progress.json" >/dev/null
    printf 'round %s  %-32s %s\n' "$round" "$bin" "$(summary "$WORK/progress.json")"
  done
done
