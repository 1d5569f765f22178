"""Streaming: a grouped aggregation in complete mode (memory sink)."""
import os

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import conform

spark = SparkSession.builder.appName("s03").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [{"user": "a", "amt": 5}, {"user": "b", "amt": 1},
                                                       {"user": "a", "amt": 2}])
agg = (spark.readStream.schema("user STRING, amt INT").json(src)
            .groupBy("user").agg(F.count("*").alias("n"), F.sum("amt").alias("total")))
q = agg.writeStream.outputMode("complete").format("memory").queryName("s03_totals").start()
q.processAllAvailable()
conform.emit("first", spark.sql("SELECT * FROM s03_totals"))
conform.write_json_lines(os.path.join(src, "2.json"), [{"user": "b", "amt": 10}, {"user": "c", "amt": 3}])
q.processAllAvailable()
conform.emit("second", spark.sql("SELECT * FROM s03_totals"))
q.stop()
conform.progress("progress", q)
spark.stop()
