"""The YSB query in PySpark Structured Streaming (bench/ysb/run.sh).

    Kafka ad events -> from_json -> keep views -> event time from event_time
    (epoch ms) with a watermark -> join the static ad -> campaign table (CSV)
    -> count per campaign per 10-second tumbling window -> Kafka
    {"campaign_id", "window_end_ms", "count"} (key: campaign_id)

local[2]. MODE update (a window's count written again each batch it grows:
YSB's semantics) or append (once, when the watermark passes the window's
end). TRIGGER available-now (read what the topic holds, then stop: the
throughput run) or default (run until SIGTERM: the latency run). Spark's
Kafka sink is at least once. Prints READY once the query runs.

    python spark_ysb.py BOOTSTRAP INPUT OUTPUT TABLE CHECKPOINT MODE TRIGGER DELAY_MS JARS
"""
import signal
import sys
import threading

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, from_json, struct, timestamp_millis, to_json, unix_millis, window

SCHEMA = ("user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, "
          "event_time STRING, ip_address STRING")


def main():
    bootstrap, topic_in, topic_out, table, checkpoint, mode, trigger, delay_ms, jars = sys.argv[1:10]
    spark = (SparkSession.builder.master("local[2]").appName("sluice-ysb")
             .config("spark.jars", jars)
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    campaigns = spark.read.option("header", "true").schema("ad_id STRING, campaign_id STRING").csv(table)
    events = (spark.readStream.format("kafka")
              .option("kafka.bootstrap.servers", bootstrap)
              .option("subscribe", topic_in)
              .option("startingOffsets", "earliest")
              .load())
    data = events.select(from_json(col("value").cast("string"), SCHEMA).alias("d"))
    views = (data.where(col("d.event_type") == "view")
             .select(col("d.ad_id").alias("ad_id"),
                     timestamp_millis(col("d.event_time").cast("long")).alias("ts"))
             .withWatermark("ts", "%s milliseconds" % delay_ms))
    counts = (views.join(campaigns, "ad_id")
              .groupBy(col("campaign_id"), window(col("ts"), "10 seconds").alias("w"))
              .count())
    out = counts.select(col("campaign_id").alias("key"),
                        to_json(struct(col("campaign_id"), unix_millis(col("w.end")).alias("window_end_ms"),
                                       col("count"))).alias("value"))
    writer = (out.writeStream.format("kafka")
              .outputMode(mode)
              .option("kafka.bootstrap.servers", bootstrap)
              .option("topic", topic_out)
              .option("checkpointLocation", checkpoint))
    if trigger == "available-now":
        writer = writer.trigger(availableNow=True)
    query = writer.start()
    print("READY", flush=True)
    while not stop.is_set() and query.isActive:
        stop.wait(0.2)
    if query.isActive:
        query.stop()
    failed = query.exception()
    spark.stop()
    if failed is not None:
        print("query failed: %s" % failed, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
