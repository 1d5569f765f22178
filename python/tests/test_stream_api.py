"""The streaming API (sluice.sql.streaming): DataStreamReader, DataStreamWriter,
StreamingQuery and StreamingQueryManager.

Expected values are worked out by hand from the inputs each test writes, or
from what PySpark 4.3 does for the same calls (noted where so)."""

import json
import os
import uuid

import pytest
from input_files import write_json_lines

from sluice.errors import (
    AnalysisException,
    CapturedException,
    IllegalArgumentException,
    PySparkNotImplementedError,
    PySparkTypeError,
    PySparkValueError,
    StreamingQueryException,
)
from sluice.sql import Row, SparkSession
from sluice.sql.streaming import (
    DataStreamReader,
    DataStreamWriter,
    StreamingQuery,
    StreamingQueryManager,
    StreamingQueryProgress,
)
from sluice.sql.types import IntegerType, StringType, StructField, StructType


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.appName("test_stream_api").getOrCreate()


@pytest.fixture
def stopper(spark):
    """Queries a test starts are stopped at its end, whatever happens."""
    started = []
    yield started.append
    for q in started:
        q.stop()


@pytest.fixture
def json_dir(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    write_json_lines(d / "part1.json", [{"k": "a", "v": 1}, {"k": "b", "v": 2}])
    write_json_lines(d / "part2.json", [{"k": "a", "v": 3}])
    return d


# --- DataStreamReader ---


def test_read_stream_is_a_reader_and_gives_streaming_dataframes(spark, json_dir):
    assert isinstance(spark.readStream, DataStreamReader)
    df = spark.readStream.format("json").schema("k STRING, v INT").load(str(json_dir))
    assert df.isStreaming
    assert df.columns == ["k", "v"]
    assert not spark.sql("SELECT 1 AS x").isStreaming


def test_reader_schema_as_struct_type_or_ddl(spark, json_dir):
    st = StructType([StructField("k", StringType()), StructField("v", IntegerType())])
    a = spark.readStream.schema(st).json(str(json_dir))
    b = spark.readStream.json(str(json_dir), schema="k STRING, v INT")
    assert a.schema == st
    assert b.schema == st
    with pytest.raises(PySparkTypeError):
        spark.readStream.schema(42)


def test_reader_options_and_csv(spark, tmp_path):
    d = tmp_path / "csv"
    d.mkdir()
    (d / "a.csv").write_text("k;v\nx;10\ny;20\n")
    df = (
        spark.readStream.format("csv")
        .option("header", True)
        .options(sep=";")
        .schema("k STRING, v INT")
        .load(str(d))
    )
    rows = []
    q = df.writeStream.foreachBatch(lambda b, i: rows.extend(b.collect())).trigger(availableNow=True).start()
    q.awaitTermination()
    assert sorted(rows) == [Row(k="x", v=10), Row(k="y", v=20)]
    rows.clear()
    q = spark.readStream.csv(str(d), schema="k STRING, v INT", sep=";", header=True).writeStream.foreachBatch(
        lambda b, i: rows.extend(b.collect())
    ).trigger(once=True).start()
    q.awaitTermination()
    assert sorted(rows) == [Row(k="x", v=10), Row(k="y", v=20)]


def test_rate_source(spark):
    df = spark.readStream.format("rate").option("rowsPerSecond", 10).load()
    assert df.isStreaming
    # Spark's rate source schema.
    assert [(f.name, f.dataType.simpleString()) for f in df.schema.fields] == [
        ("timestamp", "timestamp"),
        ("value", "bigint"),
    ]


def test_reader_errors_are_raised_at_load(spark, tmp_path):
    with pytest.raises(CapturedException, match="nosuchformat"):
        spark.readStream.format("nosuchformat").load()
    with pytest.raises(PySparkValueError):
        spark.readStream.load()  # no format
    with pytest.raises(PySparkValueError):
        spark.readStream.format("json").schema("a INT").load("  ")
    # A file source needs a schema, as in Spark.
    with pytest.raises(CapturedException):
        spark.readStream.format("json").load(str(tmp_path))
    with pytest.raises(PySparkNotImplementedError):
        spark.readStream.text(str(tmp_path))
    with pytest.raises(PySparkNotImplementedError):
        spark.readStream.table("t")


# --- DataStreamWriter and StreamingQuery ---


def test_write_stream_memory_sink_and_query_handle(spark, json_dir, stopper, tmp_path):
    df = spark.readStream.schema("k STRING, v INT").json(str(json_dir))
    w = df.writeStream
    assert isinstance(w, DataStreamWriter)
    q = (
        w.format("memory")
        .queryName("stream_api_mem")
        .outputMode("Append")  # any case, as Spark
        .options(checkpointLocation=str(tmp_path / "ck"))
        .start()
    )
    stopper(q)
    assert isinstance(q, StreamingQuery)
    assert os.path.isdir(tmp_path / "ck" / "offsets")  # the checkpoint given through options()
    assert q.name == "stream_api_mem"
    uuid.UUID(q.id)
    uuid.UUID(q.runId)
    assert q.id != q.runId
    assert q.isActive
    q.processAllAvailable()
    rows = spark.sql("SELECT k, v FROM stream_api_mem ORDER BY v").collect()
    assert rows == [Row(k="a", v=1), Row(k="b", v=2), Row(k="a", v=3)]
    status = q.status
    assert set(status) == {"message", "isDataAvailable", "isTriggerActive"}
    # New data in the directory reaches the table.
    write_json_lines(json_dir / "part3.json", [{"k": "c", "v": 4}])
    q.processAllAvailable()
    assert spark.sql("SELECT count(*) AS n FROM stream_api_mem").collect() == [Row(n=4)]
    q.stop()
    assert not q.isActive
    assert q.exception() is None
    assert q.awaitTermination(1) is True
    assert q.awaitTermination() is None


def test_progress_has_sparks_fields(spark, json_dir, stopper, tmp_path):
    q = (
        spark.readStream.schema("k STRING, v INT")
        .json(str(json_dir))
        .writeStream.format("noop")
        .option("checkpointLocation", str(tmp_path / "ck"))
        .start()
    )
    stopper(q)
    q.processAllAvailable()
    p = q.lastProgress
    assert isinstance(p, StreamingQueryProgress) and isinstance(p, dict)
    # The fields of Spark's StreamingQueryProgress JSON.
    for field in (
        "id",
        "runId",
        "name",
        "timestamp",
        "batchId",
        "batchDuration",
        "numInputRows",
        "inputRowsPerSecond",
        "processedRowsPerSecond",
        "durationMs",
        "stateOperators",
        "sources",
        "sink",
    ):
        assert field in p, field
    assert p["batchId"] == 0 and p.batchId == 0
    assert p["numInputRows"] == 3 and p.numInputRows == 3  # two files, three lines
    assert p["id"] == q.id and p.id == uuid.UUID(q.id)  # text by key, UUID by attribute (PySpark 4)
    assert p.runId == uuid.UUID(q.runId)
    assert p.name is None  # no queryName
    assert p.sources[0].numInputRows == 3
    assert p.sources[0]["startOffset"] == "null"  # the first batch starts nowhere (JSON text, as PySpark)
    assert json.loads(p.sources[0].endOffset) == {"logOffset": 0}
    assert p.sink.description
    assert "triggerExecution" in p.durationMs
    assert json.loads(p.json)["batchId"] == 0
    assert json.loads(p.prettyJson)["numInputRows"] == 3
    recent = q.recentProgress
    assert [r.batchId for r in recent] == [0]
    write_json_lines(json_dir / "more.json", [{"k": "z", "v": 9}])
    q.processAllAvailable()
    assert [r.batchId for r in q.recentProgress] == [0, 1]
    assert q.lastProgress.numInputRows == 1
    assert q.lastProgress.sources[0].startOffset == q.recentProgress[0].sources[0].endOffset


def test_last_progress_none_before_a_batch(spark, tmp_path, stopper):
    d = tmp_path / "empty"
    d.mkdir()
    q = spark.readStream.schema("a INT").json(str(d)).writeStream.format("noop").start()
    stopper(q)
    q.processAllAvailable()
    assert q.lastProgress is None
    assert q.recentProgress == []


def test_explain_prints_the_plan(spark, json_dir, stopper, capsys):
    empty = json_dir.parent / "empty"
    empty.mkdir()
    q0 = spark.readStream.schema("k STRING, v INT").json(str(empty)).writeStream.format("noop").start()
    stopper(q0)
    q0.processAllAvailable()
    q0.explain()
    assert capsys.readouterr().out == "No physical plan. Waiting for data.\n"  # as Spark, before a batch
    q = spark.readStream.schema("k STRING, v INT").json(str(json_dir)).writeStream.format("noop").start()
    stopper(q)
    q.processAllAvailable()
    q.explain()
    out = capsys.readouterr().out
    assert out.startswith("== Physical Plan ==\n")
    assert "json" in out.lower()


def test_start_with_arguments_and_file_sink(spark, json_dir, tmp_path):
    out = tmp_path / "out"
    q = (
        spark.readStream.schema("k STRING, v INT")
        .json(str(json_dir))
        .writeStream.trigger(availableNow=True)
        .start(str(out), format="json", outputMode="append", queryName="to_files", checkpointLocation=str(tmp_path / "ck"))
    )
    assert q.name == "to_files"
    q.awaitTermination()
    assert not q.isActive
    lines = []
    for name in sorted(os.listdir(out)):
        if name.endswith(".json"):
            lines += [json.loads(x) for x in (out / name).read_text().splitlines() if x]
    assert sorted((r["k"], r["v"]) for r in lines) == [("a", 1), ("a", 3), ("b", 2)]
    # The sink keeps a manifest beside its files.
    assert any(n.startswith("_") and n.endswith("metadata") for n in os.listdir(out))


def test_trigger_once_and_available_now_end_the_query(spark, json_dir):
    batches = []
    q = (
        spark.readStream.schema("k STRING, v INT")
        .option("maxFilesPerTrigger", 1)
        .json(str(json_dir))
        .writeStream.foreachBatch(lambda b, i: batches.append((i, b.count() if hasattr(b, "count") else len(b.collect()))))
        .trigger(availableNow=True)
        .start()
    )
    assert q.awaitTermination(30) is True
    # One file per batch: two batches (2 rows, then 1).
    assert batches == [(0, 2), (1, 1)]
    batches.clear()
    q = (
        spark.readStream.schema("k STRING, v INT")
        .option("maxFilesPerTrigger", 1)
        .json(str(json_dir))
        .writeStream.foreachBatch(lambda b, i: batches.append((i, len(b.collect()))))
        .trigger(once=True)
        .start()
    )
    q.awaitTermination()
    # Once: everything in one batch, whatever the rate limit.
    assert batches == [(0, 3)]


def test_trigger_processing_time(spark, stopper):
    ids = []
    q = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", 5)
        .load()
        .writeStream.foreachBatch(lambda b, i: ids.append((i, len(b.collect()))))
        .trigger(processingTime="100 milliseconds")
        .start()
    )
    stopper(q)
    assert q.awaitTermination(0.8) is False
    q.stop()
    assert len(ids) >= 2
    assert ids[:2] == [(0, 5), (1, 5)]


def test_trigger_argument_errors(spark):
    w = spark.readStream.format("rate").load().writeStream
    with pytest.raises(PySparkValueError, match="ONLY_ALLOW_SINGLE_TRIGGER"):
        w.trigger()
    with pytest.raises(PySparkValueError, match="ONLY_ALLOW_SINGLE_TRIGGER"):
        w.trigger(processingTime="1 second", once=True)
    with pytest.raises(PySparkValueError):
        w.trigger(processingTime="  ")
    with pytest.raises(PySparkValueError):
        w.trigger(once=False)
    with pytest.raises(PySparkNotImplementedError, match="continuous"):
        w.trigger(continuous="1 second")
    # A bad interval is the engine's error, naming it.
    with pytest.raises(IllegalArgumentException, match="fortnight"):
        w.trigger(processingTime="3 fortnights").format("noop").start()


def test_writer_errors(spark, tmp_path):
    # PySpark: AnalysisException [WRITE_STREAM_NOT_ALLOWED] at .writeStream.
    with pytest.raises(AnalysisException) as info:
        spark.sql("SELECT 1 AS a").writeStream  # noqa: B018
    assert info.value.getErrorClass() == "WRITE_STREAM_NOT_ALLOWED"
    df = spark.readStream.format("rate").load()
    with pytest.raises(PySparkValueError):
        df.writeStream.queryName("")
    with pytest.raises(PySparkValueError):
        df.writeStream.outputMode(" ")
    with pytest.raises(PySparkTypeError):
        df.writeStream.foreachBatch(42)
    with pytest.raises(CapturedException, match="nosuchsink"):
        df.writeStream.format("nosuchsink").start()
    # A file sink needs a checkpoint location (Spark's message).
    with pytest.raises(IllegalArgumentException, match="checkpointLocation"):
        df.writeStream.format("json").start(str(tmp_path / "o"))
    # Complete mode needs an aggregation (Spark's AnalysisException).
    with pytest.raises(AnalysisException):
        df.writeStream.format("memory").queryName("bad_mode").outputMode("complete").start()
    with pytest.raises(PySparkNotImplementedError):
        df.writeStream.toTable("t")
    with pytest.raises(PySparkNotImplementedError):
        df.writeStream.foreach(lambda row: None)


def test_partition_by_sets_the_sink_option(spark, json_dir, tmp_path):
    # partitionBy reaches the file sink as its "partitionBy" option; until
    # the file sink honours it (another branch), the sink refuses it by name.
    w = spark.readStream.schema("k STRING, v INT").json(str(json_dir)).writeStream.partitionBy("k")
    assert w._partition_by == ["k"]
    assert spark.readStream.format("rate").load().writeStream.partitionBy(["a", "b"])._partition_by == ["a", "b"]
    try:
        q = w.format("json").option("checkpointLocation", str(tmp_path / "ck")).trigger(once=True).start(
            str(tmp_path / "out")
        )
    except CapturedException as e:
        assert "partitionBy" in str(e)
        return
    q.awaitTermination()
    assert os.path.isdir(tmp_path / "out" / "k=a") and os.path.isdir(tmp_path / "out" / "k=b")


def test_failed_query_exception_and_await(spark, tmp_path):
    def bad(df, batch_id):
        raise ValueError("no batch %d for you" % batch_id)

    q = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", 2)
        .load()
        .writeStream.foreachBatch(bad)
        .option("checkpointLocation", str(tmp_path / "ck"))
        .start()
    )
    with pytest.raises(StreamingQueryException) as info:
        q.awaitTermination()
    e = info.value
    # PySpark's form: [STREAM_FAILED] Query [id = ..., runId = ...] terminated
    # with exception: [FOREACH_BATCH_USER_FUNCTION_ERROR] ... the traceback.
    assert e.getErrorClass() == "STREAM_FAILED"
    assert str(e).startswith("[STREAM_FAILED] Query [id = %s, runId = %s] terminated with exception: " % (q.id, q.runId))
    assert "[FOREACH_BATCH_USER_FUNCTION_ERROR]" in str(e)
    assert "ValueError: no batch 0 for you" in str(e)
    assert "Traceback (most recent call last)" in str(e)
    assert not q.isActive
    cause = q.exception()
    assert isinstance(cause, StreamingQueryException)
    assert cause.getErrorClass() == "FOREACH_BATCH_USER_FUNCTION_ERROR"
    assert "no batch 0 for you" in str(cause)
    # Waiting again raises again (PySpark does).
    with pytest.raises(StreamingQueryException):
        q.awaitTermination(1)
    with pytest.raises(StreamingQueryException):
        q.processAllAvailable()
    assert q.status["message"].startswith("Terminated with exception")
    assert q.lastProgress is None  # the batch never completed


def test_await_termination_timeout_argument(spark, stopper):
    q = spark.readStream.format("rate").load().writeStream.format("noop").start()
    stopper(q)
    assert q.awaitTermination(0.2) is False
    for bad in (0, -1, "1", True):
        with pytest.raises(PySparkValueError):
            q.awaitTermination(bad)


# --- StreamingQueryManager ---


def test_manager_active_get_await_any_reset(spark, tmp_path):
    streams = spark.streams
    assert isinstance(streams, StreamingQueryManager)
    assert streams is spark.streams
    for q in streams.active:
        q.stop()
    streams.resetTerminated()
    assert streams.awaitAnyTermination(0.2) is False
    q1 = spark.readStream.format("rate").load().writeStream.format("noop").queryName("m1").start()
    q2 = spark.readStream.format("rate").load().writeStream.format("noop").queryName("m2").start()
    try:
        assert sorted(q.name for q in streams.active) == ["m1", "m2"]
        assert streams.get(q1.id).runId == q1.runId
        assert streams.get(str(uuid.uuid4())) is None
        assert streams.awaitAnyTermination(0.2) is False
        q1.stop()
        assert streams.awaitAnyTermination(5) is True
        assert streams.awaitAnyTermination() is None  # already terminated: returns at once
        assert [q.name for q in streams.active] == ["m2"]
        assert streams.get(q1.id) is None
        streams.resetTerminated()
        assert streams.awaitAnyTermination(0.2) is False
    finally:
        q1.stop()
        q2.stop()
    streams.resetTerminated()

    def bad(df, i):
        raise RuntimeError("manager sees this")

    q3 = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 1).load().writeStream.foreachBatch(bad).start()
    with pytest.raises(StreamingQueryException, match="manager sees this"):
        streams.awaitAnyTermination(30)
    assert not q3.isActive
    # Still terminated with that error until reset.
    with pytest.raises(StreamingQueryException):
        streams.awaitAnyTermination()
    streams.resetTerminated()
    assert streams.awaitAnyTermination(0.1) is False
    with pytest.raises(PySparkValueError):
        streams.awaitAnyTermination(-3)


def test_waits_release_the_gil(spark, stopper):
    """While the main thread waits in the engine, other Python threads run
    (a wait that held the GIL would freeze the counter)."""
    import threading
    import time

    q = spark.readStream.format("rate").option("rowsPerSecond", 1000).load().writeStream.format("noop").start()
    stopper(q)
    count = [0]
    done = threading.Event()

    def spin():
        while not done.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.05)
        before = count[0]
        assert q.awaitTermination(0.5) is False
        during_await = count[0] - before
        before = count[0]
        spark.streams.awaitAnyTermination(0.3)
        during_any = count[0] - before
    finally:
        done.set()
        t.join()
    # A free thread counts millions in that time; with the GIL held by the
    # waiting call it would get only the interpreter's switch-interval slices.
    assert during_await > 100000, during_await
    assert during_any > 50000, during_any
