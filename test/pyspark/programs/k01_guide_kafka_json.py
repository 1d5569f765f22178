"""Kafka: the Structured Streaming guide's program: read JSON records from Kafka, parse them
with from_json, filter, and write with a processing-time trigger and a checkpoint location."""
import json

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, from_json
from pyspark.sql.types import DoubleType, StringType, StructField, StructType, TimestampType

import conform

spark = SparkSession.builder.appName("k01").config("spark.sql.shuffle.partitions", "2").getOrCreate()
bootstrap = conform.kafka_bootstrap()
topic = conform.topic("events")
conform.kafka_produce(topic, [json.dumps({"device": "d%d" % (i % 3), "temp": 15.0 + i,
                                          "ts": "2024-05-01T12:00:%02d.000Z" % i}) for i in range(10)]
                      + ["{broken json"])

schema = StructType([StructField("device", StringType()), StructField("temp", DoubleType()),
                     StructField("ts", TimestampType())])
df = (spark.readStream.format("kafka")
      .option("kafka.bootstrap.servers", bootstrap)
      .option("subscribe", topic)
      .option("startingOffsets", "earliest")
      .load())
events = df.selectExpr("CAST(value AS STRING) AS json").select(from_json(col("json"), schema).alias("data")).select("data.*")
hot = events.filter(col("temp") > 20.0).select("device", "temp", "ts")
out = conform.work("out")
query = (hot.writeStream
         .format("json")
         .option("path", out)
         .option("checkpointLocation", conform.work("checkpoint"))
         .trigger(processingTime="1 second")
         .start())
query.processAllAvailable()
query.stop()
conform.progress("progress", query)
conform.emit("output", spark.read.schema(schema).json(out))
spark.stop()
