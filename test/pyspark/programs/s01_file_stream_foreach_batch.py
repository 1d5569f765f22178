"""Streaming: a JSON file source, filter and project, foreachBatch sees each micro-batch."""
import os

from pyspark.sql import SparkSession
from pyspark.sql.functions import col

import conform

spark = SparkSession.builder.appName("s01").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "f1.json"), [{"id": i, "v": i * 1.5, "s": "r%d" % i} for i in range(5)])


def each(batch_df, batch_id):
    # One action on the batch: under PySpark every action re-reads the source
    # and adds to the batch's numInputRows.
    rows = batch_df.collect()
    conform.emit("batch%d" % batch_id, rows, columns=batch_df.columns)
    conform.value("batch%d_count" % batch_id, len(rows))


stream = spark.readStream.schema("id INT, v DOUBLE, s STRING").json(src)
conform.value("isStreaming", stream.isStreaming)
q = (stream.filter(col("id") % 2 == 0).select("id", (col("v") + 1).alias("v1"), "s")
           .writeStream.foreachBatch(each).option("checkpointLocation", conform.work("ck")).start())
q.processAllAvailable()
conform.write_json_lines(os.path.join(src, "f2.json"), [{"id": i, "v": i * 1.5, "s": "r%d" % i} for i in range(5, 12)])
q.processAllAvailable()
q.stop()
conform.progress("progress", q)
spark.stop()
