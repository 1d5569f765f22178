"""The latency harness's query in PySpark Structured Streaming (bench/latency/run.sh):

    Kafka -> from_json(CAST(value AS STRING), schema) -> filter (event_type = 'view')
          -> to_json(struct(...)) AS value -> Kafka

local[2], processing-time trigger TRIGGER_MS (0: the default trigger, a
batch as soon as the previous one ends). QUERY windowed instead counts the
views per WINDOW_MS tumbling event-time window (event time = ts_us,
watermark delay DELAY_MS, append mode: one {"window_end_ms", "n"} record per
closed window, as the Sluice job writes). Spark's Kafka sink has no
exactly-once mode (it is at least once). Writes each progress record as one JSON line to
PROGRESS, prints READY once the query runs, stops cleanly on SIGTERM/SIGINT.

    python spark_job.py BOOTSTRAP INPUT OUTPUT CHECKPOINT PROGRESS JARS(comma-separated) \
        [QUERY(stateless|windowed) TRIGGER_MS WINDOW_MS DELAY_MS]
"""
import signal
import sys
import threading

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, count, from_json, named_struct, lit, struct, timestamp_micros, to_json, \
    unix_millis, window
from pyspark.sql.streaming import StreamingQueryListener

SCHEMA = ("id BIGINT, ts_us BIGINT, user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, "
          "event_type STRING, event_time STRING, ip_address STRING")
FIELDS = ["id", "ts_us", "user_id", "page_id", "ad_id", "ad_type", "event_type", "event_time", "ip_address"]


class ProgressFile(StreamingQueryListener):
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    def onQueryStarted(self, event):
        pass

    def onQueryProgress(self, event):
        with self.lock, open(self.path, "a") as f:
            f.write(event.progress.json.replace("\n", " ") + "\n")

    def onQueryIdle(self, event):
        pass

    def onQueryTerminated(self, event):
        pass


def main():
    bootstrap, topic_in, topic_out, checkpoint, progress, jars = sys.argv[1:7]
    query_kind, trigger_ms, window_ms, delay_ms = (sys.argv[7:11] + ["stateless", "0", "1000", "1000"][len(sys.argv[7:11]):])
    spark = (SparkSession.builder.master("local[2]").appName("sluice-latency-harness")
             .config("spark.jars", jars)
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    spark.streams.addListener(ProgressFile(progress))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    src = (spark.readStream.format("kafka")
           .option("kafka.bootstrap.servers", bootstrap)
           .option("subscribe", topic_in)
           .option("startingOffsets", "earliest")
           .load())
    data = src.select(from_json(col("value").cast("string"), SCHEMA).alias("data"))
    views = data.where(col("data.event_type") == "view")
    if query_kind == "windowed":
        w = "%s milliseconds" % window_ms
        out = (views.select(timestamp_micros(col("data.ts_us")).alias("ts"))
               .withWatermark("ts", "%s milliseconds" % delay_ms)
               .groupBy(window(col("ts"), w).alias("w")).agg(count(lit(1)).alias("n"))
               .select(to_json(named_struct(lit("window_end_ms"), unix_millis(col("w.end")),
                                            lit("n"), col("n"))).alias("value")))
    else:
        out = views.select(to_json(struct(*[col("data." + f) for f in FIELDS])).alias("value"))
    writer = (out.writeStream.format("kafka")
              .option("kafka.bootstrap.servers", bootstrap)
              .option("topic", topic_out)
              .option("checkpointLocation", checkpoint)
              .outputMode("append"))
    if int(trigger_ms) > 0:
        writer = writer.trigger(processingTime="%s milliseconds" % trigger_ms)
    query = writer.start()
    print("READY", flush=True)
    while not stop.is_set() and query.isActive:
        stop.wait(0.2)
    query.stop()
    if query.exception() is not None:
        print("query failed: %s" % query.exception(), file=sys.stderr)
        spark.stop()
        return 1
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
