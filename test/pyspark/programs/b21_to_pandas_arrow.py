"""Batch: toPandas() (dtypes, NULLs, timestamps in the session zone) and toArrow()'s schema."""
import datetime
import decimal

from pyspark.sql import SparkSession

import conform

spark = SparkSession.builder.appName("b21").config("spark.sql.shuffle.partitions", "2").getOrCreate()
df = spark.createDataFrame(
    [(1, "a", 1.5, True, datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5), decimal.Decimal("1.25")),
     (None, None, None, None, None, None, None)],
    "i INT, s STRING, d DOUBLE, b BOOLEAN, day DATE, ts TIMESTAMP, dec DECIMAL(5,2)")
pdf = df.orderBy("s").toPandas()
conform.value("pandas_dtypes", [str(t) for t in pdf.dtypes])
conform.value("pandas_columns", list(pdf.columns))
conform.value("pandas_nulls", [int(n) for n in pdf.isna().sum()])
conform.value("pandas_values", [[None if v is None or v != v else str(v) for v in row] for row in pdf.itertuples(index=False)])
table = df.toArrow()
conform.value("arrow_schema", [[f.name, str(f.type), f.nullable] for f in table.schema])
conform.value("arrow_rows", table.num_rows)
spark.stop()
