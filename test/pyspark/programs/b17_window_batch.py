"""Batch: groupBy(window(...)) tumbling and sliding over a timestamp column."""
import datetime

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, count, sum as sum_, window

import conform

spark = SparkSession.builder.appName("b17").config("spark.sql.shuffle.partitions", "2").getOrCreate()
t = datetime.datetime
events = spark.createDataFrame([
    (t(2024, 1, 1, 10, 1), "a", 1), (t(2024, 1, 1, 10, 7), "b", 2), (t(2024, 1, 1, 10, 12), "a", 3),
    (t(2024, 1, 1, 10, 24), "a", 4), (t(2024, 1, 1, 10, 59, 59), "b", 5)], ["ts", "k", "v"])
tumbling = (events.groupBy(window("ts", "10 minutes"), "k").agg(count("*").alias("n"), sum_("v").alias("s"))
                  .select(col("window.start").alias("start"), col("window.end").alias("end"), "k", "n", "s"))
conform.emit("tumbling", tumbling)
sliding = (events.groupBy(window(col("ts"), "20 minutes", "10 minutes")).count()
                 .select("window.start", "window.end", "count"))
conform.emit("sliding", sliding)
spark.stop()
