"""Batch: schema, columns, dtypes, printSchema's text, schema JSON, nested types (MAP: b22)."""
import contextlib
import io

from pyspark.sql import SparkSession
from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType, TimestampType

import conform

spark = SparkSession.builder.appName("b15").config("spark.sql.shuffle.partitions", "2").getOrCreate()
schema = StructType([
    StructField("id", LongType(), False),
    StructField("tags", ArrayType(StringType())),
    StructField("who", StructType([StructField("name", StringType()), StructField("at", TimestampType())])),
])
df = spark.createDataFrame([], schema)
conform.value("columns", df.columns)
conform.value("dtypes", df.dtypes)
conform.value("simple", df.schema.simpleString())
conform.value("fieldNames", df.schema.fieldNames())
conform.value("json", df.schema.jsonValue())
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    df.printSchema()
conform.value("printSchema", buf.getvalue())
conform.value("sel_schema", df.select("who.name", "id").schema.simpleString())
conform.value("same", StructType.fromJson(df.schema.jsonValue()) == schema)
spark.stop()
