#!/usr/bin/env bash
# Delta sink throughput: ROWS rows (default 10M) of a generated table
# (id BIGINT, k INT, x DOUBLE, s STRING, ts TIMESTAMP) written by
# `sluice run` into a new Delta table, 1M rows per micro-batch (one Delta
# version each), next to:
#   noop      the same query into the noop sink: the engine without the sink,
#   pyarrow   pyarrow's pq.write_table of the same rows (one Parquet file,
#             snappy): the Parquet ceiling of this machine,
#   deltalake delta-rs' write_deltalake of the same rows (another Delta
#             writer, for scale).
# Prints rows/s (wall) and rows/s per core (rows / CPU seconds, user + sys)
# per line. Needs .venv-delta (scripts/setup_delta.sh) for the last two.
#   ROWS=10000000 PARTITIONS=2 BUILD_DIR=build bash bench/delta/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
SLUICE=$BUILD_DIR/sluice
ROWS=${ROWS:-10000000}
PER_BATCH=${PER_BATCH:-1000000}
PARTITIONS=${PARTITIONS:-2}
PY=${DELTA_PYTHON:-$ROOT/.venv-delta/bin/python}
BATCHES=$(( (ROWS + PER_BATCH - 1) / PER_BATCH ))
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-delta-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# <label> <rows> <command...>: wall and CPU seconds of the command (it and its children).
measure() {
  local label=$1 rows=$2; shift 2
  local t0 t1 c0 c1
  t0=$(date +%s.%N)
  c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  "$@"
  t1=$(date +%s.%N)
  c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  python3 - "$label" "$rows" "$t0" "$t1" "$c0" "$c1" "$(getconf CLK_TCK)" <<'PY'
import sys
label, rows, t0, t1, c0, c1, hz = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
wall, cpu = t1 - t0, (c1 - c0) / hz
print(f"{label:10s} {rows:>10,d} rows  {wall:7.2f} s wall  {cpu:7.2f} s cpu  "
      f"{rows / wall / 1e6:6.2f} M rows/s  {rows / max(cpu, 1e-9) / 1e6:6.2f} M rows/s per core")
PY
}

job() {  # <sink clause> <dir>
  cat <<SQL
CREATE STREAM gen USING rate-micro-batch OPTIONS (rowsPerBatch '$PER_BATCH', numPartitions '$PARTITIONS');
$1
START STREAMING QUERY bench INTO out CHECKPOINT LOCATION '$2/ck'
  AS SELECT value AS id, CAST(value % 1000 AS INT) AS k, value * 0.5 AS x,
            concat('user-', CAST(value % 100000 AS STRING)) AS s, timestamp AS ts FROM gen;
SQL
}

echo "bench/delta: $ROWS rows, $PER_BATCH per batch ($BATCHES batches), $PARTITIONS partitions, $(nproc) cores"
mkdir -p "$WORK/noop" "$WORK/delta"
job "CREATE SINK out USING noop;" "$WORK/noop" > "$WORK/noop/job.sql"
job "CREATE SINK out USING delta OPTIONS (path '$WORK/delta/table');" "$WORK/delta" > "$WORK/delta/job.sql"
measure noop "$ROWS" "$SLUICE" run --log-level warn --max-batches "$BATCHES" "$WORK/noop/job.sql"
measure sluice "$ROWS" "$SLUICE" run --log-level warn --max-batches "$BATCHES" "$WORK/delta/job.sql"
echo "           table: $(du -sh "$WORK/delta/table" | cut -f1), $(ls "$WORK/delta/table"/*.parquet | wc -l) data files, $(ls "$WORK/delta/table/_delta_log" | wc -l) log files"
if [[ -x $PY ]] && "$PY" -c "import deltalake" 2>/dev/null; then
  "$PY" - "$WORK/delta/table" "$ROWS" <<'PY'
import sys
from deltalake import DeltaTable
t = DeltaTable(sys.argv[1])
n = t.to_pyarrow_dataset().count_rows()
assert n == int(sys.argv[2]), f"deltalake counts {n} rows"
print(f"           deltalake reads {n:,d} rows at version {t.version()}")
PY
  # The same rows built in Arrow (not timed), then written by each library.
  cat > "$WORK/gen.py" <<'PY'
import sys, time
import pyarrow as pa, pyarrow.compute as pc
rows = int(sys.argv[2])
v = pa.array(range(rows), pa.int64())
table = pa.table({
    "id": v,
    "k": pc.cast(pc.remainder(v, 1000), pa.int32()),
    "x": pc.multiply(pc.cast(v, pa.float64()), 0.5),
    "s": pc.binary_join_element_wise("user-", pc.cast(pc.remainder(v, 100000), pa.string()), ""),
    "ts": pc.cast(pc.multiply(pc.divide(v, 1000000), 1000000), pa.timestamp("us", tz="UTC")),
})
def write():
    if sys.argv[1] == "pyarrow":
        import pyarrow.parquet as pq
        pq.write_table(table, sys.argv[3] + ".parquet", compression="snappy")
    else:
        from deltalake import write_deltalake
        write_deltalake(sys.argv[3], table)
import resource, os
c0 = resource.getrusage(resource.RUSAGE_SELF); t0 = time.time()
write()
c1 = resource.getrusage(resource.RUSAGE_SELF); t1 = time.time()
cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
print(f"{sys.argv[1]:10s} {rows:>10,d} rows  {t1 - t0:7.2f} s wall  {cpu:7.2f} s cpu  "
      f"{rows / (t1 - t0) / 1e6:6.2f} M rows/s  {rows / cpu / 1e6:6.2f} M rows/s per core")
PY
  "$PY" "$WORK/gen.py" pyarrow "$ROWS" "$WORK/pyarrow"
  "$PY" "$WORK/gen.py" deltalake "$ROWS" "$WORK/deltalake"
else
  echo "pyarrow / deltalake lines SKIPPED: no deltalake at $PY (scripts/setup_delta.sh)"
fi
