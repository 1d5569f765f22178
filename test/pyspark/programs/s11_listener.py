"""Streaming: a StreamingQueryListener subclass receives started, progress and terminated events."""
import os
import time

from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQueryListener

import conform

spark = SparkSession.builder.appName("s11").config("spark.sql.shuffle.partitions", "2").getOrCreate()
src = conform.work("in")
os.makedirs(src, exist_ok=True)
conform.write_json_lines(os.path.join(src, "1.json"), [{"a": 1}, {"a": 2}])
events = []


class Recorder(StreamingQueryListener):
    def onQueryStarted(self, event):
        events.append(("started", event.name, event.id is not None))

    def onQueryProgress(self, event):
        events.append(("progress", event.progress.batchId, event.progress.numInputRows))

    def onQueryIdle(self, event):
        pass

    def onQueryTerminated(self, event):
        events.append(("terminated", event.exception))


listener = Recorder()
spark.streams.addListener(listener)
q = (spark.readStream.schema("a INT").json(src).writeStream.format("memory").queryName("s11_q").start())
q.processAllAvailable()
conform.write_json_lines(os.path.join(src, "2.json"), [{"a": 3}])
q.processAllAvailable()
q.stop()
deadline = time.time() + 30
while time.time() < deadline and not any(e[0] == "terminated" for e in events):
    time.sleep(0.2)
spark.streams.removeListener(listener)
conform.value("started", [list(e) for e in events if e[0] == "started"])
conform.value("progress", sorted({(e[1], e[2]) for e in events if e[0] == "progress" and e[2] > 0}))
conform.value("terminated", [list(e) for e in events if e[0] == "terminated"])
spark.stop()
