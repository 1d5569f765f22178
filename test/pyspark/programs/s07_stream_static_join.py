"""Streaming: a stream joined with a static DataFrame (inner and left outer)."""
import os

from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("s07").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [{"sku": "A", "qty": 2}, {"sku": "Z", "qty": 1},
                                                       {"sku": "B", "qty": 5}])
products = spark.createDataFrame([("A", "apple", 0.5), ("B", "bread", 2.25)], ["sku", "pname", "price"])
stream = spark.readStream.schema("sku STRING, qty INT").json(src)
inner = stream.join(products, "sku").selectExpr("sku", "pname", "qty * price AS cost")
left = stream.join(products, "sku", "left_outer").select("sku", "pname")


def each_inner(df, bid):
    conform.emit("inner%d" % bid, df)


def each_left(df, bid):
    conform.emit("left%d" % bid, df)


q1 = inner.writeStream.foreachBatch(each_inner).option("checkpointLocation", conform.work("ck1")).start()
q2 = left.writeStream.foreachBatch(each_left).option("checkpointLocation", conform.work("ck2")).start()
q1.processAllAvailable()
q2.processAllAvailable()
conform.write_json_lines(os.path.join(src, "2.json"), [{"sku": "B", "qty": 1}])
q1.processAllAvailable()
q2.processAllAvailable()
conform.value("active", sorted(q.id == q1.id or q.id == q2.id for q in spark.streams.active))
q1.stop()
q2.stop()
conform.progress("progress_inner", q1)
spark.stop()
