"""The seeded query generator: queries from a grammar of the SQL that
docs/sql.md claims Sluice supports, over the tables of tables.py.

Query i of seed s depends only on (s, i): `differential.py --seed s --only i`
regenerates it alone. Each query carries whether its order is defined (a
top-level ORDER BY over every output column), its shape (project, agg,
join, ...) and, per output column, the head of its expression (the outermost
function or operator): the summary groups differences by them.

Left out on purpose, as docs/sql.md says Sluice lacks them or documents the
difference: FLOAT/SMALLINT/TINYINT/MAP, INTERSECT/EXCEPT, count_if/bool_and,
multi-argument count(DISTINCT ...), window functions, correlated
subqueries other than [NOT] EXISTS in WHERE. Left out because Spark's own
answer is not deterministic: first/last, collect_list order (only its size
is used), LIMIT without a total ORDER BY, current_timestamp/now, sum/avg
over doubles that are not exact binary fractions (the order of additions
changes the result), ORDER BY over nested columns.
"""

import random

from tables import SCHEMAS, UNICODE_STRINGS, NUMERIC_STRINGS, DATE_STRINGS

KIND_OF_DDL = {"INT": "int", "BIGINT": "bigint", "DOUBLE": "double", "BOOLEAN": "bool",
               "STRING": "string", "DATE": "date", "TIMESTAMP": "timestamp",
               "ARRAY<STRING>": "array", "STRUCT<k: INT, s: STRING>": "struct"}
SCALAR_KINDS = ["int", "bigint", "double", "decimal", "string", "bool", "date", "timestamp"]
ORDERABLE = set(SCALAR_KINDS)
NUMERIC = ["int", "bigint", "double", "decimal"]
# Columns whose doubles are exact binary fractions of small magnitude: sums
# of them do not depend on the order of the additions.
TAME_DOUBLES = {"weight"}


def kind_of(ddl):
    if ddl.startswith("DECIMAL"):
        return "decimal"
    return KIND_OF_DDL[ddl]


class Column:
    def __init__(self, ref, kind, tame=True):
        self.ref, self.kind, self.tame = ref, kind, tame


def table_columns(table, alias=None, skip=("_corrupt_record",)):
    q = alias or table
    return [Column("%s.%s" % (q, n), kind_of(t), n in TAME_DOUBLES or kind_of(t) != "double")
            for n, t in SCHEMAS[table] if n not in skip]


def sql_string(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t") + "'"


STRING_LITERALS = [sql_string(s) for s in UNICODE_STRINGS if "\n" not in s] + ["'it''s'"]
LITERALS = {
    "int": ["0", "1", "-1", "7", "3", "2147483647", "-2147483648", "100", "CAST(NULL AS INT)"],
    "bigint": ["1L", "0L", "9223372036854775807L", "10000000000L", "-5L", "CAST(NULL AS BIGINT)"],
    "double": ["1.5D", "0.0D", "-0.0D", "1e308", "1e-5", "2.5e0", "CAST('NaN' AS DOUBLE)",
               "CAST('Infinity' AS DOUBLE)", "CAST(NULL AS DOUBLE)", "0.1D"],
    "decimal": ["1.50", "0.001", "12345678901234567890.123", "-7.5", "100", "CAST(NULL AS DECIMAL(10,2))",
                "99999999999999999999999999999999999999.0", "0.5BD"],
    "string": STRING_LITERALS + [sql_string(s) for s in NUMERIC_STRINGS] + ["CAST(NULL AS STRING)"],
    "bool": ["true", "false", "CAST(NULL AS BOOLEAN)"],
    "date": ["DATE '2024-01-15'", "DATE '2024-02-29'", "DATE '1970-01-01'", "DATE '0001-01-01'",
             "DATE '9999-12-31'", "CAST(NULL AS DATE)"],
    "timestamp": ["TIMESTAMP '2024-01-15 10:30:00'", "TIMESTAMP '1970-01-01 00:00:00'",
                  "TIMESTAMP '2024-03-10 01:02:03.123456'", "TIMESTAMP '1969-12-31 23:59:59.5'",
                  "CAST(NULL AS TIMESTAMP)"],
    "array": ["array('a', 'b', NULL)", "array('ß')", "split('x,y,,z', ',')"],
    "struct": ["named_struct('k', 1, 's', 'x')", "named_struct('k', CAST(NULL AS INT), 's', 'ΣΑΣ')"],
}


class L:
    """An argument that is one of these literals."""
    def __init__(self, *choices):
        self.choices = choices


DATE_FORMATS = L("'yyyy-MM-dd'", "'yyyy-MM-dd HH:mm:ss'", "'dd/MM/yyyy'", "'yyyy-MM-dd HH:mm:ss.SSS'",
                 "'MMM d, yyyy'", "'EEEE'", "'HH:mm'", "'D'", "'yyyyMMdd'")
SMALL = L("0", "1", "2", "3", "-1", "5")
REGEX = L("'[a-z]+'", "'(\\\\d+)'", "'^.'", "'ß|s'", "'(a)(b)?'", "''", "'.*'")

# (result kind, template, argument kinds, head). Templates use {0}, {1}, ...
# "(- {0})" with a space: "(--1)" would be a comment.
FUNCS = [
    # arithmetic
    ("int", "({0} + {1})", ["int", "int"], "+"), ("int", "({0} - {1})", ["int", "int"], "-"),
    ("int", "({0} * {1})", ["int", "int"], "*"), ("int", "({0} % {1})", ["int", "int"], "%"),
    ("bigint", "({0} div {1})", ["int", "int"], "div"), ("int", "abs({0})", ["int"], "abs"),
    ("int", "(- {0})", ["int"], "neg"), ("int", "pmod({0}, {1})", ["int", "int"], "pmod"),
    ("bigint", "({0} + {1})", ["bigint", "int"], "+"), ("bigint", "({0} * {1})", ["bigint", "bigint"], "*"),
    ("bigint", "({0} - {1})", ["bigint", "bigint"], "-"), ("bigint", "abs({0})", ["bigint"], "abs"),
    ("double", "({0} / {1})", ["int", "int"], "/"), ("double", "({0} / {1})", ["double", "double"], "/"),
    ("double", "({0} + {1})", ["double", "int"], "+"), ("double", "({0} * {1})", ["double", "double"], "*"),
    ("decimal", "({0} + {1})", ["decimal", "decimal"], "+"), ("decimal", "({0} - {1})", ["decimal", "int"], "-"),
    ("decimal", "({0} * {1})", ["decimal", "decimal"], "*"), ("decimal", "({0} / {1})", ["decimal", "int"], "/"),
    ("decimal", "({0} / {1})", ["decimal", "decimal"], "/"), ("decimal", "({0} % {1})", ["decimal", "int"], "%"),
    ("decimal", "({0} + {1})", ["decimal", "int"], "+"), ("decimal", "abs({0})", ["decimal"], "abs"),
    ("int", "try_add({0}, {1})", ["int", "int"], "try_add"),
    ("bigint", "try_multiply({0}, {1})", ["bigint", "bigint"], "try_multiply"),
    ("double", "try_divide({0}, {1})", ["int", "int"], "try_divide"),
    ("int", "try_subtract({0}, {1})", ["int", "int"], "try_subtract"),
    ("int", "mod({0}, {1})", ["int", "int"], "mod"),
    # math
    ("double", "sqrt({0})", ["double"], "sqrt"), ("double", "cbrt({0})", ["double"], "cbrt"),
    ("double", "exp({0})", ["double"], "exp"), ("double", "ln({0})", ["double"], "ln"),
    ("double", "log10({0})", ["double"], "log10"), ("double", "log2({0})", ["int"], "log2"),
    ("double", "log({0}, {1})", ["double", "double"], "log"), ("double", "pow({0}, {1})", ["double", "int"], "pow"),
    ("double", "power({0}, {1})", ["int", "int"], "power"),
    ("double", "sign({0})", ["double"], "sign"), ("double", "signum({0})", ["int"], "signum"),
    ("double", "round({0}, {1})", ["double", SMALL], "round"), ("double", "bround({0}, {1})", ["double", SMALL], "bround"),
    ("decimal", "round({0}, {1})", ["decimal", SMALL], "round"), ("int", "round({0})", ["int"], "round"),
    ("bigint", "floor({0})", ["double"], "floor"), ("bigint", "ceil({0})", ["double"], "ceil"),
    ("decimal", "floor({0})", ["decimal"], "floor"), ("decimal", "ceil({0})", ["decimal"], "ceil"),
    ("double", "abs({0})", ["double"], "abs"),
    # casts
    ("int", "CAST({0} AS INT)", ["string"], "cast"), ("int", "CAST({0} AS INT)", ["double"], "cast"),
    ("int", "CAST({0} AS INT)", ["bigint"], "cast"), ("int", "CAST({0} AS INT)", ["decimal"], "cast"),
    ("bigint", "CAST({0} AS BIGINT)", ["string"], "cast"), ("double", "CAST({0} AS DOUBLE)", ["string"], "cast"),
    ("double", "CAST({0} AS DOUBLE)", ["decimal"], "cast"), ("decimal", "CAST({0} AS DECIMAL(10,2))", ["string"], "cast"),
    ("decimal", "CAST({0} AS DECIMAL(5,1))", ["double"], "cast"), ("decimal", "CAST({0} AS DECIMAL(38,10))", ["int"], "cast"),
    ("string", "CAST({0} AS STRING)", ["double"], "cast"), ("string", "CAST({0} AS STRING)", ["decimal"], "cast"),
    ("string", "CAST({0} AS STRING)", ["timestamp"], "cast"), ("string", "CAST({0} AS STRING)", ["date"], "cast"),
    ("string", "CAST({0} AS STRING)", ["bool"], "cast"), ("string", "CAST({0} AS STRING)", ["array"], "cast"),
    ("string", "CAST({0} AS STRING)", ["struct"], "cast"), ("bool", "CAST({0} AS BOOLEAN)", ["string"], "cast"),
    ("date", "CAST({0} AS DATE)", ["string"], "cast"), ("date", "CAST({0} AS DATE)", ["timestamp"], "cast"),
    ("timestamp", "CAST({0} AS TIMESTAMP)", ["string"], "cast"), ("timestamp", "CAST({0} AS TIMESTAMP)", ["date"], "cast"),
    ("int", "TRY_CAST({0} AS INT)", ["string"], "try_cast"), ("date", "TRY_CAST({0} AS DATE)", ["string"], "try_cast"),
    ("decimal", "TRY_CAST({0} AS DECIMAL(4,2))", ["double"], "try_cast"), ("bigint", "{0}::BIGINT", ["int"], "::"),
    # conditional
    ("int", "coalesce({0}, {1})", ["int", "int"], "coalesce"), ("string", "coalesce({0}, {1}, {2})", ["string", "string", "string"], "coalesce"),
    ("double", "if({0}, {1}, {2})", ["bool", "double", "double"], "if"), ("string", "nvl({0}, {1})", ["string", "string"], "nvl"),
    ("int", "ifnull({0}, {1})", ["int", "int"], "ifnull"), ("string", "nvl2({0}, {1}, {2})", ["int", "string", "string"], "nvl2"),
    ("int", "nullif({0}, {1})", ["int", "int"], "nullif"), ("bigint", "greatest({0}, {1}, {2})", ["bigint", "int", "bigint"], "greatest"),
    ("double", "least({0}, {1})", ["double", "double"], "least"), ("string", "greatest({0}, {1})", ["string", "string"], "greatest"),
    ("date", "least({0}, {1})", ["date", "date"], "least"),
    ("int", "CASE WHEN {0} THEN {1} WHEN {2} THEN {3} ELSE {4} END", ["bool", "int", "bool", "int", "int"], "case"),
    ("string", "CASE {0} WHEN 1 THEN {1} WHEN 2 THEN {2} END", ["int", "string", "string"], "case"),
    # string
    ("string", "upper({0})", ["string"], "upper"), ("string", "lower({0})", ["string"], "lower"),
    ("string", "initcap({0})", ["string"], "initcap"), ("string", "trim({0})", ["string"], "trim"),
    ("string", "ltrim({0})", ["string"], "ltrim"), ("string", "rtrim({0})", ["string"], "rtrim"),
    ("string", "btrim({0}, {1})", ["string", L("'a'", "' '", "'ßx'")], "btrim"),
    ("string", "substring({0}, {1}, {2})", ["string", L("1", "2", "0", "-2", "-10"), L("1", "3", "0", "100")], "substring"),
    ("string", "substr({0}, {1})", ["string", L("2", "-1", "5")], "substr"),
    ("string", "left({0}, {1})", ["string", SMALL], "left"), ("string", "right({0}, {1})", ["string", SMALL], "right"),
    ("string", "concat({0}, {1})", ["string", "string"], "concat"), ("string", "({0} || {1})", ["string", "string"], "||"),
    ("string", "concat_ws({0}, {1}, {2})", [L("','", "'-'", "''"), "string", "string"], "concat_ws"),
    ("string", "replace({0}, {1}, {2})", ["string", L("'a'", "'ß'", "' '"), L("'X'", "''")], "replace"),
    ("string", "regexp_replace({0}, {1}, {2})", ["string", REGEX, L("'#'", "''", "'$1'")], "regexp_replace"),
    ("string", "regexp_extract({0}, {1}, {2})", ["string", L("'([a-z]+)'", "'(\\\\d+)'", "'(.)(.)'"), L("0", "1")], "regexp_extract"),
    ("string", "lpad({0}, {1}, {2})", ["string", L("0", "3", "8"), L("'*'", "'ab'", "''")], "lpad"),
    ("string", "rpad({0}, {1}, {2})", ["string", L("0", "3", "8"), L("'*'", "'ab'")], "rpad"),
    ("string", "reverse({0})", ["string"], "reverse"), ("string", "repeat({0}, {1})", ["string", L("0", "2", "-1")], "repeat"),
    ("int", "length({0})", ["string"], "length"), ("int", "char_length({0})", ["string"], "char_length"),
    ("int", "octet_length({0})", ["string"], "octet_length"), ("int", "instr({0}, {1})", ["string", L("'a'", "'ß'", "''", "'Σ'")], "instr"),
    ("int", "locate({0}, {1})", [L("'a'", "'e'", "''"), "string"], "locate"),
    ("int", "position({0} IN {1})", [L("'i'", "'😀'"), "string"], "position"),
    ("int", "ascii({0})", ["string"], "ascii"),
    ("bool", "startswith({0}, {1})", ["string", L("'a'", "''", "'Σ'")], "startswith"),
    ("bool", "endswith({0}, {1})", ["string", L("'e'", "'ς'")], "endswith"),
    ("bool", "contains({0}, {1})", ["string", L("'a'", "''", "'ß'")], "contains"),
    ("array", "split({0}, {1})", ["string", L("','", "''", "' '", "'ß'")], "split"),
    # hashing
    ("int", "hash({0})", ["string"], "hash"), ("int", "hash({0}, {1})", ["int", "double"], "hash"),
    ("bigint", "xxhash64({0})", ["bigint"], "xxhash64"), ("string", "md5({0})", ["string"], "md5"),
    ("string", "sha1({0})", ["string"], "sha1"), ("string", "sha2({0}, {1})", ["string", L("256", "512", "0")], "sha2"),
    ("bigint", "crc32({0})", ["string"], "crc32"), ("int", "hash({0})", ["decimal"], "hash"),
    ("int", "hash({0})", ["timestamp"], "hash"), ("bigint", "xxhash64({0})", ["date"], "xxhash64"),
    # date/time
    ("timestamp", "to_timestamp({0})", ["string"], "to_timestamp"),
    ("timestamp", "to_timestamp({0}, {1})", ["string", L("'yyyy-MM-dd'", "'yyyy-MM-dd HH:mm:ss'", "'dd/MM/yyyy'")], "to_timestamp"),
    ("timestamp", "try_to_timestamp({0})", ["string"], "try_to_timestamp"),
    ("date", "to_date({0})", ["string"], "to_date"),
    ("bigint", "unix_timestamp({0})", ["timestamp"], "unix_timestamp"),
    ("bigint", "to_unix_timestamp({0})", ["timestamp"], "to_unix_timestamp"),
    ("string", "from_unixtime({0})", ["bigint"], "from_unixtime"),
    ("string", "date_format({0}, {1})", ["timestamp", DATE_FORMATS], "date_format"),
    ("timestamp", "date_trunc({0}, {1})", [L("'HOUR'", "'DAY'", "'MONTH'", "'YEAR'", "'WEEK'", "'QUARTER'", "'MINUTE'"), "timestamp"], "date_trunc"),
    ("date", "trunc({0}, {1})", ["date", L("'MM'", "'YEAR'", "'week'", "'Q'")], "trunc"),
    ("int", "year({0})", ["date"], "year"), ("int", "quarter({0})", ["date"], "quarter"),
    ("int", "month({0})", ["timestamp"], "month"), ("int", "day({0})", ["date"], "day"),
    ("int", "dayofmonth({0})", ["timestamp"], "dayofmonth"), ("int", "dayofyear({0})", ["date"], "dayofyear"),
    ("int", "dayofweek({0})", ["date"], "dayofweek"), ("int", "weekday({0})", ["date"], "weekday"),
    ("int", "hour({0})", ["timestamp"], "hour"), ("int", "minute({0})", ["timestamp"], "minute"),
    ("int", "second({0})", ["timestamp"], "second"),
    ("date", "date_add({0}, {1})", ["date", "int"], "date_add"), ("date", "date_sub({0}, {1})", ["date", SMALL], "date_sub"),
    ("int", "datediff({0}, {1})", ["date", "date"], "datediff"), ("date", "last_day({0})", ["date"], "last_day"),
    ("timestamp", "timestamp_seconds({0})", ["bigint"], "timestamp_seconds"),
    ("timestamp", "timestamp_millis({0})", ["bigint"], "timestamp_millis"),
    ("timestamp", "timestamp_micros({0})", ["bigint"], "timestamp_micros"),
    ("bigint", "unix_seconds({0})", ["timestamp"], "unix_seconds"), ("bigint", "unix_millis({0})", ["timestamp"], "unix_millis"),
    ("bigint", "unix_micros({0})", ["timestamp"], "unix_micros"), ("int", "unix_date({0})", ["date"], "unix_date"),
    ("date", "date_from_unix_date({0})", ["int"], "date_from_unix_date"),
    ("timestamp", "({0} + INTERVAL 10 MINUTES)", ["timestamp"], "+interval"),
    # JSON
    ("string", "get_json_object({0}, {1})", ["string", L("'$.k'", "'$.a[1]'", "'$'", "'$.a'")], "get_json_object"),
    ("int", "from_json({0}, 'k INT, a ARRAY<INT>').k", ["string"], "from_json"),
    ("string", "to_json({0})", ["struct"], "to_json"),
    ("string", "to_json(named_struct('a', {0}, 'b', {1}))", ["timestamp", "double"], "to_json"),
    # nested
    ("int", "size({0})", ["array"], "size"), ("string", "element_at({0}, {1})", ["array", L("1", "2", "-1", "5")], "element_at"),
    ("string", "try_element_at({0}, {1})", ["array", L("1", "3", "-1")], "try_element_at"),
    ("string", "{0}[{1}]", ["array", L("0", "1", "4")], "[]"),
    ("bool", "array_contains({0}, {1})", ["array", "string"], "array_contains"),
    ("array", "array({0}, {1})", ["string", "string"], "array"),
    ("struct", "named_struct('k', {0}, 's', {1})", ["int", "string"], "named_struct"),
    ("int", "{0}.k", ["struct"], "field"), ("string", "{0}.s", ["struct"], "field"),
    # boolean
    ("bool", "({0} = {1})", ["int", "int"], "="), ("bool", "({0} < {1})", ["double", "double"], "<"),
    ("bool", "({0} >= {1})", ["decimal", "int"], ">="), ("bool", "({0} <> {1})", ["string", "string"], "<>"),
    ("bool", "({0} <=> {1})", ["int", "bigint"], "<=>"), ("bool", "({0} < {1})", ["date", "timestamp"], "<"),
    ("bool", "({0} = {1})", ["string", "int"], "="), ("bool", "({0} > {1})", ["string", "string"], ">"),
    ("bool", "({0} AND {1})", ["bool", "bool"], "AND"), ("bool", "({0} OR {1})", ["bool", "bool"], "OR"),
    ("bool", "(NOT {0})", ["bool"], "NOT"), ("bool", "({0} IS NULL)", ["string"], "IS NULL"),
    ("bool", "({0} IS NOT NULL)", ["double"], "IS NOT NULL"), ("bool", "({0} IS TRUE)", ["bool"], "IS TRUE"),
    ("bool", "({0} IS NOT FALSE)", ["bool"], "IS NOT FALSE"),
    ("bool", "({0} IS DISTINCT FROM {1})", ["int", "int"], "IS DISTINCT FROM"),
    ("bool", "({0} IN ({1}, {2}, 5))", ["int", "int", "int"], "IN"), ("bool", "({0} NOT IN (1, 2, NULL))", ["int"], "NOT IN"),
    ("bool", "({0} BETWEEN {1} AND {2})", ["double", "int", "int"], "BETWEEN"),
    ("bool", "({0} NOT BETWEEN {1} AND {2})", ["date", "date", "date"], "NOT BETWEEN"),
    ("bool", "({0} LIKE {1})", ["string", L("'%a%'", "'_'", "'s%'", "'%ß'", "'a\\\\%b%'", "'%'")], "LIKE"),
    ("bool", "({0} NOT LIKE {1})", ["string", L("'%e'", "'Σ%'")], "NOT LIKE"),
    ("bool", "({0} RLIKE {1})", ["string", REGEX], "RLIKE"),
]
FUNCS_BY_KIND = {}
for _f in FUNCS:
    FUNCS_BY_KIND.setdefault(_f[0], []).append(_f)


class Gen:
    """Generates the expressions of one query, from one RNG."""

    def __init__(self, rng, columns):
        self.rng = rng
        self.columns = columns

    def cols(self, kind, tame_only=False):
        return [c for c in self.columns if c.kind == kind and (c.tame or not tame_only)]

    def literal(self, kind):
        return self.rng.choice(LITERALS[kind])

    def expr(self, kind, depth=2):
        """(sql, head) of an expression of `kind`."""
        r = self.rng.random()
        cols = self.cols(kind)
        if depth <= 0 or r < 0.3:
            if cols and self.rng.random() < 0.75:
                return self.rng.choice(cols).ref, "column"
            return self.literal(kind), "literal"
        funcs = FUNCS_BY_KIND.get(kind)
        if not funcs:
            return (self.rng.choice(cols).ref, "column") if cols else (self.literal(kind), "literal")
        kind_, template, args, head = self.rng.choice(funcs)
        parts = []
        for a in args:
            if isinstance(a, L):
                parts.append(self.rng.choice(a.choices))
            else:
                parts.append(self.expr(a, depth - 1)[0])
        return template.format(*parts), head

    def any_expr(self, depth=2, kinds=None):
        kind = self.rng.choice(kinds or (SCALAR_KINDS + ["array", "struct"]))
        if self.rng.random() < 0.05:
            sql, _ = self.expr(kind, depth)
            return "typeof(%s)" % sql, "typeof", "string"
        sql, head = self.expr(kind, depth)
        return sql, head, kind

    def predicate(self, depth=2):
        return self.expr("bool", depth)[0]

    def aggregate(self):
        """(sql, head, kind) of an aggregate call."""
        rng = self.rng
        choice = rng.randrange(11)
        if choice == 0:
            return "count(*)", "count(*)", "bigint"
        if choice in (1, 2):
            sql, _, _ = self.any_expr(1, SCALAR_KINDS)
            distinct = "DISTINCT " if rng.random() < 0.4 else ""
            return "count(%s%s)" % (distinct, sql), "count", "bigint"
        if choice in (3, 4):
            kind = rng.choice(["int", "bigint", "decimal", "double"])
            cols = self.cols(kind, tame_only=True)
            arg = rng.choice(cols).ref if cols else self.literal(kind if kind != "double" else "int")
            if kind in ("int", "bigint") and cols and rng.random() < 0.3:
                arg = "%s * %s" % (arg, rng.choice(["2", "1000", "3"]))
            fn = rng.choice(["sum", "avg", "mean", "sum"])
            distinct = "DISTINCT " if rng.random() < 0.2 else ""
            return "%s(%s%s)" % (fn, distinct, arg), fn, "numeric"
        if choice in (5, 6, 7):
            kind = rng.choice(SCALAR_KINDS)
            sql, _ = self.expr(kind, 1)
            fn = rng.choice(["min", "max"])
            return "%s(%s)" % (fn, sql), fn, kind
        if choice == 8:
            sql, _, _ = self.any_expr(1, SCALAR_KINDS)
            return "size(collect_list(%s))" % sql, "collect_list", "int"
        if choice == 9:
            kind = rng.choice(["int", "decimal"])
            cols = self.cols(kind)
            arg = rng.choice(cols).ref if cols else "1"
            return "sum(%s)" % arg, "sum", kind  # may overflow: an ANSI error both sides
        return "max(%s)" % self.expr("double", 1)[0], "max", "double"


def _select_list(items):
    return ", ".join("%s AS c%d" % (sql, i) for i, (sql, _h, _k) in enumerate(items))


class Query:
    def __init__(self, sql, shape, heads, ordered):
        self.sql = sql
        self.shape = shape
        self.heads = heads        # per output column
        self.ordered = ordered    # the order of the rows is defined

    def head(self, column):
        return self.heads[column] if column < len(self.heads) else "?"


def _order_by(rng, items, allow_limit=True):
    """ORDER BY every output column (a total order) and maybe LIMIT, or ''
    when a column cannot be ordered."""
    if any(k not in ORDERABLE and k != "numeric" for _s, _h, k in items):
        return "", False
    keys = []
    for i in range(len(items)):
        d = rng.choice(["", " ASC", " DESC"])
        n = rng.choice(["", "", " NULLS FIRST", " NULLS LAST"])
        keys.append("c%d%s%s" % (i, d, n))
    clause = " ORDER BY " + ", ".join(keys)
    if allow_limit and rng.random() < 0.5:
        clause += " LIMIT %d" % rng.choice([1, 3, 5, 10])
        if rng.random() < 0.3:
            clause += " OFFSET %d" % rng.choice([1, 2])
    return clause, True


def _table(rng):
    return rng.choice(["t1", "t1", "t2", "t3"])


def q_project(rng):
    t = _table(rng)
    g = Gen(rng, table_columns(t))
    items = [g.any_expr(rng.choice([1, 2, 3])) for _ in range(rng.randint(1, 4))]
    where = " WHERE " + g.predicate() if rng.random() < 0.5 else ""
    distinct = "DISTINCT " if rng.random() < 0.15 else ""
    order, ordered = _order_by(rng, items) if rng.random() < 0.3 else ("", False)
    sql = "SELECT %s%s FROM %s%s%s" % (distinct, _select_list(items), t, where, order)
    return Query(sql, "project", [h for _s, h, _k in items], ordered)


def q_const(rng):
    g = Gen(rng, [])
    items = [g.any_expr(rng.choice([1, 2, 3])) for _ in range(rng.randint(1, 3))]
    return Query("SELECT " + _select_list(items), "const", [h for _s, h, _k in items], True)


def q_agg(rng):
    t = _table(rng)
    g = Gen(rng, table_columns(t))
    groups = []
    for _ in range(rng.randint(0, 2)):
        kind = rng.choice(["int", "bigint", "string", "bool", "date", "decimal"])
        sql, head = g.expr(kind, rng.choice([0, 0, 1]))
        groups.append((sql, "group:" + head, kind))
    aggs = [g.aggregate() for _ in range(rng.randint(1, 3))]
    items = groups + aggs
    sql = "SELECT %s FROM %s" % (_select_list(items), t)
    if rng.random() < 0.4:
        sql += " WHERE " + g.predicate(1)
    if groups:
        if rng.random() < 0.2:
            sql += " GROUP BY ALL"
        elif rng.random() < 0.2:
            sql += " GROUP BY " + ", ".join(str(i + 1) for i in range(len(groups)))
        else:
            sql += " GROUP BY " + ", ".join(s for s, _h, _k in groups)
        if rng.random() < 0.35:
            sql += " HAVING " + rng.choice(["count(*) > 1", "c%d IS NOT NULL" % len(groups),
                                            "max(%s) IS NOT NULL" % g.expr("int", 0)[0]])
    order, ordered = _order_by(rng, items) if rng.random() < 0.3 else ("", False)
    return Query(sql + order, "agg", [h for _s, h, _k in items], ordered)


JOIN_TYPES = ["JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN", "RIGHT JOIN", "FULL OUTER JOIN",
              "FULL JOIN", "LEFT SEMI JOIN", "LEFT ANTI JOIN", "CROSS JOIN"]
SHARED = ["id", "user_id", "weight"]


def _join_from(rng):
    ta, tb = rng.choice([("t1", "t2"), ("t1", "t3"), ("t2", "t3"), ("t1", "t1"), ("t2", "t1"), ("t3", "t2")])
    jt = rng.choice(JOIN_TYPES)
    if jt == "CROSS JOIN":
        cond = ""
    elif rng.random() < 0.15 and "SEMI" not in jt and "ANTI" not in jt:
        cond = " USING (%s)" % rng.choice(["id", "user_id", "id, user_id"])
    else:
        cond = " ON " + rng.choice([
            "a.id = b.id", "a.user_id = b.user_id", "a.id = b.id AND a.user_id = b.user_id",
            "a.weight < b.weight", "a.id = b.id AND a.weight <= b.weight", "a.user_id = b.user_id AND b.id > 3",
            "a.id <=> b.id"])
    cols = table_columns(ta, "a")
    if "SEMI" not in jt and "ANTI" not in jt:
        cols += table_columns(tb, "b")
    return "%s a %s %s b%s" % (ta, jt, tb, cond), jt, cols, "USING" in cond


def q_join(rng):
    frm, jt, cols, using = _join_from(rng)
    g = Gen(rng, cols)
    shared = [c for c in cols if c.ref.split(".")[1] in SHARED]
    if using:  # USING merges the key columns: reference the other shared ones
        shared = [c for c in shared if c.ref.split(".")[1] not in ("id", "user_id")] or shared
    items = [(c.ref, "join-col:" + c.ref.split(".")[1], c.kind) for c in rng.sample(shared, min(len(shared), rng.randint(1, 3)))]
    items += [g.any_expr(1) for _ in range(rng.randint(0, 2))]
    sql = "SELECT %s FROM %s" % (_select_list(items), frm)
    if rng.random() < 0.3:
        sql += " WHERE " + g.predicate(1)
    order, ordered = _order_by(rng, items) if rng.random() < 0.25 else ("", False)
    return Query(sql + order, "join:" + jt.replace(" OUTER", ""), [h for _s, h, _k in items], ordered)


def q_join_agg(rng):
    frm, jt, cols, using = _join_from(rng)
    g = Gen(rng, cols)
    shared = [c for c in cols if c.ref.split(".")[1] in SHARED and c.kind != "double"]
    groups = [(c.ref, "group:" + c.ref, c.kind) for c in rng.sample(shared, min(len(shared), rng.randint(0, 2)))]
    aggs = []
    for _ in range(rng.randint(1, 3)):
        c = rng.choice([c for c in cols if c.ref.split(".")[1] in SHARED])
        fn = rng.choice(["max", "min", "count", "sum", "count"])
        distinct = "DISTINCT " if fn == "count" and rng.random() < 0.3 else ""
        aggs.append(("%s(%s%s)" % (fn, distinct, c.ref), "%s(%s)" % (fn, c.ref), c.kind if fn in ("max", "min") else "numeric"))
    if rng.random() < 0.3:
        aggs.append(g.aggregate())
    items = groups + aggs
    sql = "SELECT %s FROM %s" % (_select_list(items), frm)
    if groups:
        sql += " GROUP BY " + ", ".join(s for s, _h, _k in groups)
    order, ordered = _order_by(rng, items) if rng.random() < 0.25 else ("", False)
    return Query(sql + order, "join-agg:" + jt.replace(" OUTER", ""), [h for _s, h, _k in items], ordered)


def q_subquery(rng):
    t = _table(rng)
    g = Gen(rng, table_columns(t))
    items = [g.any_expr(1, SCALAR_KINDS) for _ in range(rng.randint(1, 2))]
    other = rng.choice(["t1", "t2", "t3"])
    kind = rng.randrange(6)
    if kind == 0:
        where = "%s.id IN (SELECT id FROM %s WHERE weight > 1)" % (t, other)
        head = "IN-subquery"
    elif kind == 1:
        where = "%s.user_id NOT IN (SELECT user_id FROM %s)" % (t, other)
        head = "NOT-IN-subquery"
    elif kind == 2:
        where = "EXISTS (SELECT 1 FROM %s s WHERE s.id = %s.id)" % (other, t)
        head = "correlated-EXISTS"
    elif kind == 3:
        where = "NOT EXISTS (SELECT 1 FROM %s s WHERE s.user_id = %s.user_id AND s.id > 2)" % (other, t)
        head = "correlated-NOT-EXISTS"
    elif kind == 4:
        where = "%s.weight > (SELECT avg(weight) FROM %s)" % (t, other)
        head = "scalar-subquery"
    else:
        where = "EXISTS (SELECT 1 FROM %s WHERE id > 10)" % other
        head = "EXISTS"
    if rng.random() < 0.3:
        items.append(("(SELECT max(id) FROM %s)" % other, "scalar-subquery", "int"))
    sql = "SELECT %s FROM %s WHERE %s" % (_select_list(items), t, where)
    return Query(sql, "subquery:" + head, [h for _s, h, _k in items], False)


def q_setop(rng):
    kinds = [rng.choice(["int", "bigint", "string", "date", "decimal", "bool"]) for _ in range(rng.randint(1, 2))]
    sides = []
    for _ in range(2):
        t = _table(rng)
        g = Gen(rng, table_columns(t))
        exprs = [g.expr(k, rng.choice([0, 1]))[0] for k in kinds]
        where = " WHERE " + g.predicate(1) if rng.random() < 0.4 else ""
        sides.append("SELECT %s FROM %s%s" % (", ".join("%s AS c%d" % (e, i) for i, e in enumerate(exprs)), t, where))
    op = rng.choice(["UNION", "UNION ALL", "UNION DISTINCT"])
    return Query("%s %s %s" % (sides[0], op, sides[1]), "setop:" + op, ["setop"] * len(kinds), False)


def q_cte(rng):
    t = _table(rng)
    g = Gen(rng, table_columns(t))
    kinds = ["int", rng.choice(["string", "double", "decimal", "date"])]
    inner = [g.expr("int", 0)[0], g.expr(kinds[1], 1)[0]]
    cte = "WITH c (k, v) AS (SELECT %s, %s FROM %s)" % (inner[0], inner[1], t)
    g2 = Gen(rng, [Column("c.k", "int"), Column("c.v", kinds[1], kinds[1] != "double")])
    if rng.random() < 0.5:
        items = [("c.k", "column", "int"), g2.aggregate()]
        sql = "%s SELECT %s FROM c GROUP BY c.k" % (cte, _select_list(items))
    else:
        items = [g2.any_expr(1) for _ in range(2)]
        sql = "%s SELECT %s FROM c" % (cte, _select_list(items))
        if rng.random() < 0.4:
            sql += " JOIN t2 ON c.k = t2.id"
    return Query(sql, "cte", [h for _s, h, _k in items], False)


def q_derived(rng):
    t = _table(rng)
    g = Gen(rng, table_columns(t))
    inner = [g.any_expr(1, SCALAR_KINDS) for _ in range(2)]
    gi = Gen(rng, [Column("s.c0", inner[0][2]), Column("s.c1", inner[1][2])])
    items = [gi.any_expr(1) for _ in range(rng.randint(1, 2))]
    sql = "SELECT %s FROM (SELECT %s FROM %s) AS s" % (_select_list(items), _select_list(inner), t)
    return Query(sql, "derived", [h for _s, h, _k in items], False)


SHAPES = [(q_project, 22), (q_const, 14), (q_agg, 16), (q_join, 14), (q_join_agg, 10),
          (q_subquery, 8), (q_setop, 6), (q_cte, 5), (q_derived, 5)]


SCAN_TABLES = ["t1", "t2", "t3"]


def q_scan(table):
    """Queries 0..2: every column of a table, so that a difference in how a
    file is read shows once, under its own signature."""
    names = [n for n, _t in SCHEMAS[table]]
    return Query("SELECT %s FROM %s" % (", ".join("%s AS c%d" % (n, i) for i, n in enumerate(names)), table),
                 "scan:" + table, names, False)


def generate(seed, index):
    if index < len(SCAN_TABLES):
        return q_scan(SCAN_TABLES[index])
    rng = random.Random("query:%d:%d" % (seed, index))
    fns, weights = zip(*SHAPES)
    fn = rng.choices(fns, weights=weights)[0]
    return fn(rng)
