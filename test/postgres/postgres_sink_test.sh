#!/usr/bin/env bash
# The PostgreSQL sink against a real PostgreSQL 15 server started here
# (scripts/postgres/server.sh: 127.0.0.1, a free port, an unprivileged
# user, a temporary data directory). `sluice run` writes; psql reads back:
# the expected values are SQL literals and counts worked out from the input,
# never Sluice reading its own output.
#
#   postgres_sink_test.sh <sluice binary> [case...]
#   cases: types modes killpoints digest constraint restart cancel secrets (default: all)
#
# Exit 77 (ctest's SKIP_RETURN_CODE) with "SKIPPED: <reason>" when the
# PostgreSQL server binaries or psql are not installed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SLUICE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
CASES=("$@")
((${#CASES[@]})) || CASES=(types modes killpoints digest constraint restart cancel secrets)
PG_BIN=${SLUICE_PG_BIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x $PG_BIN/postgres ]] || ! command -v psql >/dev/null; then
  echo "SKIPPED: no PostgreSQL 15 server in $PG_BIN or no psql (scripts/setup.sh installs postgresql-15)"
  exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pgtest-XXXXXX")
chmod 755 "$WORK"
SERVER_DIR=$WORK/server
cleanup() {
  bash "$ROOT/scripts/postgres/server.sh" --dir "$SERVER_DIR" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
((${KEEP:-0})) && trap 'echo kept $WORK' EXIT
eval "$(bash "$ROOT/scripts/postgres/server.sh" --dir "$SERVER_DIR" start --owner-pid $$)"
export PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGTZ=UTC
# The sink gets the password from its own variable (passwordEnv), not from libpq's PGPASSWORD.
export SINK_PW=$PGPASSWORD
URL="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE"

FAILED=0
fail() { echo "FAIL: $*"; FAILED=1; }
q() { PGPASSWORD=$SINK_PW psql -XAtq -v ON_ERROR_STOP=1 -F'|' -c "$1"; }
expect() {  # name, expected, actual
  if [[ $2 == "$3" ]]; then echo "ok: $1"; else fail "$1"; echo "--- expected"; echo "$2"; echo "--- got"; echo "$3"; fi
}
# A JSON-lines input file: write_input <dir> <name> <line>...
write_input() {
  local d=$1 f=$2; shift 2
  mkdir -p "$d"
  printf '%s\n' "$@" > "$d/../.$f.tmp"
  mv "$d/../.$f.tmp" "$d/$f"
}
sink_opts() { echo "url '$URL', passwordEnv 'SINK_PW', dbtable '$1'${2:+, $2}"; }

# ---------------------------------------------------------------------------
case_types() {
  local d=$WORK/types
  write_input "$d/in" a.json \
    '{"id":1,"s":"tab\there\nnewline \\ back \r cr '"'"'q'"'"' \"dq\" ☃ 😀 中文 e\u0301"}' \
    '{"id":2,"s":"plain"}' '{"id":3,"s":null}'
  cat > "$d/job.sql" <<SQL
CREATE STREAM input (id BIGINT, s STRING) USING json OPTIONS (path '$d/in');
CREATE SINK out USING postgres OPTIONS ($(sink_opts types));
START STREAMING QUERY types INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck' AS
SELECT id,
  CASE WHEN id = 1 THEN true WHEN id = 2 THEN false END AS b,
  CASE WHEN id = 1 THEN CAST(-2147483648 AS INT) WHEN id = 2 THEN CAST(2147483647 AS INT) END AS i,
  CASE WHEN id = 1 THEN -9223372036854775808 WHEN id = 2 THEN 9223372036854775807 END AS l,
  CASE WHEN id = 1 THEN CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE) WHEN id = 2 THEN 4.9e-324 END AS d,
  CASE WHEN id = 1 THEN CAST('NaN' AS DOUBLE) WHEN id = 2 THEN CAST('Infinity' AS DOUBLE) END AS d2,
  CASE WHEN id = 1 THEN CAST('-Infinity' AS DOUBLE) WHEN id = 2 THEN 1e300 END AS d3,
  CASE WHEN id = 1 THEN CAST('-12345678901234567890.123456789012345678' AS DECIMAL(38,18))
       WHEN id = 2 THEN CAST('0.000000000000000001' AS DECIMAL(38,18)) END AS dec,
  CASE WHEN id = 1 THEN CAST(12.5 AS DECIMAL(5,1)) WHEN id = 2 THEN CAST(-0.5 AS DECIMAL(5,1)) END AS dec_small,
  s,
  CASE WHEN id = 1 THEN unhex('00FF7F805C0A09') WHEN id = 2 THEN CAST('' AS BINARY) END AS bin,
  CASE WHEN id = 1 THEN DATE '2024-02-29' WHEN id = 2 THEN date_sub(DATE '0001-01-01', 1) END AS dt,
  CASE WHEN id = 1 THEN TIMESTAMP '1969-12-31 23:59:59.999999' WHEN id = 2 THEN TIMESTAMP '2024-01-31 10:00:00.000001' END AS ts,
  CASE WHEN id = 1 THEN named_struct('x', id, 'y', s, 'z', named_struct('w', DATE '2024-01-02'))
       WHEN id = 2 THEN named_struct('x', CAST(NULL AS BIGINT), 'y', CAST(NULL AS STRING), 'z', CAST(NULL AS STRUCT<w: DATE>)) END AS st,
  CASE WHEN id = 1 THEN array(CAST(1 AS INT), NULL, 3) WHEN id = 2 THEN CAST(array() AS ARRAY<INT>) END AS arr,
  CASE WHEN id = 1 THEN array(named_struct('t', TIMESTAMP '2024-01-31 10:00:00.123456', 'v', CAST('NaN' AS DOUBLE), 'bin', unhex('FF')))
  END AS arr_st,
  NULL AS n
FROM input;
SQL
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err" || { fail "types: the job failed"; tail -5 "$d/err"; return; }
  expect "types: column types" "id|bigint
b|boolean
i|integer
l|bigint
d|double precision
d2|double precision
d3|double precision
dec|numeric(38,18)
dec_small|numeric(5,1)
s|text
bin|bytea
dt|date
ts|timestamp with time zone
st|jsonb
arr|jsonb
arr_st|jsonb
n|text" "$(q "SELECT column_name, format_type(atttypid, atttypmod) FROM information_schema.columns c
             JOIN pg_attribute a ON a.attrelid = 'types'::regclass AND a.attname = c.column_name
             WHERE table_name = 'types' ORDER BY ordinal_position")"
  expect "types: values (row 1)" \
    "1|t|-2147483648|-9223372036854775808|0.30000000000000004|NaN|-Infinity|-12345678901234567890.123456789012345678|12.5|\\x00ff7f805c0a09|2024-02-29|1969-12-31 23:59:59.999999+00|[1, null, 3]" \
    "$(q "SELECT id, b, i, l, d, d2, d3, dec, dec_small, bin, dt, ts, arr FROM types WHERE id = 1")"
  expect "types: values (row 2)" \
    "2|f|2147483647|9223372036854775807|5e-324|Infinity|1e+300|0.000000000000000001|-0.5|\\x|0001-12-31 BC|2024-01-31 10:00:00.000001+00|{\"x\": null, \"y\": null, \"z\": null}|[]|plain" \
    "$(q "SELECT id, b, i, l, d, d2, d3, dec, dec_small, bin, dt, ts, st, arr, s FROM types WHERE id = 2")"
  expect "types: unicode and escapes, compared with a SQL literal" "t" \
    "$(q "SELECT s = E'tab\\there\\nnewline \\\\ back \\r cr ''q'' \"dq\" ☃ 😀 中文 e\\u0301' FROM types WHERE id = 1")"
  expect "types: struct as jsonb" "t" \
    "$(q "SELECT st = jsonb_build_object('x', 1, 'y', s, 'z', jsonb_build_object('w', '2024-01-02')) FROM types WHERE id = 1")"
  expect "types: array of structs as jsonb" "t" \
    "$(q "SELECT arr_st = '[{\"t\": \"2024-01-31T10:00:00.123456Z\", \"v\": \"NaN\", \"bin\": \"/w==\"}]'::jsonb FROM types WHERE id = 1")"
  expect "types: doubles read back exactly" "t|t" \
    "$(q "SELECT d = 0.1::float8 + 0.2::float8, (SELECT d FROM types WHERE id = 2) = 4.9e-324::float8 FROM types WHERE id = 1")"
  expect "types: every column NULL in row 3 but id and s" "3|t" \
    "$(q "SELECT id, b IS NULL AND i IS NULL AND l IS NULL AND d IS NULL AND d2 IS NULL AND d3 IS NULL AND dec IS NULL
             AND dec_small IS NULL AND s IS NULL AND bin IS NULL AND dt IS NULL AND ts IS NULL AND st IS NULL
             AND arr IS NULL AND arr_st IS NULL AND n IS NULL FROM types WHERE id = 3")"
}

# ---------------------------------------------------------------------------
# Output modes and the sink's mode option; two runs (two input files) each.
case_modes() {
  local d=$WORK/modes
  write_input "$d/in" a.json '{"id":1,"k":"a","v":10}' '{"id":2,"k":"b","v":20}' '{"id":3,"k":"a","v":30}'
  cat > "$d/job.sql" <<SQL
CREATE STREAM input (id BIGINT, k STRING, v BIGINT) USING json OPTIONS (path '$d/in');
CREATE SINK upd USING postgres OPTIONS ($(sink_opts counts_upd "keyColumns 'k', progressTable 'modes_progress'"));
START STREAMING QUERY upd INTO upd OUTPUT MODE update TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck-upd'
  AS SELECT k, count(*) AS n, sum(v) AS s FROM input GROUP BY k;
CREATE SINK cmp USING postgres OPTIONS ($(sink_opts counts_cmp "progressTable 'modes_progress'"));
START STREAMING QUERY cmp INTO cmp OUTPUT MODE complete TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck-cmp'
  AS SELECT k, count(*) AS n, sum(v) AS s FROM input GROUP BY k;
CREATE SINK ups USING postgres OPTIONS ($(sink_opts latest "mode 'upsert', keyColumns 'k', progressTable 'modes_progress'"));
START STREAMING QUERY ups INTO ups TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck-ups'
  AS SELECT k, id, v FROM input;
SQL
  # A schema-qualified, mixed-case table name (each part quoted, the case kept), a url in URI form.
  q 'CREATE SCHEMA "App"'
  cat >> "$d/job.sql" <<SQL
CREATE SINK qual USING postgres OPTIONS (url 'postgresql://$PGUSER@$PGHOST:$PGPORT/$PGDATABASE',
  passwordEnv 'SINK_PW', dbtable 'App.MixedCase', progressTable 'App.progress');
START STREAMING QUERY qual INTO qual TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck-qual'
  AS SELECT id AS \`Id\`, k FROM input;
SQL
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1" || { fail "modes: run 1 failed"; tail -5 "$d/err1"; return; }
  write_input "$d/in" b.json '{"id":4,"k":"c","v":1}' '{"id":5,"k":"a","v":2}'
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err2" || { fail "modes: run 2 failed"; tail -5 "$d/err2"; return; }
  expect "modes: update (upsert by the grouping key)" "a|3|42
b|1|20
c|1|1" "$(q "SELECT k, n, s FROM counts_upd ORDER BY k")"
  expect "modes: update creates the table with the key as primary key" "k" \
    "$(q "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indisprimary AND i.indrelid = 'counts_upd'::regclass")"
  expect "modes: complete (the table replaced)" "a|3|42
b|1|20
c|1|1" "$(q "SELECT k, n, s FROM counts_cmp ORDER BY k")"
  # Batch 0 holds ids 1 and 3 for key a: the later row of the batch wins.
  expect "modes: mode 'upsert' in append mode (latest row per key)" "a|5|2
b|2|20
c|4|1" "$(q "SELECT k, id, v FROM latest ORDER BY k")"
  expect "modes: schema-qualified mixed-case table" "1,2,3,4,5|2" \
    "$(q 'SELECT string_agg("Id"::text, '"','"' ORDER BY "Id"), (SELECT count(*) FROM "App".progress) FROM "App"."MixedCase"')"
  expect "modes: one progress row per batch and query (progressTable option)" "3|6|0|1" \
    "$(q "SELECT count(DISTINCT query_id), count(*), min(batch_id), max(batch_id) FROM modes_progress")"

  # Update mode without key columns and without a table to take them from: a clear error.
  cat > "$d/nokey.sql" <<SQL
CREATE STREAM input (id BIGINT, k STRING, v BIGINT) USING json OPTIONS (path '$d/in');
CREATE SINK out USING postgres OPTIONS ($(sink_opts nokey));
START STREAMING QUERY nokey INTO out OUTPUT MODE update TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck-nokey'
  AS SELECT k, count(*) AS n FROM input GROUP BY k;
SQL
  if "$SLUICE" run "$d/nokey.sql" >/dev/null 2>"$d/err3"; then
    fail "modes: update mode without keys succeeded"
  else
    grep -q "needs the key columns" "$d/err3" && echo "ok: modes: update mode without keys fails clearly" ||
      { fail "modes: update without keys: unexpected error"; tail -3 "$d/err3"; }
  fi
}

# ---------------------------------------------------------------------------
# SIGKILL at kill points around the sink's transaction and the checkpoint's
# commit: after a restart every id is in the table exactly once.
case_killpoints() {
  local point hit n=0
  for point in postgres_sink:before_commit after_sink after_commit after_offset_log; do
    for hit in 1 2; do
      n=$((n + 1))
      local d=$WORK/kill-$n t=kill_$n
      mkdir -p "$d/in"
      for f in 0 1 2 3; do
        for r in 1 2 3; do echo "{\"id\":$((f * 3 + r))}"; done > "$d/in/f$f.json"
        touch -d "@$((1700000000 + f))" "$d/in/f$f.json"
      done
      cat > "$d/job.sql" <<SQL
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING postgres OPTIONS ($(sink_opts $t));
START STREAMING QUERY k INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck' AS SELECT id FROM input;
SQL
      local rc=0
      SLUICE_KILL_AT="$point:$hit" "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1" &
      wait $! 2>/dev/null || rc=$?  # (2>/dev/null: no "Killed" notice from bash)
      if ((rc != 137)); then fail "killpoints $point:$hit: expected a SIGKILL (137), got $rc"; tail -3 "$d/err1"; continue; fi
      "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err2" || { fail "killpoints $point:$hit: restart failed"; tail -3 "$d/err2"; continue; }
      "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err3" || { fail "killpoints $point:$hit: 2nd restart failed"; continue; }
      expect "killpoints $point:$hit: ids 1..12 once each" "12|12|1|12" \
        "$(q "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM $t")"
    done
  done
}

# ---------------------------------------------------------------------------
# A replayed batch whose recorded offsets digest differs (the checkpoint no
# longer matches the table): an error naming both digests, nothing skipped
# or written. The mismatch is made by editing the progress row.
case_digest() {
  local d=$WORK/digest
  mkdir -p "$d/in"
  for f in 0 1; do echo "{\"id\":$f}" > "$d/in/f$f.json"; touch -d "@$((1700000000 + f))" "$d/in/f$f.json"; done
  cat > "$d/job.sql" <<SQL
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING postgres OPTIONS ($(sink_opts digest "progressTable 'digest_progress'"));
START STREAMING QUERY dg INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck' AS SELECT id FROM input;
SQL
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1" || { fail "digest: first run"; tail -3 "$d/err1"; return; }
  rm "$d/ck/commits/1"  # batch 1 is replayed on the next run
  q "UPDATE digest_progress SET offsets_digest = 'fnv1a64:0000000000000000' WHERE batch_id = 1"
  if "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err2"; then
    fail "digest: the replay over other offsets was skipped silently"
  else
    grep -q "batch 1 of query .* is already committed for other source offsets: the progress table recorded the offsets digest fnv1a64:0000000000000000, the batch now covers fnv1a64:" "$d/err2" &&
      echo "ok: digest: a replayed batch with another offsets digest fails naming both" ||
      { fail "digest: unexpected error"; tail -3 "$d/err2"; }
  fi
  expect "digest: the table unchanged" "0,1" "$(q "SELECT string_agg(id::text, ',' ORDER BY id) FROM digest")"
}

# ---------------------------------------------------------------------------
# A batch that violates a constraint fails with PostgreSQL's message, commits
# nothing, stops the query; after the table is fixed a restart replays it.
case_constraint() {
  local d=$WORK/constraint
  q "CREATE TABLE viol (id bigint, v bigint CONSTRAINT v_small CHECK (v < 100))"
  mkdir -p "$d/in"
  printf '{"id":1,"v":1}\n{"id":2,"v":2}\n' > "$d/in/f0.json"; touch -d @1700000000 "$d/in/f0.json"
  printf '{"id":3,"v":3}\n{"id":4,"v":150}\n{"id":5,"v":5}\n' > "$d/in/f1.json"; touch -d @1700000001 "$d/in/f1.json"
  printf '{"id":6,"v":6}\n' > "$d/in/f2.json"; touch -d @1700000002 "$d/in/f2.json"
  cat > "$d/job.sql" <<SQL
CREATE STREAM input (id BIGINT, v BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING postgres OPTIONS ($(sink_opts viol));
START STREAMING QUERY viol INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck' AS SELECT id, v FROM input;
SQL
  if "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1"; then
    fail "constraint: the violating batch did not fail the query"
  else
    grep -q 'new row for relation "viol" violates check constraint "v_small"' "$d/err1" &&
      echo "ok: constraint: the query stopped with PostgreSQL's message" ||
      { fail "constraint: PostgreSQL's message missing"; tail -5 "$d/err1"; }
  fi
  expect "constraint: only batch 0 committed" "1,2|0" \
    "$(q "SELECT string_agg(id::text, ',' ORDER BY id), (SELECT max(batch_id) FROM sluice_progress WHERE query_id IN
          (SELECT query_id FROM sluice_progress GROUP BY 1 HAVING count(*) = 1 AND max(batch_id) = 0)
          AND batch_id = 0 LIMIT 1) FROM viol")"
  q "ALTER TABLE viol DROP CONSTRAINT v_small"
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err2" || { fail "constraint: the restart failed"; tail -5 "$d/err2"; return; }
  expect "constraint: after the fix every row once" "1,2,3,4,5,6" "$(q "SELECT string_agg(id::text, ',' ORDER BY id) FROM viol")"
}

# ---------------------------------------------------------------------------
# The server restarted (stop -m fast, start) under a running query: the
# query reconnects (or stops with a clear error and is restarted); at the end
# every id is in the table once.
case_restart() {
  local d=$WORK/restart next=0
  mkdir -p "$d/in"
  # Whole files only, made outside the input directory (the source lists it at any time).
  add() { local f=f$(printf %04d $next).json; for ((i = next; i < next + 5; ++i)); do echo "{\"id\":$i}"; done > "$d/$f"; mv "$d/$f" "$d/in/$f"; next=$((next + 5)); }
  write_job() {
    cat <<SQL
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING postgres OPTIONS ($(sink_opts restarted "connectRetries '20', retryIntervalMs '250'"));
START STREAMING QUERY r INTO out $1 CHECKPOINT LOCATION '$d/ck' AS SELECT id FROM input;
SQL
  }
  write_job "TRIGGER PROCESSING TIME '100 milliseconds'" > "$d/job.sql"
  write_job "TRIGGER AVAILABLE NOW" > "$d/final.sql"
  add
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1" &
  local pid=$! i
  for i in 1 2 3 4 5; do add; sleep 0.2; done
  bash "$ROOT/scripts/postgres/server.sh" --dir "$SERVER_DIR" restart
  for i in 1 2 3 4 5; do add; sleep 0.2; done
  sleep 1
  local outcome
  if kill -0 "$pid" 2>/dev/null; then
    outcome="the query kept running across the restart"
    grep -q "reconnecting" "$d/err1" || fail "restart: the query kept running but never reconnected (was the server restarted under it?)"
    kill -TERM "$pid"; wait "$pid" || true
  else
    wait "$pid" || true
    outcome="the query stopped: $(grep -m1 'error' "$d/err1" | cut -c1-200)"
  fi
  echo "restart: $outcome"
  "$SLUICE" run "$d/final.sql" >/dev/null 2>"$d/err2" || { fail "restart: the final run failed"; tail -5 "$d/err2"; return; }
  expect "restart: every id once after the server restart" "$next|$next|0|$((next - 1))" \
    "$(q "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM restarted")"

  # A longer outage: the server down past the retries. The query stops with
  # a clear error; started again once the server is back, it resumes.
  write_job() {
    cat <<SQL
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
CREATE SINK out USING postgres OPTIONS ($(sink_opts restarted "connectRetries '2', retryIntervalMs '200'"));
START STREAMING QUERY r INTO out $1 CHECKPOINT LOCATION '$d/ck' AS SELECT id FROM input;
SQL
  }
  write_job "TRIGGER PROCESSING TIME '100 milliseconds'" > "$d/job2.sql"
  "$SLUICE" run "$d/job2.sql" >/dev/null 2>"$d/err3" &
  pid=$!
  add; sleep 0.5
  bash "$ROOT/scripts/postgres/server.sh" --dir "$SERVER_DIR" stop --keep
  for i in 1 2 3; do add; sleep 0.2; done
  local rc=0 waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < 50)); do sleep 0.2; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    fail "restart: the query kept running with the server down"; kill -TERM "$pid"; wait "$pid" || true
  else
    wait "$pid" || rc=$?
    if ((rc != 0)) && grep -q "postgres sink (restarted): cannot connect: .*(after 2 retries)" "$d/err3"; then
      echo "ok: restart: with the server down the query stops: $(grep -m1 -o 'cannot connect: .*' "$d/err3" | cut -c1-150)"
    else
      fail "restart: expected a clear connection failure (rc $rc)"; tail -5 "$d/err3"
    fi
  fi
  eval "$(bash "$ROOT/scripts/postgres/server.sh" --dir "$SERVER_DIR" start)"
  URL="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE"
  write_job "TRIGGER AVAILABLE NOW" > "$d/final2.sql"
  "$SLUICE" run "$d/final2.sql" >/dev/null 2>"$d/err4" || { fail "restart: the run after the outage failed"; tail -5 "$d/err4"; return; }
  expect "restart: every id once after the outage" "$next|$next|0|$((next - 1))" \
    "$(q "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM restarted")"
}

# ---------------------------------------------------------------------------
# A stop while a batch waits on the server (a lock another session holds):
# the statement is cancelled on the server and the query stops within
# seconds, not when the lock goes.
case_cancel() {
  local d=$WORK/cancel
  mkdir -p "$d/in"
  echo '{"id":1}' > "$d/in/a.json"
  q "CREATE TABLE locked (id bigint)"
  q "BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
  local locker=$!
  sleep 0.5
  cat > "$d/job.sql" <<SQL
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '$d/in');
CREATE SINK out USING postgres OPTIONS ($(sink_opts locked));
START STREAMING QUERY c INTO out TRIGGER PROCESSING TIME '100 milliseconds' CHECKPOINT LOCATION '$d/ck' AS SELECT id FROM input;
SQL
  "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err" &
  local pid=$!
  sleep 1.5
  expect "cancel: the batch waits for the lock" "1" \
    "$(q "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY%locked%'")"
  local start=$SECONDS
  kill -TERM "$pid"
  wait "$pid" || true
  local took=$((SECONDS - start))
  q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
  wait "$locker" 2>/dev/null || true
  if ((took <= 5)); then echo "ok: cancel: SIGTERM stopped the waiting query in ${took}s"; else fail "cancel: the stop took ${took}s"; fi
  expect "cancel: nothing of the cancelled batch committed" "0" "$(q "SELECT count(*) FROM locked")"

  # A server that takes the connection and never answers: a stop while
  # the sink connects (at start) takes under a second too.
  python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' > "$d/mute.port" &
  local mute=$!
  while [[ ! -s $d/mute.port ]]; do sleep 0.1; done
  cat > "$d/mute.sql" <<SQL
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '$d/in');
CREATE SINK out USING postgres OPTIONS (url 'host=127.0.0.1 port=$(cat "$d/mute.port") user=x dbname=y', dbtable 'm');
START STREAMING QUERY m INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck-mute' AS SELECT id FROM input;
SQL
  "$SLUICE" run "$d/mute.sql" >/dev/null 2>"$d/err-mute" &
  pid=$!
  sleep 1.5
  start=$SECONDS
  kill -TERM "$pid"
  wait "$pid" || true
  took=$((SECONDS - start))
  kill "$mute"; wait "$mute" 2>/dev/null || true
  if ((took <= 2)) && grep -q "connecting: cancelled" "$d/err-mute"; then
    echo "ok: cancel: SIGTERM while connecting to a mute server stopped the query in ${took}s"
  else
    fail "cancel: the stop while connecting took ${took}s"; tail -3 "$d/err-mute"
  fi
}

# ---------------------------------------------------------------------------
# The password: from an environment variable or a file, never in messages,
# logs or the checkpoint; a password in the url or the options is refused.
case_secrets() {
  local d=$WORK/secrets
  mkdir -p "$d/in"
  echo '{"id":1}' > "$d/in/a.json"
  printf '%s\n' "$SINK_PW" > "$d/pwfile"
  job() {  # name, options
    cat <<SQL
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '$d/in');
CREATE SINK out USING postgres OPTIONS ($2);
START STREAMING QUERY s INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck-$1' AS SELECT id FROM input;
SQL
  }
  job file "url '$URL', passwordFile '$d/pwfile', dbtable 'pw_file'" > "$d/file.sql"
  "$SLUICE" run --progress-file "$d/out-progress" --log-level debug "$d/file.sql" >"$d/out-file" 2>&1 ||
    { fail "secrets: passwordFile"; tail -3 "$d/out-file"; }
  expect "secrets: passwordFile logs in" "1" "$(q "SELECT count(*) FROM pw_file")"

  export WRONG_PW=not-the-right-Secret-123
  job wrong "url '$URL', passwordEnv 'WRONG_PW', dbtable 'pw_wrong', connectRetries '0'" > "$d/wrong.sql"
  if "$SLUICE" run --log-level debug "$d/wrong.sql" >"$d/out-wrong" 2>&1; then fail "secrets: a wrong password logged in"; fi
  grep -q 'password authentication failed for user "sluice"' "$d/out-wrong" &&
    echo "ok: secrets: a wrong password fails with the server's message" || { fail "secrets: message"; tail -3 "$d/out-wrong"; }

  job url "url 'postgresql://sluice:$SINK_PW@$PGHOST:$PGPORT/postgres', dbtable 'pw_url'" > "$d/url.sql"
  if "$SLUICE" run "$d/url.sql" >"$d/out-url" 2>&1; then fail "secrets: a password in the url was accepted"; fi
  grep -q "option 'url' holds a password" "$d/out-url" && echo "ok: secrets: a password in the url is refused" ||
    { fail "secrets: url message"; tail -3 "$d/out-url"; }
  job sslpw "url '$URL sslpassword=$SINK_PW', dbtable 'pw_sslpw'" > "$d/sslpw.sql"
  if "$SLUICE" run "$d/sslpw.sql" >"$d/out-sslpw" 2>&1; then fail "secrets: an sslpassword in the url was accepted"; fi
  grep -q "option 'url' holds a password" "$d/out-sslpw" && echo "ok: secrets: an sslpassword in the url is refused" ||
    { fail "secrets: sslpassword message"; tail -3 "$d/out-sslpw"; }
  job opt "url '$URL', password '$SINK_PW', dbtable 'pw_opt'" > "$d/opt.sql"
  if "$SLUICE" run "$d/opt.sql" >"$d/out-opt" 2>&1; then fail "secrets: option password accepted"; fi
  grep -qi "password" "$d/out-opt" && echo "ok: secrets: option 'password' is refused" || fail "secrets: option message"

  # Nowhere: not in any output, log or checkpoint file (out-opt included: the
  # CLI's error quotes the statement with secret option values redacted).
  if grep -rlF -e "$SINK_PW" -e "$WRONG_PW" "$d"/out-file "$d"/out-progress "$d"/out-wrong "$d"/out-url "$d"/out-sslpw "$d"/out-opt "$d"/ck-* 2>/dev/null; then
    fail "secrets: a password appears in the files above"
  else
    [[ -s $d/out-progress ]] || fail "secrets: no progress JSON written"
    echo "ok: secrets: no password in logs (debug level), progress JSON, messages or checkpoints"
  fi
}

for c in "${CASES[@]}"; do
  "case_$c"
done
if ((FAILED)); then echo "postgres_sink_test: FAILED"; exit 1; fi
echo "postgres_sink_test: all cases passed"
