"""createDataFrame from Python rows: PySpark's type inference (the expected
schemas were printed by pyspark 4.3.0 for the same data) and conversion."""

import collections
import datetime
import decimal

import pytest

from sluice.errors import PySparkTypeError, PySparkValueError
from sluice.sql import Row, SparkSession
from sluice.sql.types import (
    ArrayType,
    BinaryType,
    DateType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.getOrCreate()


def fields(df):
    return [(f.name, f.dataType, f.nullable) for f in df.schema.fields]


def test_infer_tuples(spark):
    df = spark.createDataFrame([(1, [1, 2], datetime.date(2020, 1, 1), datetime.datetime(2020, 1, 1, 1, 2, 3),
                                 decimal.Decimal("1.50"), bytearray(b"x"), Row(q=1))])
    assert df.schema == StructType([
        StructField("_1", LongType()), StructField("_2", ArrayType(LongType())), StructField("_3", DateType()),
        StructField("_4", TimestampType()), StructField("_5", DecimalType(38, 18)), StructField("_6", BinaryType()),
        StructField("_7", StructType([StructField("q", LongType())])),
    ])
    row = df.collect()[0]
    assert row == Row(_1=1, _2=[1, 2], _3=datetime.date(2020, 1, 1), _4=datetime.datetime(2020, 1, 1, 1, 2, 3),
                      _5=decimal.Decimal("1.500000000000000000"), _6=bytearray(b"x"), _7=Row(q=1))


def test_infer_dicts_sorts_keys_rows_keep_order(spark):
    assert spark.createDataFrame([{"b": 1, "a": "x"}]).collect() == [Row(a="x", b=1)]
    assert fields(spark.createDataFrame([{"b": 1, "a": "x"}])) == [("a", StringType(), True), ("b", LongType(), True)]
    assert spark.createDataFrame([Row(b=1, a="x")]).columns == ["b", "a"]
    # Missing keys are NULL.
    assert spark.createDataFrame([{"a": 1}, {"a": 2, "b": "y"}]).collect() == [Row(a=1, b=None), Row(a=2, b="y")]


def test_infer_namedtuples_and_objects(spark):
    P = collections.namedtuple("P", ["name", "age"])
    assert spark.createDataFrame([P("ann", 3)]).collect() == [Row(name="ann", age=3)]


def test_nulls_take_the_type_of_other_rows(spark):
    df = spark.createDataFrame([(None, 1), (2, None)])
    assert fields(df) == [("_1", LongType(), True), ("_2", LongType(), True)]
    assert df.collect() == [Row(_1=None, _2=1), Row(_1=2, _2=None)]
    with pytest.raises(PySparkValueError, match="CANNOT_DETERMINE_TYPE"):
        spark.createDataFrame([(None, 1)])
    with pytest.raises(PySparkTypeError, match="CANNOT_MERGE_TYPE"):
        spark.createDataFrame([(1,), (1.5,)])
    with pytest.raises(PySparkValueError, match="CANNOT_INFER_EMPTY_SCHEMA"):
        spark.createDataFrame([])


def test_schema_as_names(spark):
    df = spark.createDataFrame([(1, "a")], ["x", "y"])
    assert fields(df) == [("x", LongType(), True), ("y", StringType(), True)]
    # Fewer names than columns: the rest keep _n (as PySpark).
    assert spark.createDataFrame([(1, 2.0)], ["a"]).collect() == [Row(a=1, _2=2.0)]


def test_schema_as_ddl_and_struct_type(spark):
    assert fields(spark.createDataFrame([(1, "a")], "x int, y string")) == [("x", IntegerType(), True),
                                                                        ("y", StringType(), True)]
    assert fields(spark.createDataFrame([(1,)], "x: int")) == [("x", IntegerType(), True)]
    schema = StructType([StructField("a", IntegerType(), False), StructField("b", DoubleType())])
    df = spark.createDataFrame([(1, 2.5)], schema)
    assert df.collect() == [Row(a=1, b=2.5)]
    assert fields(df) == [("a", IntegerType(), False), ("b", DoubleType(), True)]
    # An atomic type: each datum is the column `value`.
    assert spark.createDataFrame([1, 2], "int").collect() == [Row(value=1), Row(value=2)]
    assert spark.createDataFrame([], "a int").count() == 0


def test_values_checked_against_the_schema(spark):
    with pytest.raises(PySparkTypeError, match="field value.b: INT can not accept object 'x' of type str"):
        spark.createDataFrame([(1, "x")], "a int, b int")
    # As PySpark: a DOUBLE field does not take a Python int.
    with pytest.raises(PySparkTypeError, match="DOUBLE can not accept object 2"):
        spark.createDataFrame([(1, 2)], "a int, b double")
    with pytest.raises(PySparkValueError, match="VALUE_OUT_OF_BOUNDS"):
        spark.createDataFrame([(2**31,)], "a int")
    with pytest.raises(PySparkValueError, match="FIELD_NOT_NULLABLE"):
        spark.createDataFrame([(None,)], StructType([StructField("a", IntegerType(), False)]))
    with pytest.raises(PySparkValueError, match="LENGTH_SHOULD_BE_THE_SAME"):
        spark.createDataFrame([(1, 2)], "a int")
    with pytest.raises(PySparkTypeError, match="row 2"):
        spark.createDataFrame([(True,), (1,)], "a boolean")
    with pytest.raises(PySparkValueError, match="does not fit DECIMAL\\(3,1\\)"):
        spark.createDataFrame([(decimal.Decimal("123.4"),)], "d decimal(3,1)")


def test_each_type_round_trips(spark):
    schema = ("b boolean, i int, l bigint, d double, dec decimal(10,2), s string, bin binary, dt date, "
              "ts timestamp, arr array<int>, st struct<p: string, q: array<bigint>>")
    ts = datetime.datetime(2021, 6, 7, 8, 9, 10, 110000)
    row = (True, -5, 2**40, -0.25, decimal.Decimal("3.14159"), "héllo", b"\x01\x02", datetime.date(1969, 12, 31), ts,
           [1, None, 3], ("p", [7]))
    got = spark.createDataFrame([row, (None,) * 11], schema).collect()
    assert got[0] == Row(b=True, i=-5, l=2**40, d=-0.25, dec=decimal.Decimal("3.14"), s="héllo",
                         bin=bytearray(b"\x01\x02"), dt=datetime.date(1969, 12, 31), ts=ts, arr=[1, None, 3],
                         st=Row(p="p", q=[7]))
    assert all(v is None for v in got[1])


def test_structs_from_dicts_and_rows(spark):
    df = spark.createDataFrame([({"p": "a", "q": [1]},), (Row(q=[2], p="b"),)], "st struct<p: string, q: array<int>>")
    assert df.collect() == [Row(st=Row(p="a", q=[1])), Row(st=Row(p="b", q=[2]))]


def test_aware_datetime_converted_to_utc(spark):
    aware = datetime.datetime(2020, 1, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    df = spark.createDataFrame([(aware,)], "t timestamp")
    assert df.selectExpr("CAST(t AS STRING) AS s").collect() == [Row(s="2020-01-01 10:00:00")]


def test_bad_schema_argument(spark):
    with pytest.raises(PySparkTypeError):
        spark.createDataFrame([(1,)], 5)
    with pytest.raises(PySparkTypeError):
        spark.createDataFrame([(1,)], [1])
    with pytest.raises(PySparkTypeError, match="column _1: map<string,bigint> is not supported"):
        spark.createDataFrame([({"k": 1},)])
