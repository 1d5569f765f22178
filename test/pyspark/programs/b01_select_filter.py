"""Batch: createDataFrame from tuples with column names, select, filter, withColumn."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, lit

import conform

spark = SparkSession.builder.appName("b01").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame([(1, "a", 10.5), (2, "b", 20.0), (3, "c", None), (4, None, 7.25)],
                           ["id", "name", "price"])
conform.value("dtypes", df.dtypes)
out = (df.filter(col("id") > 1)
         .withColumn("double_price", col("price") * 2)
         .withColumn("tag", lit("x"))
         .select("id", "name", "double_price", "tag"))
conform.emit("filtered", out)
conform.emit("where_str", df.where("price < 15").select(df.id, df["name"]))
conform.value("count", df.filter(col("name").isNotNull()).count())
spark.stop()
