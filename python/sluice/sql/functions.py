"""SQL functions (pyspark.sql.functions) over the engine's function registry.

Every scalar and aggregate function the engine has is here under PySpark's
name and argument order (tests/test_functions.py checks the registry against
this module; _NOT_EXPOSED lists the registry names that have no function
here, each with its reason). A function builds SQL call text that the engine
binds, so argument types are checked by the engine with its messages.
"""

import inspect as _inspect

from sluice.errors import PySparkTypeError as _TypeError
from sluice.errors import PySparkValueError as _ValueError
from sluice.sql.column import Column, _case, _col, _lit, _to_col, _to_column

# Registry names with no function of that name here, and why.
_NOT_EXPOSED = {
    "!": "Column operator ~", "!=": "Column operator !=", "%": "Column operator %", "*": "Column operator *",
    "+": "Column operator +", "-": "Column operator - (and unary -)", "/": "Column operator /",
    "<": "Column operator <", "<=": "Column operator <=", "<=>": "Column.eqNullSafe", "<>": "Column operator !=",
    "=": "Column operator ==", "==": "Column operator ==", ">": "Column operator >", ">=": "Column operator >=",
    "and": "Column operator &", "or": "Column operator |", "not": "Column operator ~", "in": "Column.isin",
    "between": "Column.between", "case": "when(...).otherwise(...)", "if": "when(...).otherwise(...)",
    "iff": "when(...).otherwise(...)", "div": "SQL only (expr('a div b')); PySpark has no div function",
    "mod": "Column operator % (PySpark has no mod function)",
    "any": "PySpark has no any function (its name is bool_or / some)",
    "ends_with": "SQL alias of endswith", "starts_with": "SQL alias of startswith",
    "len": "SQL alias of length (PySpark has no len function)",
    "get_array_item": "Column.getItem / col[i]", "get_field": "Column.getField / col.field",
    "cast": "Column.cast", "try_cast": "Column.try_cast",
    "second_with_fraction": "internal (the binder's EXTRACT(SECOND ...))",
    "session_window_bounds": "internal (session_window)", "time_window": "internal (window)",
    "timestamp_add_micros": "internal (TIMESTAMP + INTERVAL)",
}


# --- argument kinds ---
# c: a Column or a column name; v: a Column or a Python value (a literal,
# strings included); cv: a Column, a column name (str) or another Python
# value (a literal); s: a Python str (a literal).


def _arg(kind, value, fname, pname):
    if kind == "c":
        if not isinstance(value, (Column, str)):
            raise _TypeError(
                "[NOT_COLUMN_OR_STR] Argument `%s` of %s should be a Column or str, got %s."
                % (pname, fname, type(value).__name__),
                errorClass="NOT_COLUMN_OR_STR",
            )
        return _to_col(value)
    if kind == "v":
        return _to_column(value)
    if kind == "cv":
        return _to_col(value) if isinstance(value, (Column, str)) else _lit(value)
    if kind == "s":
        if isinstance(value, Column):
            return value
        if not isinstance(value, str):
            raise _TypeError(
                "[NOT_STR] Argument `%s` of %s should be a str, got %s." % (pname, fname, type(value).__name__),
                errorClass="NOT_STR",
            )
        return _lit(value)
    raise AssertionError(kind)


def _call(sql_name, cols, distinct=False):
    parts = (sql_name + "(" + ("DISTINCT " if distinct else ""),)
    for i, c in enumerate(cols):
        if i:
            parts += (", ",)
        parts += c._parts
    return Column(parts + (")",))


def _define(spec, sql_name=None, skip_defaults=True):
    """A function from a spec "name(a, b:v, c:s=None, *cols)": each argument
    becomes SQL text by its kind; trailing arguments left at their default
    are left out of the call."""
    name, rest = spec.split("(", 1)
    params = []
    for p in [p.strip() for p in rest.rstrip(")").split(",") if p.strip()]:
        default = _inspect.Parameter.empty
        if "=" in p:
            p, d = p.split("=", 1)
            default = eval(d)  # noqa: S307  (literals in the specs below)
        star = p.startswith("*")
        p = p.lstrip("*")
        pname, kind = (p.split(":") + ["c"])[:2]
        params.append((pname, kind, default, star))
    sig = _inspect.Signature(
        [
            _inspect.Parameter(
                pn, _inspect.Parameter.VAR_POSITIONAL if st else _inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=d,
            )
            for pn, _, d, st in params
        ]
    )
    sql = sql_name or name

    def fn(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        cols = []
        pending = []  # defaults kept only when a later argument is given
        for pname, kind, default, star in params:
            if star:
                values = bound.arguments.get(pname, ())
                if len(values) == 1 and isinstance(values[0], (list, tuple)):
                    values = values[0]
                cols.extend(_arg(kind, v, name, pname) for v in values)
                continue
            if pname not in bound.arguments:
                if default is None:
                    pending.append(None)
                else:
                    pending.append(_arg(kind, default, name, pname))
                continue
            value = bound.arguments[pname]
            if value is None and default is None:
                pending.append(None)
                continue
            if skip_defaults and default is not _inspect.Parameter.empty and not isinstance(value, Column) \
                    and value == default:
                pending.append(_arg(kind, value, name, pname))
                continue
            for p in pending:
                if p is None:
                    raise _ValueError(
                        "[CANNOT_BE_NONE] %s: an argument before `%s` was left out" % (name, pname),
                        errorClass="CANNOT_BE_NONE",
                    )
                cols.append(p)
            pending = []
            cols.append(_arg(kind, value, name, pname))
        return _call(sql, cols)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__signature__ = sig
    fn.__doc__ = "SQL function %s (PySpark's pyspark.sql.functions.%s)." % (sql, name)
    globals()[name] = fn
    return fn


_SPECS = """
abs(col) acos(col) acosh(col) asin(col) asinh(col) atan(col) atanh(col) cbrt(col) cos(col) cosh(col) cot(col)
csc(col) sec(col) degrees(col) radians(col) exp(col) expm1(col) factorial(col) ln(col) log10(col) log1p(col)
log2(col) sign(col) signum(col) sin(col) sinh(col) sqrt(col) tan(col) tanh(col) bin(col) hex(col) unhex(col)
negative(col) negate(col) positive(col) e() pi()
atan2(col1:cv, col2:cv) pow(col1:cv, col2:cv) power(col1:cv, col2:cv) pmod(dividend:cv, divisor:cv)
ceil(col, scale:cv=None) ceiling(col, scale:cv=None) floor(col, scale:cv=None) conv(col, fromBase:v, toBase:v)
add_months(start, months:cv) date_add(start, days:cv) date_sub(start, days:cv) dateadd(start, days:cv)
datediff(end, start) date_diff(end, start) date_format(date, format:s) date_from_unix_date(days)
date_part(field, source) datepart(field, source) extract(field, source) date_trunc(format:s, timestamp)
trunc(date, format:s) day(col) dayofmonth(col) dayofweek(col) dayofyear(col) hour(col) minute(col)
second(col) month(col) quarter(col) year(col) weekday(col) weekofyear(col) last_day(date)
next_day(date, dayOfWeek:s) make_date(year, month, day)
make_timestamp(years, months, days, hours, mins, secs, timezone=None)
current_date() curdate() current_timestamp() now() localtimestamp()
from_unixtime(timestamp, format:s='yyyy-MM-dd HH:mm:ss') to_unix_timestamp(timestamp, format=None)
to_date(col, format:s=None) to_timestamp(col, format:s=None) try_to_timestamp(col, format=None)
timestamp_micros(col) timestamp_millis(col) timestamp_seconds(col) unix_date(col) unix_micros(col)
unix_millis(col) unix_seconds(col) window_time(windowColumn)
ascii(col) base64(col) unbase64(col) btrim(str, trim=None) char(col) chr(n) char_length(str)
character_length(str) length(col) octet_length(col) concat(*cols) concat_ws(sep:s, *cols)
contains(left, right) endswith(str, suffix) startswith(str, prefix) format_string(format:s, *cols)
printf(format, *cols) initcap(col) instr(str, substr:v, start:cv=None, occurrence:cv=None) lcase(str) ucase(str) lower(col)
upper(col) left(str, len) right(str, len) lpad(col, len:v, pad:v) rpad(col, len:v, pad:v)
ltrim(col, trim=None) rtrim(col, trim=None) trim(col, trim=None) regexp(str, regexp) regexp_like(str, regexp)
rlike(str, regexp) regexp_extract(str, pattern:s, idx:v) repeat(col, n:cv) replace(src, search, replace=None)
reverse(col) substr(str, pos, len=None) substring(str, pos:cv, len:cv) substring_index(str, delim:s, count:v)
translate(srcCol, matching:s, replace:s) md5(col) sha1(col) sha(col) sha2(col, numBits:v) crc32(col)
hash(*cols) xxhash64(*cols) ilike(str, pattern, escapeChar=None) like(str, pattern, escapeChar=None)
position(substr, str, start=None) get_json_object(col, path:s)
array(*cols) array_contains(col, value:v) array_distinct(col) array_size(col) cardinality(col) size(col)
element_at(col, extraction:v) try_element_at(col, extraction) named_struct(*cols)
coalesce(*cols) greatest(*cols) least(*cols) ifnull(col1, col2) nvl(col1, col2) nvl2(col1, col2, col3)
nullif(col1, col2) isnull(col) isnotnull(col)
try_add(left, right) try_divide(left, right) try_mod(left, right) try_multiply(left, right)
try_subtract(left, right)
count(col) sum(col) avg(col) min(col) max(col) collect_list(col) collect_set(col) count_if(col)
bool_and(col) bool_or(col) every(col) some(col) first_value(col, ignoreNulls:v=None)
last_value(col, ignoreNulls:v=None)
"""


def _split_specs(text):
    specs, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if depth == 0 and ch.isspace():
            if cur:
                specs.append("".join(cur))
                cur = []
            continue
        cur.append(ch)
    if cur:
        specs.append("".join(cur))
    return specs


for _spec in _split_specs(_SPECS):
    _define(_spec)


# --- functions with their own shape ---


def col(col):
    """A column by name ("a", "t.a", "data.field", "*")."""
    return _col(col)


column = col


def lit(col):
    """A literal: int, float, str, bool, None, Decimal, date, datetime, bytes, list."""
    return _lit(col)


def expr(str):
    """A column from SQL expression text; a ParseException names the line and column."""
    from sluice import _core

    if not isinstance(str, type("")):
        raise _TypeError("[NOT_STR] Argument `str` should be a str.", errorClass="NOT_STR")
    m = _ALIASED.match(str)
    if m is not None:
        # "a + 1 AS b": the expression, named (as Spark's expr()).
        try:
            _core.check_expression(m.group(1))
        except Exception:
            m = None
        else:
            name = m.group(2)
            if name.startswith("`"):
                name = name[1:-1].replace("``", "`")
            return Column((m.group(1),), atomic=False).alias(name)
    _core.check_expression(str)
    return Column((str,), atomic=False)


_ALIASED = __import__("re").compile(r"^\s*(.*?)\s+(?i:AS)\s+(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)\s*$", 16)


def when(condition, value):
    if not isinstance(condition, Column):
        raise _TypeError("[NOT_COLUMN] Argument `condition` should be a Column, got %s." % type(condition).__name__,
                         errorClass="NOT_COLUMN")
    return _case([(condition, _to_column(value))], None)


def asc(col):
    return _to_col(col).asc()


def desc(col):
    return _to_col(col).desc()


def asc_nulls_first(col):
    return _to_col(col).asc_nulls_first()


def asc_nulls_last(col):
    return _to_col(col).asc_nulls_last()


def desc_nulls_first(col):
    return _to_col(col).desc_nulls_first()


def desc_nulls_last(col):
    return _to_col(col).desc_nulls_last()


def struct(*cols):
    """A STRUCT of the columns; a field is named by the column's alias, or the
    column's name, or colN (as Spark)."""
    from sluice.sql.column import _Ref

    if len(cols) == 1 and isinstance(cols[0], (list, tuple, set)):
        cols = tuple(cols[0])
    cols = [_to_col(c) for c in cols]
    if all(c._alias is None for c in cols):
        return _call("struct", cols)
    args, shown = [], []
    for i, c in enumerate(cols):
        if c._alias is not None:
            name = c._alias
        elif len(c._parts) == 1 and isinstance(c._parts[0], _Ref):
            name = c._parts[0].parts[-1]
        else:
            name = "col%d" % (i + 1)
        args += [_lit(name), Column(c._parts, c._atomic)]
        shown.append(c._display() + ("" if c._alias is None else " AS " + c._alias))
    return _call("named_struct", args).alias("struct(%s)" % ", ".join(shown))


def mean(col):
    """avg(col) (Spark names the column avg(...))."""
    return _call("avg", [_to_col(col)])


def round(col, scale=None):
    return _call("round", [_to_col(col), _to_column(0 if scale is None else scale)])


def bround(col, scale=None):
    return _call("bround", [_to_col(col), _to_column(0 if scale is None else scale)])


def broadcast(df):
    """A hint in PySpark; the engine chooses its join itself, so the DataFrame as is."""
    return df


def log(arg1, arg2=None):
    """log(col): natural logarithm; log(base, col)."""
    if arg2 is None:
        return _call("ln", [_to_col(arg1)])
    return _call("log", [_to_col(arg1) if isinstance(arg1, (Column, str)) else _lit(arg1), _to_col(arg2)])


def first(col, ignorenulls=False):
    c = _to_col(col)
    out = _call("first", [c] + ([_lit(True)] if ignorenulls else []))
    return out.alias("first(%s)" % c._display()) if ignorenulls else out


def last(col, ignorenulls=False):
    c = _to_col(col)
    out = _call("last", [c] + ([_lit(True)] if ignorenulls else []))
    return out.alias("last(%s)" % c._display()) if ignorenulls else out


def isnan(col):
    return _to_col(col).isNaN()


def countDistinct(col, *cols):
    return _call("count", [_to_col(c) for c in (col,) + cols], distinct=True)


count_distinct = countDistinct


def sum_distinct(col):
    return _call("sum", [_to_col(col)], distinct=True)


sumDistinct = sum_distinct


def locate(substr, str, pos=1):
    if not isinstance(substr, type("")):
        raise _TypeError("[NOT_STR] Argument `substr` should be a str.", errorClass="NOT_STR")
    return _call("locate", [_lit(substr), _to_col(str)] + ([_lit(pos)] if pos != 1 else []))


def regexp_replace(string, pattern, replacement, position=None):
    args = [_to_col(string), _to_column(pattern), _to_column(replacement)]
    if position is not None:
        args.append(_to_column(position))
    return _call("regexp_replace", args)


def split(str, pattern, limit=-1):
    return _call("split", [_to_col(str), _to_column(pattern)] + ([_to_column(limit)] if limit != -1 else []))


def months_between(date1, date2, roundOff=True):
    return _call("months_between", [_to_col(date1), _to_col(date2)] + ([] if roundOff else [_lit(False)]))


def sort_array(col, asc=True):
    return _call("sort_array", [_to_col(col)] + ([] if asc else [_lit(False)]))


def unix_timestamp(timestamp=None, format="yyyy-MM-dd HH:mm:ss"):
    if timestamp is None:
        return _call("unix_timestamp", [])
    return _call("unix_timestamp", [_to_col(timestamp)] + ([_lit(format)] if format != "yyyy-MM-dd HH:mm:ss" else []))


def _schema_text(schema):
    from sluice.sql.types import DataType, StructType

    if isinstance(schema, StructType):
        return _lit(schema.toDDL())
    if isinstance(schema, DataType):
        return _lit(schema._ddl())
    if isinstance(schema, str):
        return _lit(schema)
    if isinstance(schema, Column):
        return schema
    raise _TypeError(
        "[NOT_COLUMN_OR_DATATYPE_OR_STR] Argument `schema` should be a Column, DataType or str, got %s."
        % type(schema).__name__,
        errorClass="NOT_COLUMN_OR_DATATYPE_OR_STR",
    )


def _options_map(options):
    args = []
    for k, v in options.items():
        if isinstance(v, bool):
            v = "true" if v else "false"
        args += [_lit(str(k)), _lit(str(v))]
    return _call("map", args)


def from_json(col, schema, options=None):
    args = [_to_col(col), _schema_text(schema)]
    if options:
        args.append(_options_map(options))
    return _call("from_json", args)


def to_json(col, options=None):
    args = [_to_col(col)]
    if options:
        args.append(_options_map(options))
    return _call("to_json", args)


def window(timeColumn, windowDuration, slideDuration=None, startTime=None):
    """Tumbling (window(ts, "10 seconds")) or sliding time windows."""
    for pname, v in (("windowDuration", windowDuration), ("slideDuration", slideDuration), ("startTime", startTime)):
        if v is not None and not isinstance(v, type("")):
            raise _TypeError("[NOT_STR] Argument `%s` should be a str, got %s." % (pname, type(v).__name__),
                             errorClass="NOT_STR")
    args = [_to_col(timeColumn), _lit(windowDuration)]
    if slideDuration is not None or startTime is not None:
        args.append(_lit(slideDuration if slideDuration is not None else windowDuration))
    if startTime is not None:
        args.append(_lit(startTime))
    return _call("window", args)


def session_window(timeColumn, gapDuration):
    if not isinstance(gapDuration, (Column, type(""))):
        raise _TypeError("[NOT_COLUMN_OR_STR] Argument `gapDuration` should be a Column or str.",
                         errorClass="NOT_COLUMN_OR_STR")
    return _call("session_window", [_to_col(timeColumn), _to_column(gapDuration)])


def _unsupported(name, why):
    def fn(*args, **kwargs):
        from sluice.errors import PySparkNotImplementedError

        raise PySparkNotImplementedError(
            "[NOT_IMPLEMENTED] %s is not supported by Sluice: %s (docs/python.md)" % (name, why),
            errorClass="NOT_IMPLEMENTED",
        )

    fn.__name__ = name
    return fn


def approx_count_distinct(col, rsd=None):
    """Exact here (count(DISTINCT col)), which is within any rsd."""
    c = _to_col(col)
    return _call("count", [c], distinct=True).alias("approx_count_distinct(%s)" % c._display())


approxCountDistinct = approx_count_distinct

udf = _unsupported("udf", "Python UDFs are not run by the engine")
pandas_udf = _unsupported("pandas_udf", "Python UDFs are not run by the engine")
explode = _unsupported("explode", "the engine has no generator functions")
monotonically_increasing_id = _unsupported("monotonically_increasing_id", "not in the engine")
rand = _unsupported("rand", "not in the engine")

for _name, _why in (
    ("stddev", "no such aggregate in the engine"), ("stddev_samp", "no such aggregate in the engine"),
    ("stddev_pop", "no such aggregate in the engine"), ("variance", "no such aggregate in the engine"),
    ("var_samp", "no such aggregate in the engine"), ("var_pop", "no such aggregate in the engine"),
    ("percentile_approx", "no such aggregate in the engine"), ("median", "no such aggregate in the engine"),
    ("corr", "no such aggregate in the engine"), ("covar_pop", "no such aggregate in the engine"),
    ("covar_samp", "no such aggregate in the engine"), ("skewness", "no such aggregate in the engine"),
    ("kurtosis", "no such aggregate in the engine"), ("row_number", "the engine has no window functions"),
    ("rank", "the engine has no window functions"), ("dense_rank", "the engine has no window functions"),
    ("lag", "the engine has no window functions"), ("lead", "the engine has no window functions"),
    ("ntile", "the engine has no window functions"), ("percent_rank", "the engine has no window functions"),
    ("explode_outer", "the engine has no generator functions"), ("posexplode", "the engine has no generator functions"),
    ("inline", "the engine has no generator functions"), ("create_map", "the engine has no MAP type"),
    ("map_keys", "the engine has no MAP type"), ("map_values", "the engine has no MAP type"),
    ("randn", "not in the engine"), ("uuid", "not in the engine"), ("input_file_name", "not in the engine"),
    ("spark_partition_id", "not in the engine"), ("array_join", "not in the engine"),
    ("flatten", "not in the engine"), ("arrays_zip", "not in the engine"),
    ("transform", "the engine has no higher-order functions"), ("filter", "the engine has no higher-order functions"),
    ("aggregate", "the engine has no higher-order functions"), ("exists", "the engine has no higher-order functions"),
):
    globals()[_name] = _unsupported(_name, _why)

del _spec, _name, _why
