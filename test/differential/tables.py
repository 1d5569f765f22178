"""The seeded tables both engines read: JSON lines files (and one CSV file)
with every type docs/sql.md claims, NULLs in every column, Unicode (multi-
byte, combining marks, 'ß', final sigma, Turkish dotted I, titlecase
digraphs), extreme numbers, NaN and infinities, and malformed lines. Tables
share column names (id, user_id, weight) so that joins have same-named
columns on both sides.

Types Sluice does not claim (FLOAT, SMALLINT, TINYINT, MAP) are not used.
"""

import json
import os
import random

INT_MIN, INT_MAX = -2**31, 2**31 - 1
BIG_MIN, BIG_MAX = -2**63, 2**63 - 1

UNICODE_STRINGS = [
    "straße", "ΣΊΣΥΦΟΣ", "ὈΔΥΣΣΕΎΣ", "İstanbul", "ıi", "ǆemal", "ǅ", "e\u0301cole",
    "naïve café", "😀 smile", "日本語テキスト", "Ωmega", "ﬁne", "ŉ", "", " padded ",
    "a%b_c", "NULL", "it's", "tab\there", "line\nbreak", "back\\slash", "quote\"d",
    "UPPER lower", "123", "  42 ", "-0", "1e3", "abc", "2024-01-15", "2024-02-30",
    "10:30", "true", "x,y,z", "a,,b", "{\"k\": 1, \"a\": [1, 2]}", "{bad json",
]
NUMERIC_STRINGS = ["1", "-7", "  12  ", "2147483647", "2147483648", "-2147483649",
                   "9223372036854775807", "9223372036854775808", "1.5", "-0.25", "1e3",
                   "NaN", "Infinity", "abc", "", "0x1F", "1,000", "+5", "007", "3.99"]
DATE_STRINGS = ["2024-01-15", "2024-02-29", "1970-01-01", "1969-12-31", "2000-03-01",
                "0001-01-01", "9999-12-31", "2023-12-31"]
TS_STRINGS = ["2024-01-15T10:30:00Z", "2024-02-29 23:59:59", "1970-01-01T00:00:00Z",
              "2024-03-01T10:00:00.123456Z", "2024-03-10T01:02:03.5Z", "1969-12-31T23:59:59.999Z",
              "2024-03-01T10:00Z", "2024-06-30T12:00:00+02:00", "9999-12-31T23:59:59Z",
              "2000-01-01T00:00:00"]
DOUBLES_TAME = [0.5, 1.25, 2.0, 3.75, -1.5, 10.0, 0.0, 100.125, -8.5, 7.0]
DOUBLES_EXTREME = [1.7976931348623157e308, -1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
                   -0.0, 0.0, 1e-10, 123456789.123, 1e16, "NaN", "Infinity", "-Infinity", 0.1, -3.14159]
PRICES = ["12.34", "0.01", "-99999999.99", "99999999.99", "0", "1.5", "7.25", "-3.10", "250.00"]
BIG_DECIMALS = ["99999999999999999999999999999999999999", "-99999999999999999999999999999999999999",
                "12345678901234567890123456789012345678", "1", "0", "-5", "50000000000000000000000000000000000000"]
AMOUNTS = ["1234.5678", "0.0001", "-0.5", "99999999999999.9999", "3", "42.42", "-7.125"]


# (name, type DDL) per table; the same DDL is given to both engines.
SCHEMAS = {
    "t1": [("id", "INT"), ("user_id", "BIGINT"), ("weight", "DOUBLE"), ("x", "DOUBLE"),
           ("n", "INT"), ("nb", "BIGINT"), ("flag", "BOOLEAN"), ("price", "DECIMAL(10,2)"),
           ("big", "DECIMAL(38,0)"), ("name", "STRING"), ("snum", "STRING"), ("d", "DATE"),
           ("ts", "TIMESTAMP"), ("tags", "ARRAY<STRING>"), ("info", "STRUCT<k: INT, s: STRING>")],
    "t2": [("id", "INT"), ("user_id", "BIGINT"), ("weight", "DOUBLE"), ("amount", "DECIMAL(18,4)"),
           ("event", "STRING"), ("n", "INT"), ("ts", "TIMESTAMP"), ("d", "DATE"), ("flag", "BOOLEAN"),
           ("_corrupt_record", "STRING")],
    "t3": [("id", "INT"), ("user_id", "BIGINT"), ("weight", "DOUBLE"), ("city", "STRING"),
           ("score", "INT"), ("d", "DATE")],
}
FORMATS = {"t1": "json", "t2": "json", "t3": "csv"}


def schema_ddl(table):
    return ", ".join("%s %s" % (n, t) for n, t in SCHEMAS[table])


def _maybe(rng, value, p_null=0.15):
    return None if rng.random() < p_null else value


def _t1_rows(rng, count):
    rows = []
    for i in range(count):
        rows.append({
            "id": _maybe(rng, rng.randint(1, 12)),
            "user_id": _maybe(rng, rng.randint(100, 108)),
            "weight": _maybe(rng, rng.choice(DOUBLES_TAME)),
            "x": _maybe(rng, rng.choice(DOUBLES_EXTREME)),
            "n": _maybe(rng, rng.choice([INT_MIN, INT_MAX, 0, 1, -1, 7, 1000, rng.randint(-50, 50)])),
            "nb": _maybe(rng, rng.choice([BIG_MIN, BIG_MAX, 0, -1, 1, 10**12, rng.randint(-10**6, 10**6)])),
            "flag": _maybe(rng, rng.choice([True, False])),
            "price": _maybe(rng, rng.choice(PRICES)),
            "big": _maybe(rng, rng.choice(BIG_DECIMALS)),
            "name": _maybe(rng, rng.choice(UNICODE_STRINGS)),
            "snum": _maybe(rng, rng.choice(NUMERIC_STRINGS)),
            "d": _maybe(rng, rng.choice(DATE_STRINGS)),
            "ts": _maybe(rng, rng.choice(TS_STRINGS)),
            "tags": _maybe(rng, [_maybe(rng, rng.choice(UNICODE_STRINGS[:12]), 0.1)
                                 for _ in range(rng.randint(0, 3))]),
            "info": _maybe(rng, {"k": _maybe(rng, rng.randint(-3, 3)), "s": _maybe(rng, rng.choice(UNICODE_STRINGS))}),
        })
    return rows


def _t2_rows(rng, count):
    rows = []
    events = ["click", "view", "buy", "Click", "ΣΊΣΥΦΟΣ", "straße", ""]
    for i in range(count):
        rows.append({
            "id": _maybe(rng, rng.randint(1, 12)),
            "user_id": _maybe(rng, rng.randint(100, 108)),
            "weight": _maybe(rng, rng.choice(DOUBLES_TAME)),
            "amount": _maybe(rng, rng.choice(AMOUNTS)),
            "event": _maybe(rng, rng.choice(events)),
            "n": _maybe(rng, rng.choice([INT_MAX, INT_MIN, 0, 3, -3, rng.randint(-9, 9)])),
            "ts": _maybe(rng, rng.choice(TS_STRINGS)),
            "d": _maybe(rng, rng.choice(DATE_STRINGS)),
            "flag": _maybe(rng, rng.choice([True, False])),
        })
    return rows


def _json_value(v):
    # Decimals are written as JSON numbers (their text as is).
    return v


def _write_json(path, rows, schema, malformed):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            parts = []
            for name, typ in schema:
                if name not in r or name == "_corrupt_record":
                    continue
                v = r[name]
                if typ.startswith("DECIMAL") and v is not None:
                    parts.append("%s: %s" % (json.dumps(name), v))
                else:
                    parts.append("%s: %s" % (json.dumps(name), json.dumps(v, ensure_ascii=False)))
            f.write("{" + ", ".join(parts) + "}\n")
        for line in malformed:
            f.write(line + "\n")


MALFORMED_JSON = [
    '{"id": 3, "user_id": ',                      # truncated
    'not json at all',
    '{"id": "abc", "user_id": 101, "weight": 1.5}',  # a string for an INT
    '{"id": 4, "user_id": 102} trailing text',
    '{"id": 5, "weight": NaN, "user_id": 103}',     # unquoted NaN (Spark allows it)
    '{"id": 6, "user_id": 99999999999999999999}',   # too big for BIGINT
    '[1, 2, 3]',
    '',
]


def _csv_field(v):
    if v is None:
        return ""
    s = str(v)
    if any(c in s for c in ',"\n\\') or s != s.strip():
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def _write_csv(path, rng, count):
    cities = ["Paris", "Zürich", "İzmir", "São Paulo", "a,b", 'say "hi"', " Oslo ", "", "München"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,user_id,weight,city,score,d\n")
        for _ in range(count):
            row = [_maybe(rng, rng.randint(1, 12)), _maybe(rng, rng.randint(100, 108)),
                   _maybe(rng, rng.choice(DOUBLES_TAME)), _maybe(rng, rng.choice(cities)),
                   _maybe(rng, rng.choice([INT_MAX, INT_MIN, 0, 5, -5, rng.randint(0, 100)])),
                   _maybe(rng, rng.choice(DATE_STRINGS))]
            city = row[3]
            fields = [_csv_field(v) for v in row]
            if city == "":
                fields[3] = '""'  # a quoted empty field: NULL in Spark
            f.write(",".join(fields) + "\n")
        # Malformed: a number that is not one, too few fields, a bad date.
        f.write("x7,101,1.5,Lyon,3,2024-01-01\n")
        f.write("8,102\n")
        f.write("9,103,2.5,Nice,4,2024-13-45\n")


def write_tables(directory, seed):
    """Writes the tables for `seed` under `directory`; returns
    {table: (format, path)}."""
    rng = random.Random("tables:%d" % seed)
    os.makedirs(directory, exist_ok=True)
    out = {}
    p = os.path.join(directory, "t1.json")
    _write_json(p, _t1_rows(rng, 40), SCHEMAS["t1"], MALFORMED_JSON[:3])
    out["t1"] = ("json", p)
    p = os.path.join(directory, "t2.json")
    _write_json(p, _t2_rows(rng, 30), SCHEMAS["t2"], MALFORMED_JSON[3:])
    out["t2"] = ("json", p)
    p = os.path.join(directory, "t3.csv")
    _write_csv(p, rng, 25)
    out["t3"] = ("csv", p)
    return out


def sluice_ddl(tables):
    stmts = []
    for name, (fmt, path) in sorted(tables.items()):
        opts = "path '%s'" % path
        if fmt == "csv":
            opts += ", header 'true'"
        stmts.append("CREATE TABLE %s (%s) USING %s OPTIONS (%s)" % (name, schema_ddl(name), fmt, opts))
    return stmts
