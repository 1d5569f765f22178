"""Column: operators, predicates, names. Result column names were printed by
pyspark 4.3.0 for the same expressions; values are worked out by hand."""

import datetime
import decimal

import pytest

from sluice.errors import ParseException, PySparkTypeError, PySparkValueError
from sluice.sql import Column, SparkSession
from sluice.sql import functions as F
from sluice.sql.types import LongType, StringType


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.getOrCreate()


@pytest.fixture()
def df(spark):
    return spark.createDataFrame([(1, "a", None), (2, "b", 3)], "x int, y string, z int")


def values(df, c):
    return [r[0] for r in df.select(c).collect()]


# (expression, name as PySpark gives it)
NAMES = [
    (lambda: F.col("x") + 1, "(x + 1)"),
    (lambda: F.col("x") == 1, "(x = 1)"),
    (lambda: F.col("x") != 1, "(NOT (x = 1))"),
    (lambda: ~(F.col("x") > 1), "(NOT (x > 1))"),
    (lambda: -F.col("x"), "negative(x)"),
    (lambda: F.col("x").isin(1, 2), "(x IN (1, 2))"),
    (lambda: F.col("x").between(1, 2), "((x >= 1) AND (x <= 2))"),
    (lambda: F.when(F.col("x") > 1, 1).otherwise(0), "CASE WHEN (x > 1) THEN 1 ELSE 0 END"),
    (lambda: F.col("x").cast("bigint"), "x"),
    (lambda: F.col("x").isNull(), "(x IS NULL)"),
    (lambda: 1 - F.col("x"), "(1 - x)"),
    (lambda: F.col("y").like("x%"), "y LIKE x%"),
    (lambda: F.col("y").startswith("x"), "startswith(y, x)"),
    (lambda: F.col("y").substr(1, 2), "substr(y, 1, 2)"),
    (lambda: F.col("x").eqNullSafe(1), "(x <=> 1)"),
    (lambda: F.col("x") % 2, "(x % 2)"),
    (lambda: F.lit(decimal.Decimal("1.50")), "1.50"),
    (lambda: F.lit(datetime.date(2020, 1, 2)), "DATE '2020-01-02'"),
    (lambda: F.lit("s"), "s"),
    (lambda: F.lit(1.5), "1.5"),
    (lambda: F.lit(2**40), "1099511627776"),
    (lambda: F.lit(True), "true"),
    (lambda: F.lit(None), "NULL"),
    (lambda: F.lit(b"ab"), "X'6162'"),
    (lambda: F.lit([1, 2]), "array(1, 2)"),
    (lambda: F.col("x").astype("string"), "x"),
    (lambda: F.col("x") / 2, "(x / 2)"),
    (lambda: F.col("x") * 2.5, "(x * 2.5)"),
    (lambda: F.col("y").contains("a"), "contains(y, a)"),
    (lambda: F.col("y").endswith("a"), "endswith(y, a)"),
]


@pytest.mark.parametrize("make,name", NAMES, ids=[n for _, n in NAMES])
def test_result_column_names_match_pyspark(df, make, name):
    assert df.select(make()).columns == [name]


def test_rlike_name(df):
    # PySpark names it RLIKE(y, x); the engine names a rlike call as its SQL
    # form `y RLIKE x` (docs/python.md lists the difference).
    assert df.select(F.col("y").rlike("x")).columns == ["y RLIKE x"]
    assert df.select(F.rlike("y", F.lit("x"))).columns == ["y RLIKE x"]


def test_arithmetic_and_reflected(df):
    assert values(df, df.x + 1) == [2, 3]
    assert values(df, 10 - df.x) == [9, 8]
    assert values(df, df.x * 3) == [3, 6]
    assert values(df, 3 * df.x) == [3, 6]
    assert values(df, df.x / 2) == [0.5, 1.0]
    assert values(df, 4 / df.x) == [4.0, 2.0]
    assert values(df, df.x % 2) == [1, 0]
    assert values(df, 5 % df.x) == [0, 1]
    assert values(df, -df.x) == [-1, -2]
    assert values(df, df.x ** 2) == [1.0, 4.0]
    assert values(df, df.x + df.z) == [None, 5]
    assert values(df, 1 + df.x * 2) == [3, 5]


def test_comparisons(df):
    assert values(df, df.x == 1) == [True, False]
    assert values(df, df.x != 1) == [False, True]
    assert values(df, df.x < 2) == [True, False]
    assert values(df, df.x <= 2) == [True, True]
    assert values(df, df.x > 1) == [False, True]
    assert values(df, df.x >= 2) == [False, True]
    assert values(df, df.z == 3) == [None, True]
    assert values(df, df.z.eqNullSafe(3)) == [False, True]
    assert values(df, df.z.eqNullSafe(None)) == [True, False]
    # Reflected: 1 < df.x is df.x > 1.
    assert values(df, 1 < df.x) == [False, True]


def test_boolean_operators(df):
    assert values(df, (df.x > 1) & (df.y == "b")) == [False, True]
    assert values(df, (df.x > 1) | (df.y == "a")) == [True, True]
    assert values(df, ~(df.x > 1)) == [True, False]
    assert values(df, (df.z > 0) & (df.x > 0)) == [None, True]


def test_bool_in_and_iter_raise(df):
    with pytest.raises(PySparkValueError, match="CANNOT_CONVERT_COLUMN_INTO_BOOL"):
        bool(df.x)
    with pytest.raises(PySparkValueError):
        if df.x > 1 and df.x < 3:
            pass
    with pytest.raises(PySparkValueError, match="CANNOT_APPLY_IN_FOR_COLUMN"):
        1 in df.x
    with pytest.raises(PySparkTypeError, match="NOT_ITERABLE"):
        list(df.x)


def test_alias_name_cast(df):
    assert df.select(df.x.alias("q")).columns == ["q"]
    assert df.select(df.x.name("r")).columns == ["r"]
    assert df.select(df.x.cast(StringType())).schema.fields[0].dataType == StringType()
    assert df.select(df.x.cast("bigint")).schema.fields[0].dataType == LongType()
    assert values(df, F.lit("12").cast("int")) == [12, 12]
    with pytest.raises(PySparkTypeError):
        df.x.cast(5)
    with pytest.raises(Exception):
        df.x.cast("no_such_type")
    with pytest.raises(PySparkValueError):
        df.x.alias("a", "b")


def test_null_predicates_isin_between(df):
    assert values(df, df.z.isNull()) == [True, False]
    assert values(df, df.z.isNotNull()) == [False, True]
    assert values(df, df.x.isin(2, 5)) == [False, True]
    assert values(df, df.x.isin([1])) == [True, False]
    assert values(df, df.y.isin("a", "b")) == [True, True]
    assert values(df, df.x.isin()) == [False, False]
    assert values(df, df.x.between(2, 3)) == [False, True]
    assert values(df, df.x.between(0, 1)) == [True, False]


def test_string_predicates(spark):
    s = spark.createDataFrame([("apple",), ("banana",), (None,)], ["s"])
    assert values(s, s.s.like("a%")) == [True, False, None]
    assert values(s, s.s.rlike("an+a$")) == [False, True, None]
    assert values(s, s.s.startswith("ba")) == [False, True, None]
    assert values(s, s.s.endswith("le")) == [True, False, None]
    assert values(s, s.s.contains("nan")) == [False, True, None]
    assert values(s, s.s.substr(2, 3)) == ["ppl", "ana", None]
    assert values(s, s.s[1:2]) == ["ap", "ba", None]
    assert values(s, s.s.ilike("A%")) == [True, False, None]


def test_when_otherwise(df):
    c = F.when(df.x == 1, "one").when(df.x == 2, "two").otherwise("many")
    assert values(df, c) == ["one", "two"]
    assert values(df, F.when(df.x > 1, df.x * 10)) == [None, 20]
    with pytest.raises(PySparkValueError):
        df.x.when(df.x > 1, 1)
    with pytest.raises(PySparkValueError):
        F.when(df.x > 1, 1).otherwise(0).otherwise(2)
    with pytest.raises(PySparkTypeError):
        F.when("x > 1", 1)


def test_get_field_get_item(spark):
    d = spark.sql("SELECT named_struct('a', 1, 'b', named_struct('c', 'deep')) AS s, array(10, 20, 30) AS arr")
    assert values(d, d.s.getField("a")) == [1]
    assert values(d, d.s.a) == [1]
    assert values(d, d.s["b"]["c"]) == ["deep"]
    assert values(d, F.col("s.b.c")) == ["deep"]
    assert values(d, d.arr.getItem(1)) == [20]
    assert values(d, d.arr[0]) == [10]


def test_sort_order_columns(df):
    assert [r.z for r in df.orderBy(df.z.asc()).collect()] == [None, 3]
    assert [r.z for r in df.orderBy(df.z.asc_nulls_first()).collect()] == [None, 3]
    assert [r.z for r in df.orderBy(df.z.asc_nulls_last()).collect()] == [3, None]
    assert [r.z for r in df.orderBy(df.z.desc()).collect()] == [3, None]
    assert [r.z for r in df.orderBy(df.z.desc_nulls_first()).collect()] == [None, 3]
    assert [r.z for r in df.orderBy(df.z.desc_nulls_last()).collect()] == [3, None]
    assert [r.z for r in df.orderBy(F.asc_nulls_last("z")).collect()] == [3, None]


def test_literals_of_each_python_type(spark):
    d = spark.range(1)
    row = d.select(
        F.lit(7).alias("i"), F.lit(2**40).alias("l"), F.lit(1.25).alias("f"), F.lit("it's").alias("s"),
        F.lit(True).alias("b"), F.lit(None).alias("n"), F.lit(decimal.Decimal("-12.340")).alias("d"),
        F.lit(datetime.date(2021, 3, 4)).alias("dt"), F.lit(b"\x00\xff").alias("by"),
        F.lit([1, 2, 3]).alias("a"), F.lit(float("nan")).alias("nan"), F.lit(float("-inf")).alias("ninf"),
    ).collect()[0]
    assert row.i == 7 and row.l == 2**40 and row.f == 1.25 and row.s == "it's" and row.b is True
    assert row.n is None and row.d == decimal.Decimal("-12.340") and row.dt == datetime.date(2021, 3, 4)
    assert bytes(row.by) == b"\x00\xff" and row.a == [1, 2, 3]
    assert row.nan != row.nan and row.ninf == float("-inf")
    types = dict(d.select(F.lit(7).alias("i"), F.lit(2**40).alias("l"),
                          F.lit(decimal.Decimal("-12.340")).alias("d")).dtypes)
    assert types == {"i": "int", "l": "bigint", "d": "decimal(5,3)"}
    with pytest.raises(PySparkValueError):
        F.lit(2**70)
    with pytest.raises(PySparkTypeError):
        F.lit(object())


def test_timestamp_literal_is_local_wall_time(spark):
    # A naive datetime is local time of the process (as PySpark); collect()
    # gives it back the same.
    ts = datetime.datetime(2022, 5, 6, 7, 8, 9, 123456)
    assert spark.range(1).select(F.lit(ts)).collect()[0][0] == ts
    aware = datetime.datetime(2022, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
    got = spark.range(1).select(F.lit(aware).cast("string")).collect()[0][0]
    assert got == "2022-05-06 07:08:09"  # the session time zone is UTC


def test_repr(df):
    assert repr(df.x + 1) == "Column<'(x + 1)'>"
    assert repr(F.col("a").alias("b")) == "Column<'a AS b'>"
    assert repr(F.col("a").desc()) == "Column<'a DESC'>"
    assert isinstance(df.x, Column)


def test_column_name_forms(spark):
    d = spark.createDataFrame([(1, 2)], ["a b", "c.d"])
    assert values(d, F.col("`a b`")) == [1]
    assert values(d, F.col("`c.d`")) == [2]
    assert values(d, d["`c.d`"]) == [2]
    with pytest.raises(PySparkTypeError):
        F.col(3)


def test_expr_parse_error_names_position():
    with pytest.raises(ParseException, match="line 1, column"):
        F.expr("a +* b")


def test_is_nan(spark):
    d = spark.createDataFrame([(1.0,), (float("nan"),), (None,)], "b double")
    assert values(d, d.b.isNaN()) == [False, True, False]
    assert values(d, F.isnan("b")) == [False, True, False]
    assert d.select(F.isnan("b")).columns == ["isnan(b)"]


@pytest.mark.parametrize("s", ["a\\b", "it's", "line\nnext", "tab\tx", "uni ü 日本", "%_", "\\n", '"q"', "\x01", ""])
def test_string_literals_round_trip(spark, s):
    # Quotes, backslashes and control characters survive the SQL text a Column is.
    assert spark.range(1).select(F.lit(s)).collect()[0][0] == s
    assert spark.createDataFrame([(s,)], ["v"]).filter(F.col("v") == s).count() == 1


def test_window_specs_import_and_over_says_why_not():
    from sluice.errors import PySparkNotImplementedError
    from sluice.sql import Window
    from sluice.sql.window import WindowSpec

    w = Window.partitionBy("k").orderBy(F.col("t").desc()).rowsBetween(Window.unboundedPreceding, Window.currentRow)
    assert isinstance(w, WindowSpec)
    with pytest.raises(PySparkNotImplementedError, match="Window functions"):
        F.sum("v").over(w)
