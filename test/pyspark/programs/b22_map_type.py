"""Batch: MAP columns: a MapType schema, a dict value inferred as a map, map lookups."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col
from pyspark.sql.types import LongType, MapType, StringType, StructField, StructType

import conform

spark = SparkSession.builder.appName("b22").config("spark.sql.shuffle.partitions", "2").getOrCreate()
schema = StructType([StructField("id", LongType(), False), StructField("attrs", MapType(StringType(), LongType()))])
df = spark.createDataFrame([(1, {"a": 1, "b": 2}), (2, None)], schema)
conform.value("dtypes", df.dtypes)
conform.emit("rows", df)
conform.emit("lookup", df.select("id", col("attrs")["b"].alias("b"), col("attrs").getItem("a").alias("a")))
inferred = spark.createDataFrame([("x", {"k": "v"})])
conform.value("inferred_dtypes", inferred.dtypes)
conform.emit("inferred", inferred)
spark.stop()
