"""Batch: from_json (StructType and DDL schemas), to_json, get_json_object."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, from_json, get_json_object, struct, to_json
from pyspark.sql.types import ArrayType, IntegerType, StringType, StructField, StructType

import conform

spark = SparkSession.builder.appName("b10").config("spark.sql.shuffle.partitions", "2").getOrCreate()
raw = spark.createDataFrame([('{"a": 1, "b": "x", "c": [1, 2]}',), ('{"a": 2, "b": null}',), ("not json",)],
                            ["js"])
schema = StructType([StructField("a", IntegerType()), StructField("b", StringType()),
                     StructField("c", ArrayType(IntegerType()))])
parsed = raw.select(from_json(col("js"), schema).alias("j"))
conform.emit("parsed", parsed.select("j.a", "j.b", "j.c"))
conform.emit("ddl", raw.select(from_json("js", "a INT, b STRING").alias("j")).select(col("j").getField("a")))
conform.emit("path", raw.select(get_json_object("js", "$.c[1]").alias("c1"), get_json_object("js", "$.b").alias("b")))
conform.emit("to_json", parsed.filter(col("j.a").isNotNull()).select(to_json(col("j")).alias("back")))
conform.emit("to_json_struct", spark.createDataFrame([(1, "q")], ["x", "y"]).select(to_json(struct("x", "y")).alias("o")))
spark.stop()
