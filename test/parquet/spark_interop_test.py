#!/usr/bin/env python3
"""Parquet interop with Spark (pyspark 4.3, the reference engine).

  spark_interop_test.py <sluice binary>

A: Spark writes a table (every Sluice type, NULLs, unicode; plain and
   partitioned by a column); the same SQL runs in Spark and in `sluice sql`
   over Spark's files and must give the same rows.
B: a Sluice streaming job writes JSON input through the Parquet file sink
   (partitionBy); spark.read.parquet reads the directory and must find the
   input rows exactly.
Exit 77 (ctest: skipped) with the reason when pyspark or Java is missing.
Run with the pyspark venv's python (test/parquet/spark_interop_test.sh).
"""
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77
try:
    import pyspark  # noqa: F401
except ImportError as e:
    print("SKIPPED: pyspark is not installed for %s (%s); run scripts/setup_pyspark.sh" % (sys.executable, e))
    sys.exit(SKIP)
os.environ.setdefault("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
if not os.path.exists(os.path.join(os.environ["JAVA_HOME"], "bin", "java")):
    print("SKIPPED: no Java at %s (set JAVA_HOME to a Java 17)" % os.environ["JAVA_HOME"])
    sys.exit(SKIP)

from pyspark.sql import SparkSession  # noqa: E402

SLUICE = sys.argv[1]
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


spark = (SparkSession.builder.master("local[1]").appName("sluice-parquet-interop")
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "1").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")

QUERY = ("SELECT id, b, i, x, s, hex(bin) AS bin, CAST(d AS STRING) AS d, unix_micros(ts) AS ts, "
         "CAST(d9 AS STRING) AS d9, CAST(d18 AS STRING) AS d18, CAST(d30 AS STRING) AS d30, "
         "to_json(arr) AS arr, to_json(st) AS st, to_json(nested) AS nested, p FROM t ORDER BY id")

with tempfile.TemporaryDirectory(prefix="sluice-parquet-spark-") as tmp:
    # ---- A: Spark writes, both engines read ----
    src = spark.sql("""
      SELECT id, id % 3 = 0 AS b, CAST(id * 7 - 100 AS INT) AS i, id / 8.0D AS x,
             CASE WHEN id % 10 = 0 THEN NULL ELSE concat('é-', CAST(id AS STRING)) END AS s,
             CAST(concat('b', CAST(id AS STRING)) AS BINARY) AS bin,
             date_add(DATE '1969-12-20', CAST(id AS INT)) AS d,
             timestamp_micros(1600000000000000 + id * 1000001) AS ts,
             CAST(id * 1.25 AS DECIMAL(9,2)) AS d9, CAST(id * 100000.5 AS DECIMAL(18,2)) AS d18,
             CAST(id AS DECIMAL(30,4)) * CAST('12345678901234567890.1234' AS DECIMAL(30,4)) AS d30,
             CASE WHEN id % 7 = 0 THEN NULL ELSE sequence(0, CAST(id % 4 AS INT)) END AS arr,
             CASE WHEN id % 5 = 0 THEN NULL ELSE named_struct('a', id, 'b', CAST(id AS STRING)) END AS st,
             named_struct('l', array(named_struct('q', id)), 'n', CASE WHEN id % 2 = 0 THEN NULL ELSE 1 END) AS nested,
             CAST(id % 4 AS INT) AS p
      FROM range(2000)""")
    src = src.select([c for c in src.columns])
    plain = os.path.join(tmp, "plain")
    parted = os.path.join(tmp, "parted")
    src.repartition(3).write.option("parquet.block.size", 16384).parquet(plain)
    src.write.partitionBy("p").parquet(parted)
    spark.read.parquet(plain).createOrReplaceTempView("t")
    want = [json.loads(r) for r in spark.sql(QUERY).toJSON().collect()]
    for name, path in (("plain", plain), ("partitioned", parted)):
        got = sluice_sql("CREATE TABLE t USING parquet OPTIONS (path '%s'); %s" % (path, QUERY))
        for r in got + want:
            for k in ("arr", "st", "nested"):
                if isinstance(r.get(k), str):
                    r[k] = json.loads(r[k])
        got = [{k: v for k, v in r.items() if v is not None} for r in got]  # toJSON leaves NULLs out
        bad = [(w, g) for w, g in zip(want, got) if w != g]
        check(len(got) == len(want), "A (%s): sluice read %d rows, Spark %d" % (name, len(got), len(want)))
        for w, g in bad[:3]:
            print("A (%s): spark %r\n      sluice %r" % (name, w, g))
        check(not bad, "A (%s): %d rows differ from Spark's" % (name, len(bad)))

    # ---- B: Sluice writes, Spark reads ----
    d = os.path.join(tmp, "b")
    os.makedirs(os.path.join(d, "in"))
    rows = []
    for f in range(2):
        with open(os.path.join(d, "in", "f%d.json" % f), "w") as out:
            for j in range(500):
                i = f * 500 + j
                r = {"id": i, "name": None if i % 9 == 0 else "名-%d" % i, "x": i / 4,
                     "ts": "2021-02-03T04:05:06.%06dZ" % i, "d": "2001-01-%02d" % (i % 28 + 1),
                     "m": "%d.%02d" % (i, i % 100), "big": "%d.5" % (i * 10 ** 19),
                     "tags": ["a", "b%d" % i], "st": {"u": i, "v": "v%d" % i}, "k": "k%d" % (i % 3)}
                rows.append(r)
                out.write(json.dumps(r) + "\n")
    job = os.path.join(d, "job.sql")
    with open(job, "w") as f:
        f.write("""
CREATE STREAM input (id BIGINT, name STRING, x DOUBLE, ts TIMESTAMP, d DATE, m DECIMAL(10,2), big DECIMAL(25,1),
  tags ARRAY<STRING>, st STRUCT<u: BIGINT, v: STRING>, k STRING) USING json OPTIONS (path '{d}/in', maxFilesPerTrigger '1');
CREATE SINK out USING parquet OPTIONS (path '{d}/out', partitionBy 'k');
START STREAMING QUERY w INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{d}/ck' AS SELECT * FROM input;
""".format(d=d))
    r = subprocess.run([SLUICE, "run", job], capture_output=True, text=True)
    check(r.returncode == 0, "B: sluice run failed: %s" % r.stderr[-2000:])
    df = spark.read.parquet(os.path.join(d, "out"))
    df.createOrReplaceTempView("o")
    got = [json.loads(x) for x in spark.sql(
        "SELECT id, name, x, date_format(ts, \"yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'\") AS ts, CAST(d AS STRING) AS d, "
        "CAST(m AS STRING) AS m, CAST(big AS STRING) AS big, tags, st, k FROM o ORDER BY id").toJSON().collect()]
    types = {f.name: f.dataType.simpleString() for f in df.schema.fields}
    check(types.get("ts") == "timestamp" and types.get("m") == "decimal(10,2)" and types.get("big") == "decimal(25,1)"
          and types.get("tags") == "array<string>", "B: Spark sees the types %r" % types)
    expect = []
    for r in rows:
        e = {k: v for k, v in r.items() if v is not None}
        e["st"] = r["st"]
        expect.append(e)
    bad = [(w, g) for w, g in zip(expect, got) if w != g]
    check(len(got) == len(rows), "B: Spark read %d rows, %d written" % (len(got), len(rows)))
    for w, g in bad[:3]:
        print("B: input %r\n   spark %r" % (w, g))
    check(not bad, "B: %d rows differ from the input" % len(bad))

spark.stop()
if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("spark interop: all checks passed")
