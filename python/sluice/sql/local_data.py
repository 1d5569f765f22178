"""createDataFrame from Python rows: schema inference (as PySpark's) and
conversion into engine values (python/bindings/values.cc)."""


def _create_dataframe(spark, data, schema, verify_schema):
    raise NotImplementedError("createDataFrame from rows is being bound (python/bindings/values.cc)")
