# Sourced by the Kafka benchmark scripts (bench/kafka/*.sh, bench/python/run.sh):
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
