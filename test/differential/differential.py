#!/usr/bin/env python3
"""The differential test: generated queries over generated tables, run by
Spark 4.3 (pyspark, local mode, ANSI on, UTC) and by Sluice, compared on
rows, result types and error classes. See README.md.

  differential.py --sluice build/sluice --seed 1 --count 600
  differential.py --sluice build/sluice --seed 1 --only 417     # one query again

Exit status: 0 when every query agreed, 1 when some differed, 77 when
pyspark (or Java) is missing (ctest reports SKIPPED), 2 on a harness error.
"""

import argparse
import collections
import os
import shlex
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compare  # noqa: E402
import queries  # noqa: E402
import tables  # noqa: E402

SKIP = 77


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sluice", required=True, help="the sluice binary")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=600, help="queries to generate")
    p.add_argument("--only", type=int, action="append", help="run only query N of the seed (repeatable)")
    p.add_argument("--max-failures-shown", type=int, default=25,
                   help="failures printed in full (the summary counts all)")
    p.add_argument("--workdir", help="where the tables go (default: a fresh temporary directory)")
    p.add_argument("--show-queries", action="store_true", help="print every query and its verdict")
    return p.parse_args(argv)


def rerun_command(args, index):
    return "python3 %s --sluice %s --seed %d --only %d" % (
        shlex.quote(os.path.relpath(os.path.join(HERE, "differential.py"))), shlex.quote(args.sluice), args.seed, index)


def signature(query, spark, sluice, verdict):
    """A coarse key that groups differences of one cause."""
    shape = query.shape
    if verdict.category == "crash":
        return "crash | %s" % shape
    if verdict.category in ("one_side_error", "error_class"):
        return "%s | %s" % (verdict.category, verdict.detail)
    if verdict.category == "types":
        diff = [i for i, (a, b) in enumerate(zip(spark.types, sluice.types)) if a != b]
        if not diff:
            return "types | column count: spark %d, sluice %d" % (len(spark.types), len(sluice.types))
        i = diff[0]
        strip = lambda t: t.split("(")[0] if t.startswith("decimal") else t  # noqa: E731
        return "types | %s | %s: spark %s, sluice %s" % (shape.split(":")[0], query.head(i),
                                                          strip(spark.types[i]), strip(sluice.types[i]))
    cols = compare.differing_columns(spark, sluice)
    heads = sorted({query.head(c) for c in cols}) or ["(row count or order)"]
    return "rows | %s | %s" % (shape, ",".join(heads))


def main(argv):
    args = parse_args(argv)
    if not os.access(args.sluice, os.X_OK):
        print("differential: no sluice binary at %s (build it: ninja -C build sluice)" % args.sluice)
        return 2
    try:
        import pyspark  # noqa: F401
    except ImportError as e:
        reason = "pyspark is not installed (%s)" % e
        failed = os.path.join(os.path.dirname(os.path.dirname(sys.executable)), "SETUP_FAILED")
        if os.path.exists(failed):
            reason = open(failed).read().strip()
        print("differential: SKIPPED: %s; run scripts/setup_pyspark.sh" % reason)
        return SKIP
    java_home = os.environ.get("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
    if not os.path.exists(os.path.join(java_home, "bin", "java")):
        print("differential: SKIPPED: no Java at %s (set JAVA_HOME to a Java 17)" % java_home)
        return SKIP

    from engines import SluiceEngine, SparkEngine

    with tempfile.TemporaryDirectory(prefix="sluice-differential-") as tmp:
        workdir = args.workdir or tmp
        t0 = time.time()
        files = tables.write_tables(os.path.join(workdir, "tables"), args.seed)
        indexes = args.only or list(range(args.count))
        qs = [queries.generate(args.seed, i) for i in indexes]

        sluice_out = SluiceEngine(args.sluice, files, workdir).run_all([q.sql for q in qs])
        t_sluice = time.time() - t0
        spark = SparkEngine(files)
        t1 = time.time()
        spark_out = [spark.run(q.sql) for q in qs]
        t_spark = time.time() - t1
        spark.stop()

    counts = collections.Counter()
    groups = collections.defaultdict(list)
    harness = []
    shown = 0
    for idx, q, a, b in zip(indexes, qs, spark_out, sluice_out):
        if a.error_class and a.error_class.startswith("HARNESS:"):
            harness.append((idx, a.error_message))
            continue
        v = compare.compare(a, b, q.ordered)
        if args.show_queries:
            print("[%d] %s %s" % (idx, "agree" if v.agree else "DIFFER " + v.category, q.sql))
        if v.agree:
            counts["agreed"] += 1
            continue
        counts[v.category] += 1
        sig = signature(q, a, b, v)
        groups[sig].append(idx)
        if shown < args.max_failures_shown:
            shown += 1
            print("=" * 78)
            print("DIFFERENCE (%s: %s) seed %d query %d" % (v.category, v.detail, args.seed, idx))
            print("query:  %s" % q.sql)
            print("ordered: %s" % ("yes (compared in order)" if q.ordered else "no (compared as multisets)"))
            print("--- spark\n%s" % a.describe())
            print("--- sluice\n%s" % b.describe())
            if v.category == "rows" and not q.ordered:
                um = compare.unmatched_rows(a.rows, b.rows)
                if um is not None:
                    for label, rs in (("rows only spark returned", um[0]), ("rows only sluice returned", um[1])):
                        print("--- %s: %d" % (label, len(rs)))
                        for r in rs[:10]:
                            print("  " + compare.render_row(r))
            print("rerun:  %s" % rerun_command(args, idx))

    compared = len(qs) - len(harness)
    differed = compared - counts["agreed"]
    print("=" * 78)
    print("differential summary: seed %d, %d queries generated, %d compared" % (args.seed, len(qs), compared))
    if harness:
        print("  %d not compared: Spark's result cannot be held in Python (e.g. %s)" % (len(harness), harness[0][1]))
    rate = 100.0 * counts["agreed"] / compared if compared else 100.0
    print("  agreed:   %d (%.1f%%)" % (counts["agreed"], rate))
    print("  differed: %d" % differed)
    for c in compare.CATEGORIES:
        if counts[c]:
            print("    %-15s %d" % (c, counts[c]))
    if groups:
        print("differences by signature (count, signature, first queries):")
        for sig, idxs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            print("  %4d  %s   [%s]" % (len(idxs), sig, ", ".join(str(i) for i in idxs[:5])))
    print("time: sluice %.1f s, spark %.1f s" % (t_sluice, t_spark))
    return 0 if differed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
