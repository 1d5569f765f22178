"""Streaming: withWatermark + groupBy(window) in append mode; windows come out once the
watermark passes them (including Spark's no-data batch)."""
import os

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, window

import conform

spark = SparkSession.builder.appName("s04").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [
    {"ts": "2024-01-01T10:00:00Z", "k": "a"}, {"ts": "2024-01-01T10:03:00Z", "k": "b"},
    {"ts": "2024-01-01T10:07:00Z", "k": "a"}])


def each(df, batch_id):
    conform.emit("batch%d" % batch_id, df.select(col("window.start").alias("start"), col("window.end").alias("end"),
                                                  "k", "count"))


counts = (spark.readStream.schema("ts TIMESTAMP, k STRING").json(src)
               .withWatermark("ts", "10 minutes")
               .groupBy(window("ts", "5 minutes"), "k").count())
q = counts.writeStream.outputMode("append").foreachBatch(each).option("checkpointLocation", conform.work("ck")).start()
q.processAllAvailable()
conform.write_json_lines(os.path.join(src, "2.json"), [
    {"ts": "2024-01-01T10:30:00Z", "k": "a"}, {"ts": "2024-01-01T10:01:00Z", "k": "late"}])
q.processAllAvailable()
q.stop()
conform.progress("progress", q)
spark.stop()
