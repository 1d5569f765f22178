"""PySpark's pyspark.sql, over the Sluice engine."""

from sluice.sql.types import Row
from sluice.sql.session import SparkSession
from sluice.sql.dataframe import DataFrame

__all__ = ["SparkSession", "DataFrame", "Row"]
