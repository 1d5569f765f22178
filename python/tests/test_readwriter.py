"""spark.read and df.write: files laid out as Spark writes them."""

import json
import os

import pytest

from sluice.errors import AnalysisException, IllegalArgumentException
from sluice.sql import Row, SparkSession
from sluice.sql.types import IntegerType, StringType, StructField, StructType


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.getOrCreate()


@pytest.fixture()
def df(spark):
    return spark.createDataFrame([(1, "a", "x"), (2, None, "y"), (3, "c", "x")], "n int, s string, p string")


def part_files(path):
    return sorted(f for f in os.listdir(path) if f.startswith("part-"))


def read_lines(path):
    out = []
    for f in part_files(path):
        with open(os.path.join(path, f)) as fh:
            out += fh.read().splitlines()
    return out


def test_write_json_layout_and_contents(df, tmp_path):
    out = str(tmp_path / "j")
    df.write.json(out)
    assert os.path.exists(os.path.join(out, "_SUCCESS"))
    files = part_files(out)
    assert len(files) == 1 and files[0].startswith("part-00000-") and files[0].endswith("-c000.json")
    # Spark's JSON writer leaves null fields out.
    assert [json.loads(l) for l in read_lines(out)] == [
        {"n": 1, "s": "a", "p": "x"}, {"n": 2, "p": "y"}, {"n": 3, "s": "c", "p": "x"}]


def test_write_csv_header_option(df, tmp_path):
    df.write.csv(str(tmp_path / "c"))
    assert read_lines(str(tmp_path / "c")) == ["1,a,x", "2,,y", "3,c,x"]
    df.write.option("header", True).csv(str(tmp_path / "h"))
    assert read_lines(str(tmp_path / "h"))[0] == "n,s,p"
    with pytest.raises(IllegalArgumentException, match="sep"):
        df.write.csv(str(tmp_path / "s"), sep="|")


def test_save_modes(df, tmp_path):
    out = str(tmp_path / "m")
    df.write.format("json").save(out)
    with pytest.raises(AnalysisException, match="PATH_ALREADY_EXISTS"):
        df.write.json(out)
    df.write.mode("append").json(out)
    assert len(read_lines(out)) == 6 and len(part_files(out)) == 2
    df.limit(1).write.mode("overwrite").json(out)
    assert len(read_lines(out)) == 1
    df.write.mode("ignore").json(out)
    assert len(read_lines(out)) == 1
    with pytest.raises(IllegalArgumentException, match="INVALID_SAVE_MODE"):
        df.write.mode("sometimes")


def test_partition_by(df, tmp_path):
    out = str(tmp_path / "p")
    df.write.partitionBy("p").json(out)
    assert sorted(d for d in os.listdir(out) if not d.startswith("_")) == ["p=x", "p=y"]
    # The partition column is left out of the files.
    assert sorted(json.loads(l)["n"] for l in read_lines(os.path.join(out, "p=x"))) == [1, 3]
    assert all("p" not in json.loads(l) for l in read_lines(os.path.join(out, "p=x")))
    nulls = str(tmp_path / "pn")
    df.write.partitionBy("s").csv(nulls)
    assert sorted(d for d in os.listdir(nulls) if not d.startswith("_")) == [
        "s=__HIVE_DEFAULT_PARTITION__", "s=a", "s=c"]
    with pytest.raises(AnalysisException):
        df.write.partitionBy("nope").json(str(tmp_path / "bad"))


def test_partition_values_escaped(spark, tmp_path):
    d = spark.createDataFrame([("a/b:c", 1)], ["k", "v"])
    d.write.partitionBy("k").json(str(tmp_path / "e"))
    assert "k=a%2Fb%3Ac" in os.listdir(str(tmp_path / "e"))


def test_unsupported_format(df, tmp_path):
    with pytest.raises(AnalysisException, match="UNSUPPORTED_DATA_SOURCE"):
        df.write.format("orc").save(str(tmp_path / "q"))
    with pytest.raises(IllegalArgumentException):
        df.write.save()


def test_read_back_what_was_written(spark, df, tmp_path):
    out = str(tmp_path / "rb")
    df.write.json(out)
    back = spark.read.schema("n INT, s STRING, p STRING").json(out)
    assert sorted(back.collect(), key=lambda r: r.n) == df.collect()
    schema = StructType([StructField("n", IntegerType()), StructField("s", StringType()),
                         StructField("p", StringType())])
    again = spark.read.format("json").schema(schema).load(out)
    assert again.count() == 3
    csv_out = str(tmp_path / "rc")
    df.write.option("header", "true").csv(csv_out)
    back_csv = spark.read.option("header", True).schema("n INT, s STRING, p STRING").csv(csv_out)
    assert sorted(back_csv.collect(), key=lambda r: r.n) == [Row(n=1, s="a", p="x"), Row(n=2, s=None, p="y"),
                                                             Row(n=3, s="c", p="x")]


def test_text_round_trip(spark, tmp_path):
    d = spark.createDataFrame([("hello",), ("wörld",), ("",)], ["line"])
    out = str(tmp_path / "t")
    d.write.text(out)
    back = spark.read.text(out)
    assert back.columns == ["value"]
    assert back.collect() == [Row(value="hello"), Row(value="wörld"), Row(value="")]
    assert spark.read.text(out, wholetext=True).collect() == [Row(value="hello\nwörld\n\n")]
    with pytest.raises(AnalysisException, match="TEXT_DATA_SOURCE_REQUIRES_SINGLE_COLUMN"):
        spark.range(1).selectExpr("id", "id AS b").write.text(str(tmp_path / "t2"))
    with pytest.raises(AnalysisException, match="PATH_NOT_FOUND"):
        spark.read.text(str(tmp_path / "nope"))


def test_write_refused_on_a_streaming_dataframe(spark, monkeypatch):
    # (No streaming source in this area's tests: the engine's streaming check is stood in for.)
    from sluice import _core

    df = spark.range(1)
    monkeypatch.setattr(_core, "is_streaming", lambda core_df: True)
    with pytest.raises(AnalysisException, match="WRITE_STREAM_NOT_ALLOWED"):
        df.write
