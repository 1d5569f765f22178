"""Batch: withColumnRenamed, drop, alias, selectExpr, column arithmetic with reflected operators."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, expr

import conform

spark = SparkSession.builder.appName("b20").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame([(1, 2.0, "p"), (4, 0.5, "q")], ["a", "b", "c"])
conform.emit("renamed", df.withColumnRenamed("a", "alpha").drop("c"))
conform.value("renamed_cols", df.withColumnRenamed("a", "alpha").drop("b", "c").columns)
conform.emit("selectExpr", df.selectExpr("a * 10 AS a10", "b", "upper(c) AS up", "a % 3 AS m"))
conform.emit("reflected", df.select((1 - col("a")).alias("r1"), (10 / col("b")).alias("r2"),
                                    (2 * col("a") + 1).alias("r3"), (-col("b")).alias("neg"),
                                    (col("a") % 3).alias("mod"), expr("a + b").alias("e")))
conform.emit("drop_col", df.drop(df.b).alias("t").select("t.a", "t.c"))
conform.value("missing_drop", df.drop("zzz").columns)
spark.stop()
