"""Streaming: StreamingQuery's id, runId, name, isActive, status, lastProgress's fields,
awaitTermination(timeout), exception(), spark.streams.get/active."""
import os
import uuid

from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("s12").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [{"a": 1}])
q = (spark.readStream.schema("a INT").json(src).writeStream.format("noop").queryName("s12_query")
          .option("checkpointLocation", conform.work("ck")).start())
q.processAllAvailable()
conform.value("types", [str(uuid.UUID(q.id)) == q.id, str(uuid.UUID(q.runId)) == q.runId])
conform.value("name", q.name)
conform.value("isActive", q.isActive)
conform.value("status_keys", sorted(q.status.keys()))
conform.value("status_types", [type(q.status["message"]).__name__, q.status["isDataAvailable"],
                               type(q.status["isTriggerActive"]).__name__])
lp = q.lastProgress
conform.value("progress_keys", sorted(k for k in lp.keys() if k not in ("eventTime", "observedMetrics")))
conform.value("progress_vals", [lp["name"], lp["id"] == q.id, lp["runId"] == q.runId, lp["batchId"],
                                lp["numInputRows"], sorted(lp["durationMs"].keys() & {"triggerExecution"})])
conform.value("source_keys", sorted(lp["sources"][0].keys()))
conform.value("sink_keys", sorted(lp["sink"].keys()))
conform.value("await_timeout", q.awaitTermination(0.5))
conform.value("get", spark.streams.get(q.id).name)
conform.value("active_names", [x.name for x in spark.streams.active])
q.stop()
conform.value("after_stop", [q.isActive, q.exception() is None, q.awaitTermination(1)])
conform.value("active_after", len(spark.streams.active))
spark.stop()
