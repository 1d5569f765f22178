"""The YSB query in PyFlink SQL (bench/ysb/run.sh).

    Kafka ad events (JSON) -> keep views -> join the static ad -> campaign
    table (CSV file) -> count per campaign per 10-second event-time window
    -> Kafka {"campaign_id", "window_end_ms", "count"} (upsert-kafka, key:
    campaign_id and window_end_ms)

Parallelism 2 on the local mini-cluster PyFlink starts in its JVM. Flink
SQL drops an event-time attribute at a regular join (the stream-static
join here), so a TUMBLE window cannot follow the join; the window is
therefore the grouping key window_end_ms = (event_time / 10000 + 1) * 10000
of a regular (updating) aggregation, whose count is written again as it
grows (YSB's update semantics, as Sluice's and Spark's OUTPUT MODE update),
with mini-batches of at most MINIBATCH_MS milliseconds (fewer updates; the
count written per mini-batch rather than per event). Kafka sink at least
once (exactly once would only show records at checkpoints).

TRIGGER available-now: the source is bounded (the offsets the topic holds at
start) and the job ends when it is read (the throughput run); default: run
until SIGTERM (the latency run). Prints READY once the job is submitted.

    python flink_ysb.py BOOTSTRAP INPUT OUTPUT TABLE MODE TRIGGER JAR [MINIBATCH_MS]
"""
import os
import signal
import sys
import time

from pyflink.table import EnvironmentSettings, TableEnvironment


def main():
    bootstrap, topic_in, topic_out, table, mode, trigger, jar = sys.argv[1:8]
    minibatch_ms = int(sys.argv[8]) if len(sys.argv) > 8 else 50
    if mode != "update":
        print("flink_ysb.py: only MODE update (see the docstring)", file=sys.stderr)
        return 2
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    conf = t_env.get_config()
    conf.set("pipeline.jars", "file://" + os.path.abspath(jar))
    conf.set("parallelism.default", "2")
    conf.set("table.exec.mini-batch.enabled", "true")
    conf.set("table.exec.mini-batch.allow-latency", "%d ms" % minibatch_ms)
    conf.set("table.exec.mini-batch.size", "5000")
    bounded = ",\n  'scan.bounded.mode' = 'latest-offset'" if trigger == "available-now" else ""
    t_env.execute_sql("""
CREATE TABLE events (
  user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING,
  event_time STRING, ip_address STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '%s',
  'properties.bootstrap.servers' = '%s',
  'properties.group.id' = 'sluice-ysb-flink',
  'scan.startup.mode' = 'earliest-offset'%s,
  'format' = 'json'
)""" % (topic_in, bootstrap, bounded))
    # The CSV's header line becomes a row ('ad_id', 'campaign_id') that joins no event.
    t_env.execute_sql("""
CREATE TABLE campaigns (ad_id STRING, campaign_id STRING) WITH (
  'connector' = 'filesystem', 'path' = 'file://%s', 'format' = 'csv'
)""" % os.path.abspath(table))
    t_env.execute_sql("""
CREATE TABLE out_counts (
  campaign_id STRING, window_end_ms BIGINT, `count` BIGINT,
  PRIMARY KEY (campaign_id, window_end_ms) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '%s',
  'properties.bootstrap.servers' = '%s',
  'key.format' = 'json',
  'value.format' = 'json'
)""" % (topic_out, bootstrap))
    result = t_env.execute_sql("""
INSERT INTO out_counts
SELECT c.campaign_id, (CAST(e.event_time AS BIGINT) / 10000 + 1) * 10000 AS window_end_ms, COUNT(*) AS `count`
FROM events AS e JOIN campaigns AS c ON e.ad_id = c.ad_id
WHERE e.event_type = 'view'
GROUP BY c.campaign_id, (CAST(e.event_time AS BIGINT) / 10000 + 1) * 10000""")
    print("READY", flush=True)
    if trigger == "available-now":
        result.wait()
        return 0
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    while not stopping:
        time.sleep(0.2)
    client = result.get_job_client()
    if client is not None:
        client.cancel().result()
    return 0


if __name__ == "__main__":
    sys.exit(main())
