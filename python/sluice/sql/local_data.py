"""createDataFrame from Python rows: schema inference (as PySpark's) and
conversion into engine values (python/bindings/values.cc)."""

import calendar
import datetime
import decimal
import time

from sluice.errors import PySparkTypeError, PySparkValueError
from sluice.sql.types import (
    ArrayType,
    BinaryType,
    BooleanType,
    DataType,
    DateType,
    DecimalType,
    DoubleType,
    LongType,
    MapType,
    NullType,
    Row,
    StringType,
    StructField,
    StructType,
    TimestampType,
    _parse_datatype_string,
)


def _datetime_micros(dt):
    """Microseconds since the epoch: a naive datetime is local time of the
    process (as PySpark), an aware one is converted from its zone."""
    if dt.tzinfo is not None and dt.tzinfo.utcoffset(dt) is not None:
        seconds = calendar.timegm(dt.utctimetuple())
    else:
        seconds = int(time.mktime(dt.timetuple()))
    return seconds * 1000000 + dt.microsecond


def _decimal_unscaled(d, precision, scale):
    """The unscaled integer of `d` at `scale` (rounded half up), or None when
    it has more than `precision` digits."""
    if not d.is_finite():
        return None
    q = d.scaleb(scale).to_integral_value(rounding=decimal.ROUND_HALF_UP)
    n = int(q)
    if len(str(abs(n))) > precision:
        return None
    return n


def _infer_type(obj, path):
    if obj is None:
        return NullType()
    if isinstance(obj, bool):
        return BooleanType()
    if isinstance(obj, int):
        return LongType()
    if isinstance(obj, float):
        return DoubleType()
    if isinstance(obj, str):
        return StringType()
    if isinstance(obj, (bytes, bytearray)):
        return BinaryType()
    if isinstance(obj, decimal.Decimal):
        return DecimalType(38, 18)
    if isinstance(obj, datetime.datetime):
        return TimestampType()
    if isinstance(obj, datetime.date):
        return DateType()
    if isinstance(obj, dict):
        key, value = NullType(), NullType()
        for k, v in obj.items():
            key = _merge_type(key, _infer_type(k, path), path)
            value = _merge_type(value, _infer_type(v, path), path)
        return MapType(key, value, True)
    if isinstance(obj, list):
        element = NullType()
        for v in obj:
            element = _merge_type(element, _infer_type(v, path + ".element"), path + ".element")
        return ArrayType(element, True)
    if isinstance(obj, (tuple, Row)) or hasattr(obj, "__dict__"):
        return _infer_struct(obj, path)
    raise PySparkTypeError(
        "[UNSUPPORTED_DATA_TYPE] createDataFrame cannot infer a type for field %s: %s"
        % (path, type(obj).__name__),
        errorClass="UNSUPPORTED_DATA_TYPE",
    )


def _row_items(row, top=False):
    """(name, value) pairs of a row-like object (None names: by position)."""
    if isinstance(row, dict):
        # PySpark orders a dict's fields by key.
        return sorted(row.items(), key=lambda kv: str(kv[0]))
    if isinstance(row, Row) and hasattr(row, "__fields__"):
        return list(zip(row.__fields__, tuple(row)))
    if isinstance(row, tuple) and hasattr(row, "_fields"):  # namedtuple
        return list(zip(row._fields, tuple(row)))
    if isinstance(row, (tuple, list)):
        return [("_%d" % (i + 1), v) for i, v in enumerate(row)]
    if hasattr(row, "__dict__"):
        return sorted(vars(row).items())
    raise PySparkTypeError(
        "[CANNOT_INFER_SCHEMA_FOR_TYPE] Can not infer schema for type: `%s`." % type(row).__name__,
        errorClass="CANNOT_INFER_SCHEMA_FOR_TYPE",
    )


def _infer_struct(row, path):
    return StructType(
        [StructField(name, _infer_type(v, "%s.%s" % (path, name) if path else name), True) for name, v in _row_items(row)]
    )


def _merge_type(a, b, path):
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType):
        return a
    if type(a) is not type(b):
        raise PySparkTypeError(
            "[CANNOT_MERGE_TYPE] Can not merge type `%s` and `%s` (field %s)." % (type(a).__name__, type(b).__name__, path),
            errorClass="CANNOT_MERGE_TYPE",
        )
    if isinstance(a, StructType):
        fields = {f.name: f for f in a.fields}
        out = []
        for f in a.fields:
            other = next((g for g in b.fields if g.name == f.name), None)
            t = f.dataType if other is None else _merge_type(f.dataType, other.dataType, path + "." + f.name)
            out.append(StructField(f.name, t, True))
        for g in b.fields:
            if g.name not in fields:
                out.append(StructField(g.name, g.dataType, True))
        return StructType(out)
    if isinstance(a, ArrayType):
        return ArrayType(_merge_type(a.elementType, b.elementType, path + ".element"), True)
    if isinstance(a, MapType):
        return MapType(_merge_type(a.keyType, b.keyType, path), _merge_type(a.valueType, b.valueType, path), True)
    return a


def _contains_type(t, cls):
    """True if `t` or a type nested in it (struct fields, array elements, map
    keys and values) is a `cls`."""
    if isinstance(t, cls):
        return True
    if isinstance(t, StructType):
        return any(_contains_type(f.dataType, cls) for f in t.fields)
    if isinstance(t, ArrayType):
        return _contains_type(t.elementType, cls)
    if isinstance(t, MapType):
        return _contains_type(t.keyType, cls) or _contains_type(t.valueType, cls)
    return False


def _has_null_type(t):
    return _contains_type(t, NullType)


def _has_map_type(t):
    return _contains_type(t, MapType)


def _infer_schema(rows, names=None):
    if not rows:
        raise PySparkValueError(
            "[CANNOT_INFER_EMPTY_SCHEMA] Can not infer schema from an empty dataset.",
            errorClass="CANNOT_INFER_EMPTY_SCHEMA",
        )
    schema = None
    for row in rows:
        t = _infer_struct(row, "")
        schema = t if schema is None else _merge_type(schema, t, "row")
    if names:
        fields = list(schema.fields)
        for i, name in enumerate(names):
            if i < len(fields):
                fields[i] = StructField(name, fields[i].dataType, True)
        schema = StructType(fields)
    if _has_null_type(schema):
        raise PySparkValueError(
            "[CANNOT_DETERMINE_TYPE] Some of types cannot be determined after inferring.",
            errorClass="CANNOT_DETERMINE_TYPE",
        )
    return schema


def _positional(row):
    """A top-level row by position (names dropped)."""
    if isinstance(row, dict):
        return tuple(v for _, v in _row_items(row))
    if isinstance(row, (tuple, list)):
        return tuple(row)
    return tuple(v for _, v in _row_items(row))


def _create_dataframe(spark, data, schema, verify_schema):
    from sluice import _core
    from sluice.sql.dataframe import DataFrame

    if isinstance(data, DataFrame):
        raise PySparkTypeError(
            "[INVALID_TYPE] data is already a DataFrame.", errorClass="INVALID_TYPE"
        )
    rows = list(data)
    names = None
    if isinstance(schema, str):
        schema = _parse_datatype_string(schema)
    if isinstance(schema, (list, tuple)):
        if not all(isinstance(n, str) for n in schema):
            raise PySparkTypeError("[NOT_LIST_OF_STR] schema as a list takes column names (str)",
                                   errorClass="NOT_LIST_OF_STR")
        names = list(schema)
        schema = None
    if schema is not None and not isinstance(schema, DataType):
        raise PySparkTypeError(
            "[NOT_LIST_OR_NONE_OR_STRUCT] Argument `schema` should be a list, None, str or StructType, got %s."
            % type(schema).__name__,
            errorClass="NOT_LIST_OR_NONE_OR_STRUCT",
        )
    if schema is not None and not isinstance(schema, StructType):
        # An atomic type: each datum is the single column `value`.
        schema = StructType([StructField("value", schema, True)])
        rows = [(r,) for r in rows]
    if schema is None:
        schema = _infer_schema(rows, names)
        if names is not None or any(not isinstance(r, dict) for r in rows):
            # Names given, or rows whose fields are positional: convert by position.
            rows = [_positional(r) for r in rows]
        else:
            rows = [tuple(r.get(f.name) for f in schema.fields) for r in rows]
    for f in schema.fields:
        if _has_map_type(f.dataType):
            raise PySparkTypeError(
                "[UNSUPPORTED_DATA_TYPE] column %s: %s is not supported by Sluice (the engine has no MAP type; "
                "use a struct or an array)" % (f.name, f.dataType.simpleString()),
                errorClass="UNSUPPORTED_DATA_TYPE",
            )
    try:
        result = _core.local_result(schema.toDDL(), rows)
    except TypeError as e:
        raise PySparkTypeError(str(e), errorClass="FIELD_DATA_TYPE_UNACCEPTABLE") from None
    except ValueError as e:
        raise PySparkValueError(str(e)) from None
    return DataFrame(spark._session.create_dataframe(result), spark)
