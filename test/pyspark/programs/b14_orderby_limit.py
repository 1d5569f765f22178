"""Batch: orderBy/sort with ascending=, desc, nulls first/last, limit, take, first, head."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import asc_nulls_last, col, desc

import conform

spark = SparkSession.builder.appName("b14").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame([(3, "c"), (1, "a"), (None, "n"), (2, "b"), (2, "a")], "k INT, v STRING")
conform.emit("asc", df.orderBy("k", "v"), ordered=True)
conform.emit("desc", df.orderBy(desc("k"), "v"), ordered=True)
conform.emit("ascending_list", df.sort(["k", "v"], ascending=[False, True]), ordered=True)
conform.emit("nulls_last", df.orderBy(asc_nulls_last("k"), col("v").desc()), ordered=True)
conform.emit("col_desc_nulls_first", df.orderBy(col("k").desc_nulls_first(), "v"), ordered=True)
conform.emit("limit", df.orderBy("v", "k").limit(2), ordered=True)
conform.emit("take", df.orderBy("k", "v").take(2), ordered=True)
conform.value("first", df.orderBy("v", "k").first())
conform.emit("head", df.orderBy(col("k").desc(), "v").head(3), ordered=True)
spark.stop()
