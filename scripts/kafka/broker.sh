#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft mode, broker+controller in one
# JVM) on 127.0.0.1, for Sluice's tests, examples and benchmarks.
#
#   broker.sh [--dir DIR] start [--owner-pid PID]   start (or report) a broker
#   broker.sh [--dir DIR] stop [--keep]             stop it; --keep keeps data
#   broker.sh [--dir DIR] status                    running? exit 0 / 1
#   broker.sh [--dir DIR] env                       print KAFKA_BOOTSTRAP=...
#   broker.sh [--dir DIR] create-topic NAME PARTITIONS
#   broker.sh fetch                                 only download Kafka
#   broker.sh classpath                             print the java class path
#
# Kafka comes from Maven Central through Maven (scripts/kafka/pom.xml lists
# the jars) and is cached outside git in
#   ${SLUICE_CACHE:-$HOME/.cache/sluice}/kafka-<version>/libs
# Each broker lives in its own state folder (--dir, default
# ${SLUICE_KAFKA_DIR:-/tmp/sluice-kafka-$UID}): server.properties, the log
# dirs, broker.log, broker.pid and env (KAFKA_BOOTSTRAP=127.0.0.1:PORT), so
# several brokers can run at once. `start` on a folder that holds a stopped
# broker's data (stop --keep) restarts it on the same ports with its data.
#
# Environment: SLUICE_KAFKA_VERSION (default 4.1.1), SLUICE_CACHE,
# SLUICE_KAFKA_DIR, SLUICE_KAFKA_HEAP (default 512m),
# SLUICE_KAFKA_START_TIMEOUT (seconds, default 90), JAVA (default java),
# SLUICE_KAFKA_GC (g1, the default, with MaxGCPauseMillis=20; or zgc, whose
# pauses stay under a millisecond, generational on Java 21 and later:
# bench/latency/run.sh), and for
# experiments SLUICE_KAFKA_PROPERTIES (extra server.properties lines) and
# SLUICE_KAFKA_JAVA_OPTS (extra JVM options).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSION=${SLUICE_KAFKA_VERSION:-4.1.1}
CACHE_ROOT=${SLUICE_CACHE:-${HOME:-/tmp}/.cache/sluice}
CACHE=$CACHE_ROOT/kafka-$VERSION
LIBS=$CACHE/libs
JAVA=${JAVA:-java}
HEAP=${SLUICE_KAFKA_HEAP:-512m}
case ${SLUICE_KAFKA_GC:-g1} in
  g1) GC_OPTS="-XX:+UseG1GC -XX:MaxGCPauseMillis=20" ;;
  zgc)
    GC_OPTS="-XX:+UseZGC"
    # Generational ZGC where the JVM has it: an option on Java 21 and 22,
    # the only ZGC from Java 23 on.
    case $("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1) in
      21|22) GC_OPTS+=" -XX:+ZGenerational" ;;
    esac
    ;;
  *) echo "broker.sh: SLUICE_KAFKA_GC must be g1 or zgc, got '$SLUICE_KAFKA_GC'" >&2; exit 2 ;;
esac
START_TIMEOUT=${SLUICE_KAFKA_START_TIMEOUT:-90}
DIR=${SLUICE_KAFKA_DIR:-${TMPDIR:-/tmp}/sluice-kafka-$(id -u)}

die() { echo "broker.sh: $*" >&2; exit 1; }

# ---- arguments: --dir DIR may stand anywhere ------------------------------
ARGS=()
while (($#)); do
  case $1 in
    --dir) [[ $# -ge 2 ]] || die "--dir needs a folder"; DIR=$2; shift 2 ;;
    --dir=*) DIR=${1#--dir=}; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
set -- "${ARGS[@]+"${ARGS[@]}"}"
[[ $# -ge 1 ]] || die "usage: broker.sh [--dir DIR] start|stop|status|env|create-topic NAME PARTITIONS|fetch|classpath"
CMD=$1; shift
[[ $CMD == start ]] && mkdir -p "$DIR"
[[ $DIR == /* ]] || DIR=$PWD/$DIR

# ---- fetching Kafka from Maven Central -----------------------------------
fetch() {
  [[ -f $CACHE/.complete ]] && return 0
  command -v mvn >/dev/null || die "maven (mvn) is not installed: run scripts/setup.sh"
  command -v "$JAVA" >/dev/null || die "java is not installed: run scripts/setup.sh"
  mkdir -p "$CACHE"
  # Parallel test processes may all ask at once: one downloads, the rest wait.
  exec 8>"$CACHE/.lock"
  flock 8
  if [[ ! -f $CACHE/.complete ]]; then
    echo "broker.sh: fetching Apache Kafka $VERSION from Maven Central into $LIBS" >&2
    rm -rf "$LIBS.tmp"
    local log=$CACHE/mvn.log
    if ! mvn -B -f "$SCRIPT_DIR/pom.xml" -Dkafka.version="$VERSION" \
        dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$LIBS.tmp" >"$log" 2>&1; then
      tail -n 60 "$log" >&2
      flock -u 8
      die "maven could not fetch Kafka $VERSION (full output: $log)"
    fi
    ls "$LIBS.tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "no kafka_2.13 jar after maven ran (see $log)"
    rm -rf "$LIBS"
    mv "$LIBS.tmp" "$LIBS"
    touch "$CACHE/.complete"
  fi
  flock -u 8
  exec 8>&-
}

java_run() {  # java_run MAIN-CLASS ARGS...: a short-lived Kafka tool
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$DIR/log4j2-tools.properties" \
    -cp "$LIBS/*" "$@"
}

# ---- state ---------------------------------------------------------------
pid_alive() {
  [[ -f $DIR/broker.pid ]] || return 1
  local pid; pid=$(cat "$DIR/broker.pid")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

bootstrap() {
  [[ -f $DIR/env ]] || return 1
  sed -n 's/^KAFKA_BOOTSTRAP=//p' "$DIR/env"
}

port_free() {  # nothing listens on 127.0.0.1:$1
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    if port_free "$p" && [[ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]]; then
      echo "$p"; return 0
    fi
  done
  die "no free port found on 127.0.0.1"
}

write_config() {  # write_config BROKER-PORT CONTROLLER-PORT
  local bp=$1 cp=$2
  mkdir -p "$DIR/data"
  cat >"$DIR/server.properties" <<EOF
# Written by scripts/kafka/broker.sh: one KRaft node, broker and controller.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$bp,CONTROLLER://127.0.0.1:$cp
advertised.listeners=PLAINTEXT://127.0.0.1:$bp
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
controller.quorum.voters=1@127.0.0.1:$cp
log.dirs=$DIR/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.check.interval.ms=5000
log.segment.bytes=268435456
socket.request.max.bytes=104857600
message.max.bytes=10485760
EOF
  # Extra broker settings, one key=value per line (later lines win), for
  # experiments: SLUICE_KAFKA_PROPERTIES='transaction.partition.verification.enable=false'.
  if [[ -n ${SLUICE_KAFKA_PROPERTIES:-} ]]; then
    printf '%s\n' "$SLUICE_KAFKA_PROPERTIES" >>"$DIR/server.properties"
  fi
  cat >"$DIR/log4j2.properties" <<EOF
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = OUT
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = info
logger.kafka.name = kafka.Kafka
logger.kafka.level = info
EOF
  cat >"$DIR/log4j2-tools.properties" <<EOF
status = error
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m%n
rootLogger.level = error
rootLogger.appenderRef.err.ref = ERR
EOF
  echo "KAFKA_BOOTSTRAP=127.0.0.1:$bp" >"$DIR/env"
}

format_storage() {
  # A Kafka Uuid: 16 random bytes, URL-safe base64 without padding.
  # One that starts with a letter or digit, so no tool takes it for an option.
  local id=-
  while [[ $id != [A-Za-z0-9]* ]]; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done
  if ! java_run kafka.tools.StorageTool format --cluster-id="$id" -c "$DIR/server.properties" \
      >"$DIR/format.log" 2>&1; then
    cat "$DIR/format.log" >&2
    die "formatting the storage in $DIR/data failed"
  fi
}

# A separate watcher that stops the broker when the owning process is gone,
# so that a test binary that crashes never leaves a broker behind.
start_watchdog() {
  local owner=$1
  local pid; pid=$(cat "$DIR/broker.pid")
  setsid bash -c '
    owner=$1; pid=$2; dir=$3; script=$4
    while kill -0 "$owner" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
    if kill -0 "$pid" 2>/dev/null && [[ "$(cat "$dir/broker.pid" 2>/dev/null)" == "$pid" ]]; then
      bash "$script" --dir "$dir" stop >/dev/null 2>&1 || true
      # The empty mkdtemp folder of a TestKafkaBroker whose process died.
      parent=$(dirname "$dir")
      [[ $(basename "$parent") == sluice-kafka-test-* ]] && rmdir "$parent" 2>/dev/null
    fi' _ "$owner" "$pid" "$DIR" "$SCRIPT_DIR/broker.sh" </dev/null >/dev/null 2>&1 &
  echo $! >"$DIR/watchdog.pid"
}

launch() {
  : >"$DIR/broker.log"
  # setsid: the broker outlives this script and does not get the terminal's
  # signals; it is stopped by `stop` (or the watchdog).
  # shellcheck disable=SC2086
  setsid "$JAVA" -Xms128m -Xmx"$HEAP" $GC_OPTS \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true ${SLUICE_KAFKA_JAVA_OPTS:-} \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" \
    -Dkafka.logs.dir="$DIR" \
    -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties" \
    </dev/null >>"$DIR/broker.log" 2>&1 &
  echo $! >"$DIR/broker.pid"
}

# 0: ready, 1: process died, 2: timed out
wait_ready() {
  local hp=$1 deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    pid_alive || return 1
    if grep -q "Kafka Server started" "$DIR/broker.log" 2>/dev/null && ! port_free "$hp"; then
      return 0
    fi
    sleep 0.2
  done
  return 2
}

do_start() {
  local owner=""
  while (($#)); do
    case $1 in
      --owner-pid) owner=$2; shift 2 ;;
      *) die "start: unknown argument $1" ;;
    esac
  done
  if pid_alive; then
    echo "KAFKA_BOOTSTRAP=$(bootstrap)"
    return 0
  fi
  fetch
  mkdir -p "$DIR"
  local attempt reuse=0
  if [[ -f $DIR/server.properties && -f $DIR/data/meta.properties ]]; then
    reuse=1   # a broker stopped with --keep: same ports, same data
  fi
  for attempt in 1 2 3; do
    if ((reuse == 0)); then
      rm -rf "$DIR/data"
      local bp cp
      bp=$(pick_port)
      cp=$(pick_port)
      while [[ $cp == "$bp" ]]; do cp=$(pick_port); done
      write_config "$bp" "$cp"
      format_storage
    fi
    local hp; hp=$(bootstrap); hp=${hp##*:}
    launch
    local rc=0
    wait_ready "$hp" || rc=$?
    if ((rc == 0)); then
      [[ -n $owner ]] && start_watchdog "$owner"
      echo "KAFKA_BOOTSTRAP=$(bootstrap)"
      return 0
    fi
    if ((rc == 1)) && grep -qi -e "Address already in use" -e "BindException" "$DIR/broker.log"; then
      echo "broker.sh: port taken, retrying (attempt $attempt)" >&2
      rm -f "$DIR/broker.pid"
      # A restarted broker whose port was taken meanwhile cannot keep it.
      ((reuse == 1)) && die "port $hp of the kept broker in $DIR is taken"
      continue
    fi
    echo "broker.sh: the broker in $DIR did not come up (rc=$rc); last lines of $DIR/broker.log:" >&2
    tail -n 40 "$DIR/broker.log" >&2 || true
    do_stop --keep >/dev/null 2>&1 || true
    exit 1
  done
  die "could not start a broker after 3 attempts"
}

do_stop() {
  local keep=0
  [[ ${1:-} == --keep ]] && keep=1
  if [[ -f $DIR/watchdog.pid ]]; then
    local w; w=$(cat "$DIR/watchdog.pid")
    # Only the watcher we started: its command line names this folder.
    if [[ -n $w ]] && grep -qF "$DIR" "/proc/$w/cmdline" 2>/dev/null && [[ $w != "$PPID" ]]; then
      kill "$w" 2>/dev/null || true
    fi
    rm -f "$DIR/watchdog.pid"
  fi
  if pid_alive; then
    local pid; pid=$(cat "$DIR/broker.pid")
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "broker.sh: broker $pid ignored SIGTERM for 30 s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$DIR/broker.pid"
  if ((keep == 0)) && [[ -d $DIR ]]; then
    rm -rf "$DIR"
  fi
}

case $CMD in
  fetch) fetch ;;
  classpath) fetch; echo "$LIBS/*" ;;
  start) do_start "$@" ;;
  stop) do_stop "$@" ;;
  status)
    if pid_alive; then
      echo "running pid=$(cat "$DIR/broker.pid") KAFKA_BOOTSTRAP=$(bootstrap) dir=$DIR"
    else
      echo "not running (dir=$DIR)"; exit 1
    fi ;;
  env)
    pid_alive || die "no broker running in $DIR"
    echo "KAFKA_BOOTSTRAP=$(bootstrap)" ;;
  create-topic)
    [[ $# -ge 2 ]] || die "usage: broker.sh create-topic NAME PARTITIONS [KEY=VALUE config...]"
    pid_alive || die "no broker running in $DIR"
    name=$1 parts=$2; shift 2
    cfg=()
    for c in "$@"; do cfg+=(--config "$c"); done
    fetch
    java_run org.apache.kafka.tools.TopicCommand --bootstrap-server "$(bootstrap)" \
      --create --topic "$name" --partitions "$parts" --replication-factor 1 \
      "${cfg[@]+"${cfg[@]}"}" ;;
  *) die "unknown command $CMD" ;;
esac
