#!/usr/bin/env bash
# End-to-end batch SQL over JSON lines on disk (page cache): the Yahoo
# Streaming Benchmark ad events, N rows, through `sluice sql` with all cores.
# Prints wall time, rows/s, MB/s and rows/s per core (user+sys CPU time).
# Usage: bench/sql/run.sh [build-dir]   (ROWS=2000000 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
SLUICE=$(cd "$BUILD" && pwd)/sluice
[[ -x $SLUICE ]] || { echo "build $SLUICE first (ninja -C $BUILD sluice)"; exit 1; }
ROWS=${ROWS:-2000000}
WORK=$(mktemp -d /tmp/sluice-bench-sql.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK/events.json" "$ROWS" <<'PY'
import random, sys, uuid
random.seed(7)
ads = [str(uuid.UUID(int=random.getrandbits(128))) for _ in range(1000)]
types = ["banner", "modal", "sponsored-search", "mail", "mobile"]
events = ["view", "click", "purchase"]
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write('{"user_id":"%s","page_id":"%s","ad_id":"%s","ad_type":"%s","event_type":"%s","event_time":"%d","ip_address":"1.2.3.4"}\n'
                % (uuid.UUID(int=random.getrandbits(128)), uuid.UUID(int=random.getrandbits(128)), ads[i % 1000],
                   types[i % 5], events[i % 3], 1700000000000 + i))
PY
BYTES=$(stat -c %s "$WORK/events.json")
cat "$WORK/events.json" > /dev/null  # into the page cache
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); input: $ROWS rows, $((BYTES / 1000000)) MB"

DDL="CREATE TABLE ev (user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, event_time STRING, ip_address STRING) USING json OPTIONS (path '$WORK/events.json', maxPartitionBytes '33554432');"
run() {  # name sql
  local t0 t1 cpu
  t0=$(date +%s%N)
  cpu=$( { /usr/bin/time -f "%U %S" "$SLUICE" sql --format csv -e "$DDL $2" > "$WORK/out.csv"; } 2>&1 | tail -1)
  t1=$(date +%s%N)
  python3 - "$1" "$t0" "$t1" "$cpu" "$ROWS" "$BYTES" <<'PY'
import sys
name, t0, t1, cpu, rows, nbytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(), int(sys.argv[5]), int(sys.argv[6])
wall = (t1 - t0) / 1e9
cpu_s = float(cpu[0]) + float(cpu[1])
print(f"  {name}: {wall:.2f} s wall, {rows / wall / 1e6:.1f}M rows/s, {nbytes / wall / 1e6:.0f} MB/s; "
      f"{cpu_s:.2f} s CPU -> {rows / cpu_s / 1e6:.1f}M rows/s per core")
PY
}
run "count(*) GROUP BY event_type" "SELECT event_type, count(*) FROM ev GROUP BY event_type"
run "filter + project (view events of one ad type)" "SELECT count(*) FROM (SELECT ad_id, event_time FROM ev WHERE event_type = 'view' AND ad_type = 'banner')"
run "count per ad_id (1000 groups) over all columns parsed" "SELECT ad_id, count(*), min(user_id), max(page_id), min(ip_address), max(event_time) FROM ev GROUP BY ad_id"
