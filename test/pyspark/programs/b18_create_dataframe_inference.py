"""Batch: createDataFrame from Rows, dicts and tuples with PySpark's type inference (a dict value's MAP: b22)."""
import datetime
import decimal

from pyspark.sql import Row, SparkSession

import conform

spark = SparkSession.builder.appName("b18").config("spark.sql.shuffle.partitions", "2").getOrCreate()
rows = spark.createDataFrame([Row(name="ann", age=30, ok=True), Row(name="bob", age=None, ok=False)])
conform.value("rows_dtypes", rows.dtypes)
conform.emit("rows", rows)
dicts = spark.createDataFrame([{"a": 1, "b": 2.5, "c": "x"}, {"a": 2, "b": None, "c": None}])
conform.value("dicts_dtypes", dicts.dtypes)
conform.emit("dicts", dicts)
mixed = spark.createDataFrame([(datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1, 12, 0), decimal.Decimal("1.50"),
                                [1, 2], bytearray(b"\x01\x02"))])
conform.value("mixed_dtypes", mixed.dtypes)
conform.emit("mixed", mixed)
r = Row(x=1, y="z")
conform.value("row_access", [r.x, r["y"], r.asDict(), "x" in r])
spark.stop()
