"""Engine errors arrive as PySpark's exception classes, with the error class,
the message, and (SQL) the line and column."""

import pytest

from sluice import _core
from sluice.errors import (
    AnalysisException,
    ArithmeticException,
    CapturedException,
    IllegalArgumentException,
    NumberFormatException,
    ParseException,
    PySparkException,
    PySparkTypeError,
    PySparkValueError,
    QueryExecutionException,
    SparkRuntimeException,
    UnknownException,
)
from sluice.sql import SparkSession
from sluice.sql import functions as F


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.getOrCreate()


def test_parse_exception_names_line_and_column(spark):
    with pytest.raises(ParseException) as e:
        spark.sql("SELECT 1,\n  2 +* 3")
    assert "line 2, column" in str(e.value)
    assert isinstance(e.value, AnalysisException)  # as PySpark's hierarchy
    assert e.value.getEngineCode() == "SyntaxError"
    assert e.value.getErrorClass() == "PARSE_SYNTAX_ERROR"  # as pyspark 4.3.0 gives it


def test_analysis_exception_with_suggestion(spark):
    df = spark.createDataFrame([(1,)], ["amount"])
    with pytest.raises(AnalysisException) as e:
        df.select(F.col("amout"))
    # The condition pyspark 4.3.0 gives for the same select.
    assert e.value.getErrorClass() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    assert e.value.getCondition() == e.value.getErrorClass()
    assert "`amount`" in str(e.value)  # the column it could have meant
    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT amout FROM VALUES (1) AS t(amount)")
    assert "amount" in str(e.value) and "line 1, column 8" in str(e.value)


def test_arithmetic_and_number_format(spark):
    with pytest.raises(ArithmeticException) as e:
        spark.sql("SELECT 1 / 0 AS x").collect()
    assert e.value.getErrorClass() == "DIVIDE_BY_ZERO"
    with pytest.raises(NumberFormatException) as e:
        spark.range(1).select(F.lit("x1").cast("int")).collect()
    assert e.value.getErrorClass() == "CAST_INVALID_INPUT"
    assert isinstance(e.value, IllegalArgumentException)


def test_runtime_error_from_bad_data(spark):
    with pytest.raises(SparkRuntimeException) as e:
        spark.range(1).select(F.from_json(F.lit("nope"), "a INT", {"mode": "FAILFAST"})).collect()
    assert e.value.getErrorClass() == "MALFORMED_RECORD_IN_PARSING" and "'nope'" in str(e.value)


def test_illegal_argument(spark):
    with pytest.raises(IllegalArgumentException):
        spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    with pytest.raises(IllegalArgumentException):
        spark.range(1).explain(mode="nonsense")


def test_every_status_code_maps_to_a_class():
    expected = {
        "SyntaxError": ParseException, "AnalysisError": AnalysisException, "InvalidArgument": IllegalArgumentException,
        "ExecutionError": SparkRuntimeException, "IOError": SparkRuntimeException, "NotFound": AnalysisException,
        "Cancelled": QueryExecutionException, "Internal": UnknownException,
    }
    for code, cls in expected.items():
        with pytest.raises(cls) as e:
            _core._raise_status(code, "[SOME_CLASS.SUB] something happened")
        assert type(e.value) is cls
        assert e.value.getErrorClass() == "SOME_CLASS.SUB" and e.value.getEngineCode() == code
        assert isinstance(e.value, CapturedException) and isinstance(e.value, PySparkException)
    with pytest.raises(ArithmeticException):
        _core._raise_status("ExecutionError", "[ARITHMETIC_OVERFLOW] too big")
    with pytest.raises(AnalysisException) as e:
        _core._raise_status("AnalysisError", "no error class here")
    assert e.value.getErrorClass() is None
    with pytest.raises(AnalysisException) as e:
        _core._raise_status("AnalysisError", "[UNRESOLVED_COLUMN] cannot resolve column `q`")
    assert e.value.getErrorClass() == "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"


def test_python_side_errors_are_pyspark_classes(spark):
    with pytest.raises(PySparkTypeError) as e:
        F.col(1)
    assert isinstance(e.value, TypeError) and e.value.getErrorClass() == "NOT_STR"
    with pytest.raises(PySparkValueError) as e:
        bool(F.col("a"))
    assert isinstance(e.value, ValueError)


def test_errors_do_not_break_the_session(spark):
    for _ in range(3):
        with pytest.raises(AnalysisException):
            spark.sql("SELECT nope")
    assert spark.sql("SELECT 2 AS two").collect()[0].two == 2
