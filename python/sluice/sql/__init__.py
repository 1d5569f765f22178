"""PySpark's pyspark.sql, over the Sluice engine."""

from sluice.sql.types import Row
from sluice.sql.session import SparkSession
from sluice.sql.dataframe import DataFrame
from sluice.sql.column import Column
from sluice.sql.group import GroupedData
from sluice.sql.readwriter import DataFrameReader, DataFrameWriter
from sluice.sql.window import Window, WindowSpec

__all__ = ["SparkSession", "DataFrame", "Row", "Column", "GroupedData", "DataFrameReader", "DataFrameWriter",
           "Window", "WindowSpec"]
