"""Outcomes of one query on one engine, and their comparison.

An Outcome is what an engine made of a query: an error class (with the
message), or result column types (Spark's simpleString) and rows. Values are
canonical Python values, so that both engines' results compare directly:

  NULL None; BOOLEAN bool; INT, BIGINT int; DOUBLE float (NaN, +-inf, -0.0
  kept); DECIMAL str, the plain decimal with the type's scale ("1.50");
  STRING str; BINARY "0x" + hex; DATE and TIMESTAMP str as Spark's
  CAST(x AS STRING) renders them; STRUCT and ARRAY lists.

Standard library only: the comparator's own test (comparator_test.py) runs
without pyspark.
"""

import decimal
import math
import re

REL_TOL = 1e-9
ABS_TOL = 1e-300

# Categories of difference, in the order the summary lists them.
CATEGORIES = ("crash", "one_side_error", "error_class", "types", "rows")


class Outcome:
    def __init__(self, types=None, rows=None, error_class=None, error_message=None, crash=None):
        self.types = types or []
        self.rows = rows or []
        self.error_class = error_class
        self.error_message = error_message
        self.crash = crash  # the process died or hung: the text saying how

    @property
    def is_error(self):
        return self.error_class is not None

    def describe(self, max_rows=20):
        if self.crash:
            return "CRASH: " + self.crash
        if self.is_error:
            return "ERROR [%s] %s" % (self.error_class, (self.error_message or "")[:400])
        lines = ["types: " + ", ".join(self.types), "%d row(s)" % len(self.rows)]
        for r in self.rows[:max_rows]:
            lines.append("  " + render_row(r))
        if len(self.rows) > max_rows:
            lines.append("  ... %d more" % (len(self.rows) - max_rows))
        return "\n".join(lines)


def render_value(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(render_value(x) for x in v) + "]"
    if isinstance(v, str):
        return repr(v)
    return str(v)


def render_row(row):
    return "(" + ", ".join(render_value(v) for v in row) + ")"


# --- error classes -------------------------------------------------------

_CLASS_RE = re.compile(r"\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]")


def main_error_class(error_class):
    """UNRESOLVED_COLUMN.WITH_SUGGESTION -> UNRESOLVED_COLUMN: Spark's
    sub-classes are finer than anything Sluice names."""
    return error_class.split(".")[0] if error_class else error_class


def sluice_error_class(error_text):
    """The error class of a Sluice error ("ExecutionError: [DIVIDE_BY_ZERO]
    ..."): the first [CLASS] in it; a syntax error is Spark's
    PARSE_SYNTAX_ERROR; otherwise the status code, e.g. AnalysisError(no
    class), which never equals a Spark class and so shows as a difference."""
    m = _CLASS_RE.search(error_text)
    if m:
        return m.group(1)
    code = error_text.split(":", 1)[0].strip()
    if code == "SyntaxError":
        return "PARSE_SYNTAX_ERROR"
    return "%s(no class)" % code


# --- types -----------------------------------------------------------------

def parse_type(s):
    """Spark's simpleString -> a tree: ("int",), ("array", elem),
    ("struct", [(name, type), ...]), ("decimal", p, s)."""
    t, rest = _parse_type(s.strip())
    if rest.strip():
        raise ValueError("trailing text in type %r" % s)
    return t


def _parse_type(s):
    if s.startswith("array<"):
        elem, rest = _parse_type(s[6:])
        assert rest.startswith(">"), s
        return ("array", elem), rest[1:]
    if s.startswith("struct<"):
        rest = s[7:]
        fields = []
        while not rest.startswith(">"):
            name, rest = rest.split(":", 1)
            ft, rest = _parse_type(rest)
            fields.append((name, ft))
            if rest.startswith(","):
                rest = rest[1:]
        return ("struct", fields), rest[1:]
    m = re.match(r"decimal\((\d+),(\d+)\)", s)
    if m:
        return ("decimal", int(m.group(1)), int(m.group(2))), s[m.end():]
    m = re.match(r"[a-z_]+", s)
    if not m:
        raise ValueError("cannot parse type %r" % s)
    return (m.group(0),), s[m.end():]


# --- canonical values --------------------------------------------------------

_NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def canonical_decimal(v, scale):
    d = decimal.Decimal(str(v))
    q = decimal.Decimal(1).scaleb(-scale)
    with decimal.localcontext() as ctx:
        ctx.prec = 80
        d = d.quantize(q)
    return format(d, "f")


def canonical_from_sluice(v, t):
    """A value of `sluice sql --each-statement` output, of type tree t."""
    if v is None:
        return None
    kind = t[0]
    if kind == "double" or kind == "float":
        if isinstance(v, str):
            return _NON_FINITE[v]
        return float(v)
    if kind == "decimal":
        return canonical_decimal(v, t[2])
    if kind == "array":
        return [canonical_from_sluice(x, t[1]) for x in v]
    if kind == "struct":
        return [canonical_from_sluice(x, ft) for x, (_, ft) in zip(v, t[1])]
    return v


# --- comparison ----------------------------------------------------------------

def values_equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        if a == 0.0 and b == 0.0:
            return math.copysign(1, a) == math.copysign(1, b)
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(values_equal(x, y) for x, y in zip(a, b)))
    return type(a) is type(b) and a == b


def rows_equal(r1, r2):
    return len(r1) == len(r2) and all(values_equal(a, b) for a, b in zip(r1, r2))


def _sort_key(v):
    """A total order over canonical values in which values that compare
    equal (doubles within the tolerance aside) sort together."""
    if v is None:
        return (0,)
    if isinstance(v, bool):
        return (1, v)
    if isinstance(v, (int, float)):
        f = float(v)
        if math.isnan(f):
            return (2, 1, 0.0)
        if f == 0.0 or math.isinf(f):
            return (2, 0, f)
        return (2, 0, float("%.6e" % f))  # doubles that differ in the last bits sort alike
    if isinstance(v, str):
        return (3, v)
    if isinstance(v, list):
        return (4, tuple(_sort_key(x) for x in v))
    return (5, repr(v))


def row_sort_key(row):
    return tuple(_sort_key(v) for v in row)


def multisets_equal(rows1, rows2):
    if len(rows1) != len(rows2):
        return False
    s1 = sorted(rows1, key=row_sort_key)
    s2 = sorted(rows2, key=row_sort_key)
    if all(rows_equal(a, b) for a, b in zip(s1, s2)):
        return True
    if len(rows1) > 400:
        return False
    # Doubles near a rounding boundary of the sort key: match greedily.
    remaining = list(s2)
    for r in s1:
        for i, c in enumerate(remaining):
            if rows_equal(r, c):
                del remaining[i]
                break
        else:
            return False
    return True


def unmatched_rows(rows1, rows2, limit=2000):
    """(rows only in rows1, rows only in rows2), as multisets; None when
    the results are too big to match row by row."""
    if len(rows1) > limit or len(rows2) > limit:
        return None
    buckets = {}
    for r in rows2:
        buckets.setdefault(_coarse_key(r), []).append(r)
    only1 = []
    for r in rows1:
        cands = buckets.get(_coarse_key(r), [])
        for i, c in enumerate(cands):
            if rows_equal(r, c):
                del cands[i]
                break
        else:
            only1.append(r)
    only2 = [r for rs in buckets.values() for r in rs]
    return only1, only2


def _coarse_key(row):
    # Doubles are left out of the key: they match within the tolerance.
    return tuple("f" if isinstance(v, float) else repr(v) for v in row)


class Verdict:
    def __init__(self, agree, category=None, detail=""):
        self.agree = agree
        self.category = category  # one of CATEGORIES when not agree
        self.detail = detail      # what differs, one line


def differing_columns(spark, sluice):
    """Indexes of the result columns whose values differ (as multisets per
    column), for the signature of a rows difference."""
    out = []
    n = min(len(spark.types), len(sluice.types))
    for c in range(n):
        a = [[r[c]] for r in spark.rows if len(r) > c]
        b = [[r[c]] for r in sluice.rows if len(r) > c]
        if not multisets_equal(a, b):
            out.append(c)
    return out


def compare(spark, sluice, ordered):
    """Spark's and Sluice's outcomes of one query -> Verdict."""
    if sluice.crash:
        return Verdict(False, "crash", sluice.crash)
    if spark.is_error and sluice.is_error:
        a, b = main_error_class(spark.error_class), main_error_class(sluice.error_class)
        if a == b:
            return Verdict(True)
        return Verdict(False, "error_class", "spark %s, sluice %s" % (a, b))
    if spark.is_error != sluice.is_error:
        if spark.is_error:
            return Verdict(False, "one_side_error", "only spark failed: %s" % main_error_class(spark.error_class))
        return Verdict(False, "one_side_error", "only sluice failed: %s" % main_error_class(sluice.error_class))
    if spark.types != sluice.types:
        return Verdict(False, "types", "spark (%s), sluice (%s)" % (", ".join(spark.types), ", ".join(sluice.types)))
    if ordered:
        same = len(spark.rows) == len(sluice.rows) and all(
            rows_equal(a, b) for a, b in zip(spark.rows, sluice.rows))
    else:
        same = multisets_equal(spark.rows, sluice.rows)
    if same:
        return Verdict(True)
    if len(spark.rows) != len(sluice.rows):
        return Verdict(False, "rows", "spark %d rows, sluice %d rows" % (len(spark.rows), len(sluice.rows)))
    cols = differing_columns(spark, sluice)
    if not cols and ordered:
        return Verdict(False, "rows", "same rows in another order")
    return Verdict(False, "rows", "columns %s differ" % ",".join("c%d" % c for c in cols))
