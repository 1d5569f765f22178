"""Kafka: Kafka to Kafka (keys kept, values transformed), checked with a batch read of the
output topic."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, concat, lit, upper

import conform

spark = SparkSession.builder.appName("k02").config("spark.sql.shuffle.partitions", "2").getOrCreate()
bootstrap = conform.kafka_bootstrap()
src, dst = conform.topic("src"), conform.topic("dst")
conform.kafka_produce(src, [(i % 2, "k%d" % i, "value-%d" % i) for i in range(8)], partitions=2)
conform.kafka_produce(dst, [], partitions=1)
q = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", src)
          .option("startingOffsets", "earliest").load()
          .select(col("key"), concat(upper(col("value").cast("string")), lit("!")).alias("value"))
          .writeStream.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("topic", dst)
          .option("checkpointLocation", conform.work("ck")).start())
q.processAllAvailable()
q.stop()
conform.progress("progress", q)
back = (spark.read.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", dst)
             .option("startingOffsets", "earliest").option("endingOffsets", "latest").load()
             .selectExpr("CAST(key AS STRING) AS k", "CAST(value AS STRING) AS v", "topic = '%s' AS same_topic" % dst))
conform.emit("output", back)
spark.stop()
