"""StreamingQueryListener and its events (pyspark.sql.streaming.listener).

The engine posts events on the query's thread; the package's adapter turns
them into the event objects below and calls the listener's methods with the
GIL held. A listener's exception is printed to stderr and never reaches the
query (as in Spark, where a failing listener is logged and skipped).
"""

import json
import sys
import traceback
import uuid
from abc import ABC, abstractmethod

__all__ = [
    "StreamingQueryListener",
    "QueryStartedEvent",
    "QueryProgressEvent",
    "QueryIdleEvent",
    "QueryTerminatedEvent",
    "StreamingQueryProgress",
    "StateOperatorProgress",
    "SourceProgress",
    "SinkProgress",
]


class StreamingQueryListener(ABC):
    """Subclass it and register an instance with ``spark.streams.addListener``.

    ``onQueryStarted`` runs in the thread that calls ``start()``, before
    ``start()`` returns; the other callbacks run on the query's thread.
    Keep them short: the query waits for them.
    """

    @property
    def spark(self):
        return getattr(self, "_sparkSession", None)

    def _set_spark_session(self, session):
        if getattr(self, "_sparkSession", None) is None:
            self._sparkSession = session

    @abstractmethod
    def onQueryStarted(self, event):
        """The query started (``event`` is a QueryStartedEvent)."""

    @abstractmethod
    def onQueryProgress(self, event):
        """A micro-batch finished (``event.progress`` is its StreamingQueryProgress)."""

    def onQueryIdle(self, event):
        """A trigger found no new data (QueryIdleEvent); not abstract, as in PySpark."""

    @abstractmethod
    def onQueryTerminated(self, event):
        """The query stopped or failed (QueryTerminatedEvent)."""


class QueryStartedEvent:
    def __init__(self, id, runId, name, timestamp, jobTags=None):
        self._id = id
        self._runId = runId
        self._name = name
        self._timestamp = timestamp
        self._jobTags = set(jobTags or ())

    @property
    def id(self):
        """The query's id (uuid.UUID), the same across restarts from a checkpoint."""
        return self._id

    @property
    def runId(self):
        """This run's id (uuid.UUID)."""
        return self._runId

    @property
    def name(self):
        """The queryName, or None."""
        return self._name

    @property
    def timestamp(self):
        """When the query started, ISO 8601 in UTC."""
        return self._timestamp

    @property
    def jobTags(self):
        return set(self._jobTags)


class QueryProgressEvent:
    def __init__(self, progress):
        self._progress = progress

    @property
    def progress(self):
        """The batch's StreamingQueryProgress."""
        return self._progress


class QueryIdleEvent:
    def __init__(self, id, runId, timestamp):
        self._id = id
        self._runId = runId
        self._timestamp = timestamp

    @property
    def id(self):
        return self._id

    @property
    def runId(self):
        return self._runId

    @property
    def timestamp(self):
        """The idle trigger's start, ISO 8601 in UTC."""
        return self._timestamp


class QueryTerminatedEvent:
    def __init__(self, id, runId, exception, errorClassOnException):
        self._id = id
        self._runId = runId
        self._exception = exception
        self._errorClassOnException = errorClassOnException

    @property
    def id(self):
        return self._id

    @property
    def runId(self):
        return self._runId

    @property
    def exception(self):
        """The error's text if the query failed, else None."""
        return self._exception

    @property
    def errorClassOnException(self):
        """The error's class (e.g. ``FOREACH_BATCH_USER_FUNCTION_ERROR``) when it has one, else None."""
        return self._errorClassOnException


class _ProgressDict(dict):
    """A dict of Spark's progress JSON fields, with the fields as attributes
    too; ``json``/``prettyJson`` give the JSON text."""

    _fields = ()

    def __init__(self, j):
        super().__init__(self._convert(dict(j)))
        self._jdict = j

    @classmethod
    def _convert(cls, j):
        return j

    @classmethod
    def fromJson(cls, j):
        return cls(j)

    def __getattr__(self, item):
        if item.startswith("_"):
            raise AttributeError(item)
        try:
            return self[item]
        except KeyError:
            raise AttributeError(item) from None

    @property
    def json(self):
        return json.dumps(self._jdict)

    @property
    def prettyJson(self):
        return json.dumps(self._jdict, indent=4)

    def __repr__(self):
        return json.dumps(self._jdict, indent=4)


class StateOperatorProgress(_ProgressDict):
    @classmethod
    def _convert(cls, j):
        j.setdefault("allUpdatesTimeMs", 0)
        j.setdefault("allRemovalsTimeMs", 0)
        j.setdefault("numStateStoreInstances", j.get("numShufflePartitions", 0))
        j.setdefault("customMetrics", {})
        return j


class SourceProgress(_ProgressDict):
    @classmethod
    def _convert(cls, j):
        # Offsets as Spark's SourceProgress gives them: the JSON text.
        for k in ("startOffset", "endOffset", "latestOffset"):
            v = j.get(k)
            j[k] = v if isinstance(v, str) else json.dumps(v)
        j.setdefault("metrics", {})
        return j


class SinkProgress(_ProgressDict):
    @classmethod
    def _convert(cls, j):
        j.setdefault("metrics", {})
        return j


class StreamingQueryProgress(_ProgressDict):
    """One micro-batch's progress: a dict with Spark's fields (``batchId``,
    ``numInputRows``, ``sources``, ``sink``, ``durationMs``...) that also reads
    them as attributes. As in PySpark 4, ``progress["id"]`` is the id's text
    and ``progress.id`` a uuid.UUID."""

    @classmethod
    def _convert(cls, j):
        j["id"] = uuid.UUID(j["id"])
        j["runId"] = uuid.UUID(j["runId"])
        j.setdefault("name", None)
        durations = dict(j.get("durationMs") or {})
        j["durationMs"] = durations
        # Spark's batchDuration is the trigger's whole time, which the
        # engine reports as durationMs.triggerExecution.
        j.setdefault("batchDuration", durations.get("triggerExecution", 0))
        j["eventTime"] = dict(j.get("eventTime") or {})
        j["stateOperators"] = [StateOperatorProgress(s) for s in j.get("stateOperators", [])]
        j["sources"] = [SourceProgress(s) for s in j.get("sources", [])]
        j["sink"] = SinkProgress(j.get("sink", {}))
        j.setdefault("observedMetrics", {})
        return j

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if key in ("id", "runId"):
            return str(value)
        return value

    @property
    def id(self):
        return dict.__getitem__(self, "id")

    @property
    def runId(self):
        return dict.__getitem__(self, "runId")


def _progress_from_json(text):
    return StreamingQueryProgress(json.loads(text))


class _ListenerAdapter:
    """What the engine calls (sluice._core's listener): plain data in, the
    listener's methods called with event objects."""

    def __init__(self, listener):
        self._listener = listener

    def _call(self, method, event):
        try:
            getattr(self._listener, method)(event)
        except BaseException:  # noqa: BLE001 - reported, never raised into the engine
            sys.stderr.write(
                "sluice: StreamingQueryListener %s.%s failed (the query goes on):\n%s"
                % (type(self._listener).__name__, method, traceback.format_exc())
            )

    def _started(self, id, runId, name, timestamp):
        self._call("onQueryStarted", QueryStartedEvent(uuid.UUID(id), uuid.UUID(runId), name or None, timestamp))

    def _progress(self, progress_json):
        self._call("onQueryProgress", QueryProgressEvent(_progress_from_json(progress_json)))

    def _idle(self, id, runId, timestamp):
        self._call("onQueryIdle", QueryIdleEvent(uuid.UUID(id), uuid.UUID(runId), timestamp))

    def _terminated(self, id, runId, exception, error_class):
        self._call("onQueryTerminated", QueryTerminatedEvent(uuid.UUID(id), uuid.UUID(runId), exception, error_class))
