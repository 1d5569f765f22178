"""sluice.sql.functions: every engine function has a Python function with
PySpark's name and argument order; results worked out by hand."""

import datetime
import decimal
import inspect

import pytest

from sluice import _core
from sluice.errors import AnalysisException, PySparkNotImplementedError, PySparkTypeError
from sluice.sql import Row, SparkSession
from sluice.sql import functions as F


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.getOrCreate()


def one(spark, c):
    return spark.range(1).select(c).collect()[0][0]


def test_every_registered_function_has_a_python_function():
    registry = set(_core.scalar_function_names()) | set(_core.aggregate_function_names())
    assert len(registry) > 150
    missing = sorted(n for n in registry if not callable(getattr(F, n, None)) and n not in F._NOT_EXPOSED)
    assert missing == [], "registry functions with no Python function and no listed reason: %s" % missing
    # Every listed exception is a real registry name with a reason (no stale entries).
    stale = sorted(n for n in F._NOT_EXPOSED if n not in registry)
    assert stale == []
    assert all(isinstance(why, str) and why for why in F._NOT_EXPOSED.values())


def test_signatures_follow_pyspark():
    # Parameter names and order as pyspark 4.3.0's.
    expected = {
        "concat_ws": ["sep", "cols"], "date_format": ["date", "format"], "date_trunc": ["format", "timestamp"],
        "regexp_extract": ["str", "pattern", "idx"], "substring": ["str", "pos", "len"],
        "locate": ["substr", "str", "pos"], "from_json": ["col", "schema", "options"],
        "window": ["timeColumn", "windowDuration", "slideDuration", "startTime"],
        "datediff": ["end", "start"], "lpad": ["col", "len", "pad"], "split": ["str", "pattern", "limit"],
        "first": ["col", "ignorenulls"], "get_json_object": ["col", "path"], "round": ["col", "scale"],
        "add_months": ["start", "months"], "months_between": ["date1", "date2", "roundOff"],
        "element_at": ["col", "extraction"], "translate": ["srcCol", "matching", "replace"],
        "nvl2": ["col1", "col2", "col3"], "sha2": ["col", "numBits"], "to_timestamp": ["col", "format"],
    }
    for name, params in expected.items():
        assert list(inspect.signature(getattr(F, name)).parameters) == params, name


SCALARS = [
    (lambda: F.upper(F.lit("ab")), "AB"),
    (lambda: F.lower(F.lit("AB")), "ab"),
    (lambda: F.length(F.lit("héllo")), 5),
    (lambda: F.concat(F.lit("a"), F.lit("b"), F.lit("c")), "abc"),
    (lambda: F.concat_ws("-", F.lit("a"), F.lit("b")), "a-b"),
    (lambda: F.substring(F.lit("abcdef"), 2, 3), "bcd"),
    (lambda: F.substring_index(F.lit("a.b.c"), ".", 2), "a.b"),
    (lambda: F.locate("c", F.lit("abcabc")), 3),
    (lambda: F.locate("c", F.lit("abcabc"), 4), 6),
    (lambda: F.instr(F.lit("abcabc"), "b"), 2),
    (lambda: F.lpad(F.lit("7"), 3, "0"), "007"),
    (lambda: F.rpad(F.lit("7"), 3, "x"), "7xx"),
    (lambda: F.trim(F.lit("  a  ")), "a"),
    (lambda: F.ltrim(F.lit("  a")), "a"),
    (lambda: F.rtrim(F.lit("a  ")), "a"),
    (lambda: F.reverse(F.lit("abc")), "cba"),
    (lambda: F.repeat(F.lit("ab"), 3), "ababab"),
    (lambda: F.initcap(F.lit("hello world")), "Hello World"),
    (lambda: F.translate(F.lit("abc"), "ab", "xy"), "xyc"),
    (lambda: F.regexp_extract(F.lit("id-42-x"), r"(\d+)", 1), "42"),
    (lambda: F.regexp_replace(F.lit("a1b22"), r"\d+", "#"), "a#b#"),
    (lambda: F.split(F.lit("a,b,c"), ","), ["a", "b", "c"]),
    (lambda: F.rlike(F.lit("abc"), F.lit("^a")), True),
    (lambda: F.md5(F.lit("abc")), "900150983cd24fb0d6963f7d28e17f72"),
    (lambda: F.sha1(F.lit("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d"),
    (lambda: F.base64(F.lit("hi").cast("binary")), "aGk="),
    (lambda: F.abs(F.lit(-3)), 3),
    (lambda: F.round(F.lit(2.345), 2), 2.35),
    (lambda: F.round(F.lit(2.5)), 3.0),
    (lambda: F.sqrt(F.lit(16)), 4.0),
    (lambda: F.pow(F.lit(2), 10), 1024.0),
    (lambda: F.pmod(F.lit(-7), F.lit(3)), 2),
    (lambda: F.greatest(F.lit(1), F.lit(5), F.lit(3)), 5),
    (lambda: F.least(F.lit(4), F.lit(2)), 2),
    (lambda: F.coalesce(F.lit(None), F.lit(2)), 2),
    (lambda: F.nvl(F.lit(None), F.lit("d")), "d"),
    (lambda: F.nullif(F.lit(1), F.lit(1)), None),
    (lambda: F.log(F.lit(2.0), F.lit(8.0)), 3.0),
    (lambda: F.log10(F.lit(1000.0)), 3.0),
    (lambda: F.year(F.lit(datetime.date(2024, 2, 29))), 2024),
    (lambda: F.month(F.lit(datetime.date(2024, 2, 29))), 2),
    (lambda: F.dayofmonth(F.lit(datetime.date(2024, 2, 29))), 29),
    (lambda: F.date_add(F.lit(datetime.date(2024, 2, 28)), 2), datetime.date(2024, 3, 1)),
    (lambda: F.date_sub(F.lit(datetime.date(2024, 3, 1)), 1), datetime.date(2024, 2, 29)),
    (lambda: F.datediff(F.lit(datetime.date(2024, 3, 1)), F.lit(datetime.date(2024, 2, 1))), 29),
    (lambda: F.add_months(F.lit(datetime.date(2024, 1, 31)), 1), datetime.date(2024, 2, 29)),
    (lambda: F.last_day(F.lit(datetime.date(2023, 2, 3))), datetime.date(2023, 2, 28)),
    (lambda: F.date_format(F.lit(datetime.date(2024, 7, 4)), "yyyy/MM/dd"), "2024/07/04"),
    (lambda: F.to_date(F.lit("2024-07-04")), datetime.date(2024, 7, 4)),
    (lambda: F.to_date(F.lit("04.07.2024"), "dd.MM.yyyy"), datetime.date(2024, 7, 4)),
    (lambda: F.unix_timestamp(F.lit("1970-01-02 00:00:00")), 86400),
    (lambda: F.from_unixtime(F.lit(86400)), "1970-01-02 00:00:00"),
    (lambda: F.size(F.array(F.lit(1), F.lit(2))), 2),
    (lambda: F.array_contains(F.array(F.lit(1), F.lit(2)), 2), True),
    (lambda: F.element_at(F.array(F.lit(5), F.lit(6)), 2), 6),
    (lambda: F.sort_array(F.array(F.lit(2), F.lit(1), F.lit(3)), asc=False), [3, 2, 1]),
    (lambda: F.array_distinct(F.array(F.lit(1), F.lit(1), F.lit(2))), [1, 2]),
    (lambda: F.struct(F.lit(1).alias("a"), F.lit("x").alias("b")), Row(a=1, b="x")),
    (lambda: F.named_struct(F.lit("k"), F.lit(9)), Row(k=9)),
    (lambda: F.get_json_object(F.lit('{"a": {"b": 7}}'), "$.a.b"), "7"),
    (lambda: F.to_json(F.struct(F.lit(1).alias("a"))), '{"a":1}'),
    (lambda: F.from_json(F.lit('{"a": 3, "b": "q"}'), "a INT, b STRING"), Row(a=3, b="q")),
    (lambda: F.when(F.lit(1) > 0, "pos").otherwise("neg"), "pos"),
    (lambda: F.expr("1 + 2"), 3),
    (lambda: F.try_divide(F.lit(1), F.lit(0)), None),
    (lambda: F.isnull(F.lit(None)), True),
    (lambda: F.hex(F.lit(255)), "FF"),
    (lambda: F.conv(F.lit("ff"), 16, 10), "255"),
    (lambda: F.left(F.lit("abcd"), F.lit(2)), "ab"),
]


@pytest.mark.parametrize("make,expected", SCALARS, ids=[str(i) for i in range(len(SCALARS))])
def test_scalar_function_values(spark, make, expected):
    got = one(spark, make())
    if isinstance(expected, float):
        assert got == pytest.approx(expected)
    else:
        assert got == expected


def test_from_json_with_struct_type_and_options(spark):
    from sluice.sql.types import IntegerType, StructField, StructType

    schema = StructType([StructField("a", IntegerType())])
    assert one(spark, F.from_json(F.lit('{"a": 5}'), schema)) == Row(a=5)
    assert one(spark, F.from_json(F.lit("nope"), "a INT", {"mode": "PERMISSIVE"})) == Row(a=None)


def test_aggregates(spark):
    d = spark.createDataFrame([("a", 1, True), ("a", 2, False), ("b", None, True), ("b", 4, True)],
                              "k string, v int, f boolean")
    row = d.agg(
        F.count("v").alias("n"), F.count("*").alias("all"), F.sum("v").alias("s"), F.avg("v").alias("a"),
        F.mean("v").alias("m"), F.min("v").alias("lo"), F.max("v").alias("hi"),
        F.countDistinct("k").alias("dk"), F.sum_distinct(F.lit(1)).alias("sd"), F.count_if(d.f).alias("ci"),
        F.bool_and("f").alias("ba"), F.bool_or("f").alias("bo"), F.every("f").alias("ev"), F.some("f").alias("so"),
    ).collect()[0]
    assert (row.n, row.all, row.s, row.lo, row.hi, row.dk, row.sd, row.ci) == (3, 4, 7, 1, 4, 2, 1, 3)
    assert row.a == pytest.approx(7 / 3) and row.m == pytest.approx(7 / 3)
    assert (row.ba, row.bo, row.ev, row.so) == (False, True, False, True)
    lists = d.groupBy("k").agg(F.sort_array(F.collect_list("v")).alias("l"),
                               F.sort_array(F.collect_set("v")).alias("s")).orderBy("k").collect()
    assert lists == [Row(k="a", l=[1, 2], s=[1, 2]), Row(k="b", l=[4], s=[4])]
    firsts = d.groupBy("k").agg(F.first("v", ignorenulls=True).alias("f"),
                                F.last("v", ignorenulls=True).alias("l")).orderBy("k").collect()
    assert [(r.f, r.l) for r in firsts] == [(1, 2), (4, 4)]


def test_window_and_session_window_group_keys(spark):
    d = spark.sql("SELECT TIMESTAMP'2024-01-01 00:00:07' AS t UNION ALL SELECT TIMESTAMP'2024-01-01 00:00:12'")
    w = d.groupBy(F.window("t", "10 seconds")).count().orderBy("window").collect()

    def local(utc_seconds):  # collect() gives naive local wall time, as PySpark
        return datetime.datetime.fromtimestamp(utc_seconds)

    base = 1704067200  # 2024-01-01 00:00:00 UTC
    assert [(r.window.start, r.window.end, r["count"]) for r in w] == [
        (local(base), local(base + 10), 1), (local(base + 10), local(base + 20), 1)]
    s = d.groupBy(F.session_window("t", "10 seconds")).count().collect()
    assert [r["count"] for r in s] == [2]
    with pytest.raises(PySparkTypeError):
        F.window("t", 10)


def test_argument_kind_errors():
    with pytest.raises(PySparkTypeError, match="NOT_COLUMN_OR_STR"):
        F.upper(5)
    with pytest.raises(PySparkTypeError, match="NOT_STR"):
        F.date_format("d", 5)
    with pytest.raises(TypeError):
        F.upper()


def test_type_errors_come_from_the_engine(spark):
    with pytest.raises(AnalysisException):
        spark.range(1).select(F.sum(F.lit("x")))


def test_unsupported_functions_say_so():
    with pytest.raises(PySparkNotImplementedError, match="udf"):
        F.udf(lambda x: x)
    with pytest.raises(PySparkNotImplementedError, match="explode"):
        F.explode("a")
    with pytest.raises(PySparkNotImplementedError, match="stddev is not supported by Sluice: no such aggregate"):
        F.stddev("a")
    with pytest.raises(PySparkNotImplementedError, match="window functions"):
        F.row_number()


def test_col_lit_expr_column(spark):
    assert F.column("a")._render() == F.col("a")._render()
    assert one(spark, F.lit(decimal.Decimal("0.5"))) == decimal.Decimal("0.5")
    assert spark.range(2).select(F.expr("id * 2 AS d")).collect() == [Row(d=0), Row(d=2)]
    assert F.broadcast(spark.range(1)).count() == 1


def test_struct_of_star_is_the_row(spark):
    # The common Kafka sink pattern: each row as one JSON value.
    df = spark.createDataFrame([(1, "a"), (2, None)], "x int, y string")
    assert df.select(F.to_json(F.struct("*")).alias("value")).collect() == [
        Row(value='{"x":1,"y":"a"}'), Row(value='{"x":2}')]
    assert df.select(F.struct("*").alias("s")).schema.simpleString() == "struct<s:struct<x:int,y:string>>"


def test_approx_count_distinct_is_exact(spark):
    d = spark.createDataFrame([(1,), (2,), (2,), (None,)], "v int")
    assert d.agg(F.approx_count_distinct("v")).collect() == [Row(**{"approx_count_distinct(v)": 2})]
