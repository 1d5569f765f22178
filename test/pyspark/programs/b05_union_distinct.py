"""Batch: union, unionAll, unionByName (with allowMissingColumns), distinct, dropDuplicates."""
from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("b05").config("spark.sql.shuffle.partitions", "2").getOrCreate()
a = spark.createDataFrame([(1, "x"), (2, "y"), (2, "y")], ["k", "v"])
b = spark.createDataFrame([(2, "y"), (3, "z")], ["k", "v"])
c = spark.createDataFrame([("w", 4)], ["v", "k"])
d = spark.createDataFrame([(5,)], ["k"])
conform.emit("union", a.union(b))
conform.emit("unionAll", a.unionAll(b))
conform.emit("byName", a.unionByName(c))
conform.emit("byNameMissing", a.unionByName(d, allowMissingColumns=True))
conform.emit("distinct", a.union(b).distinct())
conform.emit("dropDuplicates", a.union(b).dropDuplicates())
conform.emit("dropDupSubset", a.union(b).union(spark.createDataFrame([(3, "q")], ["k", "v"]))
             .dropDuplicates(["k"]).select("k"))
spark.stop()
