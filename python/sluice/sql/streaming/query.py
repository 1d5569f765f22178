"""StreamingQuery and StreamingQueryManager (pyspark.sql.streaming.query).

Waits (awaitTermination, processAllAvailable, awaitAnyTermination) run in the
engine in short slices with the GIL released, checking for signals between
them: Ctrl-C raises KeyboardInterrupt promptly, and before it propagates the
session's running queries are stopped (the batch in flight is cancelled and
not committed; a restart on the same checkpoint re-runs it).
"""

import json
import re
import threading

from sluice import _core
from sluice.errors import CapturedException, PySparkValueError, StreamingQueryException
from sluice.sql.streaming.listener import StreamingQueryListener, _ListenerAdapter, _progress_from_json

__all__ = ["StreamingQuery", "StreamingQueryManager"]


def _timeout_ms(timeout):
    if timeout is None:
        return -1
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise PySparkValueError(
            # PySpark's message names the argument's type, not its value.
            "[VALUE_NOT_POSITIVE] Value for `timeout` must be positive, got '%s'." % type(timeout).__name__,
            errorClass="VALUE_NOT_POSITIVE",
            messageParameters={"arg_name": "timeout", "arg_value": type(timeout).__name__},
        )
    return int(timeout * 1000)


def _query_exception(query_id, run_id, error):
    """StreamingQueryException for an engine error (code, message), with
    Spark's STREAM_FAILED message."""
    if isinstance(error, CapturedException):
        code, message = error.getEngineCode(), error.getMessage()
    else:
        code, message = error
    text = "[STREAM_FAILED] Query [id = %s, runId = %s] terminated with exception: %s" % (query_id, run_id, message)
    exc = StreamingQueryException(text, errorClass="STREAM_FAILED", engineCode=code)
    exc._cause_message = message
    return exc


_CLASS_AFTER_CONTEXT = re.compile(r"^(?:[^\[]*?: )*\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]")


def _error_class_of(message):
    """The [NAME] an engine message starts with, after the engine's
    "<context>: " prefixes ("sink ForeachBatchSink: [X] ..."), or None."""
    m = _CLASS_AFTER_CONTEXT.match(message)
    return m.group(1) if m else None


class _Interruptible:
    """Stops the session's queries when a wait is interrupted (Ctrl-C)."""

    def __init__(self, session):
        self._session = session

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            _core.streams_stop_all(self._session)
        return False


class StreamingQuery:
    """A handle to a query started by ``writeStream...start()``."""

    def __init__(self, core_query, spark):
        self._q = core_query
        self._spark = spark

    @property
    def id(self):
        """The query's id (text), the same across restarts from its checkpoint."""
        return self._q.id

    @property
    def runId(self):
        """This run's id (text); new at every start."""
        return self._q.run_id

    @property
    def name(self):
        """The queryName, or None."""
        return self._q.name or None

    @property
    def isActive(self):
        return self._q.is_active

    def awaitTermination(self, timeout=None):
        """Waits until the query ends: without a timeout returns None; with a
        timeout (seconds) returns whether it ended within it. Raises
        StreamingQueryException if the query failed."""
        ms = _timeout_ms(timeout)
        with _Interruptible(self._spark._session):
            try:
                done = self._q.await_termination(ms)
            except CapturedException as e:
                raise _query_exception(self.id, self.runId, e) from None
        return None if timeout is None else done

    @property
    def status(self):
        """{'message': ..., 'isDataAvailable': ..., 'isTriggerActive': ...}"""
        return json.loads(self._q.status_json())

    @property
    def recentProgress(self):
        """The newest progress records (StreamingQueryProgress, dicts), oldest first."""
        return [_progress_from_json(p) for p in self._q.recent_progress_json()]

    @property
    def lastProgress(self):
        """The last batch's StreamingQueryProgress (a dict with Spark's fields), or None."""
        p = self._q.last_progress_json()
        return None if p is None else _progress_from_json(p)

    def processAllAvailable(self):
        """Blocks until the data available now in every source has been
        processed and committed (tests). Raises StreamingQueryException if
        the query fails."""
        with _Interruptible(self._spark._session):
            try:
                self._q.process_all_available()
            except CapturedException as e:
                raise _query_exception(self.id, self.runId, e) from None

    def stop(self):
        """Stops the query and waits for it; a batch in flight is not committed."""
        self._q.stop()

    def explain(self, extended=False):
        """Prints the physical plan of the most recent batch (Sluice has no
        separate logical plans to add with extended=True)."""
        text = self._q.explain()
        # Spark's StreamExecution.explainInternal: the header, then the plan.
        print("== Physical Plan ==\n" + text.rstrip("\n") if text else "No physical plan. Waiting for data.")

    def exception(self):
        """The StreamingQueryException that ended the query, or None."""
        err = self._q.exception()
        if err is None:
            return None
        # As PySpark's: the cause's message (its own error class), not the
        # STREAM_FAILED wrapper awaitTermination raises.
        code, message = err
        return StreamingQueryException(message, errorClass=_error_class_of(message), engineCode=code)

    def __repr__(self):
        return "<StreamingQuery id=%s runId=%s name=%s active=%s>" % (self.id, self.runId, self.name, self.isActive)


class StreamingQueryManager:
    """``spark.streams``: the session's active queries and its listeners."""

    def __init__(self, spark):
        self._spark = spark
        self._lock = threading.Lock()
        self._listeners = []  # (listener, core handle)

    @property
    def active(self):
        return [StreamingQuery(q, self._spark) for q in _core.streams_active(self._spark._session)]

    def get(self, id):
        q = _core.streams_get(self._spark._session, str(id))
        return None if q is None else StreamingQuery(q, self._spark)

    def awaitAnyTermination(self, timeout=None):
        """Waits until a query of the session has terminated since the session
        began or since resetTerminated(); raises StreamingQueryException if it
        failed. With a timeout (seconds) returns whether one terminated."""
        ms = _timeout_ms(timeout)
        with _Interruptible(self._spark._session):
            try:
                done = _core.streams_await_any_termination(self._spark._session, ms)
            except CapturedException as e:
                raise StreamingQueryException(
                    "[STREAM_FAILED] %s" % e.getMessage(),
                    errorClass="STREAM_FAILED",
                    engineCode=e.getEngineCode(),
                ) from None
        return None if timeout is None else done

    def resetTerminated(self):
        """Forgets past terminations so that awaitAnyTermination waits for a new one."""
        _core.streams_reset_terminated(self._spark._session)

    def addListener(self, listener):
        """Registers a StreamingQueryListener for this session's queries."""
        if not isinstance(listener, StreamingQueryListener):
            raise PySparkValueError(
                "[NOT_STREAMING_QUERY_LISTENER] addListener takes a StreamingQueryListener, got %s"
                % type(listener).__name__,
                errorClass="NOT_STREAMING_QUERY_LISTENER",
            )
        listener._set_spark_session(self._spark)
        from sluice.sql.streaming.readwriter import _track_session

        _track_session(self._spark)
        handle = _core.streams_add_listener(self._spark._session, _ListenerAdapter(listener))
        with self._lock:
            self._listeners.append((listener, handle))

    def removeListener(self, listener):
        """Unregisters a listener added with addListener (no-op otherwise)."""
        with self._lock:
            found = [h for (l, h) in self._listeners if l is listener]
            self._listeners = [(l, h) for (l, h) in self._listeners if l is not listener]
        for h in found:
            _core.streams_remove_listener(self._spark._session, h)

    def _stop_all(self):
        _core.streams_stop_all(self._spark._session)
