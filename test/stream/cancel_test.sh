#!/usr/bin/env bash
# Cancellation: --max-batches N runs exactly N batches; SIGINT / SIGTERM stop
# `sluice run` within a deadline even while a source waits on an unreachable
# Kafka broker or a processing-time trigger is an hour away; the next start
# recovers. Deadlines here are generous bounds, not benchmarks.
# Usage: cancel_test.sh path/to/sluice
set -uo pipefail
SLUICE=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }

job() {  # file stream-decl trigger checkpoint
  cat > "$1" <<SQL
$2
CREATE SINK out USING noop;
START STREAMING QUERY q INTO out $3 CHECKPOINT LOCATION '$4' AS SELECT * FROM s;
SQL
}

# --max-batches N: exactly N batches (commits 0..N-1, no offsets/N).
for n in 1 3; do
  ck="$WORK/ck-max-$n"
  job "$WORK/max$n.sql" "CREATE STREAM s USING rate-micro-batch OPTIONS (rowsPerBatch '100');" "" "$ck"
  if timeout 30 "$SLUICE" run "$WORK/max$n.sql" --max-batches "$n" >/dev/null 2>"$WORK/max$n.err"; then
    commits=$(ls "$ck/commits" | grep -c '^[0-9]*$')
    offsets=$(ls "$ck/offsets" | grep -c '^[0-9]*$')
    if [[ $commits == "$n" && $offsets == "$n" && -f "$ck/commits/$((n - 1))" ]]; then ok; else
      fail "--max-batches $n wrote $commits commits and $offsets offsets: $(ls "$ck/commits" "$ck/offsets" | tr '\n' ' ')"
    fi
  else
    fail "--max-batches $n exited $?"; cat "$WORK/max$n.err"
  fi
done
# A restart with --max-batches 1 runs one more batch.
timeout 30 "$SLUICE" run "$WORK/max1.sql" --max-batches 1 >/dev/null 2>&1
if [[ -f "$WORK/ck-max-1/commits/1" && ! -e "$WORK/ck-max-1/offsets/2" ]]; then ok; else
  fail "restart with --max-batches 1: $(ls "$WORK/ck-max-1/commits" | tr '\n' ' ')"
fi

# stop_within NAME SIGNAL DEADLINE_MS JOB: starts the job, waits 2 s, sends
# the signal and checks that the process exits 0 within the deadline.
stop_within() {
  local name=$1 sig=$2 deadline=$3 file=$4
  "$SLUICE" run "$file" >/dev/null 2>"$WORK/$name.err" &
  local pid=$!
  sleep 2
  if ! kill -0 "$pid" 2>/dev/null; then
    fail "$name: the job ended before the signal"; cat "$WORK/$name.err"; return
  fi
  local t0 t1 rc
  t0=$(date +%s%N)
  kill "-$sig" "$pid"
  # Wait up to 30 s so that a slow stop is measured rather than hung.
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  t1=$(date +%s%N)
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"; fail "$name: still running 30 s after SIG$sig"; return
  fi
  wait "$pid"; rc=$?
  local ms=$(((t1 - t0) / 1000000))
  echo "$name: exited $rc ${ms} ms after SIG$sig"
  if [[ $rc == 0 && $ms -le $deadline ]]; then ok; else
    fail "$name: exit code $rc after $ms ms (deadline $deadline ms)"; cat "$WORK/$name.err"
  fi
}

# A source starting against a broker that does not answer (nothing listens
# on port 1): the metadata calls used to block for minutes.
job "$WORK/kafka.sql" "CREATE STREAM s USING kafka OPTIONS (kafka.bootstrap.servers '127.0.0.1:1', subscribe 't', startingOffsets 'earliest');" "" "$WORK/ck-kafka"
stop_within unreachable_broker_sigint INT 3000 "$WORK/kafka.sql"
stop_within unreachable_broker_sigterm TERM 3000 "$WORK/kafka.sql"

# A processing-time trigger an hour away.
mkdir -p "$WORK/in"
job "$WORK/hour.sql" "CREATE STREAM s (a INT) USING json OPTIONS (path '$WORK/in');" "TRIGGER PROCESSING TIME '1 hour'" "$WORK/ck-hour"
stop_within hourly_trigger INT 3000 "$WORK/hour.sql"

echo "cancel_test: $passed passed, $failed failed"
[[ $failed == 0 ]]
