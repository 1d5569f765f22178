"""DataFrames to and from Arrow and pandas, through the Arrow C Data
Interface (python/bindings/arrow.cc, include/sluice/arrow.h).

No row passes through Python: a result leaves the engine as Arrow record
batches whose fixed-width buffers are the engine's own (strings copied once
per column in C++), and Arrow data enters the engine the same way. pyarrow
is needed only by toArrow/toPandas and by createDataFrame from pandas;
__arrow_c_stream__ needs nothing but the consumer.
"""

from sluice import _core

_STREAM_CAPSULE = "arrow_array_stream"


def _require_pyarrow(what):
    try:
        import pyarrow  # noqa: F401
    except ImportError as e:  # pragma: no cover - pyarrow is in the test venv
        raise ImportError("%s needs pyarrow (pip install pyarrow)" % what) from e
    import pyarrow as pa

    return pa


def _is_arrow_or_pandas(data):
    """Whether createDataFrame hands `data` to this module: pandas and
    pyarrow objects, numpy arrays, and Arrow PyCapsule producers."""
    mod = type(data).__module__ or ""
    return (
        mod.startswith("pyarrow")
        or mod.startswith("pandas")
        or (mod == "numpy" and type(data).__name__ == "ndarray")
        or hasattr(data, "__arrow_c_stream__")
    )


def _ndarray_table(pa, data, schema):
    """A 1-D or 2-D numpy array as a table, named as PySpark names it: the
    schema's names, else "value" for one column, else _1, _2, ..."""
    if data.ndim not in (1, 2):
        raise ValueError("createDataFrame: a numpy array must have 1 or 2 dimensions, this one has %d" % data.ndim)
    if data.ndim == 1:
        columns = [data]
    else:
        columns = [data[:, i] for i in range(data.shape[1])]
    if schema is not None and not isinstance(schema, list):
        names = schema.names
    elif schema is not None:
        names = schema
    elif len(columns) == 1:
        names = ["value"]
    else:
        names = ["_%d" % (i + 1) for i in range(len(columns))]
    if len(names) != len(columns):
        raise ValueError("createDataFrame: %d column names given for %d columns" % (len(names), len(columns)))
    return pa.Table.from_arrays([pa.array(c) for c in columns], names=list(names))


# --- engine -> Arrow ---------------------------------------------------------


def _wants_large_strings(requested_schema):
    """Whether a consumer's requested schema (a PyCapsule 'arrow_schema')
    asks for large_string / large_binary. Other differences are not acted
    on: the protocol lets a producer keep its own schema."""
    if requested_schema is None:
        return False
    try:
        import pyarrow as pa
    except ImportError:
        return False
    schema = pa.Schema._import_from_c_capsule(requested_schema)

    def large(t):
        if pa.types.is_large_string(t) or pa.types.is_large_binary(t):
            return True
        if pa.types.is_struct(t):
            return any(large(t.field(i).type) for i in range(t.num_fields))
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return large(t.value_type)
        return False

    return any(large(f.type) for f in schema)


def _conf_true(df, key, default):
    value = df.sparkSession.conf.get(key, None)
    if value is None:
        return default
    return str(value).strip().lower() == "true"


def _arrow_c_stream(df, requested_schema=None):
    large = _wants_large_strings(requested_schema) or _conf_true(df, _LARGE_VAR_TYPES, False)
    return _core.dataframe_to_arrow_capsule(df._df, large, False)


_LARGE_VAR_TYPES = "spark.sql.execution.arrow.useLargeVarTypes"
_ARROW_ENABLED = "spark.sql.execution.arrow.pyspark.enabled"


def _to_arrow(df, naive_timestamps=False):
    """The result as a pyarrow.Table (PySpark's toArrow): string/binary, or
    large_string/large_binary when spark.sql.execution.arrow.useLargeVarTypes
    is true."""
    pa = _require_pyarrow("toArrow()")
    large = _conf_true(df, _LARGE_VAR_TYPES, False)
    capsule = _core.dataframe_to_arrow_capsule(df._df, large, naive_timestamps)
    return pa.RecordBatchReader.from_stream(_Capsule(capsule)).read_all()


class _Capsule:
    """A ready PyCapsule behind the protocol's method, for pyarrow's public
    readers (RecordBatchReader.from_stream)."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema=None):
        capsule, self._capsule = self._capsule, None
        if capsule is None:
            raise ValueError("this Arrow stream was already read")
        return capsule


def _to_pandas(df):
    """PySpark 4's toPandas: ints with NULLs as float64, booleans with NULLs
    as object, dates as datetime.date, decimals as decimal.Decimal,
    timestamps as naive datetime64 in the session time zone (UTC). Arrays
    and structs as PySpark gives them: with Arrow (its default) numpy arrays
    and dicts; with spark.sql.execution.arrow.pyspark.enabled=false lists and
    Rows."""
    pa = _require_pyarrow("toPandas()")
    import pandas as pd

    table = _to_arrow(df, naive_timestamps=True)
    # pandas < 3 gets datetime64[ns], pandas 3 datetime64[us], as PySpark.
    pdf = table.to_pandas(coerce_temporal_nanoseconds=int(pd.__version__.split(".")[0]) < 3)
    if not _conf_true(df, _ARROW_ENABLED, True):
        for i, field in enumerate(table.schema):
            if pa.types.is_struct(field.type) or pa.types.is_list(field.type):
                values = [_to_rows(pa, field.type, v) for v in table.column(i).to_pylist()]
                pdf.isetitem(i, pd.Series(values, dtype=object, index=pdf.index))
    return pdf


def _to_rows(pa, t, value):
    """A nested value of to_pylist() as PySpark's collect gives it (structs
    as Rows, arrays as lists)."""
    from sluice.sql.types import _create_row

    if value is None:
        return None
    if pa.types.is_struct(t):
        names = tuple(t.field(i).name for i in range(t.num_fields))
        return _create_row(names, [_to_rows(pa, t.field(i).type, value[n]) for i, n in enumerate(names)])
    if pa.types.is_list(t):
        return [_to_rows(pa, t.value_type, v) for v in value]
    return value


# --- Arrow / pandas -> engine ------------------------------------------------


def _arrow_type(pa, t, where):
    """The Arrow type createDataFrame casts a column to for a Sluice/PySpark
    DataType."""
    from sluice.sql import types as T

    simple = {
        T.NullType: pa.null(),
        T.BooleanType: pa.bool_(),
        T.ByteType: pa.int8(),
        T.ShortType: pa.int16(),
        T.IntegerType: pa.int32(),
        T.LongType: pa.int64(),
        T.FloatType: pa.float32(),
        T.DoubleType: pa.float64(),
        T.StringType: pa.string(),
        T.BinaryType: pa.binary(),
        T.DateType: pa.date32(),
        T.TimestampType: pa.timestamp("us", tz="UTC"),
        T.TimestampNTZType: pa.timestamp("us"),
    }
    for cls, arrow in simple.items():
        if type(t) is cls:
            return arrow
    if isinstance(t, T.DecimalType):
        return pa.decimal128(t.precision, t.scale)
    if isinstance(t, T.ArrayType):
        return pa.list_(pa.field("element", _arrow_type(pa, t.elementType, where + ".element"), t.containsNull))
    if isinstance(t, T.StructType):
        return pa.struct(
            [pa.field(f.name, _arrow_type(pa, f.dataType, where + "." + f.name), f.nullable) for f in t.fields]
        )
    raise TypeError("createDataFrame: column '%s' has type %s, which Sluice does not support" % (where, t.simpleString()))


def _schema_arg(schema):
    """A createDataFrame schema argument as a StructType, a list of names,
    or None."""
    from sluice.sql.types import StructType, _parse_datatype_string

    if schema is None or isinstance(schema, StructType):
        return schema
    if isinstance(schema, str):
        parsed = _parse_datatype_string(schema)
        if not isinstance(parsed, StructType):
            raise TypeError("createDataFrame from Arrow or pandas needs a struct schema, got %r" % schema)
        return parsed
    if isinstance(schema, (list, tuple)) and all(isinstance(n, str) for n in schema):
        return list(schema)
    raise TypeError("createDataFrame: schema must be a StructType, a DDL string or a list of column names, got %r"
                    % (schema,))


def _apply_schema(pa, table, schema):
    """The table renamed / cast as createDataFrame's schema says (by
    position, as PySpark matches pandas columns)."""
    if schema is None:
        return table
    if isinstance(schema, list):
        if len(schema) != table.num_columns:
            raise ValueError("createDataFrame: %d column names given for %d columns" % (len(schema), table.num_columns))
        return table.rename_columns(schema)
    if len(schema.fields) != table.num_columns:
        raise ValueError(
            "createDataFrame: the schema has %d fields, the data %d columns" % (len(schema.fields), table.num_columns)
        )
    target = pa.schema([pa.field(f.name, _arrow_type(pa, f.dataType, f.name), f.nullable) for f in schema.fields])
    table = table.rename_columns(target.names)
    columns = []
    for i, field in enumerate(target):
        column = table.column(i)
        if column.type != field.type:
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as e:
                raise TypeError(
                    "createDataFrame: column '%s' of Arrow type %s cannot be converted to %s: %s"
                    % (field.name, column.type, schema.fields[i].dataType.simpleString(), e)
                ) from e
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=target)


def _create_dataframe(spark, data, schema):
    from sluice.sql.dataframe import DataFrame

    schema = _schema_arg(schema)
    mod = type(data).__module__ or ""
    if mod == "numpy":
        pa = _require_pyarrow("createDataFrame(numpy.ndarray)")
        table = _apply_schema(pa, _ndarray_table(pa, data, schema), schema)
        capsule = table.__arrow_c_stream__()
    elif mod.startswith("pandas"):
        pa = _require_pyarrow("createDataFrame(pandas.DataFrame)")
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            raise TypeError("createDataFrame: expected a pandas.DataFrame, got %s" % type(data).__name__)
        table = pa.Table.from_pandas(data, preserve_index=False)
        table = _apply_schema(pa, table, schema)
        capsule = table.__arrow_c_stream__()
    elif schema is not None or mod.startswith("pyarrow"):
        pa = _require_pyarrow("createDataFrame with a schema")
        if schema is None and isinstance(data, (pa.Table, pa.RecordBatchReader)):
            # Read batch by batch by the engine, nothing materialized first.
            capsule = data.__arrow_c_stream__()
        else:
            if isinstance(data, pa.RecordBatch):
                table = pa.Table.from_batches([data])
            elif isinstance(data, pa.Table):
                table = data
            else:
                table = pa.RecordBatchReader.from_stream(data).read_all()
            table = _apply_schema(pa, table, schema)
            capsule = table.__arrow_c_stream__()
    else:
        # Any producer of the Arrow PyCapsule protocol (polars, duckdb...).
        capsule = data.__arrow_c_stream__()
    result = _core.result_from_arrow_capsule(capsule)
    return DataFrame(spark._session.create_dataframe(result), spark)
