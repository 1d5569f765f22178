#!/usr/bin/env python3
"""No PostgreSQL password in any endpoint or error text (issue 16, docs/ui.md).

A throw-away PostgreSQL (scripts/postgres/server.sh, 127.0.0.1) and `sluice
run` with the UI on and a token: query `pgq` writes a rate stream to the
PostgreSQL sink, its password given through passwordEnv; query `keep` keeps
the process running. After some batches the server is stopped, so `pgq` fails
(connectRetries 0) and its error shows in /api/v1/streaming/queries. The
password and the token must appear in no response (queries, progress, plan,
environment, metrics, the page and its files), no progress record and not in
sluice's log.

usage: monitor_pg_secret_test.py <sluice> <repository root>
SKIPPED (77) when the PostgreSQL server cannot start.
"""
import functools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from monitor_checks import check, finish, http_get, ui_url

SLUICE, ROOT = sys.argv[1], sys.argv[2]
TOKEN = "tok-" + os.urandom(8).hex()
get = functools.partial(http_get, token=TOKEN)


def server(tmp, *args):
    return subprocess.run(["bash", os.path.join(ROOT, "scripts/postgres/server.sh"), "--dir", os.path.join(tmp, "pg")]
                          + list(args), capture_output=True, text=True, timeout=120)


def main():
    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="monitor_pg_secret_test_")
    os.chmod(tmp, 0o755)  # the server runs as the postgres user when we are root
    r = server(tmp, "start", "--owner-pid", str(os.getpid()))
    env_vars = dict(re.findall(r"^(PG\w+)=(\S+)$", r.stdout, re.M))
    if r.returncode != 0 or "PGPORT" not in env_vars:
        print("SKIPPED: PostgreSQL did not start (scripts/postgres/server.sh, Debian's postgresql-15):",
              r.stderr[-500:])
        sys.exit(77)
    password = env_vars["PGPASSWORD"]
    proc = None
    err = None
    try:
        job = os.path.join(tmp, "job.sql")
        with open(job, "w") as f:
            f.write(f"""
CREATE STREAM ev USING rate OPTIONS (rowsPerSecond '100');
CREATE SINK pg USING postgres OPTIONS (url 'host=127.0.0.1 port={env_vars["PGPORT"]} user=sluice dbname=postgres',
  dbtable 'monitor_secret_t', passwordEnv 'MONITOR_PG_PASSWORD', connectRetries '0');
CREATE SINK out USING noop;
START STREAMING QUERY pgq INTO pg TRIGGER PROCESSING TIME '200 milliseconds' CHECKPOINT LOCATION '{tmp}/ck1'
  AS SELECT value, timestamp FROM ev;
START STREAMING QUERY keep INTO out TRIGGER PROCESSING TIME '200 milliseconds' CHECKPOINT LOCATION '{tmp}/ck2'
  AS SELECT value FROM ev;
""")
        progress = os.path.join(tmp, "progress.jsonl")
        err = open(os.path.join(tmp, "sluice.err"), "w+")
        env = dict(os.environ)
        env["SLUICE_UI_TOKEN"] = TOKEN
        env["MONITOR_PG_PASSWORD"] = password
        proc = subprocess.Popen([SLUICE, "run", job, "--progress-file", progress, "--ui-port", "0", "--log-level",
                                 "info"], stdout=subprocess.DEVNULL, stderr=err, env=env)
        base, _ = ui_url(err, proc, timeout=30)
        check(base is not None, "sluice run prints 'UI at <url>'")
        if base is None:
            err.seek(0)
            print(err.read()[-3000:])
            return

        def queries():
            return {q["name"]: q for q in json.loads(get(base + "api/v1/streaming/queries")[1])}

        deadline = time.time() + 30
        while time.time() < deadline and (queries().get("pgq", {}).get("lastBatchId") or -1) < 3:
            time.sleep(0.1)
        check((queries().get("pgq", {}).get("lastBatchId") or -1) >= 3, "pgq wrote batches to PostgreSQL")

        def no_secret(when):
            qs = queries()
            endpoints = ["", "index.html", "app.js", "style.css", "api/v1/streaming/queries", "api/v1/environment",
                         "metrics"]
            for q in qs.values():
                endpoints += [f"api/v1/streaming/queries/{q['id']}/progress", f"api/v1/streaming/queries/{q['id']}/plan"]
            for ep in endpoints:
                status, body = get(base + ep)
                check(status == 200, f"{when}: /{ep}: 200 ({status})")
                check(password not in body, f"{when}: the PostgreSQL password is not in /{ep}")
                check(TOKEN not in body, f"{when}: the token is not in /{ep}")

        no_secret("running")
        server(tmp, "stop")
        deadline = time.time() + 40
        while time.time() < deadline and not queries().get("pgq", {}).get("exception"):
            time.sleep(0.2)
        pgq = queries().get("pgq", {})
        check(pgq.get("exception") and not pgq.get("isActive"), f"pgq failed once the server stopped: {pgq}")
        check(queries().get("keep", {}).get("isActive"), "query keep still runs")
        no_secret("after the failure")
        with open(progress) as f:
            check(password not in f.read(), "the password is not in the progress records")
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        server(tmp, "stop")
    if err is not None:
        err.seek(0)
        log = err.read()
        check(password not in log and TOKEN not in log, "no secret in sluice's log")
    finish("monitor_pg_secret_test", f", {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
