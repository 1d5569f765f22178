"""Spark SQL types (pyspark.sql.types) and Row.

Sluice's engine has BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), STRING,
BINARY, DATE, TIMESTAMP, STRUCT and ARRAY; the other PySpark type classes
exist so that programs naming them import, and are refused with a clear
error where the engine would need them (docs/python.md).
"""

__all__ = [
    "DataType", "NullType", "BooleanType", "ByteType", "ShortType", "IntegerType", "LongType",
    "FloatType", "DoubleType", "DecimalType", "StringType", "BinaryType", "DateType",
    "TimestampType", "TimestampNTZType", "ArrayType", "MapType", "StructField", "StructType", "Row",
    "AtomicType", "NumericType", "IntegralType", "FractionalType", "CharType", "VarcharType",
    "DayTimeIntervalType", "YearMonthIntervalType", "CalendarIntervalType",
]


class DataType:
    """Base class of the types."""

    def __eq__(self, other):
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(str(self))

    def __repr__(self):
        return self.__class__.__name__ + "()"

    @classmethod
    def typeName(cls):
        return cls.__name__[: -len("Type")].lower()

    def simpleString(self):
        return self.typeName()

    def jsonValue(self):
        return self.typeName()

    @classmethod
    def fromDDL(cls, ddl):
        """A type from a DDL string: "int", "array<string>", "a INT, b STRING" (a struct)."""
        return _parse_datatype_string(ddl)

    # The engine's DDL spelling ("BIGINT", "STRUCT<a: INT>").
    def _ddl(self):
        return self.simpleString().upper()


class AtomicType(DataType):
    """Base of the non-nested types."""


class NumericType(AtomicType):
    """Base of the numeric types."""


class IntegralType(NumericType):
    """Base of the integral types."""


class FractionalType(NumericType):
    """Base of the fractional types."""


class NullType(DataType):
    @classmethod
    def typeName(cls):
        return "void"


class BooleanType(AtomicType):
    pass


def _unsupported_ddl(self):
    from sluice.errors import PySparkTypeError

    instead = {"ByteType": "IntegerType", "ShortType": "IntegerType", "FloatType": "DoubleType",
               "TimestampNTZType": "TimestampType", "MapType": "a StructType or an ArrayType",
               "CharType": "StringType", "VarcharType": "StringType"}
    raise PySparkTypeError(
        "[UNSUPPORTED_DATA_TYPE] %s is not supported by Sluice's engine; use %s (docs/python.md)"
        % (type(self).__name__, instead.get(type(self).__name__, "another type")),
        errorClass="UNSUPPORTED_DATA_TYPE",
    )


class ByteType(IntegralType):
    _ddl = _unsupported_ddl

    def simpleString(self):
        return "tinyint"


class ShortType(IntegralType):
    _ddl = _unsupported_ddl

    def simpleString(self):
        return "smallint"


class IntegerType(IntegralType):
    def simpleString(self):
        return "int"


class LongType(IntegralType):
    def simpleString(self):
        return "bigint"


class FloatType(FractionalType):
    _ddl = _unsupported_ddl


class DoubleType(FractionalType):
    pass


class StringType(AtomicType):
    pass


class BinaryType(AtomicType):
    pass


class DateType(AtomicType):
    pass


class TimestampType(AtomicType):
    pass


class TimestampNTZType(AtomicType):
    _ddl = _unsupported_ddl

    @classmethod
    def typeName(cls):
        return "timestamp_ntz"


class DecimalType(FractionalType):
    def __init__(self, precision=10, scale=0):
        self.precision = precision
        self.scale = scale

    def simpleString(self):
        return "decimal(%d,%d)" % (self.precision, self.scale)

    def jsonValue(self):
        return self.simpleString()

    def __repr__(self):
        return "DecimalType(%d,%d)" % (self.precision, self.scale)


class ArrayType(DataType):
    def __init__(self, elementType, containsNull=True):
        self.elementType = elementType
        self.containsNull = containsNull

    def simpleString(self):
        return "array<%s>" % self.elementType.simpleString()

    def _ddl(self):
        return "ARRAY<%s>" % self.elementType._ddl()

    def jsonValue(self):
        return {"type": "array", "elementType": self.elementType.jsonValue(), "containsNull": self.containsNull}

    def __repr__(self):
        return "ArrayType(%r, %r)" % (self.elementType, self.containsNull)


class MapType(DataType):
    def __init__(self, keyType, valueType, valueContainsNull=True):
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self):
        return "map<%s,%s>" % (self.keyType.simpleString(), self.valueType.simpleString())

    def jsonValue(self):
        return {"type": "map", "keyType": self.keyType.jsonValue(), "valueType": self.valueType.jsonValue(),
                "valueContainsNull": self.valueContainsNull}

    _ddl = _unsupported_ddl


class CharType(AtomicType):
    _ddl = _unsupported_ddl

    def __init__(self, length):
        self.length = length

    def simpleString(self):
        return "char(%d)" % self.length

    def __repr__(self):
        return "CharType(%d)" % self.length


class VarcharType(AtomicType):
    _ddl = _unsupported_ddl

    def __init__(self, length):
        self.length = length

    def simpleString(self):
        return "varchar(%d)" % self.length

    def __repr__(self):
        return "VarcharType(%d)" % self.length


class DayTimeIntervalType(AtomicType):
    _ddl = _unsupported_ddl

    def __init__(self, startField=0, endField=3):
        self.startField = startField
        self.endField = endField


class YearMonthIntervalType(AtomicType):
    _ddl = _unsupported_ddl

    def __init__(self, startField=0, endField=1):
        self.startField = startField
        self.endField = endField


class CalendarIntervalType(DataType):
    _ddl = _unsupported_ddl


def _quote(name):
    return "`" + name.replace("`", "``") + "`"


class StructField(DataType):
    def __init__(self, name, dataType, nullable=True, metadata=None):
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
        self.metadata = metadata or {}

    def simpleString(self):
        return "%s:%s" % (self.name, self.dataType.simpleString())

    def jsonValue(self):
        return {"name": self.name, "type": self.dataType.jsonValue(), "nullable": self.nullable,
                "metadata": self.metadata}

    @classmethod
    def fromJson(cls, json):
        return StructField(json["name"], _type_from_json(json["type"]), json.get("nullable", True),
                           json.get("metadata"))

    def __repr__(self):
        return "StructField(%r, %r, %r)" % (self.name, self.dataType, self.nullable)


class StructType(DataType):
    def __init__(self, fields=None):
        self.fields = list(fields or [])

    @property
    def names(self):
        return [f.name for f in self.fields]

    def fieldNames(self):
        return self.names

    def add(self, field, data_type=None, nullable=True, metadata=None):
        if isinstance(field, StructField):
            self.fields.append(field)
        else:
            if isinstance(data_type, str):
                data_type = _parse_datatype_string(data_type)
            self.fields.append(StructField(field, data_type, nullable, metadata))
        return self

    def __iter__(self):
        return iter(self.fields)

    def __len__(self):
        return len(self.fields)

    def __getitem__(self, key):
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise KeyError("No StructField named %s" % key)
        if isinstance(key, int):
            return self.fields[key]
        if isinstance(key, slice):
            return StructType(self.fields[key])
        raise TypeError("StructType keys should be strings, integers or slices")

    def simpleString(self):
        return "struct<%s>" % ",".join(f.simpleString() for f in self.fields)

    def _ddl(self):
        return "STRUCT<%s>" % ", ".join("%s: %s" % (_quote(f.name), f.dataType._ddl()) for f in self.fields)

    def treeString(self, level=None):
        """printSchema()'s text: "root" and one " |-- name: type (nullable = ...)" line per field."""
        lines = ["root"]
        _tree(self, " |", 1, level, lines)
        return "\n".join(lines) + "\n\n"

    def toDDL(self):
        """The column list a reader's .schema() takes: "`a` INT, `b` STRING"."""
        return ", ".join(
            "%s %s%s" % (_quote(f.name), f.dataType._ddl(), "" if f.nullable else " NOT NULL") for f in self.fields
        )

    def json(self):
        import json

        return json.dumps(self.jsonValue(), separators=(",", ":"), sort_keys=True)

    def jsonValue(self):
        return {"type": "struct", "fields": [f.jsonValue() for f in self.fields]}

    @classmethod
    def fromJson(cls, json):
        return StructType([StructField.fromJson(f) for f in json["fields"]])

    def __repr__(self):
        return "StructType([%s])" % ", ".join(repr(f) for f in self.fields)


def _tree_name(t):
    return t.simpleString() if isinstance(t, DecimalType) else t.typeName()


def _tree(t, prefix, depth, level, lines):
    if level is not None and depth > level:
        return
    if isinstance(t, StructType):
        for f in t.fields:
            lines.append("%s-- %s: %s (nullable = %s)" % (prefix, f.name, _tree_name(f.dataType), str(f.nullable).lower()))
            _tree(f.dataType, prefix + "    |", depth + 1, level, lines)
    elif isinstance(t, ArrayType):
        lines.append("%s-- element: %s (containsNull = %s)" % (prefix, _tree_name(t.elementType), str(t.containsNull).lower()))
        _tree(t.elementType, prefix + "    |", depth + 1, level, lines)
    elif isinstance(t, MapType):
        lines.append("%s-- key: %s" % (prefix, _tree_name(t.keyType)))
        _tree(t.keyType, prefix + "    |", depth + 1, level, lines)
        lines.append("%s-- value: %s (valueContainsNull = %s)" % (prefix, _tree_name(t.valueType), str(t.valueContainsNull).lower()))
        _tree(t.valueType, prefix + "    |", depth + 1, level, lines)


_SIMPLE = {
    "void": NullType, "boolean": BooleanType, "tinyint": ByteType, "smallint": ShortType, "int": IntegerType,
    "bigint": LongType, "float": FloatType, "double": DoubleType, "string": StringType, "binary": BinaryType,
    "date": DateType, "timestamp": TimestampType, "timestamp_ntz": TimestampNTZType,
}


_BY_TYPE_NAME = {
    "void": NullType, "boolean": BooleanType, "byte": ByteType, "short": ShortType, "integer": IntegerType,
    "long": LongType, "float": FloatType, "double": DoubleType, "string": StringType, "binary": BinaryType,
    "date": DateType, "timestamp": TimestampType, "timestamp_ntz": TimestampNTZType,
}


def _type_from_json(j):
    """A type from its jsonValue() form."""
    import re

    if isinstance(j, str):
        if j in _BY_TYPE_NAME:
            return _BY_TYPE_NAME[j]()
        m = re.match(r"^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$", j)
        if m:
            return DecimalType(int(m.group(1)), int(m.group(2)))
        if j == "decimal":
            return DecimalType()
        raise ValueError("unknown type name %r" % j)
    kind = j.get("type")
    if kind == "struct":
        return StructType.fromJson(j)
    if kind == "array":
        return ArrayType(_type_from_json(j["elementType"]), j.get("containsNull", True))
    if kind == "map":
        return MapType(_type_from_json(j["keyType"]), _type_from_json(j["valueType"]), j.get("valueContainsNull", True))
    raise ValueError("unknown type %r" % (j,))


def _from_engine(t):
    """A type from the engine's plain-data form (python/bindings/bindings.h)."""
    if isinstance(t, str):
        return _SIMPLE[t]()
    kind = t[0]
    if kind == "decimal":
        return DecimalType(t[1], t[2])
    if kind == "array":
        return ArrayType(_from_engine(t[1]), t[2])
    if kind == "struct":
        return StructType([StructField(name, _from_engine(ft), nullable) for name, ft, nullable in t[1]])
    raise ValueError("unknown engine type %r" % (t,))


def _parse_datatype_string(s):
    """A DDL string ("a INT, b STRING" or a single type) as a DataType, parsed by the engine."""
    from sluice import _core

    return _from_engine(_core.parse_ddl(s))


class Row(tuple):
    """A row of a result: a tuple whose fields are also reachable by name.

    ``Row(name="a", age=1)`` makes a row with fields; ``Row("name", "age")``
    makes a row class, called with the values (as in PySpark).
    """

    def __new__(cls, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            row = tuple.__new__(cls, list(kwargs.values()))
            row.__fields__ = list(kwargs.keys())
            return row
        return tuple.__new__(cls, args)

    def asDict(self, recursive=False):
        if not hasattr(self, "__fields__"):
            raise TypeError("Cannot convert a Row class into dict")

        def conv(v):
            if not recursive:
                return v
            if isinstance(v, Row):
                return v.asDict(True)
            if isinstance(v, list):
                return [conv(x) for x in v]
            return v

        return {k: conv(v) for k, v in zip(self.__fields__, self)}

    def __contains__(self, item):
        if hasattr(self, "__fields__"):
            return item in self.__fields__
        return super().__contains__(item)

    def __call__(self, *args):
        if len(args) > len(self):
            raise ValueError("Can not create Row with fields %s, expected %d values but got %s" % (self, len(self), args))
        return _create_row(tuple(self), args)

    def __getitem__(self, item):
        if isinstance(item, (int, slice)):
            return super().__getitem__(item)
        try:
            idx = self.__fields__.index(item)
        except (IndexError, AttributeError, ValueError):
            raise KeyError(item)
        return super().__getitem__(idx)

    def __getattr__(self, item):
        if item.startswith("__"):
            raise AttributeError(item)
        try:
            idx = self.__fields__.index(item)
            return self[idx]
        except (IndexError, AttributeError, ValueError):
            raise AttributeError(item)

    def __setattr__(self, key, value):
        if key != "__fields__":
            raise RuntimeError("Row is read-only")
        self.__dict__[key] = value

    def __reduce__(self):
        if hasattr(self, "__fields__"):
            return (_create_row, (tuple(self.__fields__), tuple(self)))
        return tuple.__reduce__(self)

    def __repr__(self):
        if hasattr(self, "__fields__"):
            return "Row(%s)" % ", ".join("%s=%r" % (k, v) for k, v in zip(self.__fields__, tuple(self)))
        return "<Row(%s)>" % ", ".join(repr(f) for f in self)


def _create_row(fields, values):
    row = Row(*values)
    row.__fields__ = list(fields)
    return row
