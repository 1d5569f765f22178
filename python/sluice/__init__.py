"""Sluice: micro-batch stream processing with PySpark's API on a C++ engine.

Port a PySpark job by changing its imports::

    from sluice.sql import SparkSession          # was: from pyspark.sql import SparkSession
    from sluice.sql import functions as F        # was: from pyspark.sql import functions as F

See docs/python.md for what is supported and what differs from PySpark.
"""

from sluice._core import __version__

__all__ = ["__version__"]
