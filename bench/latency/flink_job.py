"""The latency harness's queries in PyFlink's Table API (bench/latency/run.sh).

    stateless: Kafka -> JSON -> filter (event_type = 'view') -> JSON -> Kafka
    windowed:  the views' count per WINDOW_MS tumbling event-time window
               (event time = ts_us, watermark = event time - DELAY_MS),
               one {"window_end_ms": E, "n": N} record per closed window

A local mini-cluster in PyFlink's JVM, streaming mode, parallelism 2. Flink
has no micro-batch trigger: records flow one by one. With exactly-once
(sink.delivery-guarantee exactly-once) the Kafka sink writes in a transaction
that commits when a checkpoint completes, so what a read_committed reader
sees is paced by the checkpoint interval, which plays the trigger's part:
INTERVAL_MS (at least 10 ms, Flink's smallest). With at-least-once the sink
flushes on checkpoints too (same interval) and otherwise as its producer
batches (linger.ms of Flink's Kafka producer, default 0 here).

Prints READY once the job is submitted; stops (cancels the job) on
SIGTERM/SIGINT.

    python flink_job.py BOOTSTRAP INPUT OUTPUT JAR QUERY EXACTLY_ONCE INTERVAL_MS WINDOW_MS DELAY_MS
"""
import os
import signal
import sys
import threading

from pyflink.table import EnvironmentSettings, TableEnvironment

FIELDS = [("id", "BIGINT"), ("ts_us", "BIGINT"), ("user_id", "STRING"), ("page_id", "STRING"),
          ("ad_id", "STRING"), ("ad_type", "STRING"), ("event_type", "STRING"), ("event_time", "STRING"),
          ("ip_address", "STRING")]


def main():
    bootstrap, topic_in, topic_out, jar, query, exactly_once, interval_ms, window_ms, delay_ms = sys.argv[1:10]
    interval_ms = max(10, int(interval_ms))
    eo = exactly_once == "true"
    t = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    conf = t.get_config()
    conf.set("parallelism.default", "2")
    conf.set("pipeline.jars", "file://" + os.path.abspath(jar))
    conf.set("execution.checkpointing.interval", "%d ms" % interval_ms)
    conf.set("execution.checkpointing.min-pause", "0 ms")
    conf.set("execution.checkpointing.mode", "EXACTLY_ONCE" if eo else "AT_LEAST_ONCE")
    conf.set("state.checkpoints.dir", "file://" + os.path.abspath(os.environ.get("FLINK_CHECKPOINT_DIR", "/tmp")))
    conf.set("table.local-time-zone", "UTC")
    cols = ",\n  ".join("%s %s" % f for f in FIELDS)
    t.execute_sql("""
CREATE TABLE ads (
  %s,
  ts AS TO_TIMESTAMP_LTZ(ts_us / 1000, 3),
  WATERMARK FOR ts AS ts - INTERVAL '%d' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '%s',
  'properties.bootstrap.servers' = '%s',
  'properties.group.id' = 'flink-latency',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
)""" % (cols, max(0, int(delay_ms)) // 1000, topic_in, bootstrap))
    guarantee = ("'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'flink-lat-%s',"
                 " 'properties.transaction.timeout.ms' = '600000'," % topic_out) if eo else \
        "'sink.delivery-guarantee' = 'at-least-once',"
    if query == "windowed":
        sink_cols = "window_end_ms BIGINT, n BIGINT"
        # Whole-second windows (run.sh checks WINDOW_MS and DELAY_MS).
        select = ("SELECT CAST(UNIX_TIMESTAMP(DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss')) AS BIGINT) * 1000 "
                  "AS window_end_ms, COUNT(*) AS n "
                  "FROM TABLE(TUMBLE(TABLE ads, DESCRIPTOR(ts), INTERVAL '%d' SECOND)) "
                  "WHERE event_type = 'view' GROUP BY window_start, window_end" % max(1, int(window_ms) // 1000))
    else:
        sink_cols = ", ".join("%s %s" % f for f in FIELDS)
        select = "SELECT %s FROM ads WHERE event_type = 'view'" % ", ".join(f for f, _ in FIELDS)
    t.execute_sql("""
CREATE TABLE out_topic (%s) WITH (
  'connector' = 'kafka',
  'topic' = '%s',
  'properties.bootstrap.servers' = '%s',
  %s
  'format' = 'json'
)""" % (sink_cols, topic_out, bootstrap, guarantee))
    result = t.execute_sql("INSERT INTO out_topic " + select)
    client = result.get_job_client()
    print("READY", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        stop.wait(0.2)
    if client is not None:
        try:
            client.cancel().result()
        except Exception as e:  # the job may have failed already
            print("cancel: %s" % e, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
