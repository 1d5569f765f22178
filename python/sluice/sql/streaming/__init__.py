"""pyspark.sql.streaming over the Sluice engine: DataStreamReader,
DataStreamWriter, StreamingQuery, StreamingQueryManager and
StreamingQueryListener."""

from sluice.sql.streaming.listener import (
    QueryIdleEvent,
    QueryProgressEvent,
    QueryStartedEvent,
    QueryTerminatedEvent,
    SinkProgress,
    SourceProgress,
    StateOperatorProgress,
    StreamingQueryListener,
    StreamingQueryProgress,
)
from sluice.sql.streaming.query import StreamingQuery, StreamingQueryManager
from sluice.sql.streaming.readwriter import DataStreamReader, DataStreamWriter

__all__ = [
    "DataStreamReader",
    "DataStreamWriter",
    "StreamingQuery",
    "StreamingQueryManager",
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
