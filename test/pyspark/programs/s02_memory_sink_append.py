"""Streaming: the memory sink in append mode, read with SQL after each batch."""
import os

from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("s02").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "a.json"), [{"name": "ann", "n": 1}, {"name": "bob", "n": 2}])
q = (spark.readStream.format("json").schema("name STRING, n LONG").load(src)
          .selectExpr("upper(name) AS name", "n * 100 AS n")
          .writeStream.format("memory").queryName("s02_out").outputMode("append").start())
q.processAllAvailable()
conform.emit("after_first", spark.sql("SELECT * FROM s02_out"))
conform.write_json_lines(os.path.join(src, "b.json"), [{"name": "cy", "n": 3}])
q.processAllAvailable()
conform.emit("after_second", spark.table("s02_out"))
conform.value("name", q.name)
q.stop()
conform.progress("progress", q)
spark.stop()
