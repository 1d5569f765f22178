"""Batch: a DDL schema string, casts between types (DataType objects and type names)."""
import datetime
import decimal

from pyspark.sql import SparkSession
from pyspark.sql.functions import col
from pyspark.sql.types import DateType, DoubleType, IntegerType, StringType

import conform

spark = SparkSession.builder.appName("b09").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame(
    [("42", "3.5", "2024-02-29", "2024-02-29 13:45:10", decimal.Decimal("12.34"), True,
      datetime.date(2020, 1, 2), datetime.datetime(2021, 5, 6, 7, 8, 9, 123000))],
    "s STRING, d STRING, day STRING, ts STRING, dec DECIMAL(10,2), b BOOLEAN, dt DATE, t TIMESTAMP")
conform.value("schema", df.schema.simpleString())
out = df.select(
    col("s").cast(IntegerType()).alias("i"), col("d").cast("double").alias("dbl"),
    col("day").cast(DateType()).alias("day"), col("ts").cast("timestamp").alias("ts"),
    col("dec").cast(StringType()).alias("dec_s"), col("dec").cast(DoubleType()).alias("dec_d"),
    col("b").cast("int").alias("b_i"), col("dt").cast("string").alias("dt_s"), col("t").cast("date").alias("t_d"),
    col("s").cast("bigint").alias("l"), col("dec"), col("dt"), col("t"),
)
conform.value("out_schema", out.schema.simpleString())
conform.emit("out", out)
conform.emit("astype", df.select(col("s").astype("int").alias("x")))
spark.stop()
