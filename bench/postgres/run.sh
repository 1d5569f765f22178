#!/usr/bin/env bash
# Rows per second into PostgreSQL: the postgres sink in append and upsert
# mode against psql's own COPY of the same rows (the ceiling of this machine
# and server), on a private PostgreSQL 15 (scripts/postgres/server.sh).
#
#   bench/postgres/run.sh [--sluice BIN]
#   ROWS=10000000 ROWS_PER_BATCH=1000000 PARTITIONS=2 RUNS=append,upsert bench/postgres/run.sh
#
# The rows: id BIGINT, k STRING ('k' || id % 1000), v DOUBLE (id * 0.5),
# ts TIMESTAMP. Sluice makes them with the rate-micro-batch source
# (ROWS_PER_BATCH a micro-batch, ROWS / ROWS_PER_BATCH batches, --max-batches);
# psql gets the same rows from a COPY text file made beforehand by the server
# (COPY (SELECT ... FROM generate_series) TO), read from disk (page cache).
#
# Runs, each into an ordinary table (logged, the server's default settings):
#   copy-ceiling    psql: COPY t FROM STDIN < file
#   sluice-append   the sink, mode append (COPY straight into the table)
#   upsert-ceiling  psql: one transaction: COPY into a temporary table, then
#                   INSERT ... SELECT ... ON CONFLICT (id) DO UPDATE into a table
#                   that already holds every id (each row updates one)
#   sluice-upsert   the sink, mode upsert (keyColumns id) into the same kind of
#                   table: COPY to its staging table, then the same INSERT
# Prints one line per run: wall seconds, rows/s, and for the Sluice runs the
# CPU seconds of the sluice process and rows per CPU-second of it (rows/s per
# core); the server's own CPU is the same work in both columns.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SLUICE=${SLUICE:-$ROOT/build/sluice}
[[ ${1:-} == --sluice ]] && SLUICE=$2
ROWS=${ROWS:-10000000}
ROWS_PER_BATCH=${ROWS_PER_BATCH:-1000000}
PARTITIONS=${PARTITIONS:-2}
RUNS=${RUNS:-append,upsert}  # which pairs to run
((ROWS % ROWS_PER_BATCH == 0)) || { echo "run.sh: ROWS must be a multiple of ROWS_PER_BATCH" >&2; exit 2; }
BATCHES=$((ROWS / ROWS_PER_BATCH))
[[ -x $SLUICE ]] || { echo "run.sh: no sluice binary at $SLUICE" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pgbench-XXXXXX")
chmod 755 "$WORK"
cleanup() { bash "$ROOT/scripts/postgres/server.sh" --dir "$WORK/server" stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
eval "$(bash "$ROOT/scripts/postgres/server.sh" --dir "$WORK/server" start --owner-pid $$)"
export PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGTZ=UTC PGOPTIONS='-c client_min_messages=warning'
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

COLS="id bigint, k text, v double precision, ts timestamp with time zone"
fresh_table() { q "DROP TABLE IF EXISTS $1; CREATE TABLE $1 ($COLS${2:+, PRIMARY KEY (id)})"; }
# A table that holds every id already (the upsert runs update each row).
prefilled_table() {
  fresh_table "$1" pk
  q "INSERT INTO $1 SELECT g, 'old', 0, now() FROM generate_series(0, $ROWS - 1) g"
  q "VACUUM ANALYZE $1"
}
settle() { q "CHECKPOINT"; sync; }
report() {  # name wall [cpu]
  local rps; rps=$(python3 -c "print(f'{$ROWS / $2:,.0f}')")
  if [[ -n ${3:-} ]]; then
    printf '%-15s %9d rows  %7.2f s  %12s rows/s  sluice CPU %6.2f s  %12s rows per sluice CPU-second\n' \
      "$1" "$ROWS" "$2" "$rps" "$3" "$(python3 -c "print(f'{$ROWS / $3:,.0f}')")"
  else
    printf '%-15s %9d rows  %7.2f s  %12s rows/s\n' "$1" "$ROWS" "$2" "$rps"
  fi
}
timed() {  # command...: prints "wall user+sys"
  /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$@"
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/time"
}

echo "PostgreSQL $(q 'SHOW server_version'), $ROWS rows, $BATCHES batches of $ROWS_PER_BATCH, $PARTITIONS partitions, $(nproc) cores"
# The same rows as the rate-micro-batch source makes (timestamp: 1 s per batch from 0).
q "COPY (SELECT g, 'k' || (g % 1000), g * 0.5, to_timestamp(g / $ROWS_PER_BATCH) FROM generate_series(0, $ROWS - 1) g)
   TO STDOUT" > "$WORK/rows.txt"
cat "$WORK/rows.txt" > /dev/null  # into the page cache

sluice_job() {  # table mode-options
  cat <<SQL
CREATE STREAM input USING rate-micro-batch OPTIONS (rowsPerBatch '$ROWS_PER_BATCH', numPartitions '$PARTITIONS');
CREATE SINK out USING postgres OPTIONS (url '$SLUICE_PG_CONN', passwordEnv 'PGPASSWORD', dbtable '$1',
  createTableIfMissing 'false'$2);
START STREAMING QUERY bench INTO out CHECKPOINT LOCATION '$WORK/ck-$1'
  AS SELECT value AS id, concat('k', CAST(value % 1000 AS STRING)) AS k, CAST(value AS DOUBLE) * 0.5 AS v,
     timestamp AS ts FROM input;
SQL
}
check_rows() {  # table
  local got; got=$(q "SELECT count(*) = $ROWS AND count(DISTINCT id) = $ROWS AND min(id) = 0 AND max(id) = $ROWS - 1
                      AND bool_and(k = 'k' || (id % 1000) AND v = id * 0.5) FROM $1")
  [[ $got == t ]] || { echo "run.sh: table $1 does not hold the expected rows" >&2; exit 1; }
}

if [[ ,$RUNS, == *,append,* ]]; then
# copy-ceiling
fresh_table t_copy; settle
read -r wall _ < <(timed psql -XAtq -v ON_ERROR_STOP=1 -c "COPY t_copy FROM STDIN" < "$WORK/rows.txt")
check_rows t_copy; report copy-ceiling "$wall"

# sluice-append
fresh_table t_append; settle
sluice_job t_append "" > "$WORK/append.sql"
read -r wall cpu < <(timed "$SLUICE" run --max-batches "$BATCHES" --log-level warn "$WORK/append.sql")
check_rows t_append; report sluice-append "$wall" "$cpu"
q "DROP TABLE t_copy, t_append"
fi

if [[ ,$RUNS, == *,upsert,* ]]; then

# upsert-ceiling
prefilled_table t_up_copy; settle
cat > "$WORK/upsert.sql" <<SQL
BEGIN;
CREATE TEMPORARY TABLE stage (LIKE t_up_copy) ON COMMIT DROP;
\copy stage FROM '$WORK/rows.txt'
INSERT INTO t_up_copy SELECT * FROM stage ON CONFLICT (id) DO UPDATE SET k = EXCLUDED.k, v = EXCLUDED.v, ts = EXCLUDED.ts;
COMMIT;
SQL
read -r wall _ < <(timed psql -XAtq -v ON_ERROR_STOP=1 -f "$WORK/upsert.sql")
check_rows t_up_copy; report upsert-ceiling "$wall"
q "DROP TABLE t_up_copy"

# sluice-upsert
prefilled_table t_upsert; settle
sluice_job t_upsert ", mode 'upsert', keyColumns 'id'" > "$WORK/sluice-upsert.sql"
read -r wall cpu < <(timed "$SLUICE" run --max-batches "$BATCHES" --log-level warn "$WORK/sluice-upsert.sql")
check_rows t_upsert; report sluice-upsert "$wall" "$cpu"
fi
