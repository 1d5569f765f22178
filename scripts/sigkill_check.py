#!/usr/bin/env python3
"""The checker of scripts/sigkill_loop.sh: compares a pipeline's output with
its input (ids 0..n-1, as the loop wrote them) and prints
"<duplicates> <losses> <unknown>":

  duplicates  extra copies of input records in the output (for the
              aggregations: counts above the input's, in records)
  losses      input records missing from the output (counts below)
  unknown     output records that are not input records (or, for agg, a
              key whose count is right but whose sum is not)

  sigkill_check.py <file|parquet|agg|agg-rocksdb|kafka|kafka-agg|delta|postgres|postgres-agg> <pipeline dir> <n>

delta: the table's rows as the `deltalake` package (delta-rs) reads them
(run it with an interpreter that has deltalake), and the _delta_log's txn
actions read here: a batch id committed in two Delta versions counts as a
duplicate even if its rows were somehow not duplicated.

It reads the file sink's manifest itself (docs/checkpoint-format.md), the
console table of the final run (agg) or the topic dump written by
kafka_topic_tool (kafka, kafka-agg), or the table dumped by psql (postgres:
one id a line; postgres-agg: "key count sum" lines): never through the engine.
"""
import json, os, re, sys
from collections import Counter
pipeline, d, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if pipeline == "agg-rocksdb":
    pipeline = "agg"  # the same job and output, another state store provider

def manifest_files(out):
    """Live data files of a file sink, read from its manifest as docs/checkpoint-format.md says."""
    meta = os.path.join(out, "_sluice_metadata")
    ids, compact = [], None
    for name in os.listdir(meta):
        m = re.fullmatch(r"(0|[1-9][0-9]*)(\.compact)?", name)
        if not m:
            continue  # a temp file of an interrupted write, or not a batch file ("checksums")
        b = int(m.group(1))
        if m.group(2):
            compact = b if compact is None else max(compact, b)
        else:
            ids.append(b)
    names = ([f"{compact}.compact"] if compact is not None else []) + \
            [str(b) for b in sorted(ids) if compact is None or b > compact]
    live = {}
    for name in names:
        lines = open(os.path.join(meta, name)).read().split("\n")
        # "v1" / "v2", possibly followed by " crc32=<hex>" (a checksummed file).
        assert re.fullmatch(r"v[12]( crc32=[0-9a-f]{8})?", lines[0]), f"{name}: version line {lines[0]!r}"
        for line in lines[1:]:
            if not line:
                continue
            e = json.loads(line)
            if "path" not in e:
                continue  # the batch line (offsets digest)
            if e["action"] == "add":
                live[e["path"]] = e
            else:
                live.pop(e["path"], None)
    return [p if p.startswith("/") else os.path.join(out, p) for p in live]


def tally(seen, n):
    """(duplicates, losses, unknown) of the ids seen (a Counter) against 0..n-1."""
    dups = losses = 0
    for i in range(n):
        c = seen.pop(i, 0)
        dups += max(0, c - 1)
        losses += c == 0
    return dups, losses, sum(seen.values())

dups = losses = unknown = 0
if pipeline == "file":
    seen = Counter()
    for f in manifest_files(os.path.join(d, "out")):
        for line in open(f):
            seen[json.loads(line)["id"]] += 1
    dups, losses, unknown = tally(seen, n)
elif pipeline == "parquet":
    # The Parquet sink's files, read with pyarrow (an independent reader).
    import pyarrow.parquet as pq
    seen = Counter()
    for f in manifest_files(os.path.join(d, "out")):
        for i in pq.read_table(f, columns=["id"]).column("id").to_pylist():
            seen[i] += 1
    dups, losses, unknown = tally(seen, n)
elif pipeline == "postgres":
    seen = Counter()
    for line in open(os.path.join(d, "dump")):
        seen[int(line)] += 1
    dups, losses, unknown = tally(seen, n)
elif pipeline == "delta":
    from deltalake import DeltaTable
    table = os.path.join(d, "out")
    seen = Counter(DeltaTable(table).to_pyarrow_table().column("id").to_pylist())
    dups, losses, unknown = tally(seen, n)
    # Each batch id of the query in exactly one version (txn appId = the query id).
    meta = open(os.path.join(d, "ck", "metadata")).read().split("\n", 1)[1]
    app = json.loads(meta)["id"]
    batches = Counter()
    log = os.path.join(table, "_delta_log")
    for name in os.listdir(log):
        if re.fullmatch(r"\d{20}\.json", name):
            for line in open(os.path.join(log, name)):
                a = json.loads(line) if line.strip() else {}
                if "txn" in a and a["txn"]["appId"] == app:
                    batches[a["txn"]["version"]] += 1
    dups += sum(c - 1 for c in batches.values())
    if batches and sorted(batches) != list(range(max(batches) + 1)):
        unknown += 1  # a batch id without a version
elif pipeline == "kafka":
    seen = Counter()
    for line in open(os.path.join(d, "dump")):
        seen[int(line.split(" ", 3)[3])] += 1
    dups, losses, unknown = tally(seen, n)
else:
    # Expected count (and sum) per key over ids 0..n-1.
    want = Counter(f"k{i % 7}" for i in range(n))
    want_sum = Counter()
    for i in range(n):
        want_sum[f"k{i % 7}"] += i % 5
    got, got_sum = {}, {}
    if pipeline == "agg":
        # The last table printed (complete mode: the whole result).
        text = open(os.path.join(d, "final.out")).read()
        last = text.rsplit("Batch: ", 1)[1]
        for row in re.findall(r"^\| *(k\d+) *\| *(\d+) *\| *(\d+) *\|$", last, re.M):
            got[row[0]], got_sum[row[0]] = int(row[1]), int(row[2])
    elif pipeline == "postgres-agg":
        for line in open(os.path.join(d, "dump")):  # one row per key (the key is the primary key)
            key, count, total = line.split()
            if key in got:
                unknown += 1  # a key twice: the upsert failed
            got[key], got_sum[key] = int(count), int(total)
    else:
        for line in open(os.path.join(d, "dump")):  # one partition: offset order
            _, _, key, value = line.rstrip("\n").split(" ", 3)
            got[key] = int(value)  # the last count written for the key wins
    for k in set(want) | set(got):
        c, w = got.get(k, 0), want.get(k, 0)
        if k not in want:
            unknown += c
        dups += max(0, c - w)
        losses += max(0, w - c)
    if pipeline in ("agg", "postgres-agg"):  # sums must agree as well
        bad_sums = sum(1 for k in want if got_sum.get(k, 0) != want_sum[k] and got.get(k) == want[k])
        unknown += bad_sums
print(dups, losses, unknown)
