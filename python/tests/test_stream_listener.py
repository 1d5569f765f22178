"""StreamingQueryListener: Python subclasses receive started, progress, idle
and terminated events shaped like PySpark's (checked against PySpark 4.3:
ids are uuid.UUID, the failing query's errorClassOnException is
FOREACH_BATCH_USER_FUNCTION_ERROR, idle events come between batches at most
once per spark.sql.streaming.noDataProgressEventInterval)."""

import json
import threading
import time
import uuid

import pytest

from sluice.errors import PySparkValueError, StreamingQueryException
from sluice.sql import SparkSession
from sluice.sql.streaming import (
    QueryIdleEvent,
    QueryProgressEvent,
    QueryStartedEvent,
    QueryTerminatedEvent,
    StreamingQueryListener,
    StreamingQueryProgress,
)


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.appName("test_stream_listener").getOrCreate()


class Recorder(StreamingQueryListener):
    def __init__(self):
        self.events = []
        self.threads = []
        self.lock = threading.Lock()

    def _add(self, e):
        with self.lock:
            self.events.append(e)
            self.threads.append(threading.current_thread().name)

    def onQueryStarted(self, event):
        self._add(event)

    def onQueryProgress(self, event):
        self._add(event)

    def onQueryIdle(self, event):
        self._add(event)

    def onQueryTerminated(self, event):
        self._add(event)

    def of(self, cls):
        with self.lock:
            return [e for e in self.events if isinstance(e, cls)]


@pytest.fixture
def recorder(spark):
    r = Recorder()
    spark.streams.addListener(r)
    yield r
    spark.streams.removeListener(r)


def test_events_of_a_query(spark, recorder):
    q = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", 4)
        .load()
        .writeStream.format("noop")
        .queryName("listened")
        .trigger(processingTime="50 milliseconds")
        .start()
    )
    deadline = time.time() + 20
    while len(recorder.of(QueryProgressEvent)) < 2 and time.time() < deadline:
        time.sleep(0.02)
    q.stop()
    started = recorder.of(QueryStartedEvent)
    assert len(started) == 1
    s = started[0]
    assert isinstance(s.id, uuid.UUID) and str(s.id) == q.id
    assert isinstance(s.runId, uuid.UUID) and str(s.runId) == q.runId
    assert s.name == "listened"
    assert s.timestamp.endswith("Z") and "T" in s.timestamp
    progress = recorder.of(QueryProgressEvent)
    assert len(progress) >= 2
    p = progress[0].progress
    assert isinstance(p, StreamingQueryProgress)
    assert p.batchId == 0 and p.numInputRows == 4  # rowsPerBatch
    assert progress[1].progress.batchId == 1
    assert p.name == "listened"
    assert p.id == s.id
    terminated = recorder.of(QueryTerminatedEvent)
    assert len(terminated) == 1
    t = terminated[0]
    assert str(t.id) == q.id and str(t.runId) == q.runId
    assert t.exception is None and t.errorClassOnException is None
    # Order: started first, terminated last.
    assert isinstance(recorder.events[0], QueryStartedEvent)
    assert isinstance(recorder.events[-1], QueryTerminatedEvent)
    # Progress events came from the query's thread, not the caller's.
    assert recorder.threads[1] != threading.main_thread().name


def test_terminated_event_of_a_failed_query(spark, recorder):
    def bad(df, i):
        raise ZeroDivisionError("listener should hear of this")

    q = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 1).load().writeStream.foreachBatch(bad).start()
    with pytest.raises(StreamingQueryException):
        q.awaitTermination(30)
    t = recorder.of(QueryTerminatedEvent)[-1]
    assert str(t.runId) == q.runId
    assert "listener should hear of this" in t.exception
    assert t.errorClassOnException == "FOREACH_BATCH_USER_FUNCTION_ERROR"


def test_idle_events(spark, recorder, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.json").write_text('{"a": 1}\n')
    q = (
        spark.readStream.schema("a INT")
        .json(str(d))
        .writeStream.format("noop")
        .option("spark.sql.streaming.noDataProgressEventInterval", "200")
        .start()
    )
    try:
        q.processAllAvailable()
        time.sleep(1.0)
    finally:
        q.stop()
    idle = recorder.of(QueryIdleEvent)
    # After the one batch the query stays idle for about a second: idle
    # events, at most one per 200 ms (so between 2 and 6 of them).
    assert 2 <= len(idle) <= 6, len(idle)
    e = idle[0]
    assert str(e.id) == q.id and str(e.runId) == q.runId
    assert e.timestamp.endswith("Z")
    # No more than one progress event: idle triggers post no progress.
    assert len([x for x in recorder.of(QueryProgressEvent) if str(x.progress.runId) == q.runId]) == 1


def test_idle_events_respect_the_default_interval(spark, recorder, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.json").write_text('{"a": 1}\n')
    q = spark.readStream.schema("a INT").json(str(d)).writeStream.format("noop").start()
    try:
        q.processAllAvailable()
        time.sleep(0.5)
    finally:
        q.stop()
    # Default interval 10 s: at most one idle event (the query's first idle
    # trigger after its batch happens within the interval: none).
    assert len([e for e in recorder.of(QueryIdleEvent) if str(e.runId) == q.runId]) == 0


def test_on_query_idle_is_optional_and_listener_errors_do_not_stop_queries(spark, capfd):
    class Partial(StreamingQueryListener):
        def __init__(self):
            self.progress = 0

        def onQueryStarted(self, event):
            raise RuntimeError("listener bug")

        def onQueryProgress(self, event):
            self.progress += 1

        def onQueryTerminated(self, event):
            pass

    lst = Partial()
    spark.streams.addListener(lst)
    try:
        q = (
            spark.readStream.format("rate-micro-batch")
            .option("rowsPerBatch", 1)
            .load()
            .writeStream.format("noop")
            .option("spark.sql.streaming.noDataProgressEventInterval", "0")
            .start()
        )
        deadline = time.time() + 20
        while lst.progress < 1 and time.time() < deadline:
            time.sleep(0.02)
        assert q.isActive
        q.stop()
        assert q.exception() is None
    finally:
        spark.streams.removeListener(lst)
    assert lst.progress >= 1
    assert "listener bug" in capfd.readouterr().err


def one_file_stream(spark, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.json").write_text('{"a": 1}\n')
    return spark.readStream.schema("a INT").json(str(d))


def test_remove_listener_stops_events(spark, tmp_path):
    r = Recorder()
    spark.streams.addListener(r)
    spark.streams.removeListener(r)
    spark.streams.removeListener(r)  # twice: no error (as PySpark)
    q = one_file_stream(spark, tmp_path).writeStream.format("noop").start()
    q.processAllAvailable()
    q.stop()
    assert r.events == []


def test_add_listener_checks_its_argument(spark):
    with pytest.raises(PySparkValueError):
        spark.streams.addListener(object())


def test_listener_can_use_the_query_manager(spark, tmp_path):
    """A callback may call back into the engine (no deadlock: the engine
    holds no lock while it calls Python)."""
    seen = []

    class Asking(StreamingQueryListener):
        def onQueryStarted(self, event):
            pass

        def onQueryProgress(self, event):
            q = spark.streams.get(str(event.progress.id))
            seen.append(None if q is None else json.dumps(q.status))

        def onQueryTerminated(self, event):
            pass

    lst = Asking()
    spark.streams.addListener(lst)
    try:
        q = one_file_stream(spark, tmp_path).writeStream.format("noop").start()
        q.processAllAvailable()
        q.stop()
    finally:
        spark.streams.removeListener(lst)
    assert seen and seen[0] is not None
