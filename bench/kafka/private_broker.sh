# Sourced by the Kafka benchmark scripts (bench/kafka/*.sh, bench/python/run.sh,
# bench/latency/run.sh and sweep.sh for the CPU and latency-broker helpers
# below):
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

# The JVM, heap and collector of a broker that latency is measured against
# (bench/latency/run.sh, sweep.sh): sets BROKER_ENV, the JAVA,
# SLUICE_KAFKA_HEAP, SLUICE_KAFKA_GC and SLUICE_KAFKA_JAVA_OPTS settings to
# start scripts/kafka/broker.sh with (`env "${BROKER_ENV[@]}" bash
# scripts/kafka/broker.sh ... start`), and BROKER_JVM_NOTE, for reports.
# BROKER_GC (zgc | g1; zgc by default), BROKER_HEAP (2g; also the initial
# heap) and BROKER_JAVA (by default the newest JDK 21+ under /usr/lib/jvm,
# for generational ZGC, else `java`).
#
# Why (docs/benchmarks.md, "The broker's collector"): at 20,000 events/s
# with exactly-once, a Java 17 ZGC broker with a 512 MB heap ran a
# collection every 2 s, and for its 100-230 ms every transaction on the
# broker slowed down: the batches that took 40-260 ms fell in those windows.
# The major version of the JVM `$1` (17, 21, 25...; empty if it does not run).
java_major() {
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}

latency_broker_env() {
  BROKER_GC=${BROKER_GC:-zgc}
  BROKER_HEAP=${BROKER_HEAP:-2g}
  case $BROKER_GC in
    zgc|g1) ;;
    *) echo "BROKER_GC must be zgc or g1, got '$BROKER_GC'" >&2; return 2 ;;
  esac
  if [[ -z ${BROKER_JAVA:-} ]]; then
    local j v best=0
    BROKER_JAVA=java
    for j in /usr/lib/jvm/*/bin/java; do
      [[ -x $j ]] || continue
      v=$(java_major "$j")
      if [[ -n $v && $v -ge 21 && $v -gt $best ]]; then best=$v; BROKER_JAVA=$j; fi
    done
  fi
  local version
  version=$(java_major "$BROKER_JAVA")
  BROKER_ENV=("JAVA=$BROKER_JAVA" "SLUICE_KAFKA_HEAP=$BROKER_HEAP" "SLUICE_KAFKA_GC=$BROKER_GC"
              "SLUICE_KAFKA_JAVA_OPTS=-Xms$BROKER_HEAP${SLUICE_KAFKA_JAVA_OPTS:+ $SLUICE_KAFKA_JAVA_OPTS}")
  local kind=$BROKER_GC
  if [[ $BROKER_GC == zgc && ${version:-0} -ge 21 ]]; then kind+=" (generational)"; fi
  BROKER_JVM_NOTE="$kind, Java ${version:-?}, heap $BROKER_HEAP"
}
