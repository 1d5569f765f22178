#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server (Debian's postgresql-15 binaries) on
# 127.0.0.1 at a free port, for the PostgreSQL sink's tests and benchmark.
#
#   server.sh [--dir DIR] start [--owner-pid PID]  start (or report) a server
#   server.sh [--dir DIR] stop [--keep]            stop it; --keep keeps data
#   server.sh [--dir DIR] restart                  stop -m fast, start again (same port, same data)
#   server.sh [--dir DIR] status                   running? exit 0 / 1
#   server.sh [--dir DIR] env                      print the connection variables
#
# `start` and `env` print shell assignments:
#   PGHOST=127.0.0.1 PGPORT=<port> PGUSER=sluice PGDATABASE=postgres
#   PGPASSWORD=<password>  SLUICE_PG_CONN='host=127.0.0.1 port=<port> user=sluice dbname=postgres'
# (eval "$(server.sh start)" sets them; psql reads the PG* ones.)
#
# The server runs as an unprivileged user: initdb and postgres refuse root,
# so when run as root the data directory belongs to the `postgres` system
# user the Debian package creates (or $SLUICE_PG_OS_USER), and the binaries
# run through runuser. The database role `sluice` logs in over TCP with a
# password (scram-sha-256), so that the sink's password handling is used.
# --owner-pid PID: a watchdog stops the server once PID has exited (tests
# that are killed leave no server behind).
#
# Environment: SLUICE_PG_BIN (default /usr/lib/postgresql/15/bin),
# SLUICE_PG_DIR (default ${TMPDIR:-/tmp}/sluice-pg-$UID), SLUICE_PG_OS_USER.
set -euo pipefail

PG_BIN=${SLUICE_PG_BIN:-/usr/lib/postgresql/15/bin}
DIR=${SLUICE_PG_DIR:-${TMPDIR:-/tmp}/sluice-pg-$(id -u)}
PASSWORD=sluice-test-secret
die() { echo "server.sh: $*" >&2; exit 1; }

ARGS=()
while (($#)); do
  case $1 in
    --dir) [[ $# -ge 2 ]] || die "--dir needs a folder"; DIR=$2; shift 2 ;;
    --dir=*) DIR=${1#--dir=}; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
set -- "${ARGS[@]+"${ARGS[@]}"}"
[[ $# -ge 1 ]] || die "usage: server.sh [--dir DIR] start [--owner-pid PID]|stop [--keep]|restart|status|env"
CMD=$1; shift
[[ $DIR == /* ]] || DIR=$PWD/$DIR
DATA=$DIR/data
[[ -x $PG_BIN/postgres ]] || die "no PostgreSQL server binaries in $PG_BIN (scripts/setup.sh installs postgresql-15)"

# Run a PostgreSQL binary as the unprivileged owner of the data directory.
AS=()
if [[ $(id -u) -eq 0 ]]; then
  OS_USER=${SLUICE_PG_OS_USER:-postgres}
  id "$OS_USER" >/dev/null 2>&1 || die "running as root needs the unprivileged user '$OS_USER' (the postgresql package creates 'postgres')"
  AS=(runuser -u "$OS_USER" --)
fi
pg() { "${AS[@]+"${AS[@]}"}" "$@"; }

print_env() {
  local port; port=$(cat "$DIR/port")
  echo "PGHOST=127.0.0.1"
  echo "PGPORT=$port"
  echo "PGUSER=sluice"
  echo "PGDATABASE=postgres"
  echo "PGPASSWORD=$PASSWORD"
  echo "SLUICE_PG_CONN='host=127.0.0.1 port=$port user=sluice dbname=postgres'"
}

running() { [[ -f $DATA/postmaster.pid ]] && pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_server() {
  local port; port=$(cat "$DIR/port")
  pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null ||
    { tail -n 20 "$DIR/server.log" >&2; die "the server did not start (log: $DIR/server.log)"; }
}

case $CMD in
  start)
    owner=
    if [[ ${1:-} == --owner-pid ]]; then owner=$2; fi
    if running; then print_env; exit 0; fi
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    if [[ ! -f $DATA/PG_VERSION ]]; then
      rm -rf "$DATA"
      mkdir -p "$DATA"
      free_port > "$DIR/port"
      printf '%s\n' "$PASSWORD" > "$DIR/pwfile"
      if ((${#AS[@]})); then
        chown -R "$OS_USER" "$DIR"
        pg test -w "$DATA" ||
          die "the user '$OS_USER' cannot reach $DATA (a parent folder is closed to it): use a --dir under /tmp"
      fi
      chmod 700 "$DATA"
      pg "$PG_BIN/initdb" -D "$DATA" -U sluice --pwfile="$DIR/pwfile" --auth-host=scram-sha-256 \
        --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
        { tail -n 20 "$DIR/initdb.log" >&2; die "initdb failed (log: $DIR/initdb.log)"; }
    fi
    # A port taken since (a kept data directory): pick another.
    if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1])))' \
         "$(cat "$DIR/port")" 2>/dev/null; then
      free_port > "$DIR/port"
    fi
    start_server
    if [[ -n $owner ]]; then
      # Watchdog: stop the server once the owner is gone.
      # (Only the owner's exit counts: a test may stop and restart the server.)
      ( trap '' HUP; while kill -0 "$owner" 2>/dev/null; do sleep 1; done
        running && pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1
        rm -rf "$DIR" ) </dev/null >/dev/null 2>&1 &
      disown
    fi
    print_env
    ;;
  stop)
    if running; then pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
    if [[ ${1:-} != --keep ]]; then rm -rf "$DIR"; fi
    ;;
  restart)
    running || die "no server running in $DIR"
    pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    start_server
    ;;
  status) running ;;
  env) running || die "no server running in $DIR"; print_env ;;
  *) die "unknown command '$CMD' (start, stop, restart, status, env)" ;;
esac
