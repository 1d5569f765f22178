"""Streaming: trigger(availableNow=True) with maxFilesPerTrigger 1: one batch per file, then
the query stops by itself."""
import os

from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("s08").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
for i in range(3):
    conform.write_json_lines(os.path.join(src, "f%d.json" % i), [{"x": i * 10 + j} for j in range(i + 1)])
    os.utime(os.path.join(src, "f%d.json" % i), (1700000000 + i, 1700000000 + i))


def each(df, bid):
    conform.emit("batch%d" % bid, df)


q = (spark.readStream.schema("x INT").option("maxFilesPerTrigger", 1).json(src)
          .writeStream.foreachBatch(each).trigger(availableNow=True)
          .option("checkpointLocation", conform.work("ck")).start())
q.awaitTermination()
conform.value("active_after", q.isActive)
conform.value("exception", q.exception() is None)
conform.progress("progress", q)
spark.stop()
