"""Batch: errors have PySpark's classes and error conditions."""
from pyspark.errors import AnalysisException, ParseException
from pyspark.sql import SparkSession
from pyspark.sql.functions import col

import conform

spark = SparkSession.builder.appName("b19").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame([(1, "a")], ["id", "name"])
try:
    df.select(col("nme")).collect()
except AnalysisException as e:
    conform.error("unresolved_column", e)
try:
    spark.sql("SELEC 1")
except ParseException as e:
    conform.error("parse", e)
try:
    spark.table("no_such_table")
except AnalysisException as e:
    conform.error("no_table", e)
try:
    spark.sql("SELECT 1 / 0 AS x").collect()
    conform.value("div_zero", "no error")
except Exception as e:  # noqa: BLE001 - the class is what is compared
    conform.error("div_zero", e)
conform.value("is_subclass", issubclass(ParseException, AnalysisException))
spark.stop()
