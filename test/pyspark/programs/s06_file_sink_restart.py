"""Streaming: a JSON file sink with a checkpoint; the query stops and restarts from its
checkpoint, then the output is read back with a batch read (exactly once)."""
import os

from pyspark.sql import SparkSession
from pyspark.sql.functions import col

import conform

spark = SparkSession.builder.appName("s06").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src, out, ck = conform.work("in"), conform.work("out"), conform.work("ck")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [{"id": i, "name": "n%d" % i} for i in range(4)])


def start():
    return (spark.readStream.schema("id INT, name STRING").json(src).where(col("id") != 2)
                 .writeStream.format("json").option("checkpointLocation", ck).outputMode("append").start(out))


q = start()
q.processAllAvailable()
q.stop()
conform.progress("run1", q)
conform.write_json_lines(os.path.join(src, "2.json"), [{"id": i, "name": "n%d" % i} for i in range(4, 7)])
q2 = start()
q2.processAllAvailable()
q2.stop()
conform.progress("run2", q2)
conform.value("same_id", q.id == q2.id)
conform.value("other_run", q.runId != q2.runId)
conform.emit("output", spark.read.schema("id INT, name STRING").json(out))
spark.stop()
