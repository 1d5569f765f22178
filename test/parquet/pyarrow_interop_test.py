#!/usr/bin/env python3
"""Parquet interop with pyarrow, the independent reader and writer.

  pyarrow_interop_test.py <sluice binary>

A: pyarrow writes files of every type Sluice reads (and a few it widens:
   int8/16, float32, timestamps in ms and ns, decimals of each physical
   kind, structs, lists, lists of structs), with NULLs, unicode and several
   row groups; `sluice sql` reads them and its answers are compared with
   values computed here from pyarrow's own reading.
B: a streaming job writes JSON input through the Parquet file sink
   (partitionBy, zstd); pyarrow reads the part files the sink's manifest
   lists and they must hold the input rows exactly, with the physical types
   Spark writes (INT64 TIMESTAMP(MICROS, UTC), INT32 DATE, INT32/INT64/FLBA
   decimals, 3-level LIST); a byte changed in one of those files fails
   Sluice's read of the directory, naming the file.
C: damaged files (bytes changed, truncated, damaged footers) give an error
   naming the file, never a crash.
Exit 77 (skipped) without pyarrow.
"""
import datetime as dt
import decimal
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError as e:  # pragma: no cover
    print("SKIPPED: pyarrow is not installed for %s (%s): scripts/setup_python.sh" % (sys.executable, e))
    sys.exit(77)

SLUICE = sys.argv[1]
UTC = dt.timezone.utc
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def sluice_sql(sql):
    r = subprocess.run([SLUICE, "sql", "--format", "json", "-e", sql], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("sluice sql failed (%d): %s\n%s" % (r.returncode, sql, r.stderr))
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def part_a(tmp):
    n = 3000
    def nul(i, v, every=7):
        return None if i % every == 3 else v
    base_ts = dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    cols = {
        "b": pa.array([nul(i, i % 2 == 0) for i in range(n)], pa.bool_()),
        "i8": pa.array([nul(i, i % 100 - 50) for i in range(n)], pa.int8()),
        "i16": pa.array([nul(i, i * 7 - 9000) for i in range(n)], pa.int16()),
        "i32": pa.array([nul(i, i * 1000 - 77) for i in range(n)], pa.int32()),
        "i64": pa.array(list(range(n)), pa.int64()),
        "f32": pa.array([nul(i, i * 0.5) for i in range(n)], pa.float32()),
        "f64": pa.array([nul(i, i * 0.25 - 3) for i in range(n)], pa.float64()),
        "s": pa.array([nul(i, ["", "é", "日本", "plain", "a\"b"][i % 5] + str(i)) for i in range(n)], pa.string()),
        "bin": pa.array([nul(i, bytes([i % 256, 0, 255])) for i in range(n)], pa.binary()),
        "d": pa.array([nul(i, dt.date(1969, 12, 1) + dt.timedelta(days=i)) for i in range(n)], pa.date32()),
        "ts_us": pa.array([nul(i, base_ts + dt.timedelta(microseconds=i * 1234567)) for i in range(n)],
                          pa.timestamp("us", tz="UTC")),
        "ts_ms": pa.array([nul(i, base_ts - dt.timedelta(milliseconds=i * 999)) for i in range(n)], pa.timestamp("ms")),
        "ts_ns": pa.array([nul(i, base_ts + dt.timedelta(microseconds=i)) for i in range(n)],
                          pa.timestamp("ns", tz="UTC")),
        "dec9": pa.array([nul(i, decimal.Decimal(i * 13 - 500) / 100) for i in range(n)], pa.decimal128(9, 2)),
        "dec18": pa.array([nul(i, decimal.Decimal(i) * 1000003 / 1000) for i in range(n)], pa.decimal128(18, 3)),
        "dec30": pa.array([nul(i, decimal.Decimal("123456789012345678901.23456") * (i - 1500)) for i in range(n)],
                          pa.decimal128(30, 5)),
        "st": pa.array([nul(i, {"a": i, "b": "x%d" % i}, 5) for i in range(n)],
                       pa.struct([("a", pa.int32()), ("b", pa.string())])),
        "li": pa.array([nul(i, list(range(i % 4)), 6) for i in range(n)], pa.list_(pa.int64())),
        "lst": pa.array([nul(i, [{"x": i}, {"x": None}], 9) for i in range(n)],
                        pa.list_(pa.struct([("x", pa.int32())]))),
    }
    table = pa.table(cols)
    d = os.path.join(tmp, "a")
    os.makedirs(d)
    # Two files of one table: zstd with dictionaries and small row groups;
    # snappy, data page v2, no dictionaries.
    pq.write_table(table.slice(0, 2000), os.path.join(d, "one.parquet"), row_group_size=450, compression="zstd")
    pq.write_table(table.slice(2000), os.path.join(d, "two.parquet"), row_group_size=300, compression="snappy",
                   use_dictionary=False, data_page_version="2.0")
    back = pq.read_table(d).sort_by("i64").to_pylist()

    got = sluice_sql(
        "CREATE TABLE t USING parquet OPTIONS (path '%s');"
        "SELECT CAST(b AS STRING) AS b, i8, i16, i32, i64, CAST(f32 AS STRING) AS f32, CAST(f64 AS STRING) AS f64, "
        "s, hex(bin) AS bin, CAST(d AS STRING) AS d, unix_micros(ts_us) AS ts_us, unix_micros(ts_ms) AS ts_ms, "
        "unix_micros(ts_ns) AS ts_ns, CAST(dec9 AS STRING) AS dec9, CAST(dec18 AS STRING) AS dec18, "
        "CAST(dec30 AS STRING) AS dec30, to_json(st) AS st, to_json(li) AS li, to_json(lst) AS lst "
        "FROM t ORDER BY i64" % d)
    check(len(got) == n, "A: %d rows read, %d written" % (len(got), n))

    def micros(v):
        if v is None:
            return None
        if v.tzinfo is None:
            v = v.replace(tzinfo=UTC)  # zone-less: read as UTC
        return (v - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(microseconds=1)

    def f2s(v):
        return None if v is None else repr(float(v))

    def dec(v):
        return None if v is None else format(v, "f")

    def js(v):
        # to_json leaves NULL struct fields out (Spark's ignoreNullFields).
        def strip(x):
            if isinstance(x, dict):
                return {k: strip(e) for k, e in x.items() if e is not None}
            if isinstance(x, list):
                return [strip(e) for e in x]
            return x
        return None if v is None else strip(v)

    bad = 0
    for want, row in zip(back, got):
        expect = {
            "b": None if want["b"] is None else str(want["b"]).lower(),
            "i8": want["i8"], "i16": want["i16"], "i32": want["i32"], "i64": want["i64"],
            "f32": f2s(want["f32"]), "f64": f2s(want["f64"]), "s": want["s"],
            "bin": None if want["bin"] is None else want["bin"].hex().upper(),
            "d": None if want["d"] is None else want["d"].isoformat(),
            "ts_us": micros(want["ts_us"]), "ts_ms": micros(want["ts_ms"]),
            "ts_ns": None if want["ts_ns"] is None else micros(want["ts_ns"].to_pydatetime()
                                                              if hasattr(want["ts_ns"], "to_pydatetime")
                                                              else want["ts_ns"]),
            "dec9": dec(want["dec9"]), "dec18": dec(want["dec18"]), "dec30": dec(want["dec30"]),
            "st": js(want["st"]), "li": js(want["li"]), "lst": js(want["lst"]),
        }
        actual = dict(row)
        for k in ("st", "li", "lst"):
            actual[k] = None if actual.get(k) is None else json.loads(actual[k])
        for k, v in expect.items():
            if actual.get(k) != v:
                bad += 1
                if bad <= 5:
                    print("A: row %s column %s: sluice %r, pyarrow %r" % (want["i64"], k, actual.get(k), v))
    check(bad == 0, "A: %d values differ from pyarrow's" % bad)

    # A filter on a pushed-down column gives the same count as pyarrow.
    got = sluice_sql("CREATE TABLE t USING parquet OPTIONS (path '%s');"
                     "SELECT count(*) AS n, sum(i32) AS s FROM t WHERE i64 >= 2500 AND s <> ''" % d)
    want = [r for r in back if r["i64"] >= 2500 and r["s"] is not None and r["s"] != ""]
    check(got == [{"n": len(want), "s": sum(r["i32"] for r in want if r["i32"] is not None)}],
          "A: filtered count/sum %r, pyarrow %d rows" % (got, len(want)))


def manifest_files(out):
    """The sink's live data files, read from its manifest (docs/checkpoint-format.md)."""
    meta = os.path.join(out, "_sluice_metadata")
    live = {}
    for name in sorted((x for x in os.listdir(meta) if re.fullmatch(r"\d+", x)), key=int):
        for line in open(os.path.join(meta, name)).read().split("\n")[1:]:
            if not line:
                continue
            e = json.loads(line)
            if "path" in e:
                if e["action"] == "add":
                    live[e["path"]] = e
                else:
                    live.pop(e["path"], None)
    return [p if p.startswith("/") else os.path.join(out, p) for p in live]


def part_b(tmp):
    d = os.path.join(tmp, "b")
    os.makedirs(os.path.join(d, "in"))
    rows = []
    for f in range(3):
        with open(os.path.join(d, "in", "f%d.json" % f), "w") as out:
            for j in range(400):
                i = f * 400 + j
                r = {
                    "id": i,
                    "name": None if i % 11 == 0 else "名前-%d" % i,
                    "x": i / 8,
                    "d": (dt.date(2000, 1, 1) + dt.timedelta(days=i)).isoformat(),
                    "ts": (dt.datetime(2020, 1, 1, tzinfo=UTC) + dt.timedelta(microseconds=i * 1000001)).strftime(
                        "%Y-%m-%dT%H:%M:%S.%fZ"),
                    "small": "%d.%02d" % (i, i % 100),
                    "dec": "%d.%02d" % (i * 1000, i % 100),
                    "big": "%d.0001" % (i * 10 ** 20),
                    "flag": i % 3 == 0,
                    "tags": [] if i % 5 == 0 else ["t%d" % (i % 4), "u"],
                    "p": None if i % 13 == 0 else {"a": i, "b": "b%d" % i},
                    "k": "k%d" % (i % 3),
                }
                rows.append(r)
                out.write(json.dumps(r) + "\n")
    job = os.path.join(d, "job.sql")
    with open(job, "w") as f:
        f.write("""
CREATE STREAM input (id BIGINT, name STRING, x DOUBLE, d DATE, ts TIMESTAMP, small DECIMAL(9,2),
  dec DECIMAL(12,2), big DECIMAL(30,4), flag BOOLEAN, tags ARRAY<STRING>, p STRUCT<a: INT, b: STRING>, k STRING)
  USING json OPTIONS (path '{d}/in', maxFilesPerTrigger '1');
CREATE SINK out USING parquet OPTIONS (path '{d}/out', partitionBy 'k', compression 'zstd');
START STREAMING QUERY copy INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{d}/ck' AS SELECT * FROM input;
""".format(d=d))
    r = subprocess.run([SLUICE, "run", job], capture_output=True, text=True)
    check(r.returncode == 0, "B: sluice run failed: %s" % r.stderr[-2000:])
    files = manifest_files(os.path.join(d, "out"))
    check(len(files) == 9, "B: %d files in the manifest, expected 3 batches x 3 partitions" % len(files))
    got = []
    for path in files:
        k = re.search(r"/k=([^/]+)/", path).group(1)
        pf = pq.ParquetFile(path)
        sch = pf.schema  # the Parquet schema: physical and logical types
        phys = {sch.column(i).path: (sch.column(i).physical_type, str(sch.column(i).logical_type))
                for i in range(len(sch))}
        check(phys["ts"][0] == "INT64" and "isAdjustedToUTC=true" in phys["ts"][1] and "microseconds" in phys["ts"][1],
              "B: ts stored as %r" % (phys["ts"],))
        check(phys["d"] == ("INT32", "Date"), "B: d stored as %r" % (phys["d"],))
        check(phys["small"][0] == "INT32", "B: DECIMAL(9,2) stored as %r" % (phys["small"],))
        check(phys["dec"][0] == "INT64", "B: DECIMAL(12,2) stored as %r" % (phys["dec"],))
        check(phys["big"][0] == "FIXED_LEN_BYTE_ARRAY", "B: DECIMAL(30,4) stored as %r" % (phys["big"],))
        check("tags.list.element" in phys, "B: ARRAY not a 3-level list: %r" % sorted(phys))
        check("k" not in phys, "B: the partition column is in the file")
        for row in pf.read().to_pylist():
            row["k"] = k
            got.append(row)
    got.sort(key=lambda r: r["id"])
    check(len(got) == len(rows), "B: %d rows in the files, %d written" % (len(got), len(rows)))
    bad = 0
    for want, row in zip(rows, got):
        expect = dict(want)
        expect["d"] = dt.date.fromisoformat(want["d"])
        expect["ts"] = dt.datetime.strptime(want["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        for c in ("small", "dec", "big"):
            expect[c] = decimal.Decimal(want[c]).quantize(decimal.Decimal(1).scaleb(-(4 if c == "big" else 2)))
        if row.get("ts") is not None:
            row["ts"] = row["ts"].astimezone(UTC)
        for c, v in expect.items():
            if row.get(c) != v:
                bad += 1
                if bad <= 5:
                    print("B: id %s column %s: file %r, input %r" % (want["id"], c, row.get(c), v))
    check(bad == 0, "B: %d values differ from the input" % bad)

    # Sluice reads the sink's directory through its manifest; a file changed
    # after commit fails the read, naming the file (its recorded CRC-32).
    out = os.path.join(d, "out")
    sql = "CREATE TABLE t USING parquet OPTIONS (path '%s'); SELECT count(*) AS n, sum(id) AS s FROM t" % out
    check(sluice_sql(sql) == [{"n": len(rows), "s": sum(r["id"] for r in rows)}], "B: Sluice's count of its files")
    victim = files[0]
    with open(victim, "r+b") as f:
        f.seek(200)
        byte = f.read(1)
        f.seek(200)
        f.write(bytes([byte[0] ^ 0xFF]))
    r = subprocess.run([SLUICE, "sql", "-e", sql], capture_output=True, text=True)
    check(r.returncode != 0 and victim in r.stderr and "changed after it was committed" in r.stderr,
          "B: a changed part file was read without an error naming it: %r" % r.stderr[-500:])


def part_c(tmp):
    """Damaged files (bytes changed, truncated, a damaged footer) give an
    error naming the file or rows, never a crash (a fixed seed; the same
    sweep ran 400 + 150 (ASan) times by hand)."""
    import random
    rnd = random.Random(15)
    n = 4000
    table = pa.table({"id": pa.array(range(n), pa.int64()), "name": ["n%d" % i for i in range(n)],
                      "st": pa.array([{"a": i, "b": str(i)} for i in range(n)]),
                      "l": pa.array([[i, i + 1] for i in range(n)])})
    good = os.path.join(tmp, "good.parquet")
    pq.write_table(table, good, row_group_size=500)
    data = open(good, "rb").read()
    bad_path = os.path.join(tmp, "damaged.parquet")
    crashes = 0
    for i in range(40):
        b = bytearray(data)
        kind = ("flip", "trunc", "footer")[i % 3]
        if kind == "flip":
            for _ in range(rnd.randint(1, 8)):
                b[rnd.randrange(len(b))] = rnd.randrange(256)
        elif kind == "trunc":
            b = b[:rnd.randrange(len(b))]
        else:
            for _ in range(rnd.randint(1, 4)):
                b[len(b) - 1 - rnd.randrange(min(600, len(b)))] = rnd.randrange(256)
        with open(bad_path, "wb") as f:
            f.write(bytes(b))
        r = subprocess.run([SLUICE, "sql", "-e",
                            "CREATE TABLE t USING parquet OPTIONS (path '%s'); "
                            "SELECT count(*), sum(id), max(name), max(st.b), sum(size(l)) FROM t WHERE id > 10"
                            % bad_path], capture_output=True, text=True, errors="replace", timeout=60)
        if r.returncode < 0 or r.returncode >= 128:
            crashes += 1
            print("C: damaged file %d (%s): sluice died with %d: %s" % (i, kind, r.returncode, r.stderr[-300:]))
        elif r.returncode != 0 and bad_path not in r.stderr:
            crashes += 1
            print("C: damaged file %d (%s): the error does not name the file: %s" % (i, kind, r.stderr[-300:]))
    check(crashes == 0, "C: %d damaged files crashed sluice or gave an error without the file" % crashes)


with tempfile.TemporaryDirectory() as tmp:
    part_a(tmp)
    part_b(tmp)
    part_c(tmp)
if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("pyarrow interop: all checks passed")
