"""A Nexmark query in PySpark Structured Streaming, over the Nexmark Kafka topic
(bench/peers/run.sh runs it; docs/nexmark.md has the layout).

    python nexmark.py --bootstrap B --topic T --query bench/peers/spark/q1.sql --jars a.jar,b.jar
                      --checkpoint DIR [--compare-out FILE]

local[2], available-now trigger, spark.sql.shuffle.partitions 2. The topic is
parsed with from_json into the single-topic rows, and the views person /
auction / bid are the structs' fields of each event type (with
withWatermark("dateTime", ...) when the query file's header asks for one);
the query runs with spark.sql over them. Without --compare-out the rows go
to the noop sink; with it every micro-batch's rows are written to FILE as
JSON lines {"k": "+I" (append) or "U" (update: an upsert of its key), "r": [values]}
for bench/peers/compare.py. Prints one RESULT line: input rows, batches and
the query's own time (the sum of the batches' durationMs.triggerExecution).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common import VIEWS, plain, read_query, result_line  # noqa: E402

from pyspark.sql import Row, SparkSession  # noqa: E402
from pyspark.sql.functions import col, from_json  # noqa: E402


def event_schema():
    def struct(fields):
        return "STRUCT<%s>" % ", ".join("%s: %s" % (n, t) for n, t in fields)
    return "event_type INT, " + ", ".join("%s %s" % (v, struct(VIEWS[v][1])) for v in ("person", "auction", "bid"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--jars", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--compare-out")
    a = ap.parse_args()
    sql, headers = read_query(a.query)
    if "unsupported" in headers:
        print("UNSUPPORTED " + headers["unsupported"])
        return 3
    mode = headers["output"]
    spark = (SparkSession.builder.master("local[2]").appName("nexmark-" + os.path.basename(a.query))
             .config("spark.jars", a.jars)
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    raw = (spark.readStream.format("kafka")
           .option("kafka.bootstrap.servers", a.bootstrap)
           .option("subscribe", a.topic)
           .option("startingOffsets", "earliest")
           .load())
    events = raw.select(from_json(col("value").cast("string"), event_schema(),
                                  {"timestampFormat": "yyyy-MM-dd HH:mm:ss.SSS"}).alias("e")).select("e.*")
    for name, (kind, _) in VIEWS.items():
        view = events.where(col("event_type") == kind).select(name + ".*")
        if "watermark" in headers:
            view = view.withWatermark("dateTime", headers["watermark"])
        view.createOrReplaceTempView(name)
    result = spark.sql(sql)
    writer = result.writeStream.outputMode(mode).trigger(availableNow=True).option("checkpointLocation", a.checkpoint)
    if a.compare_out:
        kind = "U" if mode == "update" else "+I"
        out = open(a.compare_out, "w")

        def write_batch(df, batch_id):
            for row in df.collect():
                out.write(json.dumps({"k": kind, "b": batch_id, "r": plain(row, Row)}) + "\n")
            out.flush()
        writer = writer.foreachBatch(write_batch)
    else:
        writer = writer.format("noop")
    start = time.time()
    query = writer.start()
    query.awaitTermination()
    wall_ms = (time.time() - start) * 1000
    progress = query.recentProgress
    rows_in = sum(p["numInputRows"] for p in progress)
    query_ms = sum(p["durationMs"].get("triggerExecution", 0) for p in progress)
    print(result_line(engine="spark", rows_in=rows_in, batches=len(progress), query_ms=query_ms,
                      start_to_end_ms="%.0f" % wall_ms), flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
