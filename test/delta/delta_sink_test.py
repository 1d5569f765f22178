#!/usr/bin/env python3
"""End-to-end tests of the Delta sink (`USING delta`): real `sluice run`
processes write Delta tables, and everything is checked by independent
readers: the `deltalake` package (delta-rs) for the table's rows, schema
and history, and the _delta_log JSON commits read here as the Delta
protocol describes them (txn actions: one Delta version per batch id).

  with_deltalake.sh delta_sink_test.py --sluice <build/sluice> [--only NAME]

Scenarios: every type through append (two runs, versions appended), the
complete output mode (the table replaced each batch), a kill at each Delta
kill point then a restart (every row once, each batch id one version), a
table deltalake created and appends to between Sluice's runs (coexisting
writers), a schema mismatch and the update output mode (refused with clear
errors).
"""
import argparse, datetime, decimal, glob, json, os, shutil, subprocess, sys, tempfile, warnings

from deltalake import DeltaTable, write_deltalake
import pyarrow as pa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_fixtures import PARTITIONED_JOB, TYPES_JOB, expected_row, input_row, tag_of  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--sluice", required=True)
ap.add_argument("--only")
args = ap.parse_args()
SLUICE = os.path.abspath(args.sluice)
WORK = tempfile.mkdtemp(prefix="sluice-delta-test-")
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
        print(p.stdout[-2000:], p.stderr[-4000:])
        raise AssertionError(f"sluice run exited {p.returncode}, expected {expect_rc}")
    return p


def commits(table):
    """{version: [action dicts]} from the table's _delta_log, read directly."""
    out = {}
    for f in glob.glob(os.path.join(table, "_delta_log", "*.json")):
        name = os.path.basename(f)
        if len(name) != 25 or not name[:20].isdigit():
            continue
        with open(f) as fh:
            out[int(name[:20])] = [json.loads(line) for line in fh if line.strip()]
    return dict(sorted(out.items()))


def query_id(ck):
    with open(os.path.join(ck, "metadata")) as f:
        return json.loads(f.read().split("\n", 1)[1])["id"]


def txn_versions(table, app_id):
    """[(delta version, batch id)] of the app's txn actions; checks one per commit."""
    out = []
    for v, actions in commits(table).items():
        t = [a["txn"]["version"] for a in actions if "txn" in a and a["txn"]["appId"] == app_id]
        check(len(t) <= 1, f"{table} version {v} has {len(t)} txn actions of {app_id}")
        out += [(v, b) for b in t]
    return out


def write_lines(path, rows):
    with open(path + ".tmp", "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    os.rename(path + ".tmp", path)


# ---------------------------------------------------------------------------
def scenario_types():
    d = os.path.join(WORK, "types")
    os.makedirs(os.path.join(d, "in"))
    rows = [input_row(i) for i in range(60)]
    for f in range(3):
        write_lines(os.path.join(d, "in", f"f{f}.json"), rows[f * 12:(f + 1) * 12])
    run(TYPES_JOB.format(d=d), d)
    table = os.path.join(d, "table")
    dt = DeltaTable(table)
    check(dt.version() == 2, f"types: 3 batches give versions 0..2, got {dt.version()}")
    # A second run appends two more batches.
    for f in range(3, 5):
        write_lines(os.path.join(d, "in", f"f{f}.json"), rows[f * 12:(f + 1) * 12])
    run(TYPES_JOB.format(d=d), d)
    dt = DeltaTable(table)
    check(dt.version() == 4, f"types: 5 batches give versions 0..4, got {dt.version()}")
    t = dt.to_pyarrow_table()
    schema = {f.name: str(f.type) for f in t.schema}
    want_types = {"id": "int64", "i": "int32", "s": "string", "d": "date32[day]", "ts": "timestamp[us, tz=UTC]",
                  "m": "decimal128(12, 3)", "b": "binary", "x": "double", "flag": "bool",
                  "arr": "list<element: string>", "st": "struct<a: int64, b: string>"}
    for k, v in want_types.items():
        got = schema.get(k, "missing").replace("large_", "").replace("string_view", "string").replace(
            "binary_view", "binary").replace("item: ", "element: ")
        check(got == v, f"types: column {k} reads back as {schema.get(k)}, expected {v}")
    got = sorted(t.to_pylist(), key=lambda r: r["id"])
    want = [expected_row(r) for r in rows]
    check(len(got) == len(want), f"types: {len(got)} rows, expected {len(want)}")
    for g, w in zip(got, want):
        if g != w:
            check(False, f"types: row {w['id']}: got {g}, expected {w}")
            break
    # The log: one txn per version, versions 0..4 for batch ids 0..4, and
    # every file's stats numRecords adds up.
    qid = query_id(os.path.join(d, "ck"))
    check(txn_versions(table, qid) == [(v, v) for v in range(5)],
          f"types: txn (version, batch) pairs {txn_versions(table, qid)}")
    log = commits(table)
    check(log[0][0].get("commitInfo", {}).get("operation") == "STREAMING UPDATE", "types: commitInfo first")
    check(any("protocol" in a for a in log[0]) and any("metaData" in a for a in log[0]),
          "types: version 0 holds protocol and metaData")
    n = sum(json.loads(a["add"]["stats"])["numRecords"] for acts in log.values() for a in acts if "add" in a)
    check(n == 60, f"types: stats numRecords add up to {n}, expected 60")
    # Data skipping by the stats: deltalake prunes files with id > 50 to the last batch's.
    files = dt.file_uris()
    check(len(files) >= 5, f"types: {len(files)} data files")
    hist = dt.history()
    check(len(hist) == 5 and all(h.get("operation") == "STREAMING UPDATE" for h in hist),
          f"types: history {[h.get('operation') for h in hist]}")
    skipped = dt.to_pyarrow_dataset().filter(pa.compute.field("id") >= 48).count_rows()
    check(skipped == 12, f"types: filter id >= 48 counts {skipped}")


COMPLETE_JOB = """
CREATE STREAM input (id BIGINT, k STRING) USING json OPTIONS (path '{d}/in', maxFilesPerTrigger '1');
CREATE SINK out USING delta OPTIONS (path '{d}/table');
START STREAMING QUERY agg INTO out OUTPUT MODE complete TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{d}/ck'
  AS SELECT k, count(*) AS n, sum(id) AS total FROM input GROUP BY k;
"""


def scenario_complete():
    d = os.path.join(WORK, "complete")
    os.makedirs(os.path.join(d, "in"))
    ids = list(range(40))
    for f in range(4):
        write_lines(os.path.join(d, "in", f"f{f}.json"), [{"id": i, "k": f"k{i % 3}"} for i in ids[f * 10:(f + 1) * 10]])
    run(COMPLETE_JOB.format(d=d), d)
    table = os.path.join(d, "table")
    dt = DeltaTable(table)
    check(dt.version() == 3, f"complete: 4 batches give versions 0..3, got {dt.version()}")
    got = {r["k"]: (r["n"], r["total"]) for r in dt.to_pyarrow_table().to_pylist()}
    want = {}
    for i in ids:
        n, s = want.get(f"k{i % 3}", (0, 0))
        want[f"k{i % 3}"] = (n + 1, s + i)
    check(got == want and dt.to_pyarrow_table().num_rows == 3, f"complete: got {got}, expected {want}")
    # Version 1 (after two batches) still reads as the result of then: time travel.
    dt1 = DeltaTable(table, version=1)
    got1 = {r["k"]: r["n"] for r in dt1.to_pyarrow_table().to_pylist()}
    want1 = {}
    for i in ids[:20]:
        want1[f"k{i % 3}"] = want1.get(f"k{i % 3}", 0) + 1
    check(got1 == want1, f"complete: version 1 reads {got1}, expected {want1}")
    # A kill after a complete-mode commit (and before the checkpoint's
    # commit log), then a restart: the replayed batch is skipped, the table
    # is the last result, one version per batch.
    for f in range(4, 6):
        write_lines(os.path.join(d, "in", f"f{f}.json"), [{"id": i, "k": f"k{i % 3}"} for i in range(f * 10, f * 10 + 10)])
    p = run(COMPLETE_JOB.format(d=d), d, env={"SLUICE_KILL_AT": "delta_sink:after_commit:1"}, expect_rc=None)
    check(p.returncode == -9, f"complete: the run was not killed (rc {p.returncode})")
    run(COMPLETE_JOB.format(d=d), d)
    got = {r["k"]: (r["n"], r["total"]) for r in DeltaTable(table).to_pyarrow_table().to_pylist()}
    want = {}
    for i in range(60):
        n, s = want.get(f"k{i % 3}", (0, 0))
        want[f"k{i % 3}"] = (n + 1, s + i)
    check(got == want, f"complete: after the kill, got {got}, expected {want}")
    pairs = txn_versions(table, query_id(os.path.join(d, "ck")))
    check(pairs == [(v, v) for v in range(6)], f"complete: after the kill, txn (version, batch) {pairs}")
    removes = [a for a in commits(table)[3] if "remove" in a]
    check(len(removes) >= 1 and all(a["remove"]["dataChange"] for a in removes),
          f"complete: version 3 removes the previous files ({len(removes)} removes)")


KILL_JOB = """
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '{d}/in', maxFilesPerTrigger '1');
CREATE SINK out USING delta OPTIONS (path '{d}/table');
START STREAMING QUERY copy INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{d}/ck'
  AS SELECT id FROM input;
"""


def scenario_kill_points():
    for point in ["delta_sink:before_commit", "delta_log:before_commit_rename", "delta_sink:after_commit"]:
        for hit in [1, 3]:
            d = os.path.join(WORK, f"kill-{point.replace(':', '_')}-{hit}")
            os.makedirs(os.path.join(d, "in"))
            for f in range(4):
                write_lines(os.path.join(d, "in", f"f{f}.json"), [{"id": f * 5 + r} for r in range(5)])
            p = run(KILL_JOB.format(d=d), d, env={"SLUICE_KILL_AT": f"{point}:{hit}"}, expect_rc=None)
            check(p.returncode == -9, f"kill {point}:{hit}: the run was not killed (rc {p.returncode})")
            run(KILL_JOB.format(d=d), d)
            table = os.path.join(d, "table")
            ids = sorted(DeltaTable(table).to_pyarrow_table().column("id").to_pylist())
            check(ids == list(range(20)), f"kill {point}:{hit}: ids {ids}")
            pairs = txn_versions(table, query_id(os.path.join(d, "ck")))
            batches = [b for _, b in pairs]
            check(batches == sorted(set(batches)) and batches == list(range(4)),
                  f"kill {point}:{hit}: batch ids by version {pairs} (each batch one version)")


def scenario_coexist():
    """deltalake creates the table and appends between Sluice's runs."""
    d = os.path.join(WORK, "coexist")
    os.makedirs(os.path.join(d, "in"))
    table = os.path.join(d, "table")
    schema = pa.schema([("id", pa.int64())])
    write_deltalake(table, pa.table({"id": pa.array([1000, 1001], pa.int64())}, schema=schema))
    write_lines(os.path.join(d, "in", "f0.json"), [{"id": i} for i in range(5)])
    run(KILL_JOB.format(d=d), d)
    write_deltalake(table, pa.table({"id": pa.array([1002], pa.int64())}, schema=schema), mode="append")
    write_lines(os.path.join(d, "in", "f1.json"), [{"id": i} for i in range(5, 10)])
    run(KILL_JOB.format(d=d), d)
    dt = DeltaTable(table)
    ids = sorted(dt.to_pyarrow_table().column("id").to_pylist())
    check(ids == list(range(10)) + [1000, 1001, 1002], f"coexist: ids {ids}")
    check(dt.version() == 3, f"coexist: versions 0..3 (deltalake, sluice, deltalake, sluice), got {dt.version()}")
    pairs = txn_versions(table, query_id(os.path.join(d, "ck")))
    check(pairs == [(1, 0), (3, 1)], f"coexist: sluice's txn (version, batch) {pairs}")


def scenario_concurrent_writers():
    """Two `sluice run` processes (two queries) append to one table at once:
    their commits race for versions (put-if-absent), the loser of each race
    retries at the next version; both queries' rows are there once each."""
    d = os.path.join(WORK, "concurrent")
    table = os.path.join(d, "table")
    procs = []
    for q in range(2):
        qd = os.path.join(d, f"q{q}")
        os.makedirs(os.path.join(qd, "in"))
        for f in range(15):
            write_lines(os.path.join(qd, "in", f"f{f:02d}.json"), [{"id": q * 1000 + f * 4 + r} for r in range(4)])
        job = KILL_JOB.format(d=qd).replace(f"path '{qd}/table'", f"path '{table}'")
        with open(os.path.join(qd, "job.sql"), "w") as fh:
            fh.write(job)
        procs.append(subprocess.Popen([SLUICE, "run", os.path.join(qd, "job.sql")], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True))
    errs = [p.communicate()[1] for p in procs]
    check(all(p.returncode == 0 for p in procs), f"concurrent: exit codes {[p.returncode for p in procs]} {errs}")
    ids = sorted(DeltaTable(table).to_pyarrow_table().column("id").to_pylist())
    want = sorted(q * 1000 + i for q in range(2) for i in range(60))
    check(ids == want, f"concurrent: {len(ids)} ids, expected {len(want)} (each once)")
    check(DeltaTable(table).version() == 29, f"concurrent: 30 batches, versions 0..{DeltaTable(table).version()}")
    for q in range(2):
        pairs = txn_versions(table, query_id(os.path.join(d, f"q{q}", "ck")))
        check([b for _, b in pairs] == list(range(15)), f"concurrent: query {q} txn (version, batch) {pairs}")
    retries = sum(e.count("was taken by another writer") for e in errs)
    print(f"concurrent: {retries} commit races lost and retried")


def scenario_checkpoint():
    """deltalake writes a checkpoint and the JSON commits before it are
    deleted (as log cleanup does after the retention): Sluice restarts from
    the checkpoint (its txn there), skips a batch replayed after a kill, and
    appends the rest once."""
    d = os.path.join(WORK, "checkpoint")
    os.makedirs(os.path.join(d, "in"))
    for f in range(3):
        write_lines(os.path.join(d, "in", f"f{f}.json"), [{"id": f * 5 + r} for r in range(5)])
    run(KILL_JOB.format(d=d), d)
    table = os.path.join(d, "table")
    DeltaTable(table).create_checkpoint()
    log = os.path.join(table, "_delta_log")
    check(os.path.exists(os.path.join(log, "00000000000000000002.checkpoint.parquet")),
          f"checkpoint: deltalake wrote no checkpoint at version 2: {sorted(os.listdir(log))}")
    for v in range(2):
        os.remove(os.path.join(log, f"{v:020d}.json"))
    for f in range(3, 6):
        write_lines(os.path.join(d, "in", f"f{f}.json"), [{"id": f * 5 + r} for r in range(5)])
    p = run(KILL_JOB.format(d=d), d, env={"SLUICE_KILL_AT": "delta_sink:after_commit:2"}, expect_rc=None)
    check(p.returncode == -9, f"checkpoint: the run was not killed (rc {p.returncode}) {p.stderr[-500:]}")
    run(KILL_JOB.format(d=d), d)
    dt = DeltaTable(table)
    ids = sorted(dt.to_pyarrow_table().column("id").to_pylist())
    check(ids == list(range(30)), f"checkpoint: ids {ids}")
    pairs = txn_versions(table, query_id(os.path.join(d, "ck")))
    check(pairs == [(2, 2), (3, 3), (4, 4), (5, 5)], f"checkpoint: txn (version, batch) in the JSON left {pairs}")
    # Damaged copies of the checkpoint, the commits before it gone: a clear
    # error naming the checkpoint, never a crash.
    ckpt = os.path.join(log, "00000000000000000002.checkpoint.parquet")
    good = open(ckpt, "rb").read()
    damages = {"empty": b"", "magic only": good[:4], "half": good[:len(good) // 2],
               "no footer length": good[:-8], "footer length": good[:-8] + b"\xff\xff\xff\x7f" + good[-4:],
               "footer flipped": good[:-200] + bytes(b ^ 0x5A for b in good[-200:-8]) + good[-8:]}
    for name, data in damages.items():
        dd = os.path.join(WORK, "checkpoint-damaged")
        shutil.rmtree(dd, ignore_errors=True)
        shutil.copytree(d, dd)
        with open(os.path.join(dd, "table", "_delta_log", os.path.basename(ckpt)), "wb") as f:
            f.write(data)
        write_lines(os.path.join(dd, "in", "f9.json"), [{"id": 99}])
        p = run(KILL_JOB.format(d=dd), dd, expect_rc=None)
        if os.environ.get("DELTA_TEST_VERBOSE"):
            print(f"damaged ({name}):", p.stderr[-700:])
        check(p.returncode > 0 and "00000000000000000002.checkpoint.parquet" in p.stderr,
              f"checkpoint damaged ({name}): rc {p.returncode}, stderr {p.stderr[-400:]}")


def scenario_own_checkpoint():
    """Sluice writes a checkpoint at version 10 (checkpointInterval 10); with
    the commits before it deleted, deltalake reads the table from it, and
    Sluice restarts from it."""
    d = os.path.join(WORK, "own-checkpoint")
    os.makedirs(os.path.join(d, "in"))
    for f in range(12):
        write_lines(os.path.join(d, "in", f"f{f:02d}.json"), [{"id": f * 3 + r} for r in range(3)])
    run(KILL_JOB.format(d=d), d)
    table = os.path.join(d, "table")
    log = os.path.join(table, "_delta_log")
    check(os.path.exists(os.path.join(log, "00000000000000000010.checkpoint.parquet")),
          f"own checkpoint: none at version 10: {sorted(os.listdir(log))}")
    check(json.load(open(os.path.join(log, "_last_checkpoint")))["version"] == 10, "own checkpoint: _last_checkpoint")
    for v in range(10):
        os.remove(os.path.join(log, f"{v:020d}.json"))
    dt = DeltaTable(table)
    ids = sorted(dt.to_pyarrow_table().column("id").to_pylist())
    check(dt.version() == 11 and ids == list(range(36)), f"own checkpoint: deltalake reads version {dt.version()}, ids {ids}")
    n = dt.to_pyarrow_dataset().filter(pa.compute.field("id") >= 33).count_rows()
    check(n == 3, f"own checkpoint: id >= 33 counts {n}")
    write_lines(os.path.join(d, "in", "f12.json"), [{"id": 36 + r} for r in range(3)])
    run(KILL_JOB.format(d=d), d)
    run(KILL_JOB.format(d=d), d)
    ids = sorted(DeltaTable(table).to_pyarrow_table().column("id").to_pylist())
    check(ids == list(range(39)), f"own checkpoint: after a restart from it, ids {ids}")
    pairs = txn_versions(table, query_id(os.path.join(d, "ck")))
    check(pairs == [(10, 10), (11, 11), (12, 12)], f"own checkpoint: txn (version, batch) {pairs}")


def scenario_refusals():
    d = os.path.join(WORK, "mismatch")
    os.makedirs(os.path.join(d, "in"))
    table = os.path.join(d, "table")
    write_deltalake(table, pa.table({"id": pa.array(["x"], pa.string())}))
    write_lines(os.path.join(d, "in", "f0.json"), [{"id": 1}])
    p = run(KILL_JOB.format(d=d), d, expect_rc=None)
    check(p.returncode != 0 and "schema mismatch" in p.stderr and "column 'id' is STRING in the table but BIGINT"
          in p.stderr, f"mismatch: rc {p.returncode}, stderr {p.stderr[-600:]}")
    check(DeltaTable(table).version() == 0, "mismatch: the table was not changed")
    d = os.path.join(WORK, "update")
    os.makedirs(os.path.join(d, "in"))
    write_lines(os.path.join(d, "in", "f0.json"), [{"id": 1, "k": "a"}])
    p = run(COMPLETE_JOB.format(d=d).replace("OUTPUT MODE complete", "OUTPUT MODE update"), d, expect_rc=None)
    check(p.returncode != 0 and "update" in p.stderr.lower(), f"update mode: rc {p.returncode}, {p.stderr[-400:]}")
    check(not os.path.exists(os.path.join(d, "table", "_delta_log", "00000000000000000000.json")),
          "update mode: nothing committed")


def scenario_partitioned():
    d = os.path.join(WORK, "partitioned")
    os.makedirs(os.path.join(d, "in"))
    for f in range(2):
        write_lines(os.path.join(d, "in", f"f{f}.json"),
                    [{"id": i, "d": f"2024-05-0{1 + i % 2}"} for i in range(f * 10, f * 10 + 10)])
    run(PARTITIONED_JOB.format(d=d), d)
    table = os.path.join(d, "table")
    dt = DeltaTable(table)
    check(dt.metadata().partition_columns == ["day", "tag"], f"partitioned: columns {dt.metadata().partition_columns}")
    got = sorted(dt.to_pyarrow_table().to_pylist(), key=lambda r: r["id"])
    want = [{"id": i, "day": datetime.date(2024, 5, 1 + i % 2), "tag": tag_of(i)} for i in range(20)]
    check(got == want, f"partitioned: got {got[:3]}..., expected {want[:3]}...")
    # Partition pruning by deltalake reads only the matching directories' files.
    with warnings.catch_warnings():  # partition_filters: deprecated in favour of a predicate string
        warnings.simplefilter("ignore", DeprecationWarning)
        n = len(dt.file_uris([("tag", "=", "a b/c")]))
    check(n >= 1 and n < len(dt.file_uris()), f"partitioned: {n} of {len(dt.file_uris())} files for tag = 'a b/c'")
    dirs = sorted({os.path.relpath(os.path.dirname(p), table) for p in glob.glob(os.path.join(table, "*", "*", "*.parquet"))})
    check("day=2024-05-02/tag=a b%2Fc" in dirs and "day=2024-05-01/tag=__HIVE_DEFAULT_PARTITION__" in dirs,
          f"partitioned: directories {dirs}")


SCENARIOS = {"types": scenario_types, "partitioned": scenario_partitioned, "complete": scenario_complete, "kill_points": scenario_kill_points,
             "coexist": scenario_coexist, "concurrent_writers": scenario_concurrent_writers,
             "checkpoint": scenario_checkpoint, "own_checkpoint": scenario_own_checkpoint,
             "refusals": scenario_refusals}
try:
    for name, fn in SCENARIOS.items():
        if args.only and name != args.only:
            continue
        before = len(failures)
        try:
            fn()
        except Exception as e:  # a crash of the scenario is a failure, not a skip
            failures.append(f"{name}: {type(e).__name__}: {e}")
            print("FAIL:", failures[-1])
        print(f"{name}: {'ok' if len(failures) == before else 'FAILED'}")
finally:
    if failures:
        print(f"kept {WORK}")
    else:
        shutil.rmtree(WORK, ignore_errors=True)
print(f"{len(SCENARIOS) if not args.only else 1} scenarios; {len(failures)} failures")
sys.exit(1 if failures else 0)
