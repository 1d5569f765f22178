"""Batch: df.write json and csv files (mode overwrite), read back with a schema."""
from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("b13").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame([(1, "a", 0.5), (2, None, 1.5), (3, "c", None)], "id INT, s STRING, x DOUBLE")
out = conform.work("out_json")
df.write.mode("overwrite").json(out)
conform.emit("json_back", spark.read.schema("id INT, s STRING, x DOUBLE").json(out))
df.filter("id > 1").write.mode("overwrite").format("json").save(out)
conform.emit("json_overwritten", spark.read.schema("id INT, s STRING, x DOUBLE").json(out))
out_csv = conform.work("out_csv")
df.write.option("header", "true").mode("overwrite").csv(out_csv)
conform.emit("csv_back", spark.read.option("header", "true").schema(df.schema).csv(out_csv))
spark.stop()
