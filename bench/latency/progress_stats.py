#!/usr/bin/env python3
"""Batch figures of a latency run from a progress file (one JSON progress
record per line: `sluice run --progress-file`, or bench/latency/spark_job.py).

    progress_stats.py PROGRESS_FILE [--from-ms EPOCH_MS]

Only batches that started at or after --from-ms (the end of the warm-up) and
read at least one row count. Prints one line
    STATS batches=N rows=R batch_p50_ms=.. batch_p99_ms=.. job_eps=.. capacity_eps=.. rows_per_batch=..
    avg_<key>=.. for every durationMs key (ms per batch, averaged over those batches)
and `STATS total_rows=..` over every batch (the whole run, warm-up included).
batch_* is durationMs.triggerExecution; job_eps is the rows of those batches
over the span from the first one's start to the last one's end; capacity_eps
is the rows over the sum of their triggerExecution (what the job could do
back to back).
"""
import argparse
import datetime
import json
import math
import sys


def epoch_ms(ts):
    # "2026-12-06T17:50:00.123Z" (Spark's and Sluice's format)
    ts = ts.rstrip("Z")
    if "." in ts:
        base, frac = ts.split(".", 1)
    else:
        base, frac = ts, "0"
    dt = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp() * 1000 + float("0." + frac) * 1000


def pct(sorted_values, p):  # nearest rank
    if not sorted_values:
        return 0
    k = max(1, math.ceil(p * len(sorted_values)))
    return sorted_values[min(k, len(sorted_values)) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("progress")
    ap.add_argument("--from-ms", type=float, default=0)
    a = ap.parse_args()
    records = []
    try:
        with open(a.progress) as f:
            for line in f:
                line = line.strip()
                if line:
                    records.append(json.loads(line))
    except FileNotFoundError:
        pass
    total_rows = sum(int(r.get("numInputRows", 0)) for r in records)
    sel = [r for r in records if int(r.get("numInputRows", 0)) > 0 and epoch_ms(r["timestamp"]) >= a.from_ms]
    durations = sorted(float(r.get("durationMs", {}).get("triggerExecution", 0)) for r in sel)
    rows = sum(int(r["numInputRows"]) for r in sel)
    keys = []
    for r in sel:
        for k in r.get("durationMs", {}):
            if k not in keys:
                keys.append(k)
    out = ["STATS", "batches=%d" % len(sel), "rows=%d" % rows, "total_rows=%d" % total_rows,
           "total_batches=%d" % len(records)]
    out.append("batch_p50_ms=%g" % pct(durations, 0.5))
    out.append("batch_p99_ms=%g" % pct(durations, 0.99))
    if sel:
        start = min(epoch_ms(r["timestamp"]) for r in sel)
        end = max(epoch_ms(r["timestamp"]) + float(r["durationMs"].get("triggerExecution", 0)) for r in sel)
        out.append("job_eps=%.0f" % (rows / max((end - start) / 1000.0, 1e-3)))
        out.append("capacity_eps=%.0f" % (rows / max(sum(durations) / 1000.0, 1e-3)))
        out.append("rows_per_batch=%.0f" % (rows / len(sel)))
    else:
        out += ["job_eps=0", "capacity_eps=0", "rows_per_batch=0"]
    for k in keys:
        vals = [float(r["durationMs"].get(k, 0)) for r in sel]
        out.append("avg_%s=%.1f" % (k, sum(vals) / len(vals)))
    print(" ".join(out))


if __name__ == "__main__":
    sys.exit(main())
