"""Kafka: the source's columns (topic, partition, offset, key, value, timestampType) and
maxOffsetsPerTrigger with trigger(availableNow=True) over two partitions."""
from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("k04").config("spark.sql.shuffle.partitions", "2").getOrCreate()
bootstrap = conform.kafka_bootstrap()
topic = conform.topic("cols")
conform.kafka_produce(topic, [(p, None if i % 2 else "k%d" % i, "p%d-%d" % (p, i)) for p in range(2) for i in range(5)],
                      partitions=2)
stream = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", topic)
               .option("startingOffsets", "earliest").option("maxOffsetsPerTrigger", 4).load())
conform.value("schema", stream.schema.simpleString())


def each(df, bid):
    conform.emit("batch%d" % bid, df.selectExpr("topic = '%s' AS t" % topic, "partition", "offset",
                                                "CAST(key AS STRING) AS k", "CAST(value AS STRING) AS v",
                                                "timestampType"))


q = stream.writeStream.foreachBatch(each).trigger(availableNow=True).option("checkpointLocation", conform.work("ck")).start()
q.awaitTermination()
conform.progress("progress", q)
spark.stop()
