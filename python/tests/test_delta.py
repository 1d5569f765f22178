"""The Delta sink from Python: writeStream.format("delta"), append with
partitionBy and complete mode, read back without the engine: the table's
_delta_log JSON commits replayed here (add minus remove, as the Delta
protocol defines the active files) and the data files read with pyarrow,
the partition column taken from the add actions' partitionValues. (The full
checks with deltalake and Spark are test/delta/.)"""

import glob
import json
import os

import pytest
from input_files import write_json_lines as write_json

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from sluice.errors import AnalysisException  # noqa: E402
from sluice.sql import SparkSession  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.getOrCreate()


def delta_rows(table):
    """Rows of the table's newest version, with txn (appId, version) per commit."""
    active, txns = {}, []
    for f in sorted(glob.glob(os.path.join(table, "_delta_log", "*.json"))):
        for line in open(f):
            a = json.loads(line)
            if "add" in a:
                active[a["add"]["path"]] = a["add"]["partitionValues"]
            elif "remove" in a:
                active.pop(a["remove"]["path"], None)
            elif "txn" in a:
                txns.append((a["txn"]["appId"], a["txn"]["version"]))
    rows = []
    for path, pv in active.items():
        from urllib.parse import unquote
        for r in pq.read_table(os.path.join(table, unquote(path))).to_pylist():
            r.update(pv)
            rows.append(r)
    return rows, txns


def test_append_partitioned(spark, tmp_path):
    src, table, ck = tmp_path / "in", str(tmp_path / "table"), str(tmp_path / "ck")
    src.mkdir()
    write_json(src / "a.json", [{"id": i, "k": f"k{i % 2}"} for i in range(6)])
    write_json(src / "b.json", [{"id": i, "k": f"k{i % 2}"} for i in range(6, 9)])
    q = (spark.readStream.schema("id BIGINT, k STRING").option("maxFilesPerTrigger", 1).json(str(src))
         .writeStream.format("delta").partitionBy("k").option("checkpointLocation", ck)
         .trigger(availableNow=True).start(table))
    q.awaitTermination()
    rows, txns = delta_rows(table)
    assert sorted((r["id"], r["k"]) for r in rows) == [(i, f"k{i % 2}") for i in range(9)]
    assert [v for _, v in txns] == [0, 1]  # one version per batch, batch ids as txn versions
    assert len({a for a, _ in txns}) == 1
    assert sorted(os.listdir(table)) == ["_delta_log", "k=k0", "k=k1"]


def test_complete_mode_replaces(spark, tmp_path):
    src, table, ck = tmp_path / "in", str(tmp_path / "table"), str(tmp_path / "ck")
    src.mkdir()
    write_json(src / "a.json", [{"id": i, "k": f"k{i % 3}"} for i in range(9)])
    write_json(src / "b.json", [{"id": i, "k": f"k{i % 3}"} for i in range(9, 12)])
    df = spark.readStream.schema("id BIGINT, k STRING").option("maxFilesPerTrigger", 1).json(str(src))
    q = (df.groupBy("k").count().writeStream.format("delta").outputMode("complete")
         .option("checkpointLocation", ck).trigger(availableNow=True).start(table))
    q.awaitTermination()
    rows, _ = delta_rows(table)
    assert sorted((r["k"], r["count"]) for r in rows) == [("k0", 4), ("k1", 4), ("k2", 4)]


def test_update_mode_is_refused(spark, tmp_path):
    df = spark.readStream.format("rate").load()
    with pytest.raises(AnalysisException, match="[Uu]pdate"):
        q = (df.groupBy("value").count().writeStream.format("delta").outputMode("update")
             .option("checkpointLocation", str(tmp_path / "ck")).start(str(tmp_path / "t")))
        q.awaitTermination(5)
