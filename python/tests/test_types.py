"""sluice.sql.types: type classes, DDL strings, Row."""

import pickle

import pytest

from sluice.errors import ParseException
from sluice.sql import Row
from sluice.sql.types import (
    ArrayType,
    BinaryType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    TimestampType,
    _parse_datatype_string,
)


def test_simple_strings_and_type_names():
    # As PySpark's simpleString() / typeName().
    assert [t.simpleString() for t in (IntegerType(), LongType(), DoubleType(), StringType(), BooleanType(),
                                       DateType(), TimestampType(), BinaryType())] == [
        "int", "bigint", "double", "string", "boolean", "date", "timestamp", "binary"]
    assert IntegerType.typeName() == "integer" and LongType.typeName() == "long"
    assert DecimalType(5, 2).simpleString() == "decimal(5,2)"
    assert ArrayType(IntegerType()).simpleString() == "array<int>"
    assert StructType([StructField("a", IntegerType()), StructField("b", StringType())]).simpleString() == \
        "struct<a:int,b:string>"
    assert MapType(StringType(), LongType()).simpleString() == "map<string,bigint>"


def test_reprs_match_pyspark():
    assert repr(DecimalType(5, 2)) == "DecimalType(5,2)"
    assert repr(StructType([StructField("a", ArrayType(IntegerType(), True), False)])) == \
        "StructType([StructField('a', ArrayType(IntegerType(), True), False)])"


def test_equality_and_hash():
    assert IntegerType() == IntegerType() and IntegerType() != LongType()
    assert DecimalType(5, 2) != DecimalType(5, 3)
    assert len({IntegerType(), IntegerType(), LongType()}) == 2


def test_struct_type_api():
    st = StructType().add("a", IntegerType()).add("b", "string", False).add(StructField("c", DoubleType()))
    assert st.names == ["a", "b", "c"] and st.fieldNames() == ["a", "b", "c"]
    assert st["b"] == StructField("b", StringType(), False)
    assert st[0].name == "a" and len(st[1:]) == 2 and len(st) == 3
    assert [f.name for f in st] == ["a", "b", "c"]
    with pytest.raises(KeyError):
        st["zz"]
    assert st.toDDL() == "`a` INT, `b` STRING NOT NULL, `c` DOUBLE"


def test_ddl_strings_parse_to_types():
    assert _parse_datatype_string("int") == IntegerType()
    assert _parse_datatype_string("array<string>") == ArrayType(StringType())
    assert _parse_datatype_string("decimal(10,3)") == DecimalType(10, 3)
    assert _parse_datatype_string("a INT, b STRING") == StructType(
        [StructField("a", IntegerType()), StructField("b", StringType())])
    assert _parse_datatype_string("struct<x: bigint>") == StructType([StructField("x", LongType())])
    with pytest.raises(ParseException):
        _parse_datatype_string("a INT,, b")


def test_tree_string():
    st = StructType([StructField("a", ArrayType(StructType([StructField("b", DecimalType(3, 1))])), False)])
    assert st.treeString() == (
        "root\n"
        " |-- a: array (nullable = false)\n"
        " |    |-- element: struct (containsNull = true)\n"
        " |    |    |-- b: decimal(3,1) (nullable = true)\n\n"
    )
    assert st.treeString(1) == "root\n |-- a: array (nullable = false)\n\n"


def test_row():
    r = Row(name="a", age=3)
    assert r.name == "a" and r["age"] == 3 and r[0] == "a" and tuple(r) == ("a", 3)
    assert "name" in r and r.asDict() == {"name": "a", "age": 3}
    assert repr(r) == "Row(name='a', age=3)"
    Person = Row("name", "age")
    assert Person("b", 4) == Row(name="b", age=4) and Person("b", 4).age == 4
    nested = Row(a=Row(b=1), c=[Row(d=2)])
    assert nested.asDict(recursive=True) == {"a": {"b": 1}, "c": [{"d": 2}]}
    assert pickle.loads(pickle.dumps(r)) == r and pickle.loads(pickle.dumps(r)).name == "a"
    with pytest.raises(AttributeError):
        r.nope
    with pytest.raises(RuntimeError):
        r.name = "x"


def test_types_the_engine_lacks_are_refused_by_name():
    from sluice.errors import PySparkTypeError
    from sluice.sql.types import ByteType, FloatType, ShortType, TimestampNTZType

    for t, instead in ((FloatType(), "DoubleType"), (ByteType(), "IntegerType"), (ShortType(), "IntegerType"),
                       (TimestampNTZType(), "TimestampType")):
        with pytest.raises(PySparkTypeError, match="%s is not supported.*use %s" % (type(t).__name__, instead)):
            StructType([StructField("a", t)]).toDDL()
    # Still importable and printable (programs name them).
    assert FloatType().simpleString() == "float" and TimestampNTZType.typeName() == "timestamp_ntz"


def test_from_ddl_and_json():
    from sluice.sql.types import DataType

    assert DataType.fromDDL("a INT") == StructType([StructField("a", IntegerType())])
    assert StructType([StructField("a", IntegerType(), False)]).json() == \
        '{"fields":[{"metadata":{},"name":"a","nullable":false,"type":"integer"}],"type":"struct"}'


def test_type_hierarchy_as_pyspark():
    from sluice.sql.types import AtomicType, FractionalType, IntegralType, NumericType

    assert isinstance(IntegerType(), IntegralType) and isinstance(LongType(), NumericType)
    assert isinstance(DoubleType(), FractionalType) and isinstance(DecimalType(), FractionalType)
    assert isinstance(StringType(), AtomicType) and not isinstance(StringType(), NumericType)
    assert not isinstance(ArrayType(IntegerType()), AtomicType)
    # Equality is by exact type: a base class is not equal to its subclasses.
    assert NumericType() != IntegerType() and IntegerType() != NumericType()


def test_json_value_and_from_json_as_pyspark():
    schema = StructType([
        StructField("id", LongType(), False),
        StructField("tags", ArrayType(StringType())),
        StructField("attrs", MapType(StringType(), LongType())),
        StructField("d", DecimalType(10, 2)),
    ])
    # pyspark 4.3.0's jsonValue() for this schema.
    assert schema.jsonValue() == {"type": "struct", "fields": [
        {"name": "id", "type": "long", "nullable": False, "metadata": {}},
        {"name": "tags", "type": {"type": "array", "elementType": "string", "containsNull": True}, "nullable": True,
         "metadata": {}},
        {"name": "attrs", "type": {"type": "map", "keyType": "string", "valueType": "long",
                                   "valueContainsNull": True}, "nullable": True, "metadata": {}},
        {"name": "d", "type": "decimal(10,2)", "nullable": True, "metadata": {}},
    ]}
    assert StructType.fromJson(schema.jsonValue()) == schema
