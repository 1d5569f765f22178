"""Batch: show()'s table text: default, n, truncate, vertical."""
import contextlib
import io

from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("b16").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame([(1, "short", 1.5, True), (2, "a considerably longer string value", None, False),
                            (3, None, -0.25, None)], "id INT, text STRING, x DOUBLE, flag BOOLEAN")


def shown(**kw):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        df.orderBy("id").show(**kw)
    return buf.getvalue()


conform.value("default", shown())
conform.value("n2", shown(n=2))
conform.value("no_truncate", shown(truncate=False))
conform.value("truncate5", shown(truncate=5))
conform.value("vertical", shown(vertical=True))
spark.stop()
