#!/usr/bin/env python3
"""The monitoring server against a real Kafka broker (issue 16, docs/ui.md).

A private broker (scripts/kafka/broker.sh, 127.0.0.1) gets a 2-partition topic
filled by kafka_topic_tool (plain librdkafka, 16 keys over both partitions) before `sluice run` starts, so
the producer is ahead of the job; the job reads it with maxOffsetsPerTrigger,
a few hundred records a batch. Checked:

- Kafka lag: every scrape of /metrics gives, per partition,
  sluice_kafka_lag_records = the partition's end offset on the broker (read
  by kafka_topic_tool, not by the engine) - the offset the query's last
  batch ended at.
- The watermark lag: sluice_watermark_lag_seconds is the last batch's trigger
  time minus its watermark (parsed here with Python's datetime), and at least
  the watermark delay once the watermark moved (the watermark is the largest
  event time seen minus the delay, and the events were produced before).
- Secrets: a Kafka secret option of the sources, and the UI token, appear in
  no endpoint (queries, progress, plan, environment, metrics, the page and
  its files) and in no error text: a second query over the same source fails
  (division by zero) and its error is in /api/v1/streaming/queries.

usage: monitor_kafka_test.py <sluice> <kafka_topic_tool> <repository root>
SKIPPED (77) without prometheus_client or when the broker cannot start.
"""
import datetime
import functools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from monitor_checks import check, finish, http_get, prometheus_parser, ui_url

SLUICE, TOPIC_TOOL, ROOT = sys.argv[1], sys.argv[2], sys.argv[3]

text_string_to_metric_families = prometheus_parser(ROOT)

TOKEN = "tok-" + os.urandom(8).hex()
get = functools.partial(http_get, token=TOKEN)
KAFKA_SECRET = "kpw-" + os.urandom(8).hex()
RECORDS = 6000
DELAY_S = 5


def records(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.endswith("\n")]


def iso_ms(ts):
    d = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return round(d.timestamp() * 1000)


def broker(tmp, *args):
    return subprocess.run(["bash", os.path.join(ROOT, "scripts/kafka/broker.sh"), "--dir", os.path.join(tmp, "broker")]
                          + list(args), capture_output=True, text=True, timeout=180)


def main():
    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="monitor_kafka_test_")
    r = broker(tmp, "start", "--owner-pid", str(os.getpid()))
    m = re.search(r"^KAFKA_BOOTSTRAP=(\S+)", r.stdout, re.M)
    if r.returncode != 0 or not m:
        print("SKIPPED: the Kafka broker did not start (scripts/kafka/broker.sh; java and maven from scripts/setup.sh):",
              r.stderr[-500:])
        sys.exit(77)
    bootstrap = m.group(1)
    proc = None
    try:
        r = broker(tmp, "create-topic", "lagt", "2")
        check(r.returncode == 0, "topic created: " + r.stderr[-300:])
        produce_start_ms = time.time() * 1000
        r = subprocess.run([TOPIC_TOOL, "produce", "--bootstrap", bootstrap, "--topic", "lagt", "--from", "0", "--to",
                            str(RECORDS), "--keys", "16"], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "records produced: " + r.stderr[-300:])
        # The broker's end offsets, read with plain librdkafka.
        r = subprocess.run([TOPIC_TOOL, "dump", "--bootstrap", bootstrap, "--topic", "lagt"], capture_output=True,
                           text=True, timeout=120)
        broker_end = {}
        for line in r.stdout.splitlines():
            p, off = line.split(" ")[:2]
            broker_end[p] = max(broker_end.get(p, 0), int(off) + 1)
        check(sum(broker_end.values()) == RECORDS and len(broker_end) == 2,
              f"the broker holds {RECORDS} records in 2 partitions: {broker_end}")

        src = (f"kafka OPTIONS (kafka.bootstrap.servers '{bootstrap}', subscribe 'lagt', startingOffsets 'earliest', "
               f"maxOffsetsPerTrigger '400', kafka.ssl.key.password '{KAFKA_SECRET}')")
        job = os.path.join(tmp, "job.sql")
        with open(job, "w") as f:
            f.write(f"""
CREATE STREAM k USING {src};
CREATE STREAM k2 USING {src};
CREATE SINK out USING noop;
CREATE SINK out2 USING noop;
START STREAMING QUERY lagq INTO out OUTPUT MODE append TRIGGER PROCESSING TIME '400 milliseconds'
  CHECKPOINT LOCATION '{tmp}/ck1'
  AS SELECT window.start AS w, count(*) AS n FROM k WATERMARK timestamp DELAY OF INTERVAL {DELAY_S} SECONDS
     GROUP BY window(timestamp, '10 seconds');
START STREAMING QUERY failq INTO out2 TRIGGER PROCESSING TIME '400 milliseconds'
  CHECKPOINT LOCATION '{tmp}/ck2'
  AS SELECT 1 / (length(CAST(value AS STRING)) - length(CAST(value AS STRING))) AS boom FROM k2;
""")
        progress = os.path.join(tmp, "progress.jsonl")
        err = open(os.path.join(tmp, "sluice.err"), "w+")
        env = dict(os.environ)
        env["SLUICE_UI_TOKEN"] = TOKEN
        proc = subprocess.Popen([SLUICE, "run", job, "--progress-file", progress, "--ui-port", "0", "--log-level",
                                 "info"], stdout=subprocess.DEVNULL, stderr=err, env=env)
        base, _ = ui_url(err, proc, timeout=30)
        check(base is not None, "sluice run prints 'UI at <url>'")
        if base is None:
            err.seek(0)
            print(err.read()[-3000:])
            return
        queries = {}
        deadline = time.time() + 30
        while time.time() < deadline:
            queries = {q["name"]: q for q in json.loads(get(base + "api/v1/streaming/queries")[1])}
            if "failq" in queries and queries["failq"]["exception"] and "lagq" in queries:
                break
            time.sleep(0.1)
        check("failq" in queries and queries["failq"]["exception"] and not queries["failq"]["isActive"],
              f"failq failed: {queries.get('failq')}")
        check("DIVIDE_BY_ZERO" in (queries.get("failq", {}).get("exception") or ""), "failq's error is in /queries")
        lagq = queries.get("lagq", {}).get("id")

        # Lag per partition at several scrapes while the job catches up.
        seen_lag = 0
        checked = 0
        wm_checked = 0
        deadline = time.time() + 60
        while time.time() < deadline and checked < 6:
            status, text = get(base + "metrics")
            check(status == 200, "metrics: 200")
            samples = {}
            for fam in text_string_to_metric_families(text):
                for s in fam.samples:
                    if s.labels.get("query") in (None, lagq):
                        samples.setdefault(s.name, []).append(s)
            last = samples.get("sluice_query_last_batch_id")
            if not last:
                time.sleep(0.2)
                continue
            batch = int(last[0].value)
            rec = {r["batchId"]: r for r in records(progress) if r["id"] == lagq}.get(batch)
            for _ in range(50):
                if rec:
                    break
                time.sleep(0.05)
                rec = {r["batchId"]: r for r in records(progress) if r["id"] == lagq}.get(batch)
            if not rec:
                continue
            end = rec["sources"][0]["endOffset"]
            end = (json.loads(end) if isinstance(end, str) else end)["lagt"]
            lags = {s.labels["partition"]: s.value for s in samples.get("sluice_kafka_lag_records", [])
                    if s.labels.get("topic") == "lagt"}
            expected = {p: broker_end[p] - end.get(p, 0) for p in broker_end}
            check(lags == expected, f"batch {batch}: lag per partition {lags}, the broker's end minus the batch's "
                  f"end {expected}")
            seen_lag = max(seen_lag, sum(expected.values()))
            checked += 1
            wm = rec.get("eventTime", {}).get("watermark")
            wl = samples.get("sluice_watermark_lag_seconds")
            if wm and iso_ms(wm) > 0:
                lag_s = (iso_ms(rec["timestamp"]) - iso_ms(wm)) / 1000
                check(wl is not None and abs(wl[0].value - lag_s) < 1e-9,
                      f"watermark lag {wl[0].value if wl else None} = trigger - watermark {lag_s}")
                upper = (iso_ms(rec["timestamp"]) - produce_start_ms) / 1000 + DELAY_S + 1
                check(DELAY_S <= lag_s <= upper, f"watermark lag {lag_s} s within {DELAY_S}..{upper:.1f} s")
                wm_checked += 1
            time.sleep(0.3)
        check(checked >= 3, f"lag checked at {checked} scrapes")
        check(seen_lag > 0, "the job was behind the producer at some scrape (a lag above 0)")
        check(wm_checked >= 1, "the watermark lag was checked")

        # No secret anywhere.
        status, body = get(base + f"api/v1/streaming/queries/{lagq}/plan")
        check(status == 200 and "KafkaScan" in body or "Kafka" in body, "the plan names the Kafka scan")
        fail_id = queries.get("failq", {}).get("id", "none")
        endpoints = ["", "index.html", "app.js", "style.css", "api/v1/streaming/queries", "api/v1/environment",
                     "metrics"]
        for qid in (lagq, fail_id):
            endpoints += [f"api/v1/streaming/queries/{qid}/progress", f"api/v1/streaming/queries/{qid}/plan"]
        for ep in endpoints:
            status, body = get(base + ep)
            check(status == 200, f"/{ep}: 200 ({status})")
            for name, secret in (("the Kafka password", KAFKA_SECRET), ("the UI token", TOKEN)):
                check(secret not in body, f"{name} is not in /{ep}")
        for r in records(progress):
            check(KAFKA_SECRET not in json.dumps(r), "the Kafka password is not in a progress record")
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        broker(tmp, "stop")
    if proc is not None:
        err.seek(0)
        log = err.read()
        check(KAFKA_SECRET not in log and TOKEN not in log, "no secret in sluice's log")
    finish("monitor_kafka_test", f", {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
