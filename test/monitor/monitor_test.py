#!/usr/bin/env python3
"""The monitoring server of `sluice run` (issue 16, docs/ui.md), end to end.

Runs a rate job with the UI on, scrapes every endpoint, parses /metrics with
prometheus_client's parser and checks the values against the progress file;
then the security items: loopback only, 401 without the token on every
endpoint, the token never in a response, malformed requests get a 4xx and the
query keeps running; the next free port when the port is taken; --no-ui.

usage: monitor_test.py <sluice binary> <repository root>
Needs prometheus_client (scripts/setup_python.sh puts it in .venv-python/);
without it: SKIPPED, exit 77.
"""
import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from monitor_checks import check, finish, http_get, prometheus_parser, ui_url

SLUICE, ROOT = sys.argv[1], sys.argv[2]

text_string_to_metric_families = prometheus_parser(ROOT)

TOKEN = "tok-" + os.urandom(8).hex()
get = functools.partial(http_get, token=TOKEN)


def start(tmp, name, extra, env_token=None, trigger="100 milliseconds",
          stream="rate OPTIONS (rowsPerSecond '1000')"):
    job = os.path.join(tmp, name + ".sql")
    with open(job, "w") as f:
        f.write(f"""
CREATE STREAM events USING {stream};
CREATE SINK out USING noop;
START STREAMING QUERY {name} INTO out OUTPUT MODE complete TRIGGER PROCESSING TIME '{trigger}'
  CHECKPOINT LOCATION '{os.path.join(tmp, name + "_ck")}'
  AS SELECT value % 10 AS k, count(*) AS n FROM events GROUP BY value % 10;
""")
    env = dict(os.environ)
    env.pop("SLUICE_UI_TOKEN", None)
    if env_token:
        env["SLUICE_UI_TOKEN"] = env_token
    progress = os.path.join(tmp, name + ".jsonl")
    err = open(os.path.join(tmp, name + ".err"), "w+")
    p = subprocess.Popen([SLUICE, "run", job, "--progress-file", progress, "--log-level", "info"] + extra,
                         stdout=subprocess.DEVNULL, stderr=err, env=env)
    return p, progress, err


def raw(port, data):
    """Sends bytes as they are; the status code of the answer (0: closed without one)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
        resp = b""
        while b"\r\n" not in resp:
            chunk = s.recv(4096)
            if not chunk:
                break
            resp += chunk
    except (ConnectionResetError, BrokenPipeError):
        resp = b""
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", resp)
    return int(m.group(1)) if m else 0


def records(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.endswith("\n")]


def wait_records(path, n, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(records(path)) >= n:
            return True
        time.sleep(0.05)
    return False


def main():
    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="monitor_test_")
    proc, progress, err = start(tmp, "q", ["--ui-port", "0"], env_token=TOKEN)
    try:
        base, port = ui_url(err, proc)
        check(base is not None, "sluice run prints 'UI at <url>'")
        if base is None:
            err.seek(0)
            print(err.read())
            return
        check(base.startswith("http://127.0.0.1:"), "the server binds 127.0.0.1 by default: " + base)
        check(wait_records(progress, 5), "5 batches ran")
        status, body = get(base + "api/v1/streaming/queries")
        check(status == 200, "queries: 200")
        queries = json.loads(body)
        check(len(queries) == 1 and queries[0]["name"] == "q" and queries[0]["isActive"], "one active query q")
        qid = queries[0]["id"]
        check(qid == records(progress)[0]["id"], "the query's id is the progress records' id")
        endpoints = ["", "index.html", "api/v1/streaming/queries", f"api/v1/streaming/queries/{qid}/progress",
                     f"api/v1/streaming/queries/{qid}/progress?from=2", f"api/v1/streaming/queries/{qid}/plan",
                     "api/v1/environment", "metrics", "no-such-file"]

        # 401 on every endpoint without the token, or with a wrong one.
        for ep in endpoints:
            check(get(base + ep, token=None)[0] == 401, f"401 without a token: /{ep}")
            check(get(base + ep, token="wrong")[0] == 401, f"401 with a wrong token: /{ep}")

        # A browser cannot send the header: /?token=T (the page only) sets an
        # HttpOnly, SameSite=Strict cookie, which every endpoint then accepts.
        def with_cookie(url, cookie=None):
            req = urllib.request.Request(url)
            if cookie:
                req.add_header("Cookie", cookie)
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    return r.status, r.headers.get("Set-Cookie") or ""
            except urllib.error.HTTPError as e:
                return e.code, e.headers.get("Set-Cookie") or ""
        status, set_cookie = with_cookie(base + "?token=" + TOKEN)
        check(status == 200 and set_cookie.startswith("sluice_ui_token=" + TOKEN + ";") and
              "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie, f"/?token= sets the cookie: {set_cookie}")
        check(with_cookie(base + "?token=wrong")[0] == 401, "/?token=wrong: 401")
        check(with_cookie(base + "metrics?token=" + TOKEN)[0] == 401, "?token= is taken on the page only")
        for ep in endpoints:
            check(with_cookie(base + ep, "a=1; sluice_ui_token=" + TOKEN)[0] in (200, 404), f"the cookie opens /{ep}")
            check(with_cookie(base + ep, "sluice_ui_token=wrong")[0] == 401, f"a wrong cookie: 401 on /{ep}")

        # progress: the kept records, equal to the progress file's.
        status, body = get(base + f"api/v1/streaming/queries/{qid}/progress")
        check(status == 200, "progress: 200")
        api = json.loads(body)["progress"]
        by_batch = {r["batchId"]: r for r in records(progress)}
        check(len(api) >= 5, f"progress holds the batches that ran ({len(api)})")
        for r in api:
            f = by_batch.get(r["batchId"])
            check(f is not None and f == r, f"progress record of batch {r['batchId']} is the file's")
        status, body = get(base + f"api/v1/streaming/queries/{qid}/progress?from=3")
        from3 = json.loads(body)["progress"]
        check(status == 200 and from3 and all(r["batchId"] >= 3 for r in from3) and from3[0]["batchId"] == 3,
              "progress?from=3 starts at batch 3")
        check(get(base + f"api/v1/streaming/queries/{qid}/progress?from=abc")[0] == 400, "from=abc: 400")
        check(get(base + "api/v1/streaming/queries/0000-nope/progress")[0] == 404, "unknown query: 404")
        check(get(base + "api/v1/streaming/queries/0000-nope/plan")[0] == 404, "unknown query plan: 404")

        status, body = get(base + f"api/v1/streaming/queries/{qid}/plan")
        plan = json.loads(body)
        check(status == 200 and "StatefulAggregate" in plan["physical"] and "RateScan" in plan["physical"],
              "plan names the operators")
        check("Aggregate" in plan["logical"] and "Relation events" in plan["logical"], "the logical plan")
        # The operators with their counts for the plan's batch: the scan's rows
        # are that batch's numInputRows in the progress file (counted by the
        # source's offsets, not by the operator metrics), the aggregation's
        # are the 10 groups of value % 10 (complete mode: every group).
        wait_records(progress, plan["batchId"] + 1)
        rec = {r["batchId"]: r for r in records(progress)}.get(plan["batchId"])
        ops = []

        def walk(o, depth):
            ops.append((depth, o))
            for c in o["children"]:
                walk(c, depth + 1)
        for o in plan["operators"]:
            walk(o, 0)
        by_name = {o["name"].split()[0]: o for _, o in ops}
        check(len(plan["operators"]) == 1 and set(by_name) >= {"RateScan", "StatefulAggregate"},
              f"operators {list(by_name)}")
        check(all(set(o) == {"name", "detail", "numOutputRows", "timeMs", "children"} for _, o in ops),
              "each operator has name, detail, numOutputRows, timeMs, children")
        check(all(o["timeMs"] >= 0 for _, o in ops), "times are not negative")
        if rec and "RateScan" in by_name and "StatefulAggregate" in by_name:
            check(by_name["RateScan"]["numOutputRows"] == rec["numInputRows"],
                  f"scan rows {by_name['RateScan']['numOutputRows']} = batch {plan['batchId']}'s numInputRows "
                  f"{rec['numInputRows']}")
            check(by_name["StatefulAggregate"]["numOutputRows"] == 10, "the aggregation returns 10 groups")
            check(ops[0][1]["numOutputRows"] == 10, "the root returns 10 rows")
        status, body = get(base + "api/v1/environment")
        envj = json.loads(body)
        check(status == 200 and envj["version"] and envj["options"].get("job", "").endswith("q.sql"),
              "environment: version and options")
        check(re.fullmatch(r"\d+\.\d+\.\d+", envj["options"].get("librdkafka", "")) is not None,
              f"environment: the librdkafka linked in ({envj['options'].get('librdkafka')!r})")
        status, body = get(base)
        check(status == 200 and "<html" in body.lower(), "/ serves the page")

        # /metrics, parsed by prometheus_client, against the progress file:
        # counters read between two reads of the file lie between them.
        before = records(progress)
        status, text = get(base + "metrics")
        after = records(progress)
        check(status == 200, "metrics: 200")
        samples = {}
        for fam in text_string_to_metric_families(text):
            for s in fam.samples:
                samples.setdefault(s.name, []).append(s)

        def one(name):
            v = [s for s in samples.get(name, []) if s.labels.get("query", qid) == qid]
            check(len(v) == 1, f"one sample of {name}")
            return v[0].value if v else None

        b = one("sluice_query_batches_total")
        check(b is not None and len(before) <= b <= len(after), f"batches_total {b} within {len(before)}..{len(after)}")
        rows = one("sluice_query_input_rows_total")
        lo, hi = sum(r["numInputRows"] for r in before), sum(r["numInputRows"] for r in after)
        check(rows is not None and lo <= rows <= hi, f"input_rows_total {rows} within {lo}..{hi}")
        src = one("sluice_source_input_rows_total")
        check(src == rows, "the only source's rows are the query's")
        check(one("sluice_query_active") == 1, "query active")
        last_id = one("sluice_query_last_batch_id")
        last = {r["batchId"]: r for r in after}.get(last_id)
        check(last is not None, "last_batch_id is a batch of the file")
        if last:
            check(one("sluice_query_batch_input_rows") == last["numInputRows"], "batch_input_rows is the last batch's")
            check(abs(one("sluice_query_input_rows_per_second") - last["inputRowsPerSecond"]) < 1e-6,
                  "input_rows_per_second is the last batch's")
            phases = {s.labels["phase"]: s.value for s in samples.get("sluice_query_batch_duration_seconds", [])}
            check(set(phases) == set(last["durationMs"]), "one duration sample per durationMs key")
            for k, ms in last["durationMs"].items():
                check(abs(phases.get(k, -1) - ms / 1000) < 1e-9, f"duration {k}")
        check(one("sluice_state_rows") == 10, "10 state rows (value % 10)")
        check((one("sluice_process_resident_memory_bytes") or 0) > 1e6, "RSS from /proc")
        check((one("sluice_process_cpu_seconds_total") or 0) > 0, "CPU seconds from /proc")

        # Malformed requests: a 4xx (or the connection closed), never a crash.
        check(400 <= raw(port, b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                         TOKEN.encode() + b"\r\n\r\n") < 500, "'..' in an asset path: 4xx")
        check(400 <= raw(port, b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                         TOKEN.encode() + b"\r\n\r\n") < 500, "encoded '..': 4xx")
        code = raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
        check(code == 0 or 400 <= code < 500, f"huge header: 4xx or closed ({code})")
        check(400 <= raw(port, b"GARBAGE\r\n\r\n") < 500, "garbage request line: 4xx")
        check(400 <= raw(port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n") < 500,
              "bad Content-Length: 4xx")
        check(get(base + "metrics", method="POST")[0] in (401, 405), "POST: 4xx")
        check(get(base + "metrics", method="DELETE")[0] in (401, 405), "DELETE: 4xx")
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET / HT")
        s.close()  # half a request, then gone

        # The token never appears in a response, even to the owner.
        for ep in endpoints:
            check(TOKEN not in get(base + ep)[1], f"the token is not in /{ep}")

        # Not reachable from another address of this machine.
        try:
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            probe.connect(("10.255.255.255", 1))
            ip = probe.getsockname()[0]
            probe.close()
        except OSError:
            ip = None
        if ip and not ip.startswith("127."):
            try:
                socket.create_connection((ip, port), timeout=2).close()
                check(False, f"the server answers on {ip}")
            except OSError:
                pass

        # The query kept running.
        n = len(records(progress))
        check(wait_records(progress, n + 2), "batches still run after the bad requests")
        check(proc.poll() is None, "sluice run still running")
        check(json.loads(get(base + "api/v1/streaming/queries")[1])[0]["isActive"], "query still active")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=30)
        check(rc == 0, f"sluice run exits 0 on SIGTERM ({rc})")

    # The port is taken: the next free one. --no-ui: no server.
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    tport = taken.getsockname()[1]
    proc, progress, err = start(tmp, "q2", ["--ui-port", str(tport), "--max-batches", "2"])
    base2, port2 = ui_url(err, proc)
    check(port2 is not None and port2 > tport, f"port {tport} taken: the server took {port2}")
    if base2:
        check(get(base2 + "api/v1/streaming/queries", token=None)[0] == 200, "no token set: open")
    check(proc.wait(timeout=30) == 0, "q2 exits 0")
    taken.close()
    # The kept records: sluice run raises spark.sql.streaming.numRecentProgressUpdates
    # from Spark's 100 to 1000 for the page.
    proc, progress, err = start(tmp, "q4", ["--ui-port", "0"], trigger="2 milliseconds",
                                stream="rate-micro-batch OPTIONS (rowsPerBatch '5')")
    try:
        base4, _ = ui_url(err, proc)
        check(wait_records(progress, 150), "150 batches ran")
        if base4:
            q4 = json.loads(get(base4 + "api/v1/streaming/queries", token=None)[1])[0]
            check(q4["numProgress"] >= 150, f"more than 100 records kept ({q4['numProgress']})")
    finally:
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=30) == 0, "q4 exits 0")
    proc, progress, err = start(tmp, "q3", ["--no-ui", "--max-batches", "1"])
    check(proc.wait(timeout=30) == 0, "q3 exits 0")
    err.seek(0)
    check("UI at" not in err.read(), "--no-ui: no server")

    finish("monitor_test", f", {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
