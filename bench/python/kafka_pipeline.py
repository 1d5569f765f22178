"""One streaming job of bench/python/run.sh, written once as PySpark code and
run under either engine: `--engine sluice` imports sluice.sql, `--engine
pyspark` imports pyspark.sql; nothing else differs.

Jobs (the topic holds the Yahoo ad events of bench/kafka/kafka_load):
  filter  Kafka -> from_json -> filter (event_type = 'view') -> project -> noop
  count   Kafka -> from_json -> groupBy(ad_type).count() (complete) -> noop

Both read the whole topic with trigger(availableNow=True). Prints one line:
  RESULT engine=... job=... events=N wall_s=... cpu_s=... events_per_s=... events_per_core_s=...
wall_s is from start() to the end of awaitTermination(); cpu_s is the user+sys
CPU over the same span of the process that runs the engine (this process
for sluice; the JVM child for pyspark, read from /proc).
"""

import argparse
import importlib
import os
import sys
import time

SCHEMA = ("user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, "
          "event_time STRING, ip_address STRING")


def cpu_seconds(pids):
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except OSError:
            pass
    return total


def jvm_pids():
    """The java processes whose parent is this process (pyspark's gateway)."""
    me = os.getpid()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/comm" % entry) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if int(fields[1]) == me and comm == "java":
            pids.append(int(entry))
    return pids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["sluice", "pyspark"], required=True)
    ap.add_argument("--job", choices=["filter", "count"], required=True)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--checkpoint", required=True)
    args = ap.parse_args()

    sql = importlib.import_module(args.engine + ".sql")
    F = importlib.import_module(args.engine + ".sql.functions")
    spark = (sql.SparkSession.builder.appName("bench-" + args.job)
             .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    if args.engine == "pyspark":
        spark.sparkContext.setLogLevel("ERROR")

    raw = (spark.readStream.format("kafka")
           .option("kafka.bootstrap.servers", args.bootstrap)
           .option("subscribe", args.topic)
           .option("startingOffsets", "earliest")
           .load())
    data = raw.select(F.from_json(F.col("value").cast("string"), SCHEMA).alias("data"))
    if args.job == "filter":
        out = data.where(F.col("data.event_type") == "view").select("data.ad_id", "data.event_time")
        mode = "append"
    else:
        out = data.groupBy(F.col("data.ad_type")).count()
        mode = "complete"

    pids = [os.getpid()] if args.engine == "sluice" else jvm_pids()
    cpu0 = cpu_seconds(pids)
    t0 = time.monotonic()
    q = (out.writeStream.format("noop").outputMode(mode).trigger(availableNow=True)
         .option("checkpointLocation", args.checkpoint).start())
    q.awaitTermination()
    wall = time.monotonic() - t0
    cpu = cpu_seconds(pids) - cpu0
    rows = sum(p["numInputRows"] for p in q.recentProgress)
    if rows != args.events:
        print("bench: the query read %d rows, the topic holds %d" % (rows, args.events), file=sys.stderr)
        sys.exit(1)
    batches = len(q.recentProgress)
    trigger_ms = sum(p["durationMs"].get("triggerExecution", 0) for p in q.recentProgress)
    print("RESULT engine=%s job=%s events=%d wall_s=%.3f cpu_s=%.3f events_per_s=%.0f events_per_core_s=%.0f "
          "batches=%d trigger_ms=%d"
          % (args.engine, args.job, rows, wall, cpu, rows / wall, rows / cpu if cpu > 0 else 0, batches, trigger_ms))
    spark.stop()


if __name__ == "__main__":
    main()
