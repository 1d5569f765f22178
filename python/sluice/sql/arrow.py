"""DataFrames to and from Arrow and pandas, through the Arrow C Data
Interface (python/bindings/arrow.cc)."""


def _is_arrow_or_pandas(data):
    mod = type(data).__module__ or ""
    return mod.startswith("pyarrow") or mod.startswith("pandas") or hasattr(data, "__arrow_c_stream__")


def _create_dataframe(spark, data, schema):
    raise NotImplementedError("createDataFrame from Arrow/pandas is being bound (python/bindings/arrow.cc)")


def _to_arrow(df):
    raise NotImplementedError("toArrow is being bound (python/bindings/arrow.cc)")


def _to_pandas(df):
    raise NotImplementedError("toPandas is being bound (python/bindings/arrow.cc)")


def _arrow_c_stream(df, requested_schema):
    raise NotImplementedError("__arrow_c_stream__ is being bound (python/bindings/arrow.cc)")
