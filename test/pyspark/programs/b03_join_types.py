"""Batch: joins of every type on a column name."""
from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("b03").config("spark.sql.shuffle.partitions", "2").getOrCreate()
left = spark.createDataFrame([(1, "a"), (2, "b"), (3, "c"), (None, "n")], "id INT, l STRING")
right = spark.createDataFrame([(2, "x"), (3, "y"), (3, "z"), (4, "w")], "id INT, r STRING")
for how in ["inner", "left", "right", "full", "left_semi", "left_anti", "outer", "leftouter"]:
    conform.emit(how, left.join(right, "id", how))
conform.emit("on_list", left.join(right, on=["id"], how="inner"))
conform.emit("cross", left.crossJoin(right.select("r")).select("l", "r"))
spark.stop()
