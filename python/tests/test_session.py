"""SparkSession: builder, conf, sql, table, range, createDataFrame dispatch."""

import pytest

from sluice.errors import AnalysisException, IllegalArgumentException, ParseException, PySparkTypeError
from sluice.sql import DataFrame, Row, SparkSession


def test_builder_get_or_create_returns_the_active_session():
    a = SparkSession.builder.appName("one").config("spark.some.key", "v").getOrCreate()
    b = SparkSession.builder.master("local[*]").getOrCreate()
    assert a is b
    assert SparkSession.getActiveSession() is a and SparkSession.active() is a
    assert a.conf.get("spark.app.name") == "one" and a.conf.get("spark.some.key") == "v"
    assert a.conf.get("spark.nope", "dflt") == "dflt"


def test_builder_config_forms():
    s = SparkSession.builder.config(map={"k1": "1"}).config("k2", True).create()
    assert s is not SparkSession.getActiveSession()
    assert s.conf.get("k1") == "1" and s.conf.get("k2") == "true"


def test_conf_goes_through_the_engine():
    spark = SparkSession.builder.getOrCreate()
    spark.conf.set("spark.sql.shuffle.partitions", 7)
    assert spark.conf.get("spark.sql.shuffle.partitions") == "7"
    assert spark.sql("SET spark.sql.shuffle.partitions").collect() == [
        Row(key="spark.sql.shuffle.partitions", value="7")]
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    # The engine is UTC only: another zone is refused (by the engine's SET).
    with pytest.raises(IllegalArgumentException, match="timeZone"):
        spark.conf.set("spark.sql.session.timeZone", "Europe/Paris")
    assert spark.conf.isModifiable("spark.sql.shuffle.partitions")


def test_sql_select_gives_a_lazy_dataframe():
    spark = SparkSession.builder.getOrCreate()
    df = spark.sql("SELECT 1 AS a, 'x' AS b")
    assert isinstance(df, DataFrame)
    assert df.collect() == [Row(a=1, b="x")]


def test_sql_ddl_runs_at_once_and_gives_an_empty_dataframe():
    spark = SparkSession.builder.getOrCreate()
    out = spark.sql("CREATE OR REPLACE TEMPORARY VIEW sess_v AS SELECT 41 + 1 AS answer")
    # As PySpark: the view exists now, before any action on `out`.
    assert out.collect() == [] and out.columns == []
    assert spark.table("sess_v").collect() == [Row(answer=42)]
    assert spark.read.table("sess_v").count() == 1
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
        spark.table("no_such_view")


def test_sql_errors():
    spark = SparkSession.builder.getOrCreate()
    with pytest.raises(ParseException):
        spark.sql("SELEC 1")
    with pytest.raises(AnalysisException):
        spark.sql("SELECT nope")
    with pytest.raises(NotImplementedError):
        spark.sql("SELECT {x}", args={"x": 1})


def test_range():
    spark = SparkSession.builder.getOrCreate()
    assert spark.range(3).collect() == [Row(id=0), Row(id=1), Row(id=2)]
    assert [r.id for r in spark.range(2, 10, 3).collect()] == [2, 5, 8]
    assert [r.id for r in spark.range(5, 0, -2).collect()] == [5, 3, 1]
    assert spark.range(3).dtypes == [("id", "bigint")]
    with pytest.raises(PySparkTypeError):
        spark.range("3")
    with pytest.raises(IllegalArgumentException):
        spark.range(0, 3, 0)


def test_create_dataframe_dispatch_and_stop():
    spark = SparkSession.builder.getOrCreate()
    assert spark.createDataFrame([(1,)], ["a"]).collect() == [Row(a=1)]
    with SparkSession.builder.create() as s:
        assert s.range(1).count() == 1
    assert spark.version


def test_queries_run_without_the_gil():
    # While collect() runs a query of about a second on another thread, this
    # thread keeps running Python: the binding released the GIL.
    import threading
    import time

    from sluice.sql import functions as F

    spark = SparkSession.builder.create()  # default settings
    # (spark.range materializes its rows when made: a cross join makes the
    # rows while the query runs.)
    left = spark.range(20_000)
    for m in (1_000, 10_000, 50_000):
        n = 20_000 * m
        df = left.crossJoin(spark.range(m).withColumnRenamed("id", "j")).agg(F.count("*").alias("s"))
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("rows", df.collect()))
        ticks = 0
        start = time.monotonic()
        t.start()
        while t.is_alive():
            ticks += 1
            time.sleep(0.002)
        elapsed = time.monotonic() - start
        t.join()
        assert result["rows"] == [Row(s=n)]
        if elapsed >= 0.2:
            break
    else:
        pytest.skip("the query was too quick (%.3fs) to tell" % elapsed)
    # Held GIL: a handful of ticks at most (before and after the query).
    assert ticks > 30, (ticks, elapsed)


def test_catalog():
    spark = SparkSession.builder.create()
    spark.range(2).createOrReplaceTempView("cat_v1")
    spark.sql("CREATE OR REPLACE TEMPORARY VIEW cat_v2 AS SELECT 1 AS a")
    names = [t.name for t in spark.catalog.listTables()]
    assert "cat_v1" in names and "cat_v2" in names
    v1 = [t for t in spark.catalog.listTables() if t.name == "cat_v1"][0]
    assert v1.isTemporary and v1.tableType == "TEMPORARY"
    assert spark.catalog.tableExists("cat_v1") and not spark.catalog.tableExists("cat_nope")
    assert spark.catalog.dropTempView("cat_v1") is True
    assert spark.catalog.dropTempView("cat_v1") is False
    assert not spark.catalog.tableExists("cat_v1")
    with pytest.raises(AnalysisException):
        spark.table("cat_v1")
    assert spark.catalog.currentDatabase() == "default"
