# Sourced by the scripts that run Nexmark queries through `sluice run`
# (bench/nexmark/run.sh, bench/peers/run.sh, bench/peers/profile_stateless.sh),
# from the repository root: one place that writes a query's job file.
#
#   nexmark_job QUERY_FILE NAME MODE CHECKPOINT STREAM_SQL SINK_SQL
#
# prints the job: STREAM_SQL (declares the stream `nexmark`), the views
# (bench/nexmark/views.sql), SINK_SQL (declares the sink `out`), then
# `START STREAMING QUERY NAME INTO out OUTPUT MODE MODE TRIGGER AVAILABLE NOW
# CHECKPOINT LOCATION 'CHECKPOINT' AS` on one line, the query of QUERY_FILE
# without its comment lines and trailing ';', and a last line ';'.
nexmark_job() {
  local file=$1 name=$2 mode=$3 ck=$4 stream_sql=$5 sink_sql=$6
  echo "$stream_sql"
  cat bench/nexmark/views.sql
  echo "$sink_sql"
  echo "START STREAMING QUERY $name INTO out OUTPUT MODE $mode TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$ck' AS"
  grep -v '^ *--' "$file" | sed 's/;[[:space:]]*$//'
  echo ";"
}

# The stream `nexmark` over a Kafka topic of the loader's JSON
# (bench/nexmark/kafka_stream.sql): nexmark_kafka_stream BOOTSTRAP TOPIC
nexmark_kafka_stream() { sed "s|@BOOTSTRAP@|$1|; s|@TOPIC@|$2|" bench/nexmark/kafka_stream.sql; }
