"""Column (pyspark.sql.Column).

A Column is SQL expression text, kept as a sequence of parts: plain text and
references to a DataFrame's columns (``df["a"]``, ``df.a``). A reference
remembers which DataFrame it came from, so that ``df1.join(df2, df1.id ==
df2.id)`` can qualify each side's ``id`` with a hidden alias when the join
is made (see DataFrame.join). The text is parsed by the engine when the
Column is used; operators build the same text Spark prints for an
expression (``(a + 1)``, ``(a = 1)``), which is also the result column's
name when no alias is given.
"""

import datetime
import decimal
import math

from sluice.errors import PySparkTypeError, PySparkValueError

__all__ = ["Column"]


def _quote_ident(name):
    return "`" + name.replace("`", "``") + "`"


def _split_name(name):
    """A column name as PySpark reads it: dots separate nested parts, except
    inside backquotes ("a.b" is a.b; "`a.b`" is one name)."""
    parts, cur, quoted, i = [], [], False, 0
    while i < len(name):
        ch = name[i]
        if ch == "`":
            if quoted and i + 1 < len(name) and name[i + 1] == "`":
                cur.append("`")
                i += 2
                continue
            quoted = not quoted
        elif ch == "." and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


class _Ref:
    """A column reference; `df_id` is the DataFrame it was taken from (None
    for col("a"))."""

    __slots__ = ("df_id", "parts")

    def __init__(self, df_id, parts):
        self.df_id = df_id
        self.parts = tuple(parts)

    def render(self, quals):
        if self.parts == ("*",):
            text = "*"
        else:
            text = ".".join("*" if p == "*" else _quote_ident(p) for p in self.parts)
        if quals and self.df_id is not None and self.df_id in quals:
            return _quote_ident(quals[self.df_id]) + "." + text
        return text

    def display(self):
        return ".".join(self.parts)


class Column:
    """An expression over a DataFrame's columns."""

    __slots__ = ("_parts", "_atomic", "_alias", "_sort", "_case")

    def __init__(self, parts, atomic=True, alias=None, sort=None, case=None):
        self._parts = tuple(parts)
        self._atomic = atomic
        self._alias = alias
        self._sort = sort  # (ascending, nulls_first or None)
        self._case = case  # (branches, otherwise) for when(...).otherwise(...)

    # --- construction helpers ---

    def _operand(self):
        """Parts for use inside a larger expression (parenthesized if needed)."""
        if self._atomic:
            return self._parts
        return ("(",) + self._parts + (")",)

    def _render(self, quals=None):
        return "".join(p if isinstance(p, str) else p.render(quals) for p in self._parts)

    def _display(self):
        return "".join(p if isinstance(p, str) else p.display() for p in self._parts)

    def _refs(self):
        return [p for p in self._parts if isinstance(p, _Ref)]

    def _bin(self, op, other, reverse=False):
        o = _to_column(other)
        left, right = (o, self) if reverse else (self, o)
        return Column(("(",) + left._operand() + (" %s " % op,) + right._operand() + (")",))

    def _to_core(self, quals=None):
        from sluice import _core

        c = _core.expr_column(self._render(quals))
        if self._alias is not None:
            c = c.alias(self._alias)
        if self._sort is not None:
            c = c.sort(self._sort[0], self._sort[1])
        return c

    # --- operators ---

    def __eq__(self, other):
        return self._bin("=", other)

    def __ne__(self, other):
        return Column(("(NOT ",) + self._bin("=", other)._parts + (")",))

    def __lt__(self, other):
        return self._bin("<", other)

    def __le__(self, other):
        return self._bin("<=", other)

    def __gt__(self, other):
        return self._bin(">", other)

    def __ge__(self, other):
        return self._bin(">=", other)

    def __and__(self, other):
        return self._bin("AND", other)

    def __or__(self, other):
        return self._bin("OR", other)

    def __rand__(self, other):
        return self._bin("AND", other, True)

    def __ror__(self, other):
        return self._bin("OR", other, True)

    def __invert__(self):
        return Column(("(NOT ",) + self._operand() + (")",))

    def __add__(self, other):
        return self._bin("+", other)

    def __radd__(self, other):
        return self._bin("+", other, True)

    def __sub__(self, other):
        return self._bin("-", other)

    def __rsub__(self, other):
        return self._bin("-", other, True)

    def __mul__(self, other):
        return self._bin("*", other)

    def __rmul__(self, other):
        return self._bin("*", other, True)

    def __truediv__(self, other):
        return self._bin("/", other)

    def __rtruediv__(self, other):
        return self._bin("/", other, True)

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __mod__(self, other):
        return self._bin("%", other)

    def __rmod__(self, other):
        return self._bin("%", other, True)

    def __pow__(self, other):
        return Column(("POWER(",) + self._parts + (", ",) + _to_column(other)._parts + (")",))

    def __rpow__(self, other):
        return Column(("POWER(",) + _to_column(other)._parts + (", ",) + self._parts + (")",))

    def __neg__(self):
        return Column(("negative(",) + self._parts + (")",))

    def __hash__(self):
        return id(self)

    def __bool__(self):
        raise PySparkValueError(
            "[CANNOT_CONVERT_COLUMN_INTO_BOOL] Cannot convert column into bool: please use '&' for 'and', "
            "'|' for 'or', '~' for 'not' when building DataFrame boolean expressions.",
            errorClass="CANNOT_CONVERT_COLUMN_INTO_BOOL",
        )

    __nonzero__ = __bool__

    def __contains__(self, item):
        raise PySparkValueError(
            "[CANNOT_APPLY_IN_FOR_COLUMN] Cannot apply 'in' operator against a column: please use 'contains' "
            "in a string column or 'array_contains' function for an array column.",
            errorClass="CANNOT_APPLY_IN_FOR_COLUMN",
        )

    def __iter__(self):
        raise PySparkTypeError("[NOT_ITERABLE] Column is not iterable.", errorClass="NOT_ITERABLE")

    def __getattr__(self, item):
        if item.startswith("__"):
            raise AttributeError(item)
        return self.getField(item)

    def __getitem__(self, k):
        if isinstance(k, slice):
            if k.step is not None:
                raise PySparkValueError("[SLICE_WITH_STEP] Slice with step is not supported.", errorClass="SLICE_WITH_STEP")
            return self.substr(k.start, k.stop)
        if isinstance(k, str):
            return self.getField(k)
        return self.getItem(k)

    def __repr__(self):
        text = self._display()
        if self._alias is not None:
            text += " AS " + self._alias
        if self._sort is not None:
            text += (" ASC" if self._sort[0] else " DESC") + (
                "" if self._sort[1] is None else (" NULLS FIRST" if self._sort[1] else " NULLS LAST")
            )
        return "Column<'%s'>" % text

    # --- names, types ---

    def alias(self, *alias, **kwargs):
        if len(alias) != 1:
            raise PySparkValueError(
                "[ONLY_SINGLE_ALIAS_SUPPORTED] Sluice supports a single alias per column, got %d" % len(alias),
                errorClass="ONLY_SINGLE_ALIAS_SUPPORTED",
            )
        return Column(self._parts, self._atomic, alias[0], self._sort, self._case)

    name = alias

    def cast(self, dataType):
        from sluice.sql.types import DataType, _parse_datatype_string

        if isinstance(dataType, str):
            ddl = _parse_datatype_string(dataType)._ddl()
        elif isinstance(dataType, DataType):
            ddl = dataType._ddl()
        else:
            raise PySparkTypeError(
                "[NOT_DATATYPE_OR_STR] Argument `dataType` should be a DataType or a str, got %s."
                % type(dataType).__name__,
                errorClass="NOT_DATATYPE_OR_STR",
            )
        out = Column(("CAST(",) + self._parts + (" AS %s)" % ddl,))
        if self._alias is None and len(self._parts) == 1 and isinstance(self._parts[0], _Ref) \
                and self._parts[0].parts != ("*",):
            # Spark names a cast column reference after the column.
            out._alias = self._parts[0].parts[-1]
        return out

    astype = cast

    def try_cast(self, dataType):
        c = self.cast(dataType)
        return Column(("TRY_",) + c._parts)

    # --- predicates ---

    def isNull(self):
        return Column(("(",) + self._operand() + (" IS NULL)",))

    def isNotNull(self):
        return Column(("(",) + self._operand() + (" IS NOT NULL)",))

    def isNaN(self):
        # The engine has no isnan(): NaN is the one DOUBLE whose text is 'NaN'.
        c = Column(("(CAST(",) + self._parts + (" AS STRING) <=> 'NaN')",))
        c._alias = "isnan(%s)" % self._display()
        return c

    def eqNullSafe(self, other):
        return self._bin("<=>", other)

    def isin(self, *cols):
        if len(cols) == 1 and isinstance(cols[0], (list, set, tuple)):
            cols = tuple(cols[0])
        if not cols:
            return Column(("false",))
        parts = ("(",) + self._operand() + (" IN (",)
        for i, c in enumerate(cols):
            if i:
                parts += (", ",)
            parts += _to_column(c)._parts
        return Column(parts + ("))",))

    def between(self, lowerBound, upperBound):
        return (self >= lowerBound) & (self <= upperBound)

    def like(self, other):
        return Column(("(",) + self._operand() + (" LIKE ",) + _to_column(other)._parts + (")",))

    def ilike(self, other):
        return Column(("(",) + self._operand() + (" ILIKE ",) + _to_column(other)._parts + (")",))

    def rlike(self, other):
        return Column(("RLIKE(",) + self._parts + (", ",) + _to_column(other)._parts + (")",))

    def startswith(self, other):
        return Column(("startswith(",) + self._parts + (", ",) + _to_column(other)._parts + (")",))

    def endswith(self, other):
        return Column(("endswith(",) + self._parts + (", ",) + _to_column(other)._parts + (")",))

    def contains(self, other):
        return Column(("contains(",) + self._parts + (", ",) + _to_column(other)._parts + (")",))

    def substr(self, startPos, length=None):
        if length is None:
            return Column(("substr(",) + self._parts + (", ",) + _to_column(startPos)._parts + (")",))
        if type(startPos) is not type(length) and not (isinstance(startPos, int) and isinstance(length, int)):
            raise PySparkTypeError(
                "[NOT_SAME_TYPE] Argument `startPos` and `length` should be the same type, got %s and %s."
                % (type(startPos).__name__, type(length).__name__),
                errorClass="NOT_SAME_TYPE",
            )
        return Column(
            ("substr(",) + self._parts + (", ",) + _to_column(startPos)._parts + (", ",)
            + _to_column(length)._parts + (")",)
        )

    # --- nested ---

    def getField(self, name):
        if isinstance(name, Column):
            raise PySparkTypeError("[NOT_STR] getField takes a field name (str)", errorClass="NOT_STR")
        out = Column(self._operand() + ("." + _quote_ident(name),))
        # Spark names s.getField("a") `s.a` (the engine would say `a`).
        if len(self._parts) == 1 and isinstance(self._parts[0], _Ref) and self._alias is None:
            out._alias = self._parts[0].display() + "." + name
        elif self._alias is not None and self._parts[-1:] and isinstance(self._parts[-1], str) \
                and self._parts[-1].startswith(".") and self._sort is None:
            out._alias = self._alias + "." + name
        return out

    def getItem(self, key):
        if isinstance(key, str):
            return self.getField(key)
        return Column(self._operand() + ("[",) + _to_column(key)._parts + ("]",))

    # --- sort order ---

    def _sorted(self, ascending, nulls_first):
        return Column(self._parts, self._atomic, self._alias, (ascending, nulls_first), self._case)

    def asc(self):
        return self._sorted(True, None)

    def asc_nulls_first(self):
        return self._sorted(True, True)

    def asc_nulls_last(self):
        return self._sorted(True, False)

    def desc(self):
        return self._sorted(False, None)

    def desc_nulls_first(self):
        return self._sorted(False, True)

    def desc_nulls_last(self):
        return self._sorted(False, False)

    # --- CASE WHEN ---

    def when(self, condition, value):
        if self._case is None or self._case[1] is not None:
            raise PySparkValueError(
                "[INVALID_WHEN_USAGE] when() can only be applied on a Column previously generated by when() "
                "function, and cannot be applied once otherwise() is applied.",
                errorClass="INVALID_WHEN_USAGE",
            )
        return _case(self._case[0] + [(_to_column(condition), _to_column(value))], None)

    def otherwise(self, value):
        if self._case is None or self._case[1] is not None:
            raise PySparkValueError(
                "[INVALID_OTHERWISE_USAGE] otherwise() can only be applied on a Column previously generated by "
                "when(), and only once.",
                errorClass="INVALID_OTHERWISE_USAGE",
            )
        return _case(self._case[0], _to_column(value))

    def over(self, window=None):
        raise PySparkNotImplemented("Window functions (Column.over)")


def PySparkNotImplemented(what):
    from sluice.errors import PySparkNotImplementedError

    return PySparkNotImplementedError(
        "[NOT_IMPLEMENTED] %s are not supported by Sluice (docs/python.md)" % what, errorClass="NOT_IMPLEMENTED"
    )


def _case(branches, otherwise):
    parts = ("CASE",)
    for cond, val in branches:
        parts += (" WHEN ",) + cond._parts + (" THEN ",) + val._parts
    if otherwise is not None:
        parts += (" ELSE ",) + otherwise._parts
    parts += (" END",)
    return Column(parts, case=(branches, otherwise))


# --- literals ---


def _sql_string(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _timestamp_literal(dt):
    from sluice.sql.local_data import _datetime_micros

    micros = _datetime_micros(dt)
    utc = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=micros)
    return "TIMESTAMP '%s'" % utc.isoformat(sep=" ")


def _literal_text(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if -(2**31) <= value < 2**31:
            return str(value)
        if -(2**63) <= value < 2**63:
            return "%dL" % value
        raise PySparkValueError(
            "[VALUE_OUT_OF_BOUNDS] %d is out of range for a BIGINT literal" % value, errorClass="VALUE_OUT_OF_BOUNDS"
        )
    if isinstance(value, float):
        if math.isnan(value):
            return "CAST('NaN' AS DOUBLE)"
        if math.isinf(value):
            return "CAST('%s' AS DOUBLE)" % ("Infinity" if value > 0 else "-Infinity")
        return repr(value) + "D"
    if isinstance(value, str):
        return _sql_string(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise PySparkValueError("[UNSUPPORTED_LITERAL] Decimal %s has no SQL literal" % value,
                                    errorClass="UNSUPPORTED_LITERAL")
        return format(value, "f") + "BD"
    if isinstance(value, datetime.datetime):
        return _timestamp_literal(value)
    if isinstance(value, datetime.date):
        return "DATE '%s'" % value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return "X'%s'" % bytes(value).hex().upper()
    if isinstance(value, (list, tuple)):
        return "array(%s)" % ", ".join(_literal_text(v) for v in value)
    raise PySparkTypeError(
        "[UNSUPPORTED_DATA_TYPE] lit() does not support the Python type %s" % type(value).__name__,
        errorClass="UNSUPPORTED_DATA_TYPE",
    )


def _lit(value):
    if isinstance(value, Column):
        return value
    return Column((_literal_text(value),))


def _to_column(value):
    """A Column, or a Python value as a literal (the operand of an operator)."""
    if isinstance(value, Column):
        return value
    return _lit(value)


def _col(name):
    if not isinstance(name, str):
        raise PySparkTypeError("[NOT_STR] Argument `col` should be a str, got %s." % type(name).__name__,
                               errorClass="NOT_STR")
    if name == "*":
        return Column((_Ref(None, ("*",)),))
    return Column((_Ref(None, _split_name(name)),))


def _to_col(c):
    """A column argument: a Column, or a column name."""
    if isinstance(c, Column):
        return c
    if isinstance(c, str):
        return _col(c)
    raise PySparkTypeError(
        "[NOT_COLUMN_OR_STR] Argument should be a Column or str, got %s." % type(c).__name__,
        errorClass="NOT_COLUMN_OR_STR",
    )
