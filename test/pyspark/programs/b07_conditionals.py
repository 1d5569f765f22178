"""Batch: when/otherwise, isin, between, like, rlike, isNull, eqNullSafe, coalesce."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import coalesce, col, lit, when

import conform

spark = SparkSession.builder.appName("b07").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame([(1, "apple", 5), (2, "banana", None), (3, "cherry", 15), (4, None, 25)],
                           "id INT, fruit STRING, score INT")
out = df.select(
    "id",
    when(col("score") < 10, "low").when(col("score") < 20, "mid").otherwise("high").alias("band"),
    col("fruit").isin("apple", "cherry").alias("isin"),
    col("score").between(5, 15).alias("between"),
    col("fruit").like("%an%").alias("like"),
    col("fruit").rlike("^[a-c]").alias("rlike"),
    col("score").isNull().alias("isnull"),
    col("fruit").eqNullSafe(lit(None)).alias("nullsafe"),
    coalesce(col("score"), lit(-1)).alias("coalesced"),
    (~(col("id") % 2 == 0)).alias("odd"),
)
conform.emit("out", out)
conform.emit("startswith", df.filter(col("fruit").startswith("b") | col("fruit").endswith("y")).select("id"))
spark.stop()
