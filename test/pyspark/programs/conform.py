"""Output and setup helpers shared by the conformance programs.

Plain Python, no pyspark or sluice import: the harness rewrites only the
programs' import lines, and this module is the same under both engines.

A program prints its results as lines starting with MARK followed by one
JSON object; everything else on stdout (Spark's log, show() tables printed
outside capture) is ignored by the harness. The harness gives each run:

  CONF_WORK        a fresh directory for the run's input and output files
  CONF_KAFKA       the bootstrap address of a test broker (Kafka programs)
  CONF_TOPIC       a prefix that makes topic names unique to the run
  CONF_PRODUCER    the command (argv as JSON) that produces records to Kafka
"""

import base64
import datetime
import decimal
import json
import os
import subprocess
import sys

MARK = "@@CONF "


def work(*parts):
    base = os.environ.get("CONF_WORK") or os.path.join(os.getcwd(), "conf_work")
    path = os.path.join(base, *parts)
    return path


def plain(v):
    """A collected value as JSON: Rows become {field: value}, dates and
    timestamps ISO text, decimals text, bytes base64."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if v in (float("inf"), float("-inf")):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if hasattr(v, "asDict") and isinstance(v, tuple):
        return {k: plain(x) for k, x in zip(v.__fields__, v)}
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, datetime.datetime):
        return {"ts": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"date": v.isoformat()}
    if isinstance(v, decimal.Decimal):
        return {"decimal": str(v)}
    if isinstance(v, (bytes, bytearray)):
        return {"bytes": base64.b64encode(bytes(v)).decode()}
    return {"repr": repr(v)}


def _print(obj):
    sys.stdout.write(MARK + json.dumps(obj, sort_keys=False) + "\n")
    sys.stdout.flush()


def emit(tag, df_or_rows, ordered=False, columns=None):
    """The rows of a DataFrame (collected here) or a list of Rows, with the
    column names. ordered=True when the program sorted them."""
    if hasattr(df_or_rows, "collect"):
        columns = list(df_or_rows.columns)
        rows = df_or_rows.collect()
    else:
        rows = list(df_or_rows)
        if columns is None and rows and hasattr(rows[0], "__fields__"):
            columns = list(rows[0].__fields__)
    _print({"kind": "rows", "tag": tag, "ordered": ordered, "columns": columns,
            "rows": [[plain(x) for x in r] for r in rows]})


def value(tag, v):
    """One value (a count, a schema string, a list of names...)."""
    _print({"kind": "value", "tag": tag, "value": plain(v)})


def error(tag, exc):
    """An expected exception: its class name and error class (condition)."""
    cond = None
    for getter in ("getCondition", "getErrorClass"):
        if hasattr(exc, getter):
            try:
                cond = getattr(exc, getter)()
                break
            except Exception:  # noqa: BLE001 - a missing getter is no condition
                pass
    _print({"kind": "error", "tag": tag, "class": type(exc).__name__, "condition": cond})


def _offset(o):
    """A source offset as JSON, with this run's topic prefix taken out of
    Kafka topic names (they differ between the engines' runs)."""
    if isinstance(o, str):
        try:
            o = json.loads(o)
        except ValueError:
            return o
    prefix = os.environ.get("CONF_TOPIC", "conf") + "-"
    if isinstance(o, dict):
        return {(k[len(prefix):] if isinstance(k, str) and k.startswith(prefix) else k): v for k, v in o.items()}
    return o


def progress(tag, query_or_list):
    """The fields of each micro-batch's progress that must agree between the
    engines: batchId, numInputRows and each source's start and end offsets.
    Progress reports of the same batch id (idle reports) count once (the last)."""
    lst = query_or_list.recentProgress if hasattr(query_or_list, "recentProgress") else query_or_list
    by_id = {}
    for p in lst:
        if isinstance(p, str):
            p = json.loads(p)
        elif not isinstance(p, dict):
            p = json.loads(p.json) if hasattr(p, "json") else dict(p)
        entry = {"batchId": p["batchId"], "numInputRows": p["numInputRows"],
                 "sources": [{"startOffset": _offset(s.get("startOffset")),
                              "endOffset": _offset(s.get("endOffset"))} for s in p.get("sources", [])]}
        if entry["numInputRows"] == 0 and entry["batchId"] in by_id:
            continue
        by_id[entry["batchId"]] = entry
    _print({"kind": "progress", "tag": tag, "batches": [by_id[k] for k in sorted(by_id)]})


def write_lines(path, lines):
    """Writes a text file atomically (a temporary name, then a rename), so a
    streaming file source never sees half of it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = os.path.join(os.path.dirname(os.path.dirname(path)) or ".", "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
    os.replace(tmp, path)


def write_json_lines(path, objs):
    write_lines(path, [json.dumps(o) for o in objs])


# ---- Kafka -------------------------------------------------------------------

def kafka_bootstrap():
    b = os.environ.get("CONF_KAFKA")
    if not b:
        raise SystemExit("CONF_KAFKA is not set: run this program through test/pyspark/harness.py")
    return b


def topic(name):
    return os.environ.get("CONF_TOPIC", "conf") + "-" + name


def kafka_produce(topic_name, records, partitions=1):
    """Creates the topic (if new) with `partitions` partitions and writes the
    records in order, each (partition, key or None, value) or a value (to
    partition 0), and waits until every one is acknowledged."""
    argv = json.loads(os.environ["CONF_PRODUCER"])
    lines = []
    for r in records:
        if isinstance(r, str):
            r = (0, None, r)
        p, k, v = r
        lines.append("%d\t%s\t%s" % (p, "" if k is None else "+" + k, v))
    subprocess.run(argv + [kafka_bootstrap(), topic_name, str(partitions)],
                   input="\n".join(lines) + "\n", text=True, check=True)
