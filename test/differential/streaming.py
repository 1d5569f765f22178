#!/usr/bin/env python3
"""The streaming differential test: windowed, deduplicating and joining
queries (streaming_cases.py) run by Spark 4.3 (pyspark, local mode) and by
Sluice over the same files, one file per stream per micro-batch, and the
rows each engine emits after each batch compared. See README.md.

  streaming.py --sluice build/sluice
  streaming.py --sluice build/sluice --only session_append
  streaming.py --sluice build/sluice --short      # ctest's subset

Spark's rows are taken with foreachBatch; Sluice's from its console sink
(one table per batch, `truncate false`). Both are rendered the way Spark's
show() renders values ("2024-01-01 00:00:10", structs as "{a, b}", NULL),
and each batch's rows compared as a multiset: batch ids must match too,
including the batches without new data that run when the watermark moves.

Exit status: 0 when every case agreed, 1 when some differed, 77 when
pyspark (or Java) is missing (ctest reports SKIPPED), 2 on a harness error.
"""

import argparse
import collections
import datetime
import decimal
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import streaming_cases as cases  # noqa: E402

SKIP = 77
# The short form (ctest differential_streaming): one case of each kind
# (tumbling, sliding and session windows in the three output modes, the
# dedup forms, DISTINCT, an outer join, a join and a dedup feeding a window)
# so that the test keeps to a minute or two of Spark; the long form
# (scripts/differential.sh --streaming) runs every case.
SHORT = ["tumbling_count_append", "tumbling_count_per_user_update", "tumbling_count_complete",
         "sliding_sum_append", "session_append", "dedup_within_watermark", "dedup_then_window_count",
         "select_distinct_update", "join_left_outer_time_range", "join_then_window_count"]


def write_inputs(root):
    """One JSON-lines file per batch and stream, with increasing mtimes
    (both engines take files oldest first)."""
    import json
    dirs = {}
    for name, batches in (("events", cases.EVENTS), ("clicks", cases.CLICKS)):
        d = os.path.join(root, name)
        os.makedirs(d)
        for i, rows in enumerate(batches):
            p = os.path.join(d, "part-%03d.json" % i)
            with open(p, "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r) + "\n")
            os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))
        dirs[name] = d
    return dirs


# --- rendering: Spark's show() format, for both engines ----------------------

def render(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        s = v.strftime("%Y-%m-%d %H:%M:%S")
        if v.microsecond:
            s += ("." + "%06d" % v.microsecond).rstrip("0")
        return s
    if isinstance(v, (dict,)):
        return "{" + ", ".join(render(x) for x in v.values()) + "}"
    if hasattr(v, "asDict"):  # a pyspark Row (struct)
        return "{" + ", ".join(render(x) for x in v) + "}"
    if isinstance(v, decimal.Decimal):
        return str(v)
    return str(v)


def parse_console(text):
    """{batch id: [row tuple of cells]} from Sluice's console sink output."""
    out = {}
    batch = None
    in_table = False
    header_seen = False
    for line in text.splitlines():
        m = re.match(r"^Batch: (\d+)$", line)
        if m:
            batch = int(m.group(1))
            out[batch] = []
            in_table = False
            header_seen = False
            continue
        if batch is None:
            continue
        if line.startswith("+"):
            in_table = True
            continue
        if in_table and line.startswith("|"):
            cells = tuple(c.strip() for c in line.strip()[1:-1].split("|"))
            if not header_seen:
                header_seen = True
                continue
            out[batch].append(cells)
        elif in_table and not line.strip():
            in_table = False
    return out


# --- the engines --------------------------------------------------------------

def run_sluice(binary, case, dirs, work, state_store=None):
    ck = os.path.join(work, "ck-sluice-" + case.name + ("-" + state_store if state_store else ""))
    job = os.path.join(work, case.name + ".sql")
    with open(job, "w", encoding="utf-8") as f:
        if state_store:
            f.write("SET spark.sql.streaming.stateStore.providerClass = %s;\n" % state_store)
        f.write("CREATE STREAM events (%s) USING json OPTIONS (path '%s', maxFilesPerTrigger '1');\n"
                % (cases.EVENTS_SCHEMA, dirs["events"]))
        f.write("CREATE STREAM clicks (%s) USING json OPTIONS (path '%s', maxFilesPerTrigger '1');\n"
                % (cases.CLICKS_SCHEMA, dirs["clicks"]))
        f.write("CREATE SINK out USING console OPTIONS (numRows '100000', truncate 'false');\n")
        f.write("START STREAMING QUERY %s INTO out OUTPUT MODE %s TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '%s'\n"
                "  AS %s;\n" % (case.name, case.mode, ck, case.sluice))
    p = subprocess.run([binary, "run", job], capture_output=True, timeout=120)
    if p.returncode != 0:
        return None, "sluice exited with status %d: %s" % (
            p.returncode, p.stderr.decode("utf-8", "replace").strip()[-1500:])
    return parse_console(p.stdout.decode("utf-8", "replace")), None


class Spark:
    def __init__(self, dirs, work):
        os.environ["TZ"] = "UTC"
        time.tzset()
        from pyspark.sql import SparkSession
        self.spark = (SparkSession.builder.master("local[2]").appName("sluice-streaming-differential")
                      .config("spark.sql.ansi.enabled", "true")
                      .config("spark.sql.session.timeZone", "UTC")
                      .config("spark.sql.shuffle.partitions", "2")
                      .config("spark.ui.enabled", "false")
                      .config("spark.sql.streaming.noDataMicroBatches.enabled", "true")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")
        self.dirs = dirs
        self.work = work

    def streams(self):
        sp = self.spark
        events = sp.readStream.schema(cases.EVENTS_SCHEMA).option("maxFilesPerTrigger", 1).json(self.dirs["events"])
        clicks = sp.readStream.schema(cases.CLICKS_SCHEMA).option("maxFilesPerTrigger", 1).json(self.dirs["clicks"])
        events.createOrReplaceTempView("events_raw")
        clicks.createOrReplaceTempView("clicks_raw")
        events = events.withWatermark("ts", "5 seconds")
        clicks = clicks.withWatermark("cts", "5 seconds")
        events.createOrReplaceTempView("events")
        clicks.createOrReplaceTempView("clicks")
        return events, clicks

    def run(self, case):
        events, clicks = self.streams()
        try:
            df = self.spark.sql(case.spark) if isinstance(case.spark, str) else case.spark(self.spark, events, clicks)
        except Exception as e:  # noqa: BLE001 - Spark's analysis errors are results too
            return None, "spark refused the query: %s" % str(e).splitlines()[0]
        got = {}

        def collect(batch_df, batch_id):
            got[batch_id] = [tuple(render(v) for v in row) for row in batch_df.collect()]

        ck = os.path.join(self.work, "ck-spark-" + case.name)
        try:
            q = (df.writeStream.outputMode(case.mode).trigger(availableNow=True)
                 .option("checkpointLocation", ck).foreachBatch(collect).start())
            q.awaitTermination()
        except Exception as e:  # noqa: BLE001
            return None, "spark failed: %s" % str(e).splitlines()[0]
        return got, None


def compare(spark_rows, sluice_rows):
    """Differences as lines of text ([] when the batches agree)."""
    diffs = []
    for b in sorted(set(spark_rows) | set(sluice_rows)):
        if b not in sluice_rows:
            if spark_rows[b]:
                diffs.append("batch %d: Sluice ran no such batch; Spark emitted %s" % (b, sorted(spark_rows[b])))
            else:
                diffs.append("batch %d: Spark ran it (no rows), Sluice did not" % b)
            continue
        if b not in spark_rows:
            diffs.append("batch %d: Spark ran no such batch; Sluice emitted %s" % (b, sorted(sluice_rows[b])))
            continue
        a = collections.Counter(spark_rows[b])
        s = collections.Counter(sluice_rows[b])
        if a != s:
            only_spark = sorted((a - s).elements())
            only_sluice = sorted((s - a).elements())
            diffs.append("batch %d: only Spark: %s; only Sluice: %s" % (b, only_spark, only_sluice))
    return diffs


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sluice", required=True)
    p.add_argument("--only", action="append", help="run only the named case (repeatable)")
    p.add_argument("--short", action="store_true", help="only the cases of the short form (SHORT)")
    p.add_argument("--workdir")
    p.add_argument("--show-rows", action="store_true", help="print every batch's rows")
    p.add_argument("--state-store", choices=["hdfs", "rocksdb", "both"], default="both",
                   help="Sluice's state store provider (spark.sql.streaming.stateStore.providerClass); "
                        "both (the default): each case runs on each provider against the same Spark run")
    args = p.parse_args(argv)
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("streaming differential: SKIPPED: pyspark is not installed; run scripts/setup_pyspark.sh")
        return SKIP
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        print("streaming differential: SKIPPED: no Java for Spark")
        return SKIP
    names = {c.name for c in cases.CASES}
    unknown = [n for n in SHORT if n not in names]
    if unknown:
        print("streaming differential: SHORT names unknown cases %s" % unknown)
        return 2
    selected = [c for c in cases.CASES
                if (not args.only or c.name in args.only) and (not args.short or c.name in SHORT)]
    if not selected:
        print("no case named %s" % args.only)
        return 2
    work = args.workdir or tempfile.mkdtemp(prefix="sluice-streaming-diff-")
    os.makedirs(work, exist_ok=True)
    dirs = write_inputs(os.path.join(work, "input-%d" % os.getpid()))
    spark = Spark(dirs, work)
    failed = 0
    providers = ["hdfs", "rocksdb"] if args.state_store == "both" else [args.state_store]
    checks = 0
    for case in selected:
        t = time.time()
        srows, serr = spark.run(case)
        for provider in providers:
            lrows, lerr = run_sluice(args.sluice, case, dirs, work, provider)
            note = []
            if serr or lerr:
                if serr and lerr:
                    # Both refuse the query (e.g. an output mode Spark does not
                    # support for it): that is agreement.
                    verdict = []
                    note = ["both refused: spark: %s" % serr, "              sluice: %s" % lerr]
                else:
                    verdict = ["spark: %s" % (serr or "ran"), "sluice: %s" % (lerr or "ran")]
            else:
                verdict = compare(srows, lrows)
            ok = not verdict
            checks += 1
            failed += not ok
            print("%-34s %-8s %-7s %s (%.1f s)" % (case.name, case.mode, provider, "agree" if ok else "DIFFER",
                                                  time.time() - t))
            if args.show_rows and srows is not None:
                for b in sorted(srows):
                    print("    spark batch %d: %s" % (b, sorted(srows[b])))
                for b in sorted(lrows or {}):
                    print("    sluice batch %d: %s" % (b, sorted(lrows[b])))
            for line in verdict + note:
                print("    " + line)
            t = time.time()
    print("streaming differential: %d of %d cases agree (%d cases, Sluice on %s)" % (
        checks - failed, checks, len(selected), " and ".join(providers)))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
