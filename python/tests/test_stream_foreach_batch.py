"""foreachBatch: the batch as a real DataFrame, failures that commit nothing
and replay with the same batch id, and restarts of Python-driven queries
from their checkpoints with exactly-once output."""

import json
import os
import threading

import pytest
from input_files import write_json_lines

from sluice.errors import StreamingQueryException
from sluice.sql import DataFrame, Row, SparkSession


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.appName("test_stream_foreach_batch").getOrCreate()


def committed_batches(checkpoint):
    d = os.path.join(checkpoint, "commits")
    return sorted(int(n) for n in os.listdir(d) if n.isdigit()) if os.path.isdir(d) else []


def file_stream(spark, d):
    return spark.readStream.schema("id INT, name STRING").option("maxFilesPerTrigger", 1).json(str(d))


def test_batch_is_a_real_dataframe(spark, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    write_json_lines(d / "a.json", [{"id": 1, "name": "x"}, {"id": 2, "name": None}])
    seen = {}

    def fn(batch_df, batch_id):
        seen["type"] = type(batch_df)
        seen["id"] = batch_id
        seen["thread"] = threading.current_thread() is not threading.main_thread()
        seen["streaming"] = batch_df.isStreaming
        seen["columns"] = batch_df.columns
        seen["rows"] = batch_df.collect()
        seen["session"] = batch_df.sparkSession is spark
        # The batch works with the session's SQL and the DataFrame API too.
        batch_df.createOrReplaceTempView("fb_batch")
        seen["sql"] = spark.sql("SELECT count(*) AS n FROM fb_batch").collect()
        seen["grouped"] = batch_df.where("name IS NULL").groupBy("name").count().collect()

    q = file_stream(spark, d).writeStream.foreachBatch(fn).trigger(once=True).start()
    q.awaitTermination()
    assert q.exception() is None
    assert seen["type"] is DataFrame
    assert seen["id"] == 0
    assert seen["thread"]  # called on the query's thread
    assert seen["streaming"] is False  # a batch DataFrame, as in Spark
    assert seen["columns"] == ["id", "name"]
    assert seen["rows"] == [Row(id=1, name="x"), Row(id=2, name=None)]
    assert seen["session"]
    assert seen["sql"] == [Row(n=2)]
    assert seen["grouped"] == [Row(name=None, count=1)]


def test_batch_to_pandas(spark, tmp_path):
    pytest.importorskip("pandas", reason="toPandas needs pandas (scripts/setup_python.sh installs it)")
    d = tmp_path / "in"
    d.mkdir()
    write_json_lines(d / "a.json", [{"id": 7, "name": "p"}])
    got = []

    def fn(batch_df, batch_id):
        got.append(batch_df.toPandas())

    q = file_stream(spark, d).writeStream.foreachBatch(fn).trigger(once=True).start()
    q.awaitTermination()
    assert q.exception() is None
    assert len(got) == 1
    assert list(got[0]["id"]) == [7] and list(got[0]["name"]) == ["p"]


def test_failure_commits_nothing_and_restart_replays_the_same_batch_id(spark, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    ck = str(tmp_path / "ck")
    write_json_lines(d / "1.json", [{"id": 1, "name": "a"}])
    write_json_lines(d / "2.json", [{"id": 2, "name": "b"}])
    write_json_lines(d / "3.json", [{"id": 3, "name": "c"}])
    delivered = []  # (batch_id, ids) of batches whose function returned

    def failing_on_batch_1(batch_df, batch_id):
        ids = sorted(r.id for r in batch_df.collect())
        if batch_id == 1:
            raise KeyError("batch one is cursed")
        delivered.append((batch_id, ids))

    q = file_stream(spark, d).writeStream.foreachBatch(failing_on_batch_1).option("checkpointLocation", ck).start()
    with pytest.raises(StreamingQueryException) as info:
        q.awaitTermination(60)
    msg = str(info.value)
    assert "KeyError: 'batch one is cursed'" in msg
    assert "failing_on_batch_1" in msg  # the traceback names the function
    assert delivered == [(0, [1])]
    # Batch 1 was logged (offsets) but not committed.
    assert committed_batches(ck) == [0]
    assert os.path.exists(os.path.join(ck, "offsets", "1"))

    replayed = []

    def recording(batch_df, batch_id):
        replayed.append((batch_id, sorted(r.id for r in batch_df.collect())))

    q2 = file_stream(spark, d).writeStream.foreachBatch(recording).option("checkpointLocation", ck).start()
    assert q2.id == q.id  # same query (checkpoint), new run
    assert q2.runId != q.runId
    q2.processAllAvailable()
    q2.stop()
    # The failed batch again with the same id and the same rows, then the rest.
    assert replayed == [(1, [2]), (2, [3])]
    assert committed_batches(ck) == [0, 1, 2]


def test_restart_from_checkpoint_is_exactly_once_into_a_file_sink(spark, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    out = tmp_path / "out"
    ck = str(tmp_path / "ck")

    def run():
        q = (
            spark.readStream.schema("id INT, name STRING")
            .json(str(d))
            .writeStream.format("json")
            .option("checkpointLocation", ck)
            .start(str(out))
        )
        q.processAllAvailable()
        q.stop()

    write_json_lines(d / "1.json", [{"id": i, "name": "n%d" % i} for i in range(5)])
    run()
    write_json_lines(d / "2.json", [{"id": i, "name": "n%d" % i} for i in range(5, 8)])
    run()
    run()  # nothing new: no new batch, no duplicates

    # Read back through the files (the batch reader is another branch's).
    got = _read_json_dir(out)
    ids = sorted(r["id"] for r in got)
    assert ids == list(range(8))
    assert committed_batches(ck) == [0, 1]


def _read_json_dir(out):
    rows = []
    for name in sorted(os.listdir(out)):
        if name.endswith(".json"):
            rows += [json.loads(x) for x in (out / name).read_text().splitlines() if x]
    return rows


def test_restart_with_foreach_batch_idempotent_writer(spark, tmp_path):
    """The pattern Spark documents for exactly-once with foreachBatch: the
    function writes each batch id once (idempotent by id); after a failure
    and restart every row arrives exactly once."""
    d = tmp_path / "in"
    d.mkdir()
    ck = str(tmp_path / "ck")
    store = {}  # batch_id -> ids
    fail = {"on": 2}

    def write_idempotent(batch_df, batch_id):
        ids = sorted(r.id for r in batch_df.collect())
        if batch_id == fail["on"]:
            store[batch_id] = ids  # written, then the function fails: the batch is not committed
            raise RuntimeError("crash after the write")
        store[batch_id] = ids

    for i in range(4):
        write_json_lines(d / ("%d.json" % i), [{"id": 10 * i + j, "name": "x"} for j in range(2)])
    q = file_stream(spark, d).writeStream.foreachBatch(write_idempotent).option("checkpointLocation", ck).start()
    with pytest.raises(StreamingQueryException):
        q.awaitTermination(60)
    assert sorted(store) == [0, 1, 2]
    fail["on"] = None
    q = file_stream(spark, d).writeStream.foreachBatch(write_idempotent).option("checkpointLocation", ck).start()
    q.processAllAvailable()
    q.stop()
    assert sorted(store) == [0, 1, 2, 3]
    all_ids = sorted(i for ids in store.values() for i in ids)
    assert all_ids == [0, 1, 10, 11, 20, 21, 30, 31]
