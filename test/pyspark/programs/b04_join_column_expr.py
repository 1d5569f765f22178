"""Batch: join on a Column condition between two DataFrames (df1.id == df2.id)."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col

import conform

spark = SparkSession.builder.appName("b04").config("spark.sql.shuffle.partitions", "2").getOrCreate()
orders = spark.createDataFrame([(100, 1, 9.5), (101, 2, 3.0), (102, 1, 4.5), (103, 9, 1.0)],
                               ["order_id", "cust_id", "amount"])
customers = spark.createDataFrame([(1, "ann"), (2, "bob"), (3, "cy")], ["id", "name"])
j = orders.join(customers, orders.cust_id == customers.id)
conform.emit("inner", j.select(orders.order_id, customers.name, "amount"))
lj = orders.join(customers, orders["cust_id"] == customers["id"], "left")
conform.emit("left", lj.select("order_id", "name"))
a = orders.alias("o")
c = customers.alias("c")
conform.emit("aliased", a.join(c, col("o.cust_id") == col("c.id")).select("o.order_id", "c.name"))
conform.emit("complex", orders.join(customers, (orders.cust_id == customers.id) & (orders.amount > 4)))
spark.stop()
