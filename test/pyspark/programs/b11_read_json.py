"""Batch: spark.read.schema(...).json(dir) and format("json").load, filters, counts."""
import os

from pyspark.sql import SparkSession
from pyspark.sql.functions import col

import conform

spark = SparkSession.builder.appName("b11").config("spark.sql.shuffle.partitions", "2").getOrCreate()
d = conform.work("in_json")
conform.write_json_lines(os.path.join(d, "part1.json"), [
    {"id": 1, "user": "ann", "score": 2.5, "ts": "2024-01-01T10:00:00.000Z"},
    {"id": 2, "user": "bob", "score": 7.0, "ts": "2024-01-01T10:05:00.000Z"}])
conform.write_json_lines(os.path.join(d, "part2.json"), [
    {"id": 3, "user": "cy", "ts": "2024-01-01T11:00:00.000Z"},
    {"id": 4, "user": "ann", "score": 9.75, "ts": "2024-01-02T00:00:00.000Z"}])
df = spark.read.schema("id INT, user STRING, score DOUBLE, ts TIMESTAMP").json(d)
conform.emit("all", df)
conform.emit("filtered", df.filter(col("score") > 5).select("user", "ts"))
conform.value("count", df.count())
df2 = spark.read.format("json").schema(df.schema).option("mode", "PERMISSIVE").load(d)
conform.emit("by_user", df2.groupBy("user").count())
spark.stop()
