"""Streaming: update output mode of an aggregation: each batch gives only the changed keys;
DataFrame methods used inside foreachBatch."""
import os

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, max as max_

import conform

spark = SparkSession.builder.appName("s10").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [{"dev": "d1", "t": 20.5}, {"dev": "d2", "t": 18.0},
                                                       {"dev": "d1", "t": 22.0}])


def each(df, bid):
    conform.emit("batch%d" % bid, df)
    conform.emit("batch%d_hot" % bid, df.filter(col("tmax") > 21).select("dev"))
    conform.value("batch%d_n" % bid, df.count())


q = (spark.readStream.schema("dev STRING, t DOUBLE").json(src).groupBy("dev").agg(max_("t").alias("tmax"))
          .writeStream.outputMode("update").foreachBatch(each)
          .option("checkpointLocation", conform.work("ck")).start())
q.processAllAvailable()
conform.write_json_lines(os.path.join(src, "2.json"), [{"dev": "d2", "t": 25.0}, {"dev": "d3", "t": 1.0}])
q.processAllAvailable()
q.stop()
conform.progress("progress", q)
spark.stop()
