"""Batch: groupBy with agg of count/sum/avg/min/max, the shorthand methods and agg(dict)."""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import conform

spark = SparkSession.builder.appName("b02").config("spark.sql.shuffle.partitions", "2").getOrCreate()
sales = spark.createDataFrame(
    [("east", "apple", 3, 1.5), ("east", "pear", 1, 2.0), ("west", "apple", 5, 1.25),
     ("west", "apple", 2, 1.5), ("north", "fig", 7, None)],
    "region STRING, fruit STRING, qty INT, price DOUBLE")
agg = (sales.groupBy("region")
            .agg(F.count("*").alias("n"), F.sum("qty").alias("total"), F.avg("price").alias("avg_price"),
                 F.min("qty").alias("min_qty"), F.max("price").alias("max_price"))
            .orderBy("region"))
conform.emit("agg", agg, ordered=True)
conform.emit("count", sales.groupBy("region", "fruit").count())
conform.emit("sum", sales.groupBy("fruit").sum("qty"))
conform.emit("dict", sales.groupBy("region").agg({"qty": "max"}))
conform.emit("global", sales.agg(F.sum("qty"), F.countDistinct("fruit").alias("fruits")))
spark.stop()
