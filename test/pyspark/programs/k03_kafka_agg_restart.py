"""Kafka: a keyed count in update mode through foreachBatch; the query stops, more records
arrive, and it restarts from its checkpoint (batch ids and offsets continue)."""
from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("k03").config("spark.sql.shuffle.partitions", "2").getOrCreate()
bootstrap = conform.kafka_bootstrap()
topic = conform.topic("clicks")
ck = conform.work("ck")
conform.kafka_produce(topic, [(i % 2, "page%d" % (i % 3), "click") for i in range(9)], partitions=2)


def each(df, bid):
    conform.emit("batch%d" % bid, df)


def run():
    q = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", topic)
              .option("startingOffsets", "earliest").load()
              .selectExpr("CAST(key AS STRING) AS page").groupBy("page").count()
              .writeStream.outputMode("update").foreachBatch(each).option("checkpointLocation", ck).start())
    q.processAllAvailable()
    q.stop()
    return q


conform.progress("run1", run())
conform.kafka_produce(topic, [(1, "page1", "click"), (0, "page9", "click"), (1, "page1", "click")], partitions=2)
conform.progress("run2", run())
spark.stop()
