#!/usr/bin/env python3
"""The Delta sink's tables read by Spark: pyspark with delta-spark's jars
from Maven Central (scripts/setup_delta.sh: pyspark 4.2.0, the Spark that
delta-spark 4.4.0 is built for, in .venv-delta-spark/, and the jars in
.cache/delta-spark-jars/). Real `sluice run` processes write; Spark reads:

  * every Sluice type, after two runs (five batches, five versions):
    Spark's rows equal the rows computed from the input (delta_fixtures.py);
    DESCRIBE HISTORY shows one STREAMING UPDATE version per batch;
  * a run killed after its Delta commit and before the checkpoint's commit
    log, then restarted: Spark counts every id once;
  * a table partitioned by a date and a string (NULL and 'a b/c' among its
    values): Spark's rows and partition filter;
  * Sluice's own checkpoint (version 10), the commits before it deleted;
  * Spark appends to the table between Sluice's runs, past version 10 so
    that Spark writes a checkpoint, and the JSON commits before it are
    deleted (as the log cleanup does): Sluice starts from Spark's
    checkpoint and goes on appending, and Spark reads both writers' rows.

  with_delta_spark.sh delta_spark_test.py --sluice <build/sluice> --jars <dir>
"""
import argparse, datetime, glob, json, os, shutil, subprocess, sys, tempfile, time

os.environ["TZ"] = "UTC"
time.tzset()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_fixtures import PARTITIONED_JOB, TYPES_JOB, expected_row, input_row, tag_of  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--sluice", required=True)
ap.add_argument("--jars", required=True)
args = ap.parse_args()
SLUICE = os.path.abspath(args.sluice)
WORK = tempfile.mkdtemp(prefix="sluice-delta-spark-")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(job_sql, d, env=None, expect_rc=0):
    path = os.path.join(d, "job.sql")
    with open(path, "w") as f:
        f.write(job_sql)
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([SLUICE, "run", path], capture_output=True, text=True, env=e)
    if expect_rc is not None and p.returncode != expect_rc:
        print(p.stderr[-3000:])
        raise AssertionError(f"sluice run exited {p.returncode}, expected {expect_rc}")
    return p


def write_lines(path, rows):
    with open(path + ".tmp", "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    os.rename(path + ".tmp", path)


from pyspark.sql import SparkSession  # noqa: E402

jars = sorted(glob.glob(os.path.join(args.jars, "*.jar")))
spark = (SparkSession.builder.master("local[2]").appName("sluice-delta-read")
         .config("spark.jars", ",".join(jars))
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
         .config("spark.sql.warehouse.dir", os.path.join(WORK, "spark-warehouse"))
         .config("spark.sql.shuffle.partitions", "2").config("spark.databricks.delta.snapshotPartitions", "2")
         .config("spark.ui.showConsoleProgress", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")


def spark_row(r):
    d = r.asDict(recursive=True)
    if d["b"] is not None:
        d["b"] = bytes(d["b"])
    return d


def scenario_types():
    d = os.path.join(WORK, "types")
    os.makedirs(os.path.join(d, "in"))
    rows = [input_row(i) for i in range(60)]
    for f in range(3):
        write_lines(os.path.join(d, "in", f"f{f}.json"), rows[f * 12:(f + 1) * 12])
    run(TYPES_JOB.format(d=d), d)
    for f in range(3, 5):
        write_lines(os.path.join(d, "in", f"f{f}.json"), rows[f * 12:(f + 1) * 12])
    run(TYPES_JOB.format(d=d), d)
    table = os.path.join(d, "table")
    df = spark.read.format("delta").load(table)
    want_schema = ("struct<id:bigint,i:int,s:string,d:date,ts:timestamp,m:decimal(12,3),b:binary,x:double,"
                   "flag:boolean,arr:array<string>,st:struct<a:bigint,b:string>>")
    check(df.schema.simpleString() == want_schema, f"spark types: schema {df.schema.simpleString()}")
    got = sorted((spark_row(r) for r in df.collect()), key=lambda r: r["id"])
    want = []
    for r in rows:
        w = expected_row(r)
        w["ts"] = w["ts"].replace(tzinfo=None)  # Spark's Python rows: naive, in the session's UTC
        want.append(w)
    check(len(got) == 60, f"spark types: {len(got)} rows")
    for g, w in zip(got, want):
        if g != w:
            check(False, f"spark types: row {w['id']}: got {g}, expected {w}")
            break
    hist = spark.sql(f"DESCRIBE HISTORY delta.`{table}`").orderBy("version").collect()
    check([h.version for h in hist] == [0, 1, 2, 3, 4] and all(h.operation == "STREAMING UPDATE" for h in hist),
          f"spark types: history {[(h.version, h.operation) for h in hist]}")
    # Spark's data skipping with the stats Sluice wrote: a bound that did
    # not hold would skip a file holding the row. The largest timestamp and
    # string of each batch (file) are the values at its max bounds
    # (timestamps rounded up to milliseconds, strings kept whole).
    n = df.where("id >= 48").count()
    check(n == 12, f"spark types: id >= 48 counts {n}")
    for f in range(5):
        batch = [expected_row(r) for r in rows[f * 12:(f + 1) * 12]]
        ts = max(w["ts"] for w in batch).strftime("%Y-%m-%d %H:%M:%S.%f")
        n = df.where(f"ts = timestamp'{ts}'").count()
        check(n >= 1, f"spark types: ts = {ts} (batch {f}'s max) finds {n} rows")
        s_max = max(w["s"] for w in batch if w["s"] is not None)
        n = df.where(df.s == s_max).count()
        check(n >= 1, f"spark types: s = {s_max!r} (batch {f}'s max) finds {n} rows")


def scenario_partitioned():
    d = os.path.join(WORK, "partitioned")
    os.makedirs(os.path.join(d, "in"))
    write_lines(os.path.join(d, "in", "f0.json"), [{"id": i, "d": f"2024-05-0{1 + i % 2}"} for i in range(12)])
    run(PARTITIONED_JOB.format(d=d), d)
    df = spark.read.format("delta").load(os.path.join(d, "table"))
    got = sorted((r.id, r.day, r.tag) for r in df.collect())
    want = [(i, datetime.date(2024, 5, 1 + i % 2), tag_of(i)) for i in range(12)]
    check(got == want, f"spark partitioned: got {got}, expected {want}")
    n = df.where("tag = 'a b/c'").count()
    check(n == 3, f"spark partitioned: tag = 'a b/c' counts {n}")


def scenario_own_checkpoint():
    """Spark reads the table from the checkpoint Sluice wrote at version 10
    (the commits before it deleted)."""
    d = os.path.join(WORK, "own-checkpoint")
    os.makedirs(os.path.join(d, "in"))
    for f in range(12):
        write_lines(os.path.join(d, "in", f"f{f:02d}.json"), [{"id": f * 3 + r} for r in range(3)])
    run(KILL_JOB.format(d=d), d)
    log = os.path.join(d, "table", "_delta_log")
    for v in range(10):
        os.remove(os.path.join(log, f"{v:020d}.json"))
    df = spark.read.format("delta").load(os.path.join(d, "table"))
    ids = sorted(r.id for r in df.collect())
    check(ids == list(range(36)), f"spark own checkpoint: ids {ids}")
    n = df.where("id >= 33").count()
    check(n == 3, f"spark own checkpoint: id >= 33 counts {n}")


KILL_JOB = """
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '{d}/in', maxFilesPerTrigger '1');
CREATE SINK out USING delta OPTIONS (path '{d}/table');
START STREAMING QUERY copy INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{d}/ck'
  AS SELECT id FROM input;
"""


def scenario_kill_and_spark_writer():
    d = os.path.join(WORK, "kill")
    os.makedirs(os.path.join(d, "in"))
    for f in range(4):
        write_lines(os.path.join(d, "in", f"f{f}.json"), [{"id": f * 5 + r} for r in range(5)])
    p = run(KILL_JOB.format(d=d), d, env={"SLUICE_KILL_AT": "delta_sink:after_commit:2"}, expect_rc=None)
    check(p.returncode == -9, f"spark kill: the run was not killed (rc {p.returncode})")
    run(KILL_JOB.format(d=d), d)
    table = os.path.join(d, "table")
    ids = sorted(r.id for r in spark.read.format("delta").load(table).collect())
    check(ids == list(range(20)), f"spark kill: ids {ids}")
    # Spark appends until past version 10 (Spark writes a checkpoint there),
    # then Sluice appends again.
    version = spark.sql(f"DESCRIBE HISTORY delta.`{table}`").agg({"version": "max"}).collect()[0][0]
    extra = []
    while version < 11:
        i = 1000 + version
        spark.createDataFrame([(i,)], "id BIGINT").write.format("delta").mode("append").save(table)
        extra.append(i)
        version += 1
    check(any(n.endswith(".checkpoint.parquet") for n in os.listdir(os.path.join(table, "_delta_log"))),
          "spark kill: Spark wrote a checkpoint")
    # Log cleanup after the retention deletes the commits before Spark's
    # checkpoint: Sluice now starts from that checkpoint (its txn is there).
    log = os.path.join(table, "_delta_log")
    for v in range(10):
        os.remove(os.path.join(log, f"{v:020d}.json"))
    write_lines(os.path.join(d, "in", "f4.json"), [{"id": 20 + r} for r in range(5)])
    run(KILL_JOB.format(d=d), d)
    run(KILL_JOB.format(d=d), d)  # nothing new: no version
    ids = sorted(r.id for r in spark.read.format("delta").load(table).collect())
    check(ids == list(range(25)) + extra, f"spark kill: after Spark's appends and checkpoint, ids {ids}")
    hist = spark.sql(f"DESCRIBE HISTORY delta.`{table}`").agg({"version": "max"}).collect()[0][0]
    check(hist == version + 1, f"spark kill: Sluice's batch 4 is version {version + 1}, the newest is {hist}")


try:
    scenarios = {"types": scenario_types, "partitioned": scenario_partitioned,
                 "own_checkpoint": scenario_own_checkpoint,
                 "kill_and_spark_writer": scenario_kill_and_spark_writer}
    for name, fn in scenarios.items():
        before = len(failures)
        try:
            fn()
        except Exception as e:
            failures.append(f"{name}: {type(e).__name__}: {e}")
            print("FAIL:", failures[-1])
        print(f"{name}: {'ok' if len(failures) == before else 'FAILED'}")
finally:
    spark.stop()
    if failures:
        print(f"kept {WORK}")
    else:
        shutil.rmtree(WORK, ignore_errors=True)
print(f"{len(scenarios)} scenarios; {len(failures)} failures")
sys.exit(1 if failures else 0)
