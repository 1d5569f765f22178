"""Arrow and pandas: DataFrame.toArrow / toPandas / __arrow_c_stream__ and
createDataFrame from pandas, pyarrow and any Arrow PyCapsule producer.

Expected types, values and pandas dtypes were taken from runs of pyspark
4.3.0 (local mode, spark.sql.session.timeZone=UTC, Arrow enabled, its
default) on the same queries, or worked out by hand where noted.
"""

import datetime
import decimal
import gc

import pytest

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")
pd = pytest.importorskip("pandas", reason="pandas is not installed")
np = pytest.importorskip("numpy", reason="numpy is not installed")

from sluice.errors import IllegalArgumentException  # noqa: E402
from sluice.sql import Row, SparkSession  # noqa: E402
from sluice.sql.types import (  # noqa: E402
    ArrayType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.appName("test_arrow").getOrCreate()


# Every type, NULLs in every column but the non-nullable ones. The nested
# values avoid a union of struct/array branches whose nullability differs
# (see test_union_nullability below).
ALL_TYPES = """
SELECT CAST(1 AS INT) AS i, CAST(NULL AS INT) AS ni, 2L AS b, 1.5D AS d, CAST(1.25 AS DECIMAL(10,2)) AS dec,
       'x' AS s, CAST('ab' AS BINARY) AS bin, true AS t, CAST(NULL AS BOOLEAN) AS nt, DATE'2024-01-02' AS dt,
       TIMESTAMP'2024-01-02 03:04:05.123456' AS ts, array(1, 2) AS arr,
       named_struct('a', CAST(NULL AS INT), 'b', CAST('z' AS STRING)) AS st, NULL AS nul,
       array(named_struct('x', CAST(1 AS INT))) AS aos, CAST(NULL AS STRING) AS ns
UNION ALL
SELECT 2, 3, NULL, NULL, NULL, NULL, NULL, false, true, NULL, NULL, NULL,
       named_struct('a', 2, 'b', CAST('w' AS STRING)), NULL, NULL, 'q'
"""


def _strip_nullability(t):
    """An Arrow type with every nested field nullable (engine and Spark
    differ on the nullability of array elements: DESIGN note in
    docs/python.md)."""
    if pa.types.is_struct(t):
        return pa.struct([pa.field(t.field(i).name, _strip_nullability(t.field(i).type)) for i in range(t.num_fields)])
    if pa.types.is_list(t):
        return pa.list_(_strip_nullability(t.value_type))
    return t


# pyspark 4.3.0's toArrow() schema of ALL_TYPES (name, type, nullable).
PYSPARK_ARROW_SCHEMA = [
    ("i", pa.int32(), False),
    ("ni", pa.int32(), True),
    ("b", pa.int64(), True),
    ("d", pa.float64(), True),
    ("dec", pa.decimal128(10, 2), True),
    ("s", pa.string(), True),
    ("bin", pa.binary(), True),
    ("t", pa.bool_(), False),
    ("nt", pa.bool_(), True),
    ("dt", pa.date32(), True),
    ("ts", pa.timestamp("us", tz="UTC"), True),
    ("arr", pa.list_(pa.int32()), True),
    ("st", pa.struct([("a", pa.int32()), ("b", pa.string())]), False),
    ("nul", pa.null(), True),
    ("aos", pa.list_(pa.struct([("x", pa.int32())])), True),
    ("ns", pa.string(), True),
]

ALL_TYPES_ROWS = [
    {
        "i": 1, "ni": None, "b": 2, "d": 1.5, "dec": decimal.Decimal("1.25"), "s": "x", "bin": b"ab", "t": True,
        "nt": None, "dt": datetime.date(2024, 1, 2),
        "ts": datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), "arr": [1, 2],
        "st": {"a": None, "b": "z"}, "nul": None, "aos": [{"x": 1}], "ns": None,
    },
    {
        "i": 2, "ni": 3, "b": None, "d": None, "dec": None, "s": None, "bin": None, "t": False, "nt": True,
        "dt": None, "ts": None, "arr": None, "st": {"a": 2, "b": "w"}, "nul": None, "aos": None, "ns": "q",
    },
]


def _rows(table):
    rows = table.to_pylist()
    for r in rows:
        if r.get("ts") is not None:
            r["ts"] = r["ts"].astimezone(UTC)
    return rows


# --- toArrow -------------------------------------------------------------------


def test_to_arrow_types_and_values_as_pyspark(spark):
    table = spark.sql(ALL_TYPES).toArrow()
    assert isinstance(table, pa.Table)
    table.validate(full=True)
    got = [(f.name, _strip_nullability(f.type), f.nullable) for f in table.schema]
    assert got == [(n, _strip_nullability(t), nullable) for n, t, nullable in PYSPARK_ARROW_SCHEMA]
    assert _rows(table) == ALL_TYPES_ROWS


def test_to_arrow_empty_result_keeps_the_schema(spark):
    table = spark.sql("SELECT 1 AS a, 'x' AS s WHERE false").toArrow()
    assert table.num_rows == 0
    assert table.schema == pa.schema([pa.field("a", pa.int32(), False), pa.field("s", pa.string(), False)])


def test_to_arrow_multi_batch_result(spark):
    # 5000 rows leave the engine as batches of 2048, 2048 and 904 rows.
    table = spark.sql(
        "SELECT id, CASE WHEN id % 5 = 0 THEN NULL ELSE concat('v', CAST(id AS STRING)) END AS s FROM range(0, 5000)"
    ).toArrow()
    table.validate(full=True)
    assert table.num_rows == 5000
    assert [len(c) for c in table.column("id").chunks] == [2048, 2048, 904]
    ids = table.column("id").to_pylist()
    assert ids == list(range(5000))
    assert table.column("s").to_pylist() == [None if i % 5 == 0 else "v%d" % i for i in range(5000)]
    assert table.column("s").null_count == 1000


def test_to_arrow_outlives_the_dataframe_and_session(spark):
    df = spark.sql("SELECT id, id * 2 AS twice FROM range(0, 3000)")
    table = df.toArrow()
    del df
    gc.collect()
    assert table.column("twice").to_pylist() == [2 * i for i in range(3000)]


def test_decimals_keep_precision_and_scale(spark):
    table = spark.sql(
        "SELECT CAST('12345678901234567890.123456789012345678' AS DECIMAL(38,18)) AS big, "
        "CAST(-0.5 AS DECIMAL(3,1)) AS neg"
    ).toArrow()
    assert table.schema.field("big").type == pa.decimal128(38, 18)
    assert table.column("big").to_pylist() == [decimal.Decimal("12345678901234567890.123456789012345678")]
    assert table.column("neg").to_pylist() == [decimal.Decimal("-0.5")]


def test_timestamps_are_utc_instants(spark):
    # 2024-03-10 01:30:00 UTC is 1710034200 s after the epoch (by hand:
    # 19792 days * 86400 + 5400).
    table = spark.sql("SELECT TIMESTAMP'2024-03-10 01:30:00' AS ts, TIMESTAMP'1969-12-31 23:59:59.5' AS old").toArrow()
    assert table.schema.field("ts").type == pa.timestamp("us", tz="UTC")
    assert table.column("ts").cast(pa.int64()).to_pylist() == [1710034200 * 1_000_000]
    assert table.column("old").cast(pa.int64()).to_pylist() == [-500_000]


# --- toPandas ------------------------------------------------------------------


def test_to_pandas_dtypes_and_values_as_pyspark(spark):
    pdf = spark.sql(ALL_TYPES).toPandas()
    # pyspark 4.3.0's dtypes (pandas 3, Arrow enabled and disabled alike).
    expected = {
        "i": "int32", "ni": "float64", "b": "float64", "d": "float64", "dec": "object", "s": "str",
        "bin": "object", "t": "bool", "nt": "object", "dt": "object", "ts": "datetime64[us]", "arr": "object",
        "st": "object", "nul": "object", "aos": "object", "ns": "str",
    }
    if int(pd.__version__.split(".")[0]) < 3:  # pandas 2: strings are object, timestamps ns
        expected.update(s="object", ns="object", ts="datetime64[ns]")
    assert {c: str(t) for c, t in pdf.dtypes.items()} == expected
    first, second = pdf.iloc[0], pdf.iloc[1]
    assert first["i"] == 1 and np.isnan(first["ni"]) and second["ni"] == 3.0
    assert first["dec"] == decimal.Decimal("1.25") and second["dec"] is None
    assert first["s"] == "x" and pd.isna(second["s"])
    assert first["bin"] == b"ab" and second["bin"] is None
    assert first["nt"] is None and second["nt"] is True
    assert first["dt"] == datetime.date(2024, 1, 2) and second["dt"] is None
    assert first["ts"] == pd.Timestamp("2024-01-02 03:04:05.123456") and first["ts"].tzinfo is None
    assert pd.isna(second["ts"])
    assert isinstance(first["arr"], np.ndarray) and first["arr"].tolist() == [1, 2] and second["arr"] is None
    assert first["st"] == {"a": None, "b": "z"} and second["st"] == {"a": 2, "b": "w"}
    assert first["nul"] is None
    assert list(first["aos"]) == [{"x": 1}]


def test_to_pandas_empty(spark):
    pdf = spark.sql("SELECT 1 AS a, 'x' AS s WHERE false").toPandas()
    assert len(pdf) == 0
    assert list(pdf.columns) == ["a", "s"]
    assert str(pdf.dtypes["a"]) == "int32"


def test_to_pandas_timestamps_in_the_session_zone(spark):
    pdf = spark.sql("SELECT TIMESTAMP'2024-07-01 23:30:00' AS ts").toPandas()
    assert pdf["ts"][0] == pd.Timestamp("2024-07-01 23:30:00")


# --- __arrow_c_stream__ and other consumers -------------------------------------


def test_arrow_c_stream_capsule(spark):
    df = spark.sql("SELECT id FROM range(0, 10)")
    capsule = df.__arrow_c_stream__()
    assert type(capsule).__name__ == "PyCapsule"
    reader = pa.RecordBatchReader._import_from_c_capsule(capsule)
    assert reader.read_all().column("id").to_pylist() == list(range(10))
    # Every call gives a fresh stream.
    assert pa.table(df).column("id").to_pylist() == list(range(10))


def test_arrow_c_stream_requested_large_strings(spark):
    df = spark.sql("SELECT 'abc' AS s, CAST('x' AS BINARY) AS b")
    requested = pa.schema([("s", pa.large_string()), ("b", pa.large_binary())])
    capsule = df.__arrow_c_stream__(requested.__arrow_c_schema__())
    table = pa.RecordBatchReader._import_from_c_capsule(capsule).read_all()
    assert table.schema.field("s").type == pa.large_string()
    assert table.schema.field("b").type == pa.large_binary()
    assert table.to_pylist() == [{"s": "abc", "b": b"x"}]


def test_polars_reads_the_dataframe(spark):
    pl = pytest.importorskip("polars", reason="polars is not installed")
    df = spark.sql("SELECT id, concat('n', CAST(id AS STRING)) AS name FROM range(0, 3000)")
    frame = pl.DataFrame(df)
    assert frame.shape == (3000, 2)
    assert frame["id"].sum() == 3000 * 2999 // 2
    assert frame["name"][2999] == "n2999"
    frame2 = pl.from_arrow(df.toArrow())
    assert frame2.equals(frame)
    # Every type, nested ones included.
    nested = pl.DataFrame(spark.sql(ALL_TYPES))
    assert [str(t) for t in nested.dtypes] == [
        "Int32", "Int32", "Int64", "Float64", "Decimal(precision=10, scale=2)", "String", "Binary", "Boolean",
        "Boolean", "Date", "Datetime(time_unit='us', time_zone='UTC')", "List(Int32)",
        "Struct({'a': Int32, 'b': String})", "Null", "List(Struct({'x': Int32}))", "String",
    ]
    assert nested.row(0, named=True) == ALL_TYPES_ROWS[0]
    assert nested.row(1, named=True) == ALL_TYPES_ROWS[1]


def test_duckdb_queries_the_dataframe(spark):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
    df = spark.sql(
        "SELECT id, id % 3 AS k, CAST(id AS DECIMAL(10,2)) AS amount FROM range(0, 3000)"
    )
    # Through the PyCapsule protocol (duckdb's replacement scan of a
    # Python variable).
    got = duckdb.sql("SELECT k, count(*), sum(amount) FROM df GROUP BY k ORDER BY k").fetchall()
    # Sums of 0..2999 by residue mod 3: k=0 -> 3*(0+..+999), k=1 -> that + 1000, k=2 -> + 2000.
    base = 3 * (999 * 1000 // 2)
    assert got == [(0, 1000, decimal.Decimal(base)), (1, 1000, decimal.Decimal(base + 1000)),
                   (2, 1000, decimal.Decimal(base + 2000))]
    nested = spark.sql(ALL_TYPES)
    assert duckdb.sql("SELECT i, dec, st, aos, arr, dt FROM nested ORDER BY i").fetchall() == [
        (1, decimal.Decimal("1.25"), {"a": None, "b": "z"}, [{"x": 1}], [1, 2], datetime.date(2024, 1, 2)),
        (2, None, {"a": 2, "b": "w"}, None, None, None),
    ]


def test_pandas_reads_the_capsule(spark):
    if not hasattr(pd.DataFrame, "from_arrow"):
        pytest.skip("pandas %s has no DataFrame.from_arrow (pandas >= 3.0)" % pd.__version__)
    pdf = pd.DataFrame.from_arrow(spark.sql("SELECT id, CAST(id AS DOUBLE) / 2 AS half FROM range(0, 4)"))
    assert pdf["id"].tolist() == [0, 1, 2, 3]
    assert pdf["half"].tolist() == [0.0, 0.5, 1.0, 1.5]


# --- createDataFrame --------------------------------------------------------------


def test_round_trip_through_arrow(spark):
    original = spark.sql(ALL_TYPES)
    again = spark.createDataFrame(original.toArrow())
    assert _rows(again.toArrow()) == ALL_TYPES_ROWS
    assert again.schema == original.schema


def test_round_trip_multi_batch(spark):
    n = 10_000
    table = pa.table({
        "k": pa.array(range(n), pa.int64()),
        "s": pa.array([None if i % 7 == 0 else "s%d" % i for i in range(n)]),
        "l": pa.array([[i, None] if i % 2 else None for i in range(n)], pa.list_(pa.int64())),
    })
    df = spark.createDataFrame(table)
    back = df.toArrow()
    assert back.num_rows == n
    assert [len(c) for c in back.column("k").chunks] == [2048] * 4 + [n - 4 * 2048]
    assert back.column("k").to_pylist() == list(range(n))
    assert back.column("s").to_pylist() == table.column("s").to_pylist()
    assert back.column("l").to_pylist() == table.column("l").to_pylist()
    # The engine runs queries over the imported batches.
    picked = df.filter("k % 1000 = 999").select("k")
    assert picked.collect() == [Row(k=999 + 1000 * i) for i in range(10)]


def test_create_from_arrow_widens_types(spark):
    table = pa.table({
        "i8": pa.array([-1, None], pa.int8()),
        "i16": pa.array([300, 2], pa.int16()),
        "u8": pa.array([255, 0], pa.uint8()),
        "u32": pa.array([4_000_000_000, 1], pa.uint32()),
        "u64": pa.array([2**63 - 1, 0], pa.uint64()),
        "f16": pa.array([np.float16(1.5), None], pa.float16()),
        "f32": pa.array([0.25, -2.0], pa.float32()),
        "ls": pa.array(["large", None], pa.large_string()),
        "sv": pa.array(["short", "a string view longer than twelve bytes"], pa.string_view()),
        "lb": pa.array([b"\x00\x01", None], pa.large_binary()),
        "fb": pa.array([b"abc", b"xyz"], pa.binary(3)),
        "d64": pa.array([datetime.date(2024, 2, 29), datetime.date(1969, 12, 31)], pa.date64()),
        "dec256": pa.array([decimal.Decimal("-1.5"), None], pa.decimal256(20, 3)),
        "ll": pa.array([[1, 2], []], pa.large_list(pa.int32())),
        "fl": pa.array([[1, 2], [3, 4]], pa.list_(pa.int16(), 2)),
        "dict": pa.array(["a", "b"]).dictionary_encode(),
    })
    df = spark.createDataFrame(table)
    assert [(f.name, f.dataType) for f in df.schema.fields] == [
        ("i8", IntegerType()), ("i16", IntegerType()), ("u8", IntegerType()), ("u32", LongType()),
        ("u64", LongType()), ("f16", DoubleType()), ("f32", DoubleType()), ("ls", StringType()),
        ("sv", StringType()), ("lb", df.schema["lb"].dataType), ("fb", df.schema["fb"].dataType),
        ("d64", df.schema["d64"].dataType), ("dec256", DecimalType(20, 3)), ("ll", ArrayType(IntegerType())),
        ("fl", ArrayType(IntegerType())), ("dict", StringType()),
    ]
    assert df.schema["lb"].dataType.simpleString() == "binary"
    assert df.schema["d64"].dataType.simpleString() == "date"
    back = df.toArrow().to_pylist()
    assert back == [
        {"i8": -1, "i16": 300, "u8": 255, "u32": 4_000_000_000, "u64": 2**63 - 1, "f16": 1.5, "f32": 0.25,
         "ls": "large", "sv": "short", "lb": b"\x00\x01", "fb": b"abc", "d64": datetime.date(2024, 2, 29),
         "dec256": decimal.Decimal("-1.500"), "ll": [1, 2], "fl": [1, 2], "dict": "a"},
        {"i8": None, "i16": 2, "u8": 0, "u32": 1, "u64": 0, "f16": None, "f32": -2.0, "ls": None,
         "sv": "a string view longer than twelve bytes", "lb": None, "fb": b"xyz",
         "d64": datetime.date(1969, 12, 31), "dec256": None, "ll": [], "fl": [3, 4], "dict": "b"},
    ]


def test_create_from_arrow_timestamps_of_any_unit_and_zone(spark):
    # 2024-01-01 10:00 in New York (EST, UTC-5) is 15:00 UTC; a zone-less
    # timestamp is read as UTC (the session time zone).
    ny = datetime.datetime(2024, 1, 1, 15, 0, tzinfo=UTC)
    table = pa.table({
        "s": pa.array([int(ny.timestamp())], pa.timestamp("s", tz="America/New_York")),
        "ms": pa.array([int(ny.timestamp()) * 1000 + 7], pa.timestamp("ms")),
        "ns": pa.array([int(ny.timestamp()) * 10**9 + 123456789], pa.timestamp("ns", tz="+01:00")),
    })
    df = spark.createDataFrame(table)
    assert all(f.dataType == TimestampType() for f in df.schema.fields)
    micros = df.toArrow().to_pydict()
    base = int(ny.timestamp()) * 10**6
    got = {k: [v.astimezone(UTC) for v in vs] for k, vs in micros.items()}
    assert got == {
        "s": [ny],
        "ms": [ny + datetime.timedelta(microseconds=7000)],
        "ns": [ny + datetime.timedelta(microseconds=123456)],
    }
    assert df.toArrow().column("ns").cast(pa.int64()).to_pylist() == [base + 123456]


def test_create_from_sliced_nested_and_dictionary_arrays(spark):
    # Arrow offsets at every level: a slice of a table whose struct, list
    # and dictionary columns start mid-buffer.
    table = pa.table({
        "st": pa.array([{"a": i, "b": "x%d" % i} if i % 3 else None for i in range(10)],
                       pa.struct([("a", pa.int64()), ("b", pa.string())])),
        "l": pa.array([[i] * (i % 3) for i in range(10)], pa.list_(pa.int64())),
        "d": pa.array(["p%d" % (i % 4) for i in range(10)]).dictionary_encode(),
    }).slice(4, 5)
    rows = spark.createDataFrame(table).toArrow().to_pylist()
    assert rows == [
        {"st": {"a": 4, "b": "x4"}, "l": [4], "d": "p0"},
        {"st": {"a": 5, "b": "x5"}, "l": [5, 5], "d": "p1"},
        {"st": None, "l": [], "d": "p2"},
        {"st": {"a": 7, "b": "x7"}, "l": [7], "d": "p3"},
        {"st": {"a": 8, "b": "x8"}, "l": [8, 8], "d": "p0"},
    ]


def test_create_from_record_batch_and_with_schema(spark):
    batch = pa.record_batch({"a": [1, 2], "b": ["x", None]})
    df = spark.createDataFrame(batch)
    assert df.collect() == [Row(a=1, b="x"), Row(a=2, b=None)]
    named = spark.createDataFrame(batch, ["n", "m"])
    assert named.columns == ["n", "m"]
    typed = spark.createDataFrame(batch, "n INT, m STRING")
    assert typed.schema == StructType([StructField("n", IntegerType()), StructField("m", StringType())])
    assert typed.collect() == [Row(n=1, m="x"), Row(n=2, m=None)]


def test_create_from_pandas(spark):
    pdf = pd.DataFrame({
        "id": [1, 2, 3],
        "score": [0.5, float("nan"), None],
        "name": ["a", None, "c"],
        "flag": [True, False, True],
        "when": pd.to_datetime(["2024-01-01 10:00", None, "2024-01-03 00:00"]),
        "cat": pd.Categorical(["u", "v", "u"]),
    }, index=[10, 20, 30])
    df = spark.createDataFrame(pdf)
    assert [(f.name, f.dataType.simpleString()) for f in df.schema.fields] == [
        ("id", "bigint"), ("score", "double"), ("name", "string"), ("flag", "boolean"), ("when", "timestamp"),
        ("cat", "string"),
    ]
    rows = df.toArrow().to_pylist()
    # pandas' NaN and None both become NULL in a float column (pyarrow's
    # from_pandas), as PySpark's Arrow path does.
    assert [r["score"] for r in rows] == [0.5, None, None]
    assert [r["name"] for r in rows] == ["a", None, "c"]
    # A naive pandas timestamp is a wall-clock time in the session zone (UTC).
    assert rows[0]["when"] == datetime.datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    assert rows[1]["when"] is None
    assert [r["cat"] for r in rows] == ["u", "v", "u"]
    # Back to pandas: the same frame but the index.
    back = df.toPandas()
    assert back["id"].tolist() == [1, 2, 3]
    assert back["when"][2] == pd.Timestamp("2024-01-03")


def test_create_from_pandas_with_a_struct_type_schema(spark):
    pdf = pd.DataFrame({"x": [1, 2], "y": ["1.50", "2.25"]})
    schema = StructType([StructField("a", IntegerType()), StructField("b", StringType())])
    df = spark.createDataFrame(pdf, schema)
    assert df.schema == schema
    assert df.collect() == [Row(a=1, b="1.50"), Row(a=2, b="2.25")]
    dec = spark.createDataFrame(pd.DataFrame({"v": [decimal.Decimal("1.5")]}), "v DECIMAL(5,2)")
    assert dec.collect() == [Row(v=decimal.Decimal("1.50"))]


def test_create_from_pandas_tz_aware(spark):
    pdf = pd.DataFrame({"ts": pd.to_datetime(["2024-01-01 10:00"]).tz_localize("America/New_York")})
    df = spark.createDataFrame(pdf)
    assert df.toArrow().column("ts").to_pylist()[0].astimezone(UTC) == datetime.datetime(2024, 1, 1, 15, tzinfo=UTC)


def test_create_from_capsule_producers(spark):
    pl = pytest.importorskip("polars", reason="polars is not installed")
    df = spark.createDataFrame(pl.DataFrame({"a": [1, 2, 3], "s": ["x", "y", None]}))
    assert df.collect() == [Row(a=1, s="x"), Row(a=2, s="y"), Row(a=3, s=None)]
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
    rel = duckdb.sql("SELECT range AS r, range * 1.5 AS f FROM range(3)")
    got = spark.createDataFrame(rel).collect()
    assert [tuple(r) for r in got] == [(0, decimal.Decimal("0.0")), (1, decimal.Decimal("1.5")),
                                       (2, decimal.Decimal("3.0"))]


def test_create_from_a_sluice_dataframe_capsule(spark):
    src = spark.sql("SELECT id, CAST(id AS STRING) AS s FROM range(0, 3)")

    class Producer:
        def __arrow_c_stream__(self, requested_schema=None):
            return src.__arrow_c_stream__(requested_schema)

    df = spark.createDataFrame(Producer())
    assert df.collect() == [Row(id=0, s="0"), Row(id=1, s="1"), Row(id=2, s="2")]


# --- errors ------------------------------------------------------------------------


def test_unsupported_arrow_type_names_column_and_type(spark):
    table = pa.table({"ok": [1], "m": pa.array([{"k": 1}], pa.map_(pa.string(), pa.int64()))})
    with pytest.raises(IllegalArgumentException, match=r"column 'm': Arrow type map has no Sluice type"):
        spark.createDataFrame(table)
    nested = pa.table({"s": pa.array([{"t": datetime.time(1, 2)}])})
    with pytest.raises(IllegalArgumentException, match=r"column 's\.t': Arrow type time64\[us\] has no Sluice type"):
        spark.createDataFrame(nested)


def test_uint64_out_of_range_is_an_error(spark):
    table = pa.table({"u": pa.array([1, 2**64 - 1], pa.uint64())})
    with pytest.raises(IllegalArgumentException, match=r"column 'u', row 1: uint64 value 18446744073709551615"):
        spark.createDataFrame(table)


def test_schema_that_does_not_fit(spark):
    with pytest.raises(ValueError, match="the schema has 1 fields, the data 2 columns"):
        spark.createDataFrame(pa.table({"a": [1], "b": [2]}), "a INT")
    with pytest.raises(TypeError, match="column 'm' has type map<string,int>"):
        spark.createDataFrame(pa.table({"m": [1]}), StructType([StructField("m", MapType(StringType(), IntegerType()))]))
    with pytest.raises(TypeError, match="column 'a' of Arrow type string cannot be converted to int"):
        spark.createDataFrame(pa.table({"a": ["not a number"]}), "a INT")


def test_consumed_capsule_is_refused(spark):
    from sluice import _core

    capsule = pa.table({"a": [1]}).__arrow_c_stream__()
    _core.result_from_arrow_capsule(capsule)
    with pytest.raises(ValueError, match="already consumed"):
        _core.result_from_arrow_capsule(capsule)
    with pytest.raises(TypeError, match="arrow_array_stream"):
        _core.result_from_arrow_capsule(object())


# --- the session's Arrow settings ---------------------------------------------------


@pytest.fixture
def conf(spark):
    keys = ["spark.sql.execution.arrow.pyspark.enabled", "spark.sql.execution.arrow.useLargeVarTypes"]
    yield spark.conf
    for key in keys:
        spark.conf.unset(key)


def test_to_pandas_without_arrow_gives_lists_and_rows(spark, conf):
    # pyspark 4.3.0 with spark.sql.execution.arrow.pyspark.enabled=false:
    # same dtypes, but arrays are lists and structs Rows.
    conf.set("spark.sql.execution.arrow.pyspark.enabled", "false")
    pdf = spark.sql(ALL_TYPES).toPandas()
    first = pdf.iloc[0]
    assert first["arr"] == [1, 2] and isinstance(first["arr"], list)
    assert isinstance(first["st"], Row) and first["st"] == Row(a=None, b="z") and first["st"].b == "z"
    assert first["aos"] == [Row(x=1)] and first["aos"][0].x == 1
    assert pdf.iloc[1]["arr"] is None
    assert str(pdf.dtypes["ni"]) == "float64" and first["dec"] == decimal.Decimal("1.25")
    conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    assert isinstance(spark.sql(ALL_TYPES).toPandas().iloc[0]["arr"], np.ndarray)


def test_use_large_var_types(spark, conf):
    conf.set("spark.sql.execution.arrow.useLargeVarTypes", "true")
    table = spark.sql("SELECT 'a' AS s, CAST('b' AS BINARY) AS b, named_struct('n', 'c') AS st").toArrow()
    assert table.schema.field("s").type == pa.large_string()
    assert table.schema.field("b").type == pa.large_binary()
    assert table.schema.field("st").type.field(0).type == pa.large_string()
    assert table.to_pylist() == [{"s": "a", "b": b"b", "st": {"n": "c"}}]
    conf.set("spark.sql.execution.arrow.useLargeVarTypes", "false")
    assert spark.sql("SELECT 'a' AS s").toArrow().schema.field("s").type == pa.string()


def test_create_from_numpy(spark):
    # Column names as pyspark 4.3.0 gives them: _1, _2 ... for a 2-D array,
    # "value" for a 1-D one.
    two = spark.createDataFrame(np.array([[1, 2], [3, 4]]))
    assert two.columns == ["_1", "_2"]
    assert two.collect() == [Row(_1=1, _2=2), Row(_1=3, _2=4)]
    one = spark.createDataFrame(np.array([0.5, 1.5]))
    assert one.columns == ["value"] and one.collect() == [Row(value=0.5), Row(value=1.5)]
    named = spark.createDataFrame(np.array([[1, 2]]), "a INT, b INT")
    assert named.collect() == [Row(a=1, b=2)]
    with pytest.raises(ValueError, match="1 or 2 dimensions"):
        spark.createDataFrame(np.zeros((1, 1, 1)))


def test_union_nullability(spark):
    # The plan calls st.b non-nullable (the first branch's 'z'), but the
    # second branch brings a NULL: the export marks it nullable, so pyarrow
    # validates the table and pandas converts it (pyspark 4.3.0 gives
    # struct<b: string> with b nullable here too).
    df = spark.sql(
        "SELECT named_struct('b', 'z') AS st UNION ALL SELECT named_struct('b', CAST(NULL AS STRING))"
    )
    table = df.toArrow()
    table.validate(full=True)
    assert table.schema.field("st").type.field("b").nullable
    assert table.to_pylist() == [{"st": {"b": "z"}}, {"st": {"b": None}}]
    assert df.toPandas()["st"].tolist() == [{"b": "z"}, {"b": None}]


# --- the GIL -------------------------------------------------------------------------


def _python_progress_during(fn):
    """fn()'s result, and in how many 10 ms windows of fn()'s run time a
    Python thread made progress. A call that keeps the GIL leaves the other
    thread at most one switch interval (5 ms) before it starts, so at most
    two windows (none, in practice); a call that releases it lets the other
    thread run whenever a core is free (most windows on an idle machine,
    still several on a loaded one)."""
    import threading
    import time

    state = {"windows": set(), "stop": False, "started": threading.Event()}

    def count():
        state["started"].set()
        while not state["stop"]:
            state["windows"].add(int(time.monotonic() * 100))

    t = threading.Thread(target=count)
    t.start()
    try:
        state["started"].wait()
        begin = time.monotonic()
        result = fn()
        end = time.monotonic()
    finally:
        state["stop"] = True
        t.join()
    first, last = int(begin * 100) + 1, int(end * 100) - 1
    if last - first < 10:
        pytest.skip("the call took %.3f s, too short to tell" % (end - begin))
    inside = [w for w in state["windows"] if first <= w <= last]
    return result, len(inside)


def test_export_and_import_release_the_gil(spark):
    from sluice import _core

    df = spark.sql("SELECT id, concat('s', CAST(id AS STRING)) AS s FROM range(0, 3000000)")
    # Running the query and building the stream happen with the GIL
    # released: the other thread keeps counting (it would stand still,
    # blocked on the GIL, otherwise).
    capsule, windows = _python_progress_during(lambda: _core.dataframe_to_arrow_capsule(df._df, False, False))
    assert windows >= 4
    table = pa.RecordBatchReader._import_from_c_capsule(capsule).read_all()
    assert table.num_rows == 3000000
    _, windows = _python_progress_during(lambda: _core.result_from_arrow_capsule(table.__arrow_c_stream__()))
    assert windows >= 4


def test_create_from_a_record_batch_reader(spark):
    # The engine pulls the batches itself (with the GIL released; pyarrow's
    # producer takes it back to run the Python generator).
    schema = pa.schema([("a", pa.int64())])
    batches = [pa.record_batch([pa.array([i, i + 1])], schema=schema) for i in (0, 2, 4)]
    df = spark.createDataFrame(pa.RecordBatchReader.from_batches(schema, iter(batches)))
    assert df.collect() == [Row(a=i) for i in range(6)]

    def broken():
        yield batches[0]
        raise ValueError("producer broke at batch 2")

    from sluice.errors import SparkRuntimeException

    with pytest.raises(SparkRuntimeException, match=r"Arrow stream: get_next failed .*producer broke at batch 2"):
        spark.createDataFrame(pa.RecordBatchReader.from_batches(schema, broken()))
