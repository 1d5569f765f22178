"""The two engines: Spark (pyspark, local mode, one session for all queries)
and Sluice (its CLI, `sluice sql --each-statement`, many queries per
process). Both turn a query into a compare.Outcome.
"""

import datetime
import decimal
import json
import os
import re
import subprocess
import tempfile

from compare import Outcome, canonical_decimal, canonical_from_sluice, parse_type, sluice_error_class
import tables as tables_mod


# --- Sluice ------------------------------------------------------------------

class SluiceEngine:
    CHUNK = 150          # queries per process
    TIMEOUT_S = 120      # per process; a hang marks the query in flight

    def __init__(self, binary, tables, workdir):
        self.binary = binary
        self.ddl = tables_mod.sluice_ddl(tables)
        self.workdir = workdir

    def run_all(self, queries):
        """[sql] -> [Outcome], in order."""
        out = []
        i = 0
        while i < len(queries):
            chunk = queries[i:i + self.CHUNK]
            got = self._run_chunk(chunk)
            out.extend(got)
            i += len(got)
        return out

    def _run_chunk(self, chunk):
        # Each ';' on a line of its own: a query ending in a -- comment
        # cannot swallow it and merge with the next one.
        script = "".join(stmt + "\n;\n" for stmt in self.ddl + chunk)
        path = os.path.join(self.workdir, "sluice_script.sql")
        with open(path, "w", encoding="utf-8") as f:
            f.write(script)
        crash = None
        try:
            p = subprocess.run([self.binary, "sql", "--each-statement", "--threads", "2", "-f", path],
                               capture_output=True, timeout=self.TIMEOUT_S)
            stdout, rc, stderr = p.stdout, p.returncode, p.stderr
            if rc != 0:
                crash = "sluice exited with status %d: %s" % (rc, stderr.decode("utf-8", "replace")[-2000:])
        except subprocess.TimeoutExpired as e:
            stdout = e.stdout or b""
            crash = "sluice did not finish within %d s (hang?)" % self.TIMEOUT_S
        lines = stdout.decode("utf-8", "replace").splitlines()
        ddl_lines, lines = lines[:len(self.ddl)], lines[len(self.ddl):]
        for stmt, line in zip(self.ddl, ddl_lines):
            if "error" in json.loads(line):
                raise RuntimeError("sluice refused the table DDL %s: %s" % (stmt, line))
        if crash is None and len(lines) != len(chunk):
            raise RuntimeError("sluice reported %d results for %d statements: the harness split them "
                               "wrongly (see %s)" % (len(lines), len(chunk), path))
        outcomes = [self._outcome(json.loads(line)) for line in lines[:len(chunk)]]
        if len(outcomes) < len(chunk):
            # The query after the last reported one crashed or hung the process.
            outcomes.append(Outcome(crash=crash or "sluice stopped without reporting this query"))
        return outcomes

    @staticmethod
    def _outcome(obj):
        if "error" in obj:
            text = obj["error"]
            if not obj.get("user_error", True):
                return Outcome(crash="internal error (not a user error): " + text)
            return Outcome(error_class=sluice_error_class(text), error_message=text)
        types = [c["type"] for c in obj["columns"]]
        trees = [parse_type(t) for t in types]
        rows = [[canonical_from_sluice(v, t) for v, t in zip(r, trees)] for r in obj["rows"]]
        return Outcome(types=types, rows=rows)


# --- Spark ---------------------------------------------------------------------

def spark_timestamp_string(dt):
    """A naive UTC datetime as Spark's CAST(ts AS STRING): fraction without
    trailing zeros."""
    s = dt.strftime("%Y-%m-%d %H:%M:%S")
    if dt.microsecond:
        s += ("." + "%06d" % dt.microsecond).rstrip("0")
    return s


def canonical_from_spark(v, t):
    if v is None:
        return None
    kind = t[0]
    if kind == "decimal":
        return canonical_decimal(v, t[2])
    if kind in ("double", "float"):
        return float(v)
    if kind == "binary":
        return "0x" + bytes(v).hex()
    if kind == "timestamp":
        if isinstance(v, str):
            return v
        return spark_timestamp_string(v)
    if kind == "date":
        return v if isinstance(v, str) else v.isoformat()
    if kind == "array":
        return [canonical_from_spark(x, t[1]) for x in v]
    if kind == "struct":
        return [canonical_from_spark(x, ft) for x, (_, ft) in zip(v, t[1])]
    return v


class SparkEngine:
    def __init__(self, tables):
        os.environ["TZ"] = "UTC"  # pyspark turns timestamps into local datetimes
        import time
        time.tzset()
        os.environ.setdefault("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
        os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)
        import logging
        logging.getLogger("pyspark").setLevel(logging.CRITICAL)
        logging.getLogger("py4j").setLevel(logging.CRITICAL)
        # pyspark logs every failing query's stack trace through these.
        for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        from pyspark.sql import SparkSession
        from pyspark.sql import functions as F
        self.F = F
        self.spark = (SparkSession.builder.master("local[2]").appName("sluice-differential")
                      .config("spark.sql.ansi.enabled", "true")
                      .config("spark.sql.session.timeZone", "UTC")
                      .config("spark.sql.shuffle.partitions", "1")
                      .config("spark.default.parallelism", "2")
                      .config("spark.ui.enabled", "false")
                      .config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.adaptive.enabled", "false")
                      .config("spark.sql.codegen.wholeStage", "false")
                      .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
                      .config("spark.driver.memory", "1g")
                      .config("spark.driver.extraJavaOptions", "-Dlog4j2.level=OFF -XX:+UseSerialGC")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("OFF")
        for name, (fmt, path) in tables.items():
            reader = self.spark.read.schema(tables_mod.schema_ddl(name))
            if fmt == "csv":
                df = reader.option("header", "true").csv(path)
            else:
                df = reader.json(path)
            df.createOrReplaceTempView(name)

    def stop(self):
        self.spark.stop()

    def run(self, sql):
        from pyspark.errors import PySparkException
        try:
            df = self.spark.sql(sql)
            types = [f.dataType.simpleString() for f in df.schema.fields]
            trees = [parse_type(t) for t in types]
            # Top-level dates and timestamps as Spark renders them (years
            # past 9999 included, which Python's datetime cannot hold).
            n = len(types)
            df = df.toDF(*["c%d" % i for i in range(n)])
            cols = [self.F.col("c%d" % i).cast("string") if trees[i][0] in ("date", "timestamp")
                    else self.F.col("c%d" % i) for i in range(n)]
            rows = df.select(*cols).collect()
            return Outcome(types=types, rows=[[canonical_from_spark(v, t) for v, t in zip(r, trees)] for r in rows])
        except PySparkException as e:
            cls = e.getCondition() or type(e).__name__
            return Outcome(error_class=cls, error_message=str(e).split("\n")[0])
        except Exception as e:
            # A Spark error that reached Python unconverted (a Py4JJavaError
            # wrapping an ExecutionException, from a subquery): its class is
            # in the message.
            m = re.search(r"Exception: \[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]", str(e))
            if m:
                return Outcome(error_class=m.group(1), error_message=str(e).split("\n")[0][:300])
            # A value Python cannot hold (a nested date past 9999).
            return Outcome(error_class="HARNESS:" + type(e).__name__, error_message=str(e)[:300])
