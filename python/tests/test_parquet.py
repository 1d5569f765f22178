"""Parquet from Python: spark.read.parquet of pyarrow's files, df.write.parquet
read back by pyarrow, readStream.parquet without a schema into the Parquet
sink (docs/parquet.md). pyarrow, the independent reader and writer, is a
dependency of the package."""

import datetime as dt
import decimal
import os

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from sluice.errors import AnalysisException  # noqa: E402
from sluice.sql import SparkSession  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.getOrCreate()


def test_read_parquet_written_by_pyarrow(spark, tmp_path):
    path = str(tmp_path / "t.parquet")
    pq.write_table(pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "name": ["a", None, "日本"],
        "d": pa.array([dt.date(2020, 1, 1), None, dt.date(1960, 2, 29)]),
        "m": pa.array([decimal.Decimal("1.50"), decimal.Decimal("-2.25"), None], pa.decimal128(9, 2)),
    }), path, row_group_size=2)
    df = spark.read.parquet(path)
    assert df.columns == ["id", "name", "d", "m"]
    rows = [tuple(r) for r in df.orderBy("id").collect()]
    assert rows == [(1, "a", dt.date(2020, 1, 1), decimal.Decimal("1.50")),
                    (2, None, None, decimal.Decimal("-2.25")),
                    (3, "日本", dt.date(1960, 2, 29), None)]
    assert [tuple(r) for r in df.filter("id >= 3").select("name").collect()] == [("日本",)]


def test_write_parquet_read_by_pyarrow(spark, tmp_path):
    out = str(tmp_path / "out")
    df = spark.createDataFrame([(1, "x", 10), (2, "y", 20), (3, "x", 30)], "n int, p string, v bigint")
    df.write.partitionBy("p").parquet(out, compression="zstd")
    assert os.path.exists(os.path.join(out, "_SUCCESS"))
    t = pq.read_table(out, partitioning="hive")
    got = sorted(zip(t.column("n").to_pylist(), [str(p) for p in t.column("p").to_pylist()], t.column("v").to_pylist()))
    assert got == [(1, "x", 10), (2, "y", 20), (3, "x", 30)]
    assert all(f.endswith(".zstd.parquet") for d in os.listdir(out) if d.startswith("p=")
               for f in os.listdir(os.path.join(out, d)))
    # and back through the engine, partition column from the directories
    back = spark.read.parquet(out)
    assert sorted(tuple(r) for r in back.select("n", "v", "p").collect()) == [(1, 10, "x"), (2, 20, "y"), (3, 30, "x")]


def test_stream_parquet_without_schema_into_parquet_sink(spark, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    pq.write_table(pa.table({"id": pa.array([1, 2], pa.int64()), "s": ["a", "b"]}), str(src / "a.parquet"))
    q = (spark.readStream.parquet(str(src)).writeStream.format("parquet")
         .option("checkpointLocation", str(tmp_path / "ck")).trigger(availableNow=True).start(str(out)))
    q.awaitTermination()
    files = [os.path.join(out, f) for f in os.listdir(out) if f.endswith(".parquet")]
    t = pa.concat_tables(pq.read_table(f) for f in files)
    assert sorted(zip(t.column("id").to_pylist(), t.column("s").to_pylist())) == [(1, "a"), (2, "b")]


def test_stream_parquet_without_schema_and_without_files_says_what_to_do(spark, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(Exception, match="no Parquet file at .* give the schema"):
        spark.readStream.parquet(str(tmp_path / "empty"))


def test_merge_schema_is_refused(spark, tmp_path):
    path = str(tmp_path / "t.parquet")
    pq.write_table(pa.table({"a": [1]}), path)
    with pytest.raises((AnalysisException, Exception), match="mergeSchema"):
        spark.read.option("mergeSchema", "true").parquet(path).collect()
