"""The package imports and runs a query through the engine."""

import sluice
from sluice.sql import Row, SparkSession


def test_version_and_sql_roundtrip():
    assert sluice.__version__
    spark = SparkSession.builder.appName("smoke").getOrCreate()
    rows = spark.sql("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, NULL").collect()
    assert rows == [Row(a=1, b="x"), Row(a=2, b=None)]
    assert rows[0].a == 1 and rows[1]["b"] is None
