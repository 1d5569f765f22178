# Sourced by the Kafka benchmark scripts (bench/kafka/*.sh, bench/python/run.sh,
# bench/latency/run.sh for its CPU helpers below):
#   start_private_broker NAME
# makes a state directory ${TMPDIR:-/tmp}/NAME-XXXXXX (STATE), starts a
# private broker in $STATE/broker (BROKER_DIR; scripts/kafka/broker.sh, on
# 127.0.0.1) and sets KAFKA_BOOTSTRAP. The broker is stopped and STATE
# removed when the script exits, also on failure or Ctrl-C. Run from the
# repository root.
start_private_broker() {
  STATE=$(mktemp -d "${TMPDIR:-/tmp}/$1-XXXXXX")
  BROKER_DIR=$STATE/broker
  trap 'bash scripts/kafka/broker.sh --dir "$BROKER_DIR" stop >/dev/null 2>&1 || true; rm -rf "$STATE"' EXIT
  trap 'exit 130' INT TERM
  eval "$(bash scripts/kafka/broker.sh --dir "$BROKER_DIR" start --owner-pid $$ | grep '^KAFKA_BOOTSTRAP=')"
}

# CPU seconds (user + system) so far of process PID and every process below it.
process_tree_cpu_s() {
  local pids=$1 all="" p kids
  while [[ -n $pids ]]; do
    all+=" $pids"
    kids=""
    for p in $pids; do kids+=" $(ps -o pid= --ppid "$p" 2>/dev/null | tr '\n' ' ')"; done
    pids=$(echo $kids)
  done
  for p in $all; do cat "/proc/$p/stat" 2>/dev/null; done |
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); t += $12 + $13 } END { printf "%.2f", t / hz }'
}

# CPU seconds so far of the broker in BROKER_DIR (empty when it is not running).
broker_cpu_s() {
  local pid
  pid=$(cat "$BROKER_DIR/broker.pid" 2>/dev/null || true)
  if [[ -n $pid && -r /proc/$pid/stat ]]; then process_tree_cpu_s "$pid"; fi
}
