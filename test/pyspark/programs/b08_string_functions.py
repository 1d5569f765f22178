"""Batch: string functions with PySpark's names and argument orders."""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import conform

spark = SparkSession.builder.appName("b08").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame([("  Hello World ", "a,b,c"), ("spark streaming", "x"), (None, "")], ["s", "csv"])
out = df.select(
    F.upper("s").alias("up"), F.lower(F.col("s")).alias("low"), F.trim("s").alias("trim"),
    F.length("s").alias("len"), F.substring("s", 3, 4).alias("sub"),
    F.concat(F.col("s"), F.lit("!")).alias("cat"), F.concat_ws("-", "s", "csv").alias("cat_ws"),
    F.regexp_replace("s", "o", "0").alias("re"), F.split("csv", ",").alias("parts"),
    F.initcap("s").alias("initcap"), F.lpad("csv", 6, "*").alias("lpad"), F.reverse("csv").alias("rev"),
    F.instr("s", "o").alias("instr"), F.regexp_extract("s", "(\\w+) (\\w+)", 2).alias("extract"),
    F.col("s").substr(1, 3).alias("substr"), F.col("s").contains("World").alias("contains"),
)
conform.emit("out", out)
spark.stop()
