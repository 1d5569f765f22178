"""Streaming: dropDuplicates on a key across micro-batches (append, memory sink)."""
import os

from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("s05").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}, {"id": 1, "v": "c"}])
q = (spark.readStream.schema("id INT, v STRING").json(src).dropDuplicates(["id"]).select("id")
          .writeStream.format("memory").queryName("s05_ids").start())
q.processAllAvailable()
conform.emit("first", spark.sql("SELECT id FROM s05_ids"))
conform.write_json_lines(os.path.join(src, "2.json"), [{"id": 2, "v": "x"}, {"id": 3, "v": "y"}])
q.processAllAvailable()
conform.emit("second", spark.sql("SELECT id FROM s05_ids"))
q.stop()
conform.progress("progress", q)
spark.stop()
