"""DataFrame methods (sluice.sql.DataFrame). Expected rows are worked out by
hand; the show()/printSchema() texts were printed by pyspark 4.3.0 for the
same calls (local mode, session time zone UTC)."""

import pytest

from sluice.errors import (
    AnalysisException,
    IllegalArgumentException,
    ParseException,
    PySparkAttributeError,
    PySparkTypeError,
    PySparkValueError,
)
from sluice.sql import DataFrame, Row, SparkSession
from sluice.sql import functions as F
from sluice.sql.types import IntegerType, StringType, StructField, StructType

# Printed by pyspark 4.3.0 (local mode, session time zone UTC) for the same calls.
PYSPARK_SHOW = '+---+---+---+------+----+--------------------+----------+----------+--------------------+------------+---------+----+----+\n|  i|  l|  d|   big| dec|                   s|         b|        dt|                  ts|         arr|       st|  bo|   n|\n+---+---+---+------+----+--------------------+----------+----------+--------------------+------------+---------+----+----+\n|  1|  2|1.5|1.0E10|1.20|hello world, a lo...|[01 02 FF]|2024-01-02|2024-01-02 03:04:...|[1, NULL, 3]|{1, NULL}|true|NULL|\n+---+---+---+------+----+--------------------+----------+----------+--------------------+------------+---------+----+----+\n\n+---+---+---+------+----+--------------------------------+----------+----------+-----------------------+------------+---------+----+----+\n|i  |l  |d  |big   |dec |s                               |b         |dt        |ts                     |arr         |st       |bo  |n   |\n+---+---+---+------+----+--------------------------------+----------+----------+-----------------------+------------+---------+----+----+\n|1  |2  |1.5|1.0E10|1.20|hello world, a long string value|[01 02 FF]|2024-01-02|2024-01-02 03:04:05.123|[1, NULL, 3]|{1, NULL}|true|NULL|\n+---+---+---+------+----+--------------------------------+----------+----------+-----------------------+------------+---------+----+----+\n\n+---+---+---+-----+----+-----+-----+-----+-----+-----+-----+----+----+\n|  i|  l|  d|  big| dec|    s|    b|   dt|   ts|  arr|   st|  bo|   n|\n+---+---+---+-----+----+-----+-----+-----+-----+-----+-----+----+----+\n|  1|  2|1.5|1....|1.20|he...|[0...|20...|20...|[1...|{1...|true|NULL|\n+---+---+---+-----+----+-----+-----+-----+-----+-----+-----+----+----+\n\n-RECORD 0-------------------\n i   | 1                    \n l   | 2                    \n d   | 1.5                  \n big | 1.0E10               \n dec | 1.20                 \n s   | hello world, a lo... \n b   | [01 02 FF]           \n dt  | 2024-01-02           \n ts  | 2024-01-02 03:04:... \n arr | [1, NULL, 3]         \n st  | {1, NULL}            \n bo  | true                 \n n   | NULL                 \n\n-RECORD 0--\n i   | 1   \n l   | 2   \n d   | 1.5 \n big | 1.0 \n dec | 1.2 \n s   | hel \n b   | [01 \n dt  | 202 \n ts  | 202 \n arr | [1, \n st  | {1, \n bo  | tru \n n   | NUL \n\n'

PYSPARK_TREE = 'root\n |-- i: integer (nullable = false)\n |-- l: long (nullable = false)\n |-- d: double (nullable = false)\n |-- big: double (nullable = false)\n |-- dec: decimal(5,2) (nullable = true)\n |-- s: string (nullable = false)\n |-- b: binary (nullable = false)\n |-- dt: date (nullable = false)\n |-- ts: timestamp (nullable = false)\n |-- arr: array (nullable = false)\n |    |-- element: integer (containsNull = true)\n |-- st: struct (nullable = false)\n |    |-- x: integer (nullable = false)\n |    |-- y: string (nullable = true)\n |-- bo: boolean (nullable = false)\n |-- n: integer (nullable = true)\n\n'

PYSPARK_RANGE_SHOW = '+---+\n| id|\n+---+\n|  0|\n|  1|\n|  2|\n|  3|\n|  4|\n|  5|\n|  6|\n|  7|\n|  8|\n|  9|\n| 10|\n| 11|\n| 12|\n| 13|\n| 14|\n| 15|\n| 16|\n| 17|\n| 18|\n| 19|\n+---+\nonly showing top 20 rows\n+---+\n| id|\n+---+\n|  0|\n|  1|\n+---+\nonly showing top 2 rows\n+---+\n| id|\n+---+\n|  0|\n+---+\n\n'

ALL_TYPES = """SELECT 1 AS i, CAST(2 AS BIGINT) AS l, 1.5D AS d, 1e10D AS big, CAST('1.20' AS DECIMAL(5,2)) AS dec,
  'hello world, a long string value' AS s, X'0102FF' AS b, DATE'2024-01-02' AS dt,
  TIMESTAMP'2024-01-02 03:04:05.123' AS ts, array(1, NULL, 3) AS arr,
  named_struct('x', 1, 'y', CAST(NULL AS STRING)) AS st, true AS bo, CAST(NULL AS INT) AS n"""


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.appName("test_dataframe").getOrCreate()


@pytest.fixture()
def df(spark):
    return spark.createDataFrame([(1, "a", None), (2, "b", 3)], "x int, y string, z int")


@pytest.fixture()
def d2(spark):
    return spark.createDataFrame([(1, "p")], "x int, w string")


def test_show_matches_pyspark(spark, capsys):
    df = spark.sql(ALL_TYPES)
    df.show()
    df.show(truncate=False)
    df.show(truncate=5)
    df.show(vertical=True)
    df.show(vertical=True, truncate=3)
    assert capsys.readouterr().out == PYSPARK_SHOW


def test_show_rows_left_out_and_n(spark, capsys):
    spark.range(30).show()
    spark.range(3).show(2)
    spark.range(1).show(1)
    assert capsys.readouterr().out == PYSPARK_RANGE_SHOW


def test_show_empty_and_bad_arguments(spark, capsys):
    spark.createDataFrame([], "a int").show()
    assert capsys.readouterr().out == "+---+\n|  a|\n+---+\n+---+\n\n"
    with pytest.raises(PySparkTypeError):
        spark.range(1).show(n="3")
    with pytest.raises(PySparkTypeError):
        spark.range(1).show(truncate="yes")


def test_show_escapes_newlines_and_wide_characters(spark, capsys):
    spark.createDataFrame([("a\nb", "日本")], ["s", "t"]).show()
    # \n shown as the two characters \ and n; each CJK character is two columns wide.
    assert capsys.readouterr().out == (
        "+----+----+\n"
        "|   s|   t|\n"
        "+----+----+\n"
        "|a\\nb|日本|\n"
        "+----+----+\n\n"
    )


def test_print_schema_and_dtypes(spark, capsys):
    df = spark.sql(ALL_TYPES)
    df.printSchema()
    out = capsys.readouterr().out
    # Sluice's CAST(string AS DECIMAL) is NOT NULL; Spark's is nullable (the only difference).
    assert out == PYSPARK_TREE.replace("dec: decimal(5,2) (nullable = true)", "dec: decimal(5,2) (nullable = false)")
    assert df.dtypes == [
        ("i", "int"), ("l", "bigint"), ("d", "double"), ("big", "double"), ("dec", "decimal(5,2)"), ("s", "string"),
        ("b", "binary"), ("dt", "date"), ("ts", "timestamp"), ("arr", "array<int>"), ("st", "struct<x:int,y:string>"),
        ("bo", "boolean"), ("n", "int"),
    ]


def test_schema_columns_repr(df):
    assert df.schema == StructType([StructField("x", IntegerType()), StructField("y", StringType()),
                                    StructField("z", IntegerType())])
    assert df.columns == ["x", "y", "z"]
    assert repr(df) == "DataFrame[x: int, y: string, z: int]"
    assert isinstance(df, DataFrame) and not df.isStreaming


def test_collect_take_first_head_count(df):
    assert df.collect() == [Row(x=1, y="a", z=None), Row(x=2, y="b", z=3)]
    assert df.take(1) == [Row(x=1, y="a", z=None)]
    assert df.first() == Row(x=1, y="a", z=None)
    assert df.head() == Row(x=1, y="a", z=None)
    assert df.head(2) == df.collect()
    assert df.count() == 2
    assert df.filter("x > 5").first() is None
    assert df.filter("x > 5").isEmpty() and not df.isEmpty()
    assert df.tail(1) == [Row(x=2, y="b", z=3)]


def test_select_forms(df):
    assert df.select("x").collect() == [Row(x=1), Row(x=2)]
    assert df.select(["y", "x"]).collect() == [Row(y="a", x=1), Row(y="b", x=2)]
    assert df.select(df.x, df["y"], F.col("z")).columns == ["x", "y", "z"]
    assert df.select("*").columns == ["x", "y", "z"]
    assert df.select((df.x * 10).alias("t")).collect() == [Row(t=10), Row(t=20)]
    assert df[["x"]].columns == ["x"]
    assert df[df.x > 1].collect() == [Row(x=2, y="b", z=3)]
    assert df.select(df[0]).columns == ["x"]


def test_nested_names_as_pyspark(spark):
    # Names printed by pyspark 4.3.0 for the same selects.
    d = spark.sql("SELECT named_struct('a', 1, 'b', named_struct('c', 'deep')) AS s, array(10, 20, 30) AS arr")
    assert d.select(d.s.getField("a"), d.s.a, d.s["b"]["c"], F.col("s.b.c"), d.arr.getItem(1), d.arr[0]).columns == [
        "s.a", "s.a", "s.b.c", "c", "arr[1]", "arr[0]"]
    assert spark.range(1).select(F.first("id", True)).columns == ["first(id)"]
    assert d.select(F.struct(F.lit(1).alias("q"), "arr")).columns == ["struct(1 AS q, arr)"]


def test_select_expr(df):
    assert df.selectExpr("x + 1 AS q", "upper(y)").collect() == [Row(q=2, **{"upper(y)": "A"}),
                                                              Row(q=3, **{"upper(y)": "B"})]


def test_filter_where(df):
    assert df.filter(df.x > 1).collect() == [Row(x=2, y="b", z=3)]
    assert df.where("y = 'a'").collect() == [Row(x=1, y="a", z=None)]
    assert df.filter(df.z.isNull()).count() == 1
    with pytest.raises(PySparkTypeError):
        df.filter(3)


def test_with_column_renamed_drop(df):
    out = df.withColumn("x2", df.x * 2).withColumnRenamed("y", "yy").drop("z")
    assert out.collect() == [Row(x=1, yy="a", x2=2), Row(x=2, yy="b", x2=4)]
    # withColumn on an existing name replaces it in place.
    assert df.withColumn("x", F.lit(0)).collect() == [Row(x=0, y="a", z=None), Row(x=0, y="b", z=3)]
    assert df.drop(df.y).columns == ["x", "z"]
    assert df.drop("nope").columns == ["x", "y", "z"]
    assert df.withColumns({"a": F.lit(1), "b": df.x + 1}).columns == ["x", "y", "z", "a", "b"]
    assert df.toDF("p", "q", "r").columns == ["p", "q", "r"]
    with pytest.raises(PySparkTypeError):
        df.withColumn("a", 1)


def test_group_by(df, spark):
    data = spark.createDataFrame([("a", 1, 2.0), ("a", 3, 4.0), ("b", 5, None)], "k string, v int, w double")
    out = data.groupBy("k").agg(F.sum("v").alias("s"), F.count("*").alias("n"), F.max(data.w)).orderBy("k")
    assert out.collect() == [Row(k="a", s=4, n=2, **{"max(w)": 4.0}), Row(k="b", s=5, n=1, **{"max(w)": None})]
    assert data.groupBy("k").count().orderBy("k").collect() == [Row(k="a", count=2), Row(k="b", count=1)]
    assert data.groupBy("k").sum().orderBy("k").collect() == [Row(k="a", **{"sum(v)": 4, "sum(w)": 6.0}),
                                                             Row(k="b", **{"sum(v)": 5, "sum(w)": None})]
    assert data.groupBy(data.k).avg("v").orderBy("k").collect() == [Row(k="a", **{"avg(v)": 2.0}),
                                                                   Row(k="b", **{"avg(v)": 5.0})]
    assert data.groupBy().min("v").collect() == [Row(**{"min(v)": 1})]
    assert data.groupBy().max().columns == ["max(v)", "max(w)"]
    assert data.groupBy("k").mean("v").columns == ["k", "avg(v)"]
    assert data.agg({"v": "sum"}).collect() == [Row(**{"sum(v)": 9})]
    assert data.groupBy("k").agg({"v": "max", "w": "min"}).orderBy("k").collect() == [
        Row(k="a", **{"max(v)": 3, "min(w)": 2.0}), Row(k="b", **{"max(v)": 5, "min(w)": None})]
    assert data.agg(F.count(F.lit(1))).collect() == [Row(**{"count(1)": 3})]
    with pytest.raises(AnalysisException):
        data.groupBy("k").sum("k")
    with pytest.raises(AnalysisException):
        data.agg({"v": "median_of_nothing"})


def test_join_on_names_and_every_how(df, d2):
    assert df.join(d2, "x").collect() == [Row(x=1, y="a", z=None, w="p")]
    assert df.join(d2, ["x"], "left").orderBy("x").collect() == [Row(x=1, y="a", z=None, w="p"),
                                                                 Row(x=2, y="b", z=3, w=None)]
    assert df.join(d2, "x", "right").collect() == [Row(x=1, y="a", z=None, w="p")]
    assert df.join(d2, "x", "outer").orderBy("x").collect() == [Row(x=1, y="a", z=None, w="p"),
                                                                Row(x=2, y="b", z=3, w=None)]
    assert df.join(d2, "x", "full_outer").count() == 2
    assert df.join(d2, "x", "left_semi").collect() == [Row(x=1, y="a", z=None)]
    assert df.join(d2, "x", "left_anti").collect() == [Row(x=2, y="b", z=3)]
    assert df.join(d2, "x", "leftanti").collect() == [Row(x=2, y="b", z=3)]
    assert df.crossJoin(d2).count() == 2
    assert df.join(d2).count() == 2
    with pytest.raises(Exception):
        df.join(d2, "x", "sideways")


def test_join_on_column_from_each_side(df, d2):
    # PySpark resolves df.x to df's column even though both sides have x.
    joined = df.join(d2, df.x == d2.x)
    assert joined.columns == ["x", "y", "z", "x", "w"]
    assert joined.select(df.x, d2.w).collect() == [Row(x=1, w="p")]
    assert joined.filter(d2.w == "p").select(df.y).collect() == [Row(y="a")]
    left = df.join(d2, df.x == d2.x, "left").select(df.x, d2.x.alias("x2")).orderBy(df.x)
    assert left.collect() == [Row(x=1, x2=1), Row(x=2, x2=None)]
    assert df.join(d2, [df.x == d2.x, d2.w == "p"]).count() == 1
    # Through withColumn / withColumnRenamed / drop too.
    derived = joined.withColumn("k", d2.x + 100).withColumnRenamed("y", "yy").drop("z")
    assert derived.select(df.x, d2.x.alias("x2"), "k", "yy").collect() == [Row(x=1, x2=1, k=101, yy="a")]
    # Aliases name the sides too.
    aliased = df.alias("a").join(d2.alias("b"), F.col("a.x") == F.col("b.x")).select("a.x", "b.w")
    assert aliased.collect() == [Row(x=1, w="p")]


def test_union_and_union_by_name(spark, df):
    other = spark.createDataFrame([(3, "c", 9)], "x int, y string, z int")
    assert df.union(other).count() == 3
    assert df.unionAll(other).collect()[-1] == Row(x=3, y="c", z=9)
    swapped = spark.createDataFrame([(9, "c", 3)], "z int, y string, x int")
    assert df.unionByName(swapped).collect()[-1] == Row(x=3, y="c", z=9)
    partial = spark.createDataFrame([(5, "q")], "x int, w string")
    assert df.unionByName(partial, allowMissingColumns=True).collect() == [
        Row(x=1, y="a", z=None, w=None), Row(x=2, y="b", z=3, w=None), Row(x=5, y=None, z=None, w="q")]
    with pytest.raises(AnalysisException, match='Cannot resolve column name "y" among \\(x, w\\)'):
        df.unionByName(partial)
    with pytest.raises(AnalysisException):
        df.union(partial)
    # INT and BIGINT widen to BIGINT (as Spark).
    wide = spark.createDataFrame([(1,)], "a int").union(spark.createDataFrame([(2**40,)], "a bigint"))
    assert wide.dtypes == [("a", "bigint")] and wide.collect() == [Row(a=1), Row(a=2**40)]
    assert spark.createDataFrame([(1.5,)], "a double").union(spark.createDataFrame([(2,)], "a int")).collect() == [
        Row(a=1.5), Row(a=2.0)]


def test_distinct_drop_duplicates(spark):
    data = spark.createDataFrame([(1, "a"), (1, "a"), (1, "b")], ["k", "v"])
    assert data.distinct().count() == 2
    assert data.dropDuplicates().count() == 2
    assert data.dropDuplicates(["k"]).count() == 1
    assert data.drop_duplicates(["v"]).count() == 2
    with pytest.raises(AnalysisException):
        data.dropDuplicates(["nope"])
    with pytest.raises(PySparkTypeError):
        data.dropDuplicates("k")


def test_order_by_sort_limit(df):
    assert [r.x for r in df.orderBy("x", ascending=False).collect()] == [2, 1]
    assert [r.x for r in df.sort(["y", "x"], ascending=[False, True]).collect()] == [2, 1]
    assert [r.x for r in df.orderBy(F.desc("x")).collect()] == [2, 1]
    # NULL first when ascending (Spark's default), last when asked.
    assert [r.z for r in df.orderBy("z").collect()] == [None, 3]
    assert [r.z for r in df.orderBy(df.z.asc_nulls_last()).collect()] == [3, None]
    assert [r.z for r in df.orderBy(df.z.desc()).collect()] == [3, None]
    assert [r.z for r in df.orderBy(df.z.desc_nulls_first()).collect()] == [None, 3]
    assert df.limit(1).count() == 1 and df.limit(0).count() == 0
    with pytest.raises(PySparkValueError):
        df.orderBy("x", "y", ascending=[True])


def test_alias_and_temp_views(spark, df):
    df.createOrReplaceTempView("t_df_view")
    assert spark.sql("SELECT sum(x) AS s FROM t_df_view").collect() == [Row(s=3)]
    assert spark.table("t_df_view").count() == 2
    assert df.alias("q").select("q.y").collect() == [Row(y="a"), Row(y="b")]
    df.createTempView("t_df_view_once")
    with pytest.raises(AnalysisException):
        df.createTempView("t_df_view_once")


def test_with_watermark_needs_a_timestamp(spark, df):
    with pytest.raises(AnalysisException, match="EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE"):
        df.withWatermark("x", "1 minute")
    ts = spark.sql("SELECT TIMESTAMP'2024-01-01 00:00:00' AS t, 1 AS v")
    assert ts.withWatermark("t", "10 seconds").collect() == ts.collect()


def test_explain(df, capsys):
    df.filter("x > 1").explain()
    simple = capsys.readouterr().out
    assert simple.startswith("== Physical Plan ==\n") and "Analyzed" not in simple
    assert simple.endswith("\n\n\n") and not simple.endswith("\n\n\n\n")  # as PySpark's
    df.filter("x > 1").explain(True)
    extended = capsys.readouterr().out
    assert "== Analyzed Logical Plan ==" in extended and "== Physical Plan ==" in extended
    assert extended.endswith("\n\n") and not extended.endswith("\n\n\n")
    df.explain(mode="extended")
    assert "== Optimized Logical Plan ==" in capsys.readouterr().out
    df.explain("simple")
    assert capsys.readouterr().out.startswith("== Physical Plan ==")
    with pytest.raises(IllegalArgumentException, match="Unknown explain mode: bogus"):
        df.explain(mode="bogus")
    with pytest.raises(PySparkValueError):
        df.explain(True, mode="simple")


def test_column_access_errors(df):
    with pytest.raises(PySparkAttributeError, match="ATTRIBUTE_NOT_SUPPORTED"):
        df.nope
    with pytest.raises(AnalysisException, match="UNRESOLVED_COLUMN"):
        df["nope"]
    with pytest.raises(AnalysisException, match="UNRESOLVED_COLUMN"):
        df.select("nope")
    with pytest.raises(PySparkValueError):
        df[7]


def test_analysis_errors_are_raised_by_the_transformation(df):
    # As PySpark: the error comes from select(), not from a later action.
    with pytest.raises(AnalysisException):
        df.select(F.col("x") + F.col("nope"))
    with pytest.raises(ParseException):
        df.selectExpr("x +")


def test_intersect_subtract(spark):
    a = spark.createDataFrame([(1, "a"), (1, "a"), (2, None), (3, "c")], "k int, v string")
    b = spark.createDataFrame([(1, "a"), (2, None)], "x int, y string")
    # Distinct rows; NULL matches NULL (set semantics); names from the left.
    assert a.intersect(b).orderBy("k").collect() == [Row(k=1, v="a"), Row(k=2, v=None)]
    assert a.subtract(b).collect() == [Row(k=3, v="c")]
    with pytest.raises(AnalysisException, match="NUM_COLUMNS_MISMATCH"):
        a.intersect(spark.range(1))
    with pytest.raises(NotImplementedError):
        a.exceptAll(b)


def test_fillna_dropna(spark):
    n = spark.createDataFrame([(None, None, 1.5), (2, "q", None)], "i int, s string, d double")
    # A number fills the numeric columns (cast to each), a str the string ones.
    assert n.fillna(0).collect() == [Row(i=0, s=None, d=1.5), Row(i=2, s="q", d=0.0)]
    assert n.fillna("z").collect() == [Row(i=None, s="z", d=1.5), Row(i=2, s="q", d=None)]
    assert n.na.fill({"i": 9, "s": "w"}).collect() == [Row(i=9, s="w", d=1.5), Row(i=2, s="q", d=None)]
    assert n.fillna(1.7, ["i"]).collect() == [Row(i=1, s=None, d=1.5), Row(i=2, s="q", d=None)]
    assert n.dropna().collect() == []
    assert n.na.drop(how="all").count() == 2
    assert n.dropna(thresh=2).collect() == [Row(i=2, s="q", d=None)]
    assert n.dropna(subset=["s"]).collect() == [Row(i=2, s="q", d=None)]
    with pytest.raises(PySparkValueError):
        n.dropna(how="some")
    with pytest.raises(PySparkTypeError):
        n.fillna([1])


def test_hints_are_no_ops_and_transform(df):
    assert df.cache().persist().repartition(4).coalesce(1).hint("broadcast").unpersist().collect() == df.collect()
    assert df.transform(lambda d, k: d.limit(k), 1).count() == 1
    with pytest.raises(PySparkTypeError):
        df.transform(lambda d: 3)


def test_drop_a_reference_keeps_the_other_sides_column(spark):
    left = spark.createDataFrame([(1, "a"), (2, "b")], "id int, v string")
    right = spark.createDataFrame([(1, "p")], "id int, w string")
    joined = left.join(right, left.id == right.id).drop(right.id)
    assert joined.columns == ["id", "v", "w"]
    assert joined.collect() == [Row(id=1, v="a", w="p")]
    assert left.join(right, left.id == right.id, "left").drop(left.id).orderBy("v").collect() == [
        Row(v="a", id=1, w="p"), Row(v="b", id=None, w=None)]
    # Not a column here: nothing happens (as Spark); an ambiguous name is an error.
    assert left.drop(right.w).columns == ["id", "v"]
    with pytest.raises(AnalysisException):
        left.join(right, left.id == right.id).drop(F.col("id"))


def test_join_using_keeps_each_sides_references(spark):
    left = spark.createDataFrame([(1, "L")], "id int, name string")
    right = spark.createDataFrame([(1, "R")], "id int, name string")
    joined = left.join(right, "id")
    assert joined.columns == ["id", "name", "name"]
    assert joined.select(left.name.alias("l"), right.name.alias("r")).collect() == [Row(l="L", r="R")]


def test_table_qualifiers_survive_joins(spark):
    spark.createDataFrame([(1, "a")], "id int, v string").createOrReplaceTempView("jq_t")
    spark.createDataFrame([(1, "b")], "id int, v string").createOrReplaceTempView("jq_u")
    t, u = spark.table("jq_t"), spark.table("jq_u")
    out = t.join(u, F.col("jq_t.id") == F.col("jq_u.id")).select(F.col("jq_t.v").alias("tv"), u.v.alias("uv"))
    assert out.collect() == [Row(tv="a", uv="b")]
