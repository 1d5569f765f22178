#!/usr/bin/env python3
"""Runs the conformance programs (test/pyspark/programs/*.py) under pyspark and
under sluice and compares what they print.

Each program is ordinary PySpark code. Under sluice the harness runs a copy
whose import lines name `sluice` instead of `pyspark` (only lines that start
with `import pyspark` or `from pyspark`; nothing else changes). Programs print
their results through programs/conform.py as marked JSON lines: rows (with
column names; compared as multisets unless the program sorted them), single
values, expected errors (class and condition) and streaming progress
(batchId, numInputRows, each source's start and end offsets). Floats agree
within a relative tolerance of 1e-9.

    harness.py [--engines pyspark,sluice] [--short] [PATTERN ...]

Environment:
  SLUICE_REFERENCE_VENV  the venv with pyspark 4.3.0 (default <repo>/.venv-reference;
                         scripts/setup_pyspark.sh makes it)
  SLUICE_SPARK_JARS      the folder of Spark's Kafka connector jars
                         (default <repo>/.cache/spark-kafka-jars; setup_pyspark.sh fills it)
  SLUICE_PYTHON          the Python that imports sluice (default: this one)
  SLUICE_PYTHONPATH      prepended to its PYTHONPATH (e.g. <build>/python)
  JAVA_HOME              Java 17 for pyspark (default /usr/lib/jvm/java-17-openjdk-amd64 if present)

Exit status: 0 when every program gives the same results under both engines
or is listed in known_failures.txt (and fails); 1 when a program differs that
is not listed, or a listed one now passes (remove it from the list); 77 when
pyspark is not installed (nothing compared; the reason is printed).
"""

import argparse
import fnmatch
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROGRAMS = os.path.join(HERE, "programs")
MARK = "@@CONF "
SKIP = 77
TIMEOUT_S = 300
# The short form (ctest python_conformance): a subset that keeps the test
# within a few minutes on 2 cores (each pyspark program starts a JVM).
SHORT = ["b01_*", "b02_*", "b03_*", "b04_*", "b06_*", "b10_*", "b14_*", "b19_*",
         "s01_*", "s04_*", "s06_*", "k01_*"]

IMPORT_LINE = re.compile(r"^(\s*)(from|import)(\s+)pyspark(?=[\s.,]|$)")


def to_sluice(source):
    """The program with its import lines rewritten, and nothing else."""
    out = []
    for line in source.splitlines(keepends=True):
        out.append(IMPORT_LINE.sub(r"\1\2\3sluice", line))
    return "".join(out)


# ---- engines -----------------------------------------------------------------

def reference_python():
    venv = os.environ.get("SLUICE_REFERENCE_VENV") or os.path.join(REPO, ".venv-reference")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        reason = "no reference venv at %s (run scripts/setup_pyspark.sh)" % venv
        failed = os.path.join(venv, "SETUP_FAILED")
        if os.path.exists(failed):
            reason += ": " + open(failed).read().strip()
        return None, reason
    p = subprocess.run([py, "-c", "import pyspark; print(pyspark.__version__)"], capture_output=True, text=True)
    if p.returncode != 0:
        return None, "pyspark does not import in %s: %s" % (venv, p.stderr.strip().splitlines()[-1:])
    return py, "pyspark " + p.stdout.strip()


def java_home():
    jh = os.environ.get("JAVA_HOME")
    if jh and os.path.exists(os.path.join(jh, "bin", "java")):
        return jh
    default = "/usr/lib/jvm/java-17-openjdk-amd64"
    return default if os.path.exists(os.path.join(default, "bin", "java")) else None


def spark_jars():
    d = os.environ.get("SLUICE_SPARK_JARS") or os.path.join(REPO, ".cache", "spark-kafka-jars")
    if not os.path.isdir(d):
        return None
    jars = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".jar"))
    return jars if any("spark-sql-kafka" in j for j in jars) else None


class Broker:
    """A private Kafka broker (scripts/kafka/broker.sh) for the Kafka programs."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "kafka")
        self.script = os.path.join(REPO, "scripts", "kafka", "broker.sh")
        self.bootstrap = None
        self.error = None
        self.producer = None

    def start(self):
        if shutil.which("java") is None:
            self.error = "java is not installed: Kafka programs need a broker"
            return
        p = subprocess.run(["bash", self.script, "--dir", self.dir, "start", "--owner-pid", str(os.getpid())],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            self.error = "the Kafka broker did not start: " + (p.stderr.strip().splitlines() or ["?"])[-1]
            return
        env = subprocess.run(["bash", self.script, "--dir", self.dir, "env"], capture_output=True, text=True)
        m = re.search(r"KAFKA_BOOTSTRAP=(\S+)", env.stdout)
        if not m:
            self.error = "broker.sh env printed no KAFKA_BOOTSTRAP: " + env.stdout
            return
        self.bootstrap = m.group(1)
        cp = subprocess.run(["bash", self.script, "classpath"], capture_output=True, text=True).stdout.strip()
        self.producer = ["java", "-cp", cp, os.path.join(HERE, "KafkaProduce.java")]

    def stop(self):
        if self.bootstrap:
            subprocess.run(["bash", self.script, "--dir", self.dir, "stop"], capture_output=True, timeout=120)


def prepare(name, engine, ctx, workroot):
    """The program's run folder (the program, rewritten for sluice, and
    conform.py) and the environment of its process."""
    src = open(os.path.join(PROGRAMS, name + ".py"), encoding="utf-8").read()
    rundir = os.path.join(workroot, engine, name)
    os.makedirs(rundir, exist_ok=True)
    shutil.copy(os.path.join(PROGRAMS, "conform.py"), rundir)
    prog = os.path.join(rundir, name + ".py")
    with open(prog, "w", encoding="utf-8") as f:
        f.write(to_sluice(src) if engine == "sluice" else src)
    env = dict(os.environ)
    env.update({"TZ": "UTC", "CONF_WORK": os.path.join(rundir, "work"), "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONUNBUFFERED": "1"})
    os.makedirs(env["CONF_WORK"], exist_ok=True)
    if ctx.broker and ctx.broker.bootstrap:
        env["CONF_KAFKA"] = ctx.broker.bootstrap
        env["CONF_TOPIC"] = "%s-%s-%d" % (engine, name, int(time.time() * 1000) % 10**9)
        env["CONF_PRODUCER"] = json.dumps(ctx.broker.producer)
    if engine.startswith("pyspark"):
        py = ctx.ref_python
        env["PYSPARK_PYTHON"] = py
        env["PYSPARK_DRIVER_PYTHON"] = py
        if ctx.java_home:
            env["JAVA_HOME"] = ctx.java_home
        args = "--driver-java-options -Duser.timezone=UTC --conf spark.ui.enabled=false"
        if ctx.jars:
            args = "--jars " + ",".join(ctx.jars) + " " + args
        env["PYSPARK_SUBMIT_ARGS"] = args + " pyspark-shell"
    else:
        py = ctx.sluice_python
        if ctx.sluice_pythonpath:
            env["PYTHONPATH"] = ctx.sluice_pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    return rundir, prog, py, env


def run_process(argv, rundir, env, timeout):
    """Runs argv with stdout/stderr into rundir. Returns (records, rc or None)."""
    with open(os.path.join(rundir, "stdout.txt"), "wb") as out, open(os.path.join(rundir, "stderr.txt"), "wb") as err:
        try:
            rc = subprocess.run(argv, cwd=rundir, env=env, stdout=out, stderr=err, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            rc = None
    records = []
    for line in open(os.path.join(rundir, "stdout.txt"), encoding="utf-8", errors="replace"):
        if line.startswith(MARK):
            try:
                records.append(json.loads(line[len(MARK):]))
            except ValueError as e:
                records.append({"kind": "unreadable", "tag": line[:200], "error": str(e)})
    return records, rc


def run_program(name, engine, ctx, workroot):
    """Runs one program under one engine in its own process.
    Returns (records, error or None, seconds)."""
    rundir, prog, py, env = prepare(name, engine, ctx, workroot)
    t0 = time.time()
    records, rc = run_process([py, prog], rundir, env, TIMEOUT_S)
    secs = time.time() - t0
    if rc is None:
        return records, "did not finish within %d s" % TIMEOUT_S, secs
    if rc != 0:
        return records, "exit %d: %s" % (rc, last_error(os.path.join(rundir, "stderr.txt"))), secs
    return records, None, secs


def reused(workdir, name):
    """pyspark's records of a previous run (--reuse-reference)."""
    path = os.path.join(workdir, "pyspark", name, "stdout.txt")
    shared = os.path.join(workdir, "pyspark", "_shared", "stdout.txt")
    if os.path.exists(path):
        records = [json.loads(l[len(MARK):]) for l in open(path, encoding="utf-8", errors="replace")
                   if l.startswith(MARK)]
        return records, None, 0.0
    if os.path.exists(shared):
        records, current, seen = [], None, False
        for l in open(shared, encoding="utf-8", errors="replace"):
            if not l.startswith(MARK):
                continue
            r = json.loads(l[len(MARK):])
            if r.get("kind") == "program":
                current = r["name"]
                seen = seen or current == name
            elif r.get("kind") == "program_error" and current == name:
                return records, r["error"], 0.0
            elif current == name:
                records.append(r)
        if seen:
            return records, None, 0.0
    return [], "no earlier pyspark output for %s in %s" % (name, workdir), 0.0


def run_shared(names, engine, ctx, workroot):
    """Runs the programs one after the other in one process (runner.py), so
    pyspark starts one JVM for all. Returns {name: (records, error, seconds)}."""
    rundirs = []
    env = None
    for name in names:
        rundir, _, py, env = prepare(name, engine, ctx, workroot)
        rundirs.append(rundir)
    shared = os.path.join(workroot, engine, "_shared")
    os.makedirs(shared, exist_ok=True)
    shutil.copy(os.path.join(HERE, "runner.py"), shared)
    t0 = time.time()
    records, rc = run_process([py, os.path.join(shared, "runner.py")] + rundirs, shared, env,
                              TIMEOUT_S * len(names))
    secs = time.time() - t0
    out = {n: ([], None) for n in names}
    current = None
    for r in records:
        if r.get("kind") == "program":
            current = r["name"]
        elif r.get("kind") == "program_error" and current in out:
            out[current] = (out[current][0], r["error"])
        elif current in out:
            out[current][0].append(r)
    result = {}
    started = {r["name"] for r in records if r.get("kind") == "program"}
    for n in names:
        err = out[n][1]
        if n not in started:
            err = "the shared process ended before this program (%s): %s" % (
                "timeout" if rc is None else "exit %s" % rc, last_error(os.path.join(shared, "stderr.txt")))
        result[n] = (out[n][0], err, secs / len(names))
    return result


def last_error(stderr_path):
    """The exception line of a Python traceback in the program's stderr
    (the last line that names an exception), else its last line."""
    lines = [l.rstrip() for l in open(stderr_path, encoding="utf-8", errors="replace") if l.strip()]
    for i in range(len(lines) - 1, -1, -1):
        if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt)\b", lines[i]) or re.match(r"^\w[\w.]*: ", lines[i]) \
                and i > 0 and lines[i - 1].startswith("  "):
            # Include the frame of the program that raised, for the report.
            frame = next((lines[j].strip() for j in range(i - 1, -1, -1)
                          if lines[j].strip().startswith("File ") and "/programs/" not in lines[j]
                          and ".py\", line" in lines[j] and "site-packages" not in lines[j]), "")
            msg = lines[i][:600]
            return msg + (" [at %s]" % frame if frame else "")
    return lines[-1][:600] if lines else "(no stderr)"


# ---- comparison -----------------------------------------------------------------

def close(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a.keys()) == list(b.keys()) and all(close(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def sort_key(row):
    """Rows of an unordered result sort by their text with floats rounded, so
    rows that agree within the tolerance land at the same place."""
    def norm(v):
        if isinstance(v, float):
            return float("%.9g" % v)
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        return v
    return json.dumps(norm(row), sort_keys=True)


def compare(ref, got):
    """[difference] between the records of pyspark (ref) and sluice (got)."""
    diffs = []
    rmap = {(r["kind"], r["tag"]): r for r in ref}
    gmap = {(r.get("kind"), r.get("tag")): r for r in got}
    for key, r in rmap.items():
        g = gmap.get(key)
        if g is None:
            diffs.append("%s %r: missing (pyspark printed it)" % key)
            continue
        if r["kind"] == "rows":
            if r["columns"] != g.get("columns"):
                diffs.append("rows %r: columns %s, pyspark %s" % (r["tag"], g.get("columns"), r["columns"]))
                continue
            rr, gr = r["rows"], g.get("rows", [])
            if not r.get("ordered"):
                rr, gr = sorted(rr, key=sort_key), sorted(gr, key=sort_key)
            if len(rr) != len(gr):
                diffs.append("rows %r: %d rows, pyspark %d: %s vs pyspark %s"
                             % (r["tag"], len(gr), len(rr), short(gr), short(rr)))
            else:
                for i, (a, b) in enumerate(zip(rr, gr)):
                    if not close(a, b):
                        diffs.append("rows %r: row %d is %s, pyspark %s" % (r["tag"], i, short(b), short(a)))
                        break
        elif r["kind"] == "progress":
            if not close(r["batches"], g.get("batches")):
                diffs.append("progress %r: %s, pyspark %s" % (r["tag"], short(g.get("batches")), short(r["batches"])))
        elif r["kind"] == "error":
            if (r["class"], r["condition"]) != (g.get("class"), g.get("condition")):
                diffs.append("error %r: %s [%s], pyspark %s [%s]" % (r["tag"], g.get("class"), g.get("condition"),
                                                                     r["class"], r["condition"]))
        else:
            if not close(r["value"], g.get("value")):
                diffs.append("value %r: %s, pyspark %s" % (r["tag"], short(g.get("value")), short(r["value"])))
    for key in gmap:
        if key not in rmap:
            diffs.append("%s %r: printed by sluice only" % key)
    return diffs


def short(v, n=300):
    s = json.dumps(v)
    return s if len(s) <= n else s[:n] + "..."


# ---- main -----------------------------------------------------------------------

def known_failures():
    out = {}
    path = os.path.join(HERE, "known_failures.txt")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                out[name] = reason.strip()
    return out


def write_known(known, verdicts):
    ran = {v["program"]: v for v in verdicts}
    out = dict(known)
    for name, v in ran.items():
        if v["verdict"] in ("FAIL", "XFAIL"):
            out[name] = " ".join(v.get("detail", "").split())[:300]
        elif v["verdict"] in ("PASS", "XPASS"):
            out.pop(name, None)
    path = os.path.join(HERE, "known_failures.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(KNOWN_HEADER)
        for name in sorted(out):
            f.write("%s %s\n" % (name, out[name]))
    print("harness: wrote %s (%d programs)" % (path, len(out)))


KNOWN_HEADER = """\
# Programs known to fail under sluice (a difference from pyspark, or an error),
# one a line: the program's name, then why (the first difference or the error
# when it was listed). The harness reports them as XFAIL instead of failing;
# one that passes is XPASS and fails the test until its line is removed here.
# `harness.py --update-known` rewrites this file from a run.
"""


class Ctx:
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("patterns", nargs="*", help="program names or globs (default: all)")
    ap.add_argument("--engines", default="pyspark,sluice",
                    help="pyspark, sluice or both (comma-separated; the first is the reference). "
                         "pyspark,pyspark-again runs pyspark twice: a check that the programs are deterministic")
    ap.add_argument("--short", action="store_true", help="the subset of the ctest short form")
    ap.add_argument("--workdir", help="keep the runs here (default: a temporary folder, removed)")
    ap.add_argument("--report", help="write the verdicts as JSON here")
    ap.add_argument("--reuse-reference", metavar="WORKDIR",
                    help="take pyspark's results from a previous run kept with --workdir (its "
                         "pyspark/<program>/stdout.txt) instead of running pyspark again")
    ap.add_argument("--separate", action="store_true",
                    help="run every pyspark program in its own process (by default the batch programs, b*, "
                         "share one pyspark process: one JVM start instead of one each)")
    ap.add_argument("--update-known", action="store_true",
                    help="rewrite known_failures.txt from this run: the programs that failed under sluice "
                         "are listed with their first difference or error, those that passed are removed")
    opts = ap.parse_args()
    engines = [e.strip() for e in opts.engines.split(",") if e.strip()]

    names = sorted(f[:-3] for f in os.listdir(PROGRAMS) if f.endswith(".py") and f != "conform.py")
    pats = opts.patterns or (SHORT if opts.short else ["*"])
    names = [n for n in names if any(fnmatch.fnmatch(n, p) or n == p for p in pats)]
    if not names:
        print("harness: no program matches %s" % pats)
        return 1

    ctx = Ctx()
    ctx.ref_python, why = reference_python()
    if any(e.startswith("pyspark") for e in engines) and ctx.ref_python is None:
        print("python_conformance: SKIPPED: %s; no program was compared" % why)
        return SKIP
    if "pyspark" in engines:
        print("harness: reference %s (%s)" % (why, ctx.ref_python))
    ctx.java_home = java_home()
    ctx.jars = spark_jars()
    ctx.sluice_python = os.environ.get("SLUICE_PYTHON") or sys.executable
    ctx.sluice_pythonpath = os.environ.get("SLUICE_PYTHONPATH")

    workroot = opts.workdir or tempfile.mkdtemp(prefix="sluice-conformance-")
    os.makedirs(workroot, exist_ok=True)
    ctx.broker = None
    kafka_skip = None
    if any(n.startswith("k") for n in names):
        if "pyspark" in engines and not ctx.jars and not opts.reuse_reference:
            kafka_skip = "Spark's Kafka connector jars are missing (run scripts/setup_pyspark.sh)"
        else:
            ctx.broker = Broker(workroot)
            ctx.broker.start()
            kafka_skip = ctx.broker.error
    known = known_failures()
    verdicts = []
    try:
        pre = {}
        shared = [n for n in names if n.startswith("b")]
        if opts.reuse_reference:
            for n in names:
                pre[n] = reused(opts.reuse_reference, n)
        elif "pyspark" in engines and not opts.separate and len(shared) > 1:
            print("harness: running %d batch programs in one pyspark process" % len(shared), flush=True)
            pre = run_shared(shared, "pyspark", ctx, workroot)
        for name in names:
            if name.startswith("k") and kafka_skip:
                verdicts.append({"program": name, "verdict": "SKIP", "detail": kafka_skip})
                print("%-36s SKIP  %s" % (name, kafka_skip), flush=True)
                continue
            res = {}
            for engine in engines:
                if engine == "pyspark" and name in pre:
                    res[engine] = pre[name]
                else:
                    res[engine] = run_program(name, engine, ctx, workroot)
            v = {"program": name}
            for engine in engines:
                v[engine] = "error: " + res[engine][1] if res[engine][1] else "ok"
                v[engine + "_s"] = round(res[engine][2], 1)
            if len(engines) == 2:
                (ref, rerr, _), (got, gerr, _) = res[engines[0]], res[engines[1]]
                if rerr:
                    v["verdict"], v["detail"] = "REFERR", "pyspark failed: " + rerr
                elif gerr:
                    v["verdict"], v["detail"] = "FAIL", "%s failed: %s" % (engines[1], gerr)
                    before = [d for d in compare(ref, got) if not d.endswith("missing (pyspark printed it)")]
                    if before:
                        v["detail"] += "; and before that: " + "; ".join(before[:3])
                else:
                    diffs = compare(ref, got)
                    v["verdict"] = "PASS" if not diffs else "FAIL"
                    v["detail"] = "; ".join(diffs[:3]) + (" (+%d more)" % (len(diffs) - 3) if len(diffs) > 3 else "")
                listed = name in known and engines[1] == "sluice"
                if v["verdict"] == "FAIL" and listed:
                    v["verdict"] = "XFAIL"
                elif v["verdict"] == "PASS" and listed:
                    v["verdict"] = "XPASS"
                    v["detail"] = "passes but is listed in known_failures.txt: remove it there"
            else:
                e = engines[0]
                v["verdict"] = "RAN" if not res[e][1] else "ERROR"
                v["detail"] = res[e][1] or "%d records" % len(res[e][0])
            verdicts.append(v)
            print("%-36s %-6s %s" % (name, v["verdict"], v.get("detail", "")[:400]), flush=True)
    finally:
        if ctx.broker:
            ctx.broker.stop()
        if not opts.workdir:
            shutil.rmtree(workroot, ignore_errors=True)

    print()
    print("| program | %s | verdict |" % " | ".join(engines))
    print("|---|%s---|" % ("---|" * len(engines)))
    for v in verdicts:
        cells = [("%s (%.0fs)" % ("ok" if v[e] == "ok" else "error", v[e + "_s"])) if e in v else "-" for e in engines]
        print("| %s | %s | %s |" % (v["program"], " | ".join(cells), v["verdict"]))
    counts = {}
    for v in verdicts:
        counts[v["verdict"]] = counts.get(v["verdict"], 0) + 1
    print()
    print("harness: " + ", ".join("%d %s" % (c, k) for k, c in sorted(counts.items())))
    if opts.update_known and len(engines) == 2:
        write_known(known, verdicts)
    if opts.report:
        with open(opts.report, "w", encoding="utf-8") as f:
            json.dump(verdicts, f, indent=1)
    bad = [v for v in verdicts if v["verdict"] in ("FAIL", "XPASS", "REFERR", "ERROR")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
