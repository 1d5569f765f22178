"""Exceptions with PySpark's class names (pyspark.errors).

Every engine error arrives as one of these, carrying the engine's error
class (``getErrorClass()``/``getCondition()``, the ``[NAME]`` Spark puts at
the front of its messages, when the engine gave one) and its message with
the SQL line and column where there is one.
"""

import re

__all__ = [
    "PySparkException",
    "CapturedException",
    "AnalysisException",
    "ParseException",
    "IllegalArgumentException",
    "ArithmeticException",
    "NumberFormatException",
    "SparkRuntimeException",
    "StreamingQueryException",
    "QueryExecutionException",
    "PythonException",
    "UnknownException",
    "PySparkTypeError",
    "PySparkValueError",
    "PySparkRuntimeError",
    "PySparkNotImplementedError",
    "PySparkAttributeError",
]

_ERROR_CLASS = re.compile(r"^\[([A-Z0-9_]+(?:\.[A-Z0-9_]+)*)\]\s*")


class PySparkException(Exception):
    """Base of every exception the package raises (as in PySpark)."""

    def __init__(self, message=None, errorClass=None, messageParameters=None, engineCode=None):
        message = "" if message is None else str(message)
        if errorClass is None:
            m = _ERROR_CLASS.match(message)
            if m:
                errorClass = m.group(1)
        self._message = message
        self._errorClass = errorClass
        self._messageParameters = dict(messageParameters or {})
        self._engineCode = engineCode
        super().__init__(message)

    def getErrorClass(self):
        """Spark's error class, e.g. ``UNRESOLVED_COLUMN.WITH_SUGGESTION``, or None."""
        return self._errorClass

    def getCondition(self):
        """The error class under its Spark 4 name."""
        return self._errorClass

    def getMessageParameters(self):
        return dict(self._messageParameters)

    def getSqlState(self):
        return None

    def getMessage(self):
        return self._message

    def getEngineCode(self):
        """The engine's status code (``AnalysisError``, ``SyntaxError``, ...); Sluice only."""
        return self._engineCode

    def __str__(self):
        return self._message


class CapturedException(PySparkException):
    """An error raised by the engine (in PySpark: by the JVM)."""


class AnalysisException(CapturedException):
    """A query that parses but names or types are wrong."""


class ParseException(AnalysisException):
    """SQL that does not parse; the message names the line and column."""


class IllegalArgumentException(CapturedException):
    """A bad option, argument or configuration value."""


class ArithmeticException(CapturedException):
    """Division by zero, overflow."""


class NumberFormatException(IllegalArgumentException):
    """A string that does not cast to a number."""


class SparkRuntimeException(CapturedException):
    """An error while a query ran (bad data, IO)."""


class QueryExecutionException(CapturedException):
    pass


class StreamingQueryException(CapturedException):
    """The error that ended a streaming query (``query.exception()``)."""


class PythonException(CapturedException):
    """An exception raised by Python code the engine called (foreachBatch, listeners)."""


class UnknownException(CapturedException):
    pass


class PySparkTypeError(PySparkException, TypeError):
    pass


class PySparkValueError(PySparkException, ValueError):
    pass


class PySparkRuntimeError(PySparkException, RuntimeError):
    pass


class PySparkNotImplementedError(PySparkException, NotImplementedError):
    pass


class PySparkAttributeError(PySparkException, AttributeError):
    pass


# Error classes whose PySpark exception is more specific than the code's.
_BY_ERROR_CLASS = {
    "DIVIDE_BY_ZERO": ArithmeticException,
    "ARITHMETIC_OVERFLOW": ArithmeticException,
    "NUMERIC_VALUE_OUT_OF_RANGE": ArithmeticException,
    "CAST_OVERFLOW": ArithmeticException,
    "CAST_INVALID_INPUT": NumberFormatException,
}

_BY_CODE = {
    "SyntaxError": ParseException,
    "AnalysisError": AnalysisException,
    "InvalidArgument": IllegalArgumentException,
    "ExecutionError": SparkRuntimeException,
    "MalformedRecord": SparkRuntimeException,
    "IOError": SparkRuntimeException,
    "Corruption": SparkRuntimeException,
    "NotFound": AnalysisException,
    "AlreadyExists": AnalysisException,
    "NotImplemented": AnalysisException,
    "Cancelled": QueryExecutionException,
    "Internal": UnknownException,
    "OutOfMemory": SparkRuntimeException,
}


def _from_engine(code, message):
    """The exception for an engine status (called by sluice._core)."""
    m = _ERROR_CLASS.match(message)
    error_class = m.group(1) if m else None
    # Spark's full conditions where the engine gives the short form.
    if error_class is None and code == "SyntaxError":
        error_class = "PARSE_SYNTAX_ERROR"
    elif error_class == "UNRESOLVED_COLUMN":
        suggests = "Did you mean" in message or "Available columns" in message
        error_class = "UNRESOLVED_COLUMN." + ("WITH_SUGGESTION" if suggests else "WITHOUT_SUGGESTION")
    cls = None
    if error_class is not None:
        cls = _BY_ERROR_CLASS.get(error_class.split(".")[0])
    if cls is None:
        cls = _BY_CODE.get(code, UnknownException)
    return cls(message, errorClass=error_class, engineCode=code)
