"""Benchmark (not a test): DataFrame.toArrow() of a 10M-row result.

    PYTHONPATH=build/python python bench/python/to_arrow.py [--rows N] [--repeat R]

Prints, for a result with an int, a bigint, a double, a decimal, a
timestamp and two string columns:
  - toArrow() wall time and rows/s (query + export + pyarrow import),
  - the query alone (collect into a QueryResult, no Python objects),
  - the export alone (QueryResult -> ArrowArrayStream -> pyarrow.Table),
  - the import of that table (spark.createDataFrame(table)),
  - peak RSS of the process, and
  - the number of Python-level calls (sys.setprofile: Python functions and
    C functions called from Python) made during one toArrow(): a number
    that does not grow with the row count shows there is no per-row
    Python work.
"""

import argparse
import resource
import sys
import time

import pyarrow as pa

from sluice import _core
from sluice.sql import SparkSession

QUERY = """
SELECT CAST(id AS INT) AS i, id AS b, id / 3.0D AS d, CAST(id AS DECIMAL(18,2)) AS dec,
       timestamp_seconds(1704067200 + id % 86400) AS ts,
       concat('name-', CAST(id AS STRING)) AS s, CASE WHEN id % 10 = 0 THEN NULL ELSE 'same' END AS tag
FROM range(0, {rows})
"""


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def count_python_calls(fn):
    calls = [0]

    def profiler(frame, event, arg):
        if event in ("call", "c_call"):
            calls[0] += 1

    sys.setprofile(profiler)
    try:
        result = fn()
    finally:
        sys.setprofile(None)
    return result, calls[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    spark = SparkSession.builder.appName("bench_to_arrow").getOrCreate()
    df = spark.sql(QUERY.format(rows=args.rows))
    rss_start = peak_rss_mib()

    best = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        table = df.toArrow()
        elapsed = time.perf_counter() - t0
        assert table.num_rows == args.rows
        best = elapsed if best is None else min(best, elapsed)
        del table

    t0 = time.perf_counter()
    result = df._df.collect()
    query_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = pa.RecordBatchReader._import_from_c_capsule(_core.result_to_arrow_capsule(result)).read_all()
    export_s = time.perf_counter() - t0
    nbytes = table.nbytes
    chunks = table.column(0).num_chunks
    del result
    # The other way: the same table into the engine (createDataFrame),
    # twice: the first run pays the page faults of fresh memory (costly in
    # some sandboxes), the second reuses the memory the first freed.
    import_times = []
    for _ in range(2):
        t0 = time.perf_counter()
        back = spark.createDataFrame(table)
        import_times.append(time.perf_counter() - t0)
        del back
    del table

    _, calls_big = count_python_calls(df.toArrow)
    small = spark.sql(QUERY.format(rows=args.rows // 100))
    _, calls_small = count_python_calls(small.toArrow)

    print("rows                      %d (%d record batches, %.0f MiB of Arrow data)"
          % (args.rows, chunks, nbytes / 2**20))
    print("toArrow() best of %d       %.3f s  = %.2f M rows/s" % (args.repeat, best, args.rows / best / 1e6))
    print("  query (collect)         %.3f s" % query_s)
    print("  export + pyarrow import %.3f s  = %.2f M rows/s" % (export_s, args.rows / export_s / 1e6))
    print("createDataFrame(table)    %.3f s  = %.2f M rows/s (copied into engine vectors; first run %.3f s)"
          % (import_times[1], args.rows / import_times[1] / 1e6, import_times[0]))
    print("peak RSS                  %.0f MiB (%.0f MiB before the first toArrow)" % (peak_rss_mib(), rss_start))
    print("Python calls in toArrow() %d for %d rows, %d for %d rows" % (calls_big, args.rows, calls_small,
                                                                          args.rows // 100))
    if calls_big > calls_small + 50:
        print("FAIL: Python calls grow with the row count", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
