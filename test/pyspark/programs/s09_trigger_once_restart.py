"""Streaming: trigger(once=True) twice on one checkpoint; the second run reads only new files."""
import os

from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("s09").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src, ck = conform.work("in"), conform.work("ck")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [{"w": "a"}, {"w": "b"}])


def each(df, bid):
    conform.emit("batch%d" % bid, df)


def run():
    q = (spark.readStream.schema("w STRING").json(src).writeStream.foreachBatch(each)
              .trigger(once=True).option("checkpointLocation", ck).start())
    q.awaitTermination()
    return q


conform.progress("run1", run())
conform.write_json_lines(os.path.join(src, "2.json"), [{"w": "c"}])
conform.progress("run2", run())
spark.stop()
