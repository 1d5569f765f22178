#!/usr/bin/env bash
# Generators stream: a rate-micro-batch job with a billion rows per batch
# and a rate job with a billion rows per second, into the noop sink (and the
# console sink, which keeps only the numRows rows it prints), run
# with bounded memory (under a 4 GB address-space limit, `ulimit -v`, where
# materialising a batch used to abort the process) and stop cleanly on
# SIGTERM; out-of-range rates are refused at start with the range; an
# allocation that fails ends a query with OutOfMemory instead of an abort.
# Deadlines and memory bounds here are generous, not benchmarks.
# Usage: bounded_memory_test.sh path/to/sluice [SANITIZE=ON|OFF]
# A sanitized build reserves terabytes of address space for its shadow
# memory, so there the address-space limit is left out and only the peak
# resident memory is checked (with a bound that allows for ASan's quarantine).
set -uo pipefail
SLUICE=$1
SANITIZE=${2:-OFF}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }

if [[ $SANITIZE == ON ]]; then
  LIMIT_AS=unlimited
  MAX_RSS_KB=$((1024 * 1024))
else
  LIMIT_AS=4000000  # KB, as in the issue's reproduction
  MAX_RSS_KB=$((256 * 1024))
fi

job() {  # file stream-decl checkpoint [sink]
  cat > "$1" <<SQL
$2
CREATE SINK out USING ${4:-noop};
START STREAMING QUERY q INTO out CHECKPOINT LOCATION '$3' AS SELECT * FROM s;
SQL
}

# Out-of-range values: the range error at start, nothing written.
refused() {  # name stream-decl expected
  local name=$1 ck="$WORK/ck-$1"
  job "$WORK/$name.sql" "$2" "$ck"
  local err rc
  err=$(timeout 20 "$SLUICE" run "$WORK/$name.sql" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc == 1 && "$err" == *"$3"* && ! -e "$ck" ]]; then ok; else
    fail "$name: exit $rc, checkpoint $( [[ -e $ck ]] && echo created || echo absent ), expected '$3' in:"
    echo "$err"
  fi
}
refused rows_per_batch_2g "CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '2147483648');" \
  "option 'rowsPerBatch' of source 'rate-micro-batch' must be an integer in 1..1000000000, got '2147483648'"
refused rows_per_batch_9e18 "CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '9000000000000000000');" \
  "option 'rowsPerBatch' of source 'rate-micro-batch' must be an integer in 1..1000000000, got '9000000000000000000'"
refused rows_per_second_1e15 "CREATE STREAM s USING rate OPTIONS (rowsPerSecond '1000000000000000');" \
  "option 'rowsPerSecond' of source 'rate' must be an integer in 1..1000000000, got '1000000000000000'"

# bounded NAME STREAM-DECL: runs the job for 3 s under the limits, checks
# it is still running with peak RSS under the bound, sends SIGTERM and
# checks it exits 0 within 10 s.
bounded() {  # name stream-decl [sink]
  local name=$1 ck="$WORK/ck-$1"
  job "$WORK/$name.sql" "$2" "$ck" "${3:-noop}"
  (ulimit -v "$LIMIT_AS" && exec "$SLUICE" run "$WORK/$name.sql") >/dev/null 2>"$WORK/$name.err" &
  local pid=$!
  sleep 3
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"
    fail "$name: the job ended (exit $?) before the signal"; cat "$WORK/$name.err"; return
  fi
  local hwm
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"; wait "$pid"; fail "$name: still running 10 s after SIGTERM"; return
  fi
  wait "$pid"
  local rc=$?
  echo "$name: peak RSS ${hwm} KB after 3 s (bound ${MAX_RSS_KB} KB, address space limit $LIMIT_AS), exit $rc after SIGTERM"
  if [[ $rc == 0 && -n $hwm && $hwm -le $MAX_RSS_KB ]]; then ok; else
    fail "$name: exit $rc, peak RSS ${hwm:-?} KB"; cat "$WORK/$name.err"
  fi
}
bounded rate_micro_batch_1e9 "CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '1000000000', numPartitions '4');"
bounded rate_1e9 "CREATE STREAM s USING rate OPTIONS (rowsPerSecond '1000000000');"
bounded rate_micro_batch_1e9_console \
  "CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '1000000000', numPartitions '4');" console

# An allocation that fails is an error, never an abort: under a 1.5 GB
# address-space limit, a 2 GB string (within repeat's 2^31 - 1 byte limit)
# cannot be allocated. A batch query (folded at plan time) and a streaming
# batch (in the plan's partitions) end with OutOfMemory and exit 2 (the
# CLI's code for errors that are not the user's).
# ASan's operator new aborts on failure by design, so a sanitized build checks
# only repeat's size limit, which refuses a larger result before allocating.
out_of_memory() {  # name command...
  local name=$1
  shift
  local err rc
  err=$( (ulimit -v 1500000 && exec timeout 60 "$@") 2>&1 >/dev/null)
  rc=$?
  if [[ $rc == 2 && "$err" == *"out of memory while"* ]]; then ok; else
    fail "$name: exit $rc (expected 2 and an out-of-memory error):"; echo "$err" | tail -5
  fi
}
if [[ $SANITIZE != ON ]]; then
  out_of_memory sql_2g_string "$SLUICE" sql -e "SELECT length(repeat(repeat('x', 1000), 2000000)) AS n"
  cat > "$WORK/oom.sql" <<SQL
CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '4');
CREATE SINK out USING noop;
START STREAMING QUERY q INTO out CHECKPOINT LOCATION '$WORK/ck-oom'
  AS SELECT length(repeat(CAST(value % 10 AS STRING), 2000000000)) AS n FROM s;
SQL
  out_of_memory streaming_2g_string "$SLUICE" run "$WORK/oom.sql" --max-batches 1
  # The failed batch was not committed: the next start re-runs it.
  if [[ -f "$WORK/ck-oom/offsets/0" && ! -e "$WORK/ck-oom/commits/0" ]]; then ok; else
    fail "streaming_2g_string: expected offsets/0 without commits/0: $(ls -R "$WORK/ck-oom" | tr '\n' ' ')"
  fi
fi
err=$(timeout 20 "$SLUICE" sql -e "SELECT length(repeat('abc', 1000000000)) AS n" 2>&1 >/dev/null)
rc=$?
if [[ $rc == 1 && "$err" == *"repeat: the result would be 3000000000 bytes"* ]]; then ok; else
  fail "repeat over the string size limit: exit $rc:"; echo "$err"
fi

echo "bounded_memory_test: $passed passed, $failed failed"
[[ $failed == 0 ]]
