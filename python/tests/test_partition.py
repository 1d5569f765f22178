"""partitionBy in the file sink and partitioned reads, through the PySpark API.

The program is ordinary PySpark code: the expected directories, file contents,
schemas and rows were checked by running this same file under pyspark 4.3.0
(its imports switched to pyspark, local mode, session time zone UTC). A test
whose API is not bound yet in this build is skipped, saying which part is
missing.
"""

import datetime
import json
import os

import pytest

from sluice.errors import AnalysisException
from sluice.sql import Row, SparkSession


@pytest.fixture(scope="module")
def spark():
    return (
        SparkSession.builder.master("local[1]")
        .appName("partition")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )


def _needs(what, fn):
    """fn(), or a skip naming the missing API when it is not bound yet."""
    try:
        return fn()
    except (NotImplementedError, ImportError, AttributeError) as e:
        pytest.skip(f"{what} is not bound in this build: {type(e).__name__}: {e}")


def _write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for line in lines:
            f.write(line + "\n")


def _data_dirs(out):
    """Leaf directories holding part files, relative to out, with the JSON
    objects of their files (sorted by id); metadata directories left out."""
    found = {}
    for root, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if not d.startswith("_") and not d.startswith(".")]
        parts = [f for f in files if f.startswith("part-")]
        if not parts:
            continue
        rows = []
        for name in parts:
            with open(os.path.join(root, name)) as f:
                rows += [json.loads(line) for line in f if line.strip()]
        found[os.path.relpath(root, out)] = sorted(rows, key=lambda r: r["id"])
    return found


# The input rows: strings that need escaping, a NULL and an empty string.
ROWS = [
    {"id": 1, "s": "a b", "d": "2024-01-02", "n": 1},
    {"id": 2, "s": "x/y=z:%#?*'\"\\{[]^", "d": None, "n": 2},
    {"id": 3, "s": None, "d": "2024-01-03", "n": 3},
    {"id": 4, "s": "", "d": "2024-01-03", "n": 4},
    {"id": 5, "s": "tab\there\x01\x7f~!@$&()+,;<>|\u00e9", "d": "2024-01-03", "n": 5},
]


def test_stream_partition_by_writes_sparks_layout_and_reads_back(spark, tmp_path):
    src, out = str(tmp_path / "src"), str(tmp_path / "out")
    _write(os.path.join(src, "a.json"), [json.dumps(r) for r in ROWS])
    df = _needs("spark.readStream", lambda: spark.readStream.schema("id BIGINT, s STRING, d STRING, n INT").json(src))
    df = df.selectExpr("id", "s", "CAST(d AS DATE) AS d", "n")
    q = _needs(
        "DataStreamWriter.partitionBy",
        lambda: df.writeStream.format("json")
        .partitionBy("s", "d")
        .option("checkpointLocation", str(tmp_path / "ck"))
        .start(out),
    )
    try:
        q.processAllAvailable()
    finally:
        q.stop()
    assert _data_dirs(out) == {
        "s=__HIVE_DEFAULT_PARTITION__/d=2024-01-03": [{"id": 3, "n": 3}, {"id": 4, "n": 4}],
        "s=a b/d=2024-01-02": [{"id": 1, "n": 1}],
        "s=tab%09here%01%7F~!@$&()+,;<>|\u00e9/d=2024-01-03": [{"id": 5, "n": 5}],
        "s=x%2Fy%3Dz%3A%25%23%3F%2A%27%22%5C%7B%5B%5D%5E/d=__HIVE_DEFAULT_PARTITION__": [{"id": 2, "n": 2}],
    }
    back = _needs("spark.read", lambda: spark.read.json(out))
    assert back.columns == ["id", "n", "s", "d"]
    rows = sorted(back.collect(), key=lambda r: r.id)
    jan = datetime.date
    assert rows == [
        Row(id=1, n=1, s="a b", d=jan(2024, 1, 2)),
        Row(id=2, n=2, s="x/y=z:%#?*'\"\\{[]^", d=None),
        Row(id=3, n=3, s=None, d=jan(2024, 1, 3)),
        Row(id=4, n=4, s=None, d=jan(2024, 1, 3)),
        Row(id=5, n=5, s="tab\there\x01\x7f~!@$&()+,;<>|\u00e9", d=jan(2024, 1, 3)),
    ]


def test_partition_by_an_unknown_column_fails_start(spark, tmp_path):
    src = str(tmp_path / "src")
    _write(os.path.join(src, "a.json"), [json.dumps(r) for r in ROWS])
    df = _needs("spark.readStream", lambda: spark.readStream.schema("id BIGINT, s STRING").json(src))
    writer = _needs(
        "DataStreamWriter.partitionBy",
        lambda: df.writeStream.format("json").partitionBy("nope").option("checkpointLocation", str(tmp_path / "ck")),
    )
    with pytest.raises(AnalysisException, match=r"Partition column nope not found in existing columns \(id, s"):
        writer.start(str(tmp_path / "out"))
    writer = df.writeStream.format("json").partitionBy("id", "s").option("checkpointLocation", str(tmp_path / "ck2"))
    with pytest.raises(AnalysisException, match=r"ALL_PARTITION_COLUMNS_NOT_ALLOWED"):
        writer.start(str(tmp_path / "out2"))


def test_batch_read_discovers_partition_columns(spark, tmp_path):
    base = str(tmp_path / "t")
    _write(os.path.join(base, "i=1", "a.json"), ['{"x": 0}'])
    _write(os.path.join(base, "i=2", "b.json"), ['{"x": 1}'])
    reader = _needs("spark.read", lambda: spark.read)
    df = reader.json(base)
    assert df.schema.simpleString() == "struct<x:bigint,i:int>"
    assert sorted(df.collect()) == [Row(x=0, i=1), Row(x=1, i=2)]
    # A user schema's partition column keeps its type and moves last; one
    # without it still gets the column.
    for ddl in ("i INT, x BIGINT", "x BIGINT"):
        df = spark.read.schema(ddl).json(base)
        assert df.schema.simpleString() == "struct<x:bigint,i:int>"
        assert sorted(df.collect()) == [Row(x=0, i=1), Row(x=1, i=2)]
    typed = spark.read.schema("i STRING, x BIGINT").json(base)
    assert typed.schema.simpleString() == "struct<x:bigint,i:string>"
    assert sorted(typed.collect()) == [Row(x=0, i="1"), Row(x=1, i="2")]


def test_stream_over_partition_directories(spark, tmp_path):
    base = str(tmp_path / "t")
    _write(os.path.join(base, "i=1", "a.json"), ['{"x": 0}'])
    _write(os.path.join(base, "i=2", "b.json"), ['{"x": 1}'])
    df = _needs("spark.readStream", lambda: spark.readStream.schema("x BIGINT").json(base))
    assert df.schema.simpleString() == "struct<x:bigint,i:int>"
    q = _needs(
        "the memory sink",
        lambda: df.writeStream.format("memory")
        .queryName("partitioned_in")
        .option("checkpointLocation", str(tmp_path / "ck"))
        .start(),
    )
    try:
        q.processAllAvailable()
        assert sorted(spark.sql("SELECT * FROM partitioned_in").collect()) == [Row(x=0, i=1), Row(x=1, i=2)]
    finally:
        q.stop()
