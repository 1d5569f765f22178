"""Batch: CSV with a header, a schema, options; reading with inferSchema."""
import os

from pyspark.sql import SparkSession
from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

import conform

spark = SparkSession.builder.appName("b12").config("spark.sql.shuffle.partitions", "2").getOrCreate()
d = conform.work("in_csv")
conform.write_lines(os.path.join(d, "a.csv"), ["id,city,temp", "1,Oslo,-3.5", "2,\"Rome, IT\",14.0", "3,,"])
schema = StructType([StructField("id", IntegerType()), StructField("city", StringType()),
                     StructField("temp", DoubleType())])
df = spark.read.option("header", "true").schema(schema).csv(d)
conform.emit("schema_rows", df)
inferred = spark.read.options(header="true", inferSchema="true").csv(d)
conform.value("inferred_dtypes", inferred.dtypes)
conform.emit("inferred", inferred)
conform.emit("noheader", spark.read.csv(d).select("_c0", "_c1"))
spark.stop()
