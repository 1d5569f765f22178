#!/usr/bin/env python3
"""The monitor's web page in a real browser (headless Chromium from Debian).

Two ways to serve the page:
  --sluice BIN   starts `sluice run` on a rate job with the UI on and opens its page (the real server,
                 the embedded files, progress from batches that ran);
  --fixture      a local python http.server with the page's source files and recorded-shape JSON:
                 1000 batches with a Kafka source, a state operator and a watermark (the "stays
                 responsive with 1000 batches" case).
Checks, from the DOM after the page's polls: every chart has one data point per batch that ran (or
per kept record), the series expected (rates, phases, Kafka partitions), the batch table, and the
plan table naming the plan's operators. Saves a screenshot (--screenshot PATH).
Exit 77 (SKIPPED) with the reason when Chromium or uPlot is missing.
"""
import argparse
import fcntl
import html.parser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import http.server
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UI = os.path.join(ROOT, "src", "monitor", "ui")
DEPS = os.path.join(ROOT, ".deps", "ui")
FILES = {  # as cmake/ui_assets.cmake embeds them
    "/": os.path.join(UI, "index.html"), "/index.html": os.path.join(UI, "index.html"),
    "/app.js": os.path.join(UI, "app.js"), "/style.css": os.path.join(UI, "style.css"),
    "/uplot.iife.min.js": os.path.join(DEPS, "uplot.iife.min.js"),
    "/uplot.min.css": os.path.join(DEPS, "uplot.min.css"),
}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--window-size=1400,2000"]


def skip(reason):
    print(f"SKIPPED: {reason}")
    sys.exit(77)


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


# ---------------------------------------------------------------- fixture server
def fixture_records(n):
    t0 = 1_780_000_000_000  # ms
    recs = []
    latest = {"0": 0, "1": 0, "2": 0}
    for b in range(n):
        ts = t0 + b * 1000
        end = {p: 500 * (b + 1) + 7 * int(p) for p in latest}
        latest = {p: end[p] + (b % 17) * (int(p) + 1) for p in end}
        iso = lambda ms: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)
        recs.append({
            "id": "q-fixture", "runId": "r-fixture", "name": "clicks", "timestamp": iso(ts), "batchId": b,
            "numInputRows": 1500 + (b % 50), "inputRowsPerSecond": 1500.0 + b % 50, "processedRowsPerSecond": 4000.0 - b % 300,
            "durationMs": {"latestOffset": 2, "getBatch": 1, "queryPlanning": 3, "walCommit": 4,
                           "addBatch": 200 + b % 40, "commitOffsets": 5, "triggerExecution": 215 + b % 40,
                           "execution": 150, "sinkCommit": 20},
            "eventTime": {"watermark": iso(ts - 10_000 - (b % 5) * 1000), "max": iso(ts - 200)},
            "stateOperators": [{"operatorName": "stateStoreSave", "numRowsTotal": 100 + b, "numRowsUpdated": 10}],
            "sources": [{"description": "KafkaV2[Subscribe[clicks]]", "startOffset": {"clicks": {p: v - 500 for p, v in end.items()}},
                         "endOffset": {"clicks": end}, "latestOffset": {"clicks": latest}, "numInputRows": 1500}],
            "sink": {"description": "FileSink[/tmp/out]", "numOutputRows": 40},
        })
    return recs


PLAN = ("== Physical Plan ==\n"
        "WriteToDataSourceV2 MicroBatchWrite[epoch: 999, writer: FileSink]\n"
        "+- StateStoreSave [window#1], state info [ checkpoint = /tmp/ck/state ], Update, 0\n"
        "   +- HashAggregate(keys=[window#1], functions=[merge_count(1)])\n"
        "      +- StateStoreRestore [window#1], state info [ checkpoint = /tmp/ck/state ]\n"
        "         +- HashAggregate(keys=[window#1], functions=[partial_count(1)])\n"
        "            +- Project [window#1]\n"
        "               +- EventTimeWatermark ts#0: timestamp, 10 seconds\n"
        "                  +- MicroBatchScan[key#2, value#3] class KafkaScan\n")


def start_fixture_server(n):
    recs = fixture_records(n)
    qid = "q-fixture"

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, code, ctype, body):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            u = urllib.parse.urlsplit(self.path)
            if u.path in FILES:
                ctype = {"html": "text/html", "js": "text/javascript", "css": "text/css"}[
                    "html" if u.path == "/" else u.path.rsplit(".", 1)[1]]
                with open(FILES[u.path], "rb") as f:
                    return self.send(200, ctype + "; charset=utf-8", f.read())
            if u.path == "/api/v1/streaming/queries":
                body = [{"id": qid, "runId": "r-fixture", "name": "clicks", "isActive": True,
                         "status": {"message": "Waiting for next trigger"}, "lastBatchId": n - 1, "numProgress": n}]
            elif u.path == f"/api/v1/streaming/queries/{qid}/progress":
                frm = int(urllib.parse.parse_qs(u.query).get("from", ["0"])[0])
                body = {"id": qid, "progress": [r for r in recs if r["batchId"] >= frm]}
            elif u.path == f"/api/v1/streaming/queries/{qid}/plan":
                body = {"id": qid, "batchId": n - 1, "plan": PLAN}
            else:
                return self.send(404, "text/plain", b"not found")
            self.send(200, "application/json", json.dumps(body).encode())

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}/"


# ---------------------------------------------------------------- sluice run
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sluice(binary, work, batches):
    """`sluice run` on a rate source with a windowed count (state, watermark), the UI on a free port."""
    port = free_port()
    job = os.path.join(work, "job.sql")
    with open(job, "w") as f:
        f.write(SLUICE_JOB.format(ck=os.path.join(work, "ck")))
    progress = os.path.join(work, "progress.jsonl")
    log = open(os.path.join(work, "sluice.log"), "w")
    # --token: with a bearer token, as a deployment would; the page is opened once as /?token=T, which
    # sets the server's HttpOnly cookie for the page's own files, and the page sends the token as a
    # bearer header on every API request (ctest: ui_browser_token_test).
    env = dict(os.environ)
    env.pop("SLUICE_UI_TOKEN", None)
    if TOKEN:
        env["SLUICE_UI_TOKEN"] = TOKEN
    proc = subprocess.Popen([binary, "run", job, "--ui-port", str(port), "--progress-file", progress],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 30
    while time.time() < deadline:  # until the wanted batches ran and the server answers
        if proc.poll() is not None:
            fail("sluice run exited early: " + open(os.path.join(work, "sluice.log")).read()[-2000:])
        try:
            req = urllib.request.Request(url + "api/v1/streaming/queries",
                                         headers={"Authorization": "Bearer " + TOKEN} if TOKEN else {})
            qs = json.load(urllib.request.urlopen(req, timeout=2))
            if qs and (qs[0].get("lastBatchId") or -1) >= batches - 1:
                return proc, url + ("?token=" + TOKEN if TOKEN else ""), progress
        except OSError:
            pass
        time.sleep(0.3)
    proc.kill()
    fail("sluice run did not reach %d batches with the UI on in 30 s: %s" % (
        batches, open(os.path.join(work, "sluice.log")).read()[-2000:]))


TOKEN = None  # --token sets it
SLUICE_JOB = """
CREATE STREAM events USING rate-micro-batch OPTIONS (rowsPerBatch '2000', advanceMillisPerBatch '1000');
CREATE SINK out USING noop;
START STREAMING QUERY windowed_counts INTO out
  TRIGGER PROCESSING TIME '100 milliseconds'
  OUTPUT MODE append
  CHECKPOINT LOCATION '{ck}'
  AS SELECT window(timestamp, '10 seconds') AS w, value % 3 AS k, count(*) AS n
     FROM events WATERMARK timestamp DELAY OF INTERVAL 5 SECONDS
     GROUP BY window(timestamp, '10 seconds'), value % 3;
"""


# ---------------------------------------------------------------- the browser
class DomFacts(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.charts, self.operators, self.batch_rows, self.body, self.query_rows = {}, [], 0, {}, 0
        self._tbody = None
        # The cells of each plan row (operator, detail, rows, time ms).
        self.operator_cells, self._in_op_row = [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "div" and a.get("class") == "chart" and a.get("id"):
            self.charts[a["id"]] = a
        if tag == "table":
            self._table = a.get("id")
        if tag == "tr" and "data-operator" in a:
            self.operators.append(a["data-operator"])
            self.operator_cells.append([])
        if tag == "td" and self.operator_cells and self._in_op_row:
            self.operator_cells[-1].append("")
        if tag == "tr":
            self._in_op_row = "data-operator" in a
        if tag == "tr" and "data-query" in a:
            self.query_rows += 1
        if tag == "tr" and getattr(self, "_table", None) == "batches" and not attrs:
            self.batch_rows += 1

    def handle_endtag(self, tag):
        if tag in ("tbody", "table"):
            self._in_op_row = False

    def handle_data(self, data):
        if self._in_op_row and self.operator_cells and self.operator_cells[-1]:
            self.operator_cells[-1][-1] += data


def chromium_binary():
    for c in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(c)
        if p:
            return p
    return None


def run_chromium(binary, args, timeout=60):
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as prof:
        r = subprocess.run([binary] + CHROMIUM_FLAGS + [f"--user-data-dir={prof}"] + args,
                           capture_output=True, text=True, timeout=timeout)
    return r


class Cdp:
    """Chromium's DevTools protocol over --remote-debugging-pipe (fds 3 and 4, NUL-separated JSON):
    real time, unlike --dump-dom's virtual time, so the page's redraw can be timed."""

    def __init__(self, binary, prof):
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def fds():  # in the child: the pipe ends become fds 3 and 4, via fds above both
            r, w = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen([binary] + CHROMIUM_FLAGS + [f"--user-data-dir={prof}", "--remote-debugging-pipe",
                                     "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=fds, pass_fds=(3, 4))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf, self._id, self.session = b"", 0, None

    def call(self, method, timeout=20, **params):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\0" in self._buf:
                line, self._buf = self._buf.split(b"\0", 1)
                m = json.loads(line)
                if m.get("id") == self._id:
                    if "error" in m:
                        raise RuntimeError(f"{method}: {m['error']}")
                    return m["result"]
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buf += chunk
        raise RuntimeError(f"{method}: no answer in {timeout} s")

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        return r["result"].get("value")

    def close(self):
        try:  # a clean exit, so no renderer still writes into the profile as it is removed
            self.session = None
            self.call("Browser.close", timeout=5)
            self.proc.wait(10)
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self._w)
        os.close(self._r)


def time_page(binary, url):
    """Opens the page in real time; returns (seconds until the first poll was drawn, ms of full redraws)."""
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as prof:
        cdp = Cdp(binary, prof)
        try:
            page = next(t for t in cdp.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
            cdp.session = cdp.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            t0 = time.time()
            cdp.call("Page.navigate", url=url)
            while cdp.evaluate("document.body && document.body.dataset.ready") != "true":
                if time.time() - t0 > 20:
                    raise RuntimeError("the page did not draw in 20 s")
                time.sleep(0.05)
            ready_s = time.time() - t0
            redraws = [cdp.evaluate("window.sluiceUi.redraw()") for _ in range(5)]
            return ready_s, redraws, cdp.evaluate("window.sluiceUi.records()")
        finally:
            cdp.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice")
    ap.add_argument("--fixture", action="store_true")
    ap.add_argument("--batches", type=int, default=1000, help="fixture batches / batches to wait for")
    ap.add_argument("--screenshot")
    ap.add_argument("--token", action="store_true", help="run sluice with SLUICE_UI_TOKEN and open /?token=")
    args = ap.parse_args()
    global TOKEN
    if args.token:
        TOKEN = "ui-test-token-7f3a"

    chromium = chromium_binary()
    if not chromium:
        skip("no Chromium (Debian package chromium, scripts/setup.sh)")
    if not os.path.exists(FILES["/uplot.iife.min.js"]):
        skip("uPlot missing from .deps/ui (scripts/setup_ui.sh)")

    work = tempfile.mkdtemp(prefix="ui_browser_")
    proc = None
    try:
        if args.sluice:
            proc, url, progress_file = start_sluice(args.sluice, work, args.batches)
        else:
            srv, url = start_fixture_server(args.batches)
        t = time.time()
        # The page polls every 2 s: 6 s of virtual time is the first load plus two refreshes.
        r = run_chromium(chromium, ["--virtual-time-budget=6000", "--dump-dom", url])
        load_s = time.time() - t
        if r.returncode != 0 or "<html" not in r.stdout:
            fail(f"chromium --dump-dom failed ({r.returncode}): {r.stderr[-2000:]}")
        facts = DomFacts()
        facts.feed(r.stdout)

        if args.sluice:
            # The batches that ran, by the server's own count, as the page saw them (it may have polled
            # again after our check: at least the wanted number, at most what the progress file has).
            with open(progress_file) as f:
                ran = [json.loads(l)["batchId"] for l in f if l.strip()]
            want_min, want_max = args.batches, len(set(ran))
        else:
            want_min = want_max = args.batches
        problems = []
        if facts.body.get("data-ready") != "true":
            problems.append("the page never finished a poll (status: %s)" % re.findall(r'id="status"[^>]*>([^<]*)', r.stdout))
        if facts.query_rows < 1:
            problems.append("no query in the query list")
        expect = {"chart-rates": ["input rows/s", "process rows/s"], "chart-duration": None, "chart-input": ["input rows"],
                  "chart-state": ["state rows"], "chart-watermark": ["watermark lag ms"]}
        if not args.sluice:
            expect["chart-kafka"] = ["clicks-0", "clicks-1", "clicks-2"]
        for cid, series in expect.items():
            c = facts.charts.get(cid)
            if c is None:
                problems.append(f"{cid}: no such chart")
                continue
            pts = int(c.get("data-points", "0"))
            if not want_min <= pts <= max(want_max, want_min):
                problems.append(f"{cid}: {pts} points, want {want_min}..{want_max}")
            got = c.get("data-series", "").split(",")
            if series and got != series:
                problems.append(f"{cid}: series {got}, want {series}")
            if cid == "chart-duration" and not {"addBatch", "latestOffset"} <= set(got):
                problems.append(f"{cid}: phases {got} lack addBatch/latestOffset")
            if "<canvas" not in r.stdout:
                problems.append("no canvas: uPlot drew nothing")
        if facts.batch_rows < min(50, want_min):
            problems.append(f"batch table: {facts.batch_rows} rows")
        ops = facts.operators
        # The fixture's plan is Spark's explain() text; sluice's own plan names its operators.
        want_ops = ("StatefulAggregate", "EventTimeWatermark", "RateScan") if args.sluice else (
            "StateStoreSave", "HashAggregate", "StateStoreRestore", "EventTimeWatermark")
        for op in want_ops:
            if not any(o.startswith(op) for o in ops):
                problems.append(f"plan table lacks {op}: {ops}")
        if args.sluice:
            # sluice's /plan gives each operator's rows and time: the table's columns are filled.
            def number(t):
                try:
                    return float(t.replace(",", "").replace("\u00a0", "").strip())
                except ValueError:
                    return None
            filled = [c for c in facts.operator_cells if len(c) >= 4 and number(c[2]) is not None and
                      number(c[3]) is not None]
            if len(filled) != len(ops) or not any(number(c[2]) > 0 for c in filled):
                problems.append(f"plan table: rows and time ms not filled: {facts.operator_cells}")
        print(f"page: {want_min}+ batches, charts {[(k, v.get('data-points')) for k, v in facts.charts.items()]}, "
              f"plan operators {ops}, chromium --dump-dom {load_s:.1f} s")
        # Responsiveness with all kept batches: a full redraw of every chart and the table, in real time.
        try:
            ready_s, redraws, kept = time_page(chromium, url)
            print(f"real time: first draw {ready_s:.2f} s after navigation; {kept} batches redrawn in "
                  f"{', '.join('%.0f' % r for r in redraws)} ms")
            if max(redraws) > 500:
                problems.append(f"a full redraw of {kept} batches took {max(redraws):.0f} ms (over 500 ms)")
            if ready_s > 10:
                problems.append(f"the first draw took {ready_s:.1f} s")
        except (RuntimeError, OSError, StopIteration) as e:
            problems.append(f"DevTools timing: {e}")
        if args.screenshot:
            os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
            s = run_chromium(chromium, ["--virtual-time-budget=6000", f"--screenshot={os.path.abspath(args.screenshot)}", url])
            if s.returncode != 0 or not os.path.exists(args.screenshot):
                problems.append(f"no screenshot: {s.stderr[-1000:]}")
            else:
                print(f"screenshot: {args.screenshot}")
        if problems:
            for p in problems:
                print("FAIL:", p)
            sys.exit(1)
        print("1 passed, 0 failed")
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
