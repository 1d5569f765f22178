"""DataStreamReader and DataStreamWriter (pyspark.sql.streaming.readwriter).

Both collect their settings in Python and hand them to the engine at
``load()`` / ``start()``; the engine checks formats, options and output modes
and raises PySpark's exception classes for what it refuses.
"""

import sys
import traceback
import weakref

from sluice import _core
from sluice.errors import AnalysisException, PySparkNotImplementedError, PySparkTypeError, PySparkValueError
from sluice.sql.streaming.query import StreamingQuery

__all__ = ["DataStreamReader", "DataStreamWriter"]


# Option values and schemas as the engine takes them: the batch reader's rules.
from sluice.sql.readwriter import _opt_value as _option_text  # noqa: E402
from sluice.sql.readwriter import _schema_ddl  # noqa: E402


def _check_path(path):
    if not isinstance(path, str) or len(path.strip()) == 0:
        raise PySparkValueError(
            "[VALUE_NOT_NON_EMPTY_STR] Value for `path` must be a non-empty string, got '%s'." % (path,),
            errorClass="VALUE_NOT_NON_EMPTY_STR",
            messageParameters={"arg_name": "path", "arg_value": str(path)},
        )


class _OptionSetter:
    """option()/options() of the stream reader and writer: a None value is
    left out; other values are kept as the engine takes them."""

    def option(self, key, value):
        if value is not None:
            self._options[key] = _option_text(value)
        return self

    def options(self, **options):
        for k, v in options.items():
            self.option(k, v)
        return self


class DataStreamReader(_OptionSetter):
    """``spark.readStream``: formats "rate", "rate-micro-batch", "kafka",
    "json" and "csv" (directories of files; they need a schema, as Spark's)."""

    def __init__(self, spark):
        self._spark = spark
        self._format = None
        self._options = {}
        self._schema = None

    def format(self, source):
        self._format = source
        return self

    def schema(self, schema):
        """A StructType or a DDL string ("a INT, b STRING")."""
        self._schema = _schema_ddl(schema)
        return self

    def load(self, path=None, format=None, schema=None, **options):
        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        if path is not None:
            _check_path(path)
        if self._format is None:
            raise PySparkValueError(
                "[STREAM_READER_NO_FORMAT] readStream needs a format: .format(\"rate\"), .format(\"kafka\"), ...",
                errorClass="STREAM_READER_NO_FORMAT",
            )
        from sluice.sql.dataframe import DataFrame

        core = _core.stream_load(self._spark._session, self._format, dict(self._options), self._schema, path)
        df = DataFrame(core, self._spark)
        # Errors of the reader (an unknown format, a missing option) are
        # raised here, as Spark raises them at load().
        df.schema  # noqa: B018
        return df

    def json(self, path, schema=None, **options):
        """A stream of the JSON-lines files appearing in a directory."""
        return self.load(path=path, format="json", schema=schema, **options)

    def csv(self, path, schema=None, **options):
        """A stream of the CSV files appearing in a directory (options as
        Spark's: sep, header, ...)."""
        return self.load(path=path, format="csv", schema=schema, **options)

    def text(self, path, **options):
        raise PySparkNotImplementedError(
            "[NOT_IMPLEMENTED] readStream.text: Sluice has no text source (formats: rate, "
            "rate-micro-batch, kafka, json, csv, parquet)",
            errorClass="NOT_IMPLEMENTED",
        )

    def parquet(self, path, **options):
        """New Parquet files in a directory; the schema comes from the first
        file's footer unless one was given (docs/parquet.md)."""
        return self.load(path=path, format="parquet", **options)

    def table(self, tableName):
        raise PySparkNotImplementedError(
            "[NOT_IMPLEMENTED] readStream.table: Sluice has no streaming tables; read a source with .format(...)",
            errorClass="NOT_IMPLEMENTED",
        )


class _ForeachBatchCall:
    """What the engine calls for each micro-batch: the batch as a DataFrame
    of the session, then the user's function. Returns None, or the error
    text (with the Python traceback) that fails the batch."""

    def __init__(self, spark, func):
        self._spark = spark
        self._func = func
        _calls.add(self)

    def __call__(self, core_result, batch_id):
        from sluice.sql.dataframe import DataFrame

        try:
            df = DataFrame(self._spark._session.create_dataframe(core_result), self._spark)
            self._func(df, batch_id)
            return None
        except BaseException:  # noqa: BLE001 - the batch fails with the traceback
            text = traceback.format_exc()
            return (
                "[FOREACH_BATCH_USER_FUNCTION_ERROR] An error occurred in the user provided function in "
                "foreach batch sink. Reason: batch %d: %s" % (batch_id, text.rstrip())
            )


class DataStreamWriter(_OptionSetter):
    """``df.writeStream``: sinks "console", "memory", "noop", "json", "csv",
    "kafka", and foreachBatch."""

    def __init__(self, df):
        if not df.isStreaming:
            # Spark refuses at df.writeStream, before any setting.
            raise AnalysisException(
                "[WRITE_STREAM_NOT_ALLOWED] `writeStream` can be called only on streaming Dataset/DataFrame.",
                errorClass="WRITE_STREAM_NOT_ALLOWED",
            )
        self._df = df
        self._spark = df.sparkSession
        self._format = None
        self._output_mode = "append"
        self._options = {}
        self._query_name = ""
        self._partition_by = None
        self._trigger = ("default", "")
        self._foreach_batch = None

    def outputMode(self, outputMode):
        """"append", "update" or "complete" (any case)."""
        if not isinstance(outputMode, str) or len(outputMode.strip()) == 0:
            raise PySparkValueError(
                "[VALUE_NOT_NON_EMPTY_STR] Value for `outputMode` must be a non-empty string, got '%s'."
                % (outputMode,),
                errorClass="VALUE_NOT_NON_EMPTY_STR",
                messageParameters={"arg_name": "outputMode", "arg_value": str(outputMode)},
            )
        self._output_mode = outputMode.strip().lower()
        return self

    def format(self, source):
        self._format = source
        return self

    def partitionBy(self, *cols):
        """File sinks: one col=value directory level per column."""
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = cols[0]
        self._partition_by = [str(c) for c in cols]
        return self

    def queryName(self, queryName):
        if not queryName or not isinstance(queryName, str) or len(queryName.strip()) == 0:
            raise PySparkValueError(
                "[VALUE_NOT_NON_EMPTY_STR] Value for `queryName` must be a non-empty string, got '%s'."
                % (queryName,),
                errorClass="VALUE_NOT_NON_EMPTY_STR",
                messageParameters={"arg_name": "queryName", "arg_value": str(queryName)},
            )
        self._query_name = queryName.strip()
        return self

    def trigger(self, *, processingTime=None, once=None, continuous=None, availableNow=None, realTime=None):
        """Exactly one of processingTime="10 seconds", once=True,
        availableNow=True (continuous and realTime are not supported)."""
        params = [processingTime, once, continuous, availableNow, realTime]
        if params.count(None) != 4:
            raise PySparkValueError(
                "[ONLY_ALLOW_SINGLE_TRIGGER] Only a single trigger is allowed.",
                errorClass="ONLY_ALLOW_SINGLE_TRIGGER",
            )
        if processingTime is not None:
            if not isinstance(processingTime, str) or len(processingTime.strip()) == 0:
                raise PySparkValueError(
                    "[VALUE_NOT_NON_EMPTY_STR] Value for `processingTime` must be a non-empty string, got '%s'."
                    % (processingTime,),
                    errorClass="VALUE_NOT_NON_EMPTY_STR",
                    messageParameters={"arg_name": "processingTime", "arg_value": str(processingTime)},
                )
            self._trigger = ("processingTime", processingTime.strip())
        elif once is not None:
            if once is not True:
                raise PySparkValueError(
                    "[VALUE_NOT_TRUE] Value for `once` must be True, got '%s'." % (once,),
                    errorClass="VALUE_NOT_TRUE",
                    messageParameters={"arg_name": "once", "arg_value": str(once)},
                )
            self._trigger = ("once", "")
        elif availableNow is not None:
            if availableNow is not True:
                raise PySparkValueError(
                    "[VALUE_NOT_TRUE] Value for `availableNow` must be True, got '%s'." % (availableNow,),
                    errorClass="VALUE_NOT_TRUE",
                    messageParameters={"arg_name": "availableNow", "arg_value": str(availableNow)},
                )
            self._trigger = ("availableNow", "")
        elif continuous is not None:
            raise PySparkNotImplementedError(
                "[UNSUPPORTED_FEATURE.CONTINUOUS_PROCESSING] trigger(continuous=%r): Sluice runs micro-batches "
                "only; use processingTime=... (continuous processing is not supported)" % (continuous,),
                errorClass="UNSUPPORTED_FEATURE.CONTINUOUS_PROCESSING",
            )
        else:
            raise PySparkNotImplementedError(
                "[UNSUPPORTED_FEATURE.REAL_TIME_MODE] trigger(realTime=%r): Sluice runs micro-batches only; "
                "use processingTime=..." % (realTime,),
                errorClass="UNSUPPORTED_FEATURE.REAL_TIME_MODE",
            )
        return self

    def foreachBatch(self, func):
        """``func(batch_df, batch_id)`` for every micro-batch, on the query's
        thread: ``batch_df`` is a DataFrame of the batch's rows (every
        DataFrame method works on it). An exception in ``func`` fails the
        batch: nothing is committed, the query stops with
        StreamingQueryException carrying the traceback, and a restart on the
        same checkpoint runs the batch again with the same id."""
        if not callable(func):
            raise PySparkTypeError(
                "[NOT_CALLABLE] Argument `func` should be a callable, got %s." % type(func).__name__,
                errorClass="NOT_CALLABLE",
                messageParameters={"arg_name": "func", "arg_type": type(func).__name__},
            )
        self._foreach_batch = func
        return self

    def foreach(self, f):
        raise PySparkNotImplementedError(
            "[NOT_IMPLEMENTED] writeStream.foreach: use foreachBatch (a function of the batch's DataFrame)",
            errorClass="NOT_IMPLEMENTED",
        )

    def start(self, path=None, format=None, outputMode=None, partitionBy=None, queryName=None, **options):
        """Starts the query on an engine thread and returns its StreamingQuery."""
        self.options(**options)
        if outputMode is not None:
            self.outputMode(outputMode)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        if format is not None:
            self.format(format)
        if queryName is not None:
            self.queryName(queryName)
        if path is not None:
            _check_path(path)
        foreach = None
        fmt = self._format or "console"
        if self._foreach_batch is not None:
            foreach = _ForeachBatchCall(self._spark, self._foreach_batch)
            fmt = "foreachBatch"
        kind, interval = self._trigger
        core = _core.stream_start(
            self._df._df,
            fmt,
            self._output_mode,
            kind,
            interval,
            dict(self._options),
            self._query_name,
            self._partition_by,
            foreach,
            path,
        )
        _track_session(self._spark)
        return StreamingQuery(core, self._spark)

    def toTable(self, tableName, format=None, outputMode=None, partitionBy=None, queryName=None, **options):
        raise PySparkNotImplementedError(
            "[NOT_IMPLEMENTED] writeStream.toTable: Sluice has no persistent tables; use format(\"memory\")"
            ".queryName(name) for an in-memory table, or a file sink",
            errorClass="NOT_IMPLEMENTED",
        )


# Sessions that started queries: their queries are stopped at interpreter
# exit, before Python can no longer run foreachBatch functions and listeners.
_sessions = []
# The foreachBatch calls the engine holds. A function usually refers to its
# module's globals, which hold the query, which (in C++) holds the function:
# a cycle Python's collector cannot see. At exit, once the queries stopped,
# the calls let go of their functions so that everything can be freed.
_calls = weakref.WeakSet()


def _track_session(spark):
    for s in _sessions:
        if s is spark:
            return
    _sessions.append(spark)


def _stop_all_at_exit():
    for spark in list(_sessions):
        try:
            _core.streams_stop_all(spark._session)
            # The engine's managers outlive the interpreter: drop the
            # Python listeners they hold while Python can still free them.
            manager = getattr(spark, "_streams", None)
            if manager is not None:
                for listener, _ in list(manager._listeners):
                    manager.removeListener(listener)
        except Exception:  # noqa: BLE001 - exiting anyway
            sys.stderr.write("sluice: stopping streaming queries at exit failed:\n" + traceback.format_exc())
    for call in list(_calls):
        call._func = None
        call._spark = None
    # The calls' class refers to this module, which would keep the sessions.
    del _sessions[:]


import atexit  # noqa: E402

atexit.register(_stop_all_at_exit)
