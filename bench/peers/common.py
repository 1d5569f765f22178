"""Shared by the peer runners (bench/peers/spark/nexmark.py, bench/peers/flink/nexmark.py)
and the harness's comparison (bench/peers/compare.py). Standard library only:
each runner runs in its own engine's venv.

A peer query file (bench/peers/<engine>/qN.sql) is one SELECT over the views
person, auction and bid, with header comments the runners read:
    -- output: append | update | complete      (the output mode it needs; default append)
    -- watermark: 4 seconds                     (Spark: withWatermark("dateTime", ...) on each view)
    -- unsupported: <why>                       (the engine cannot run this query)
    -- flink-config: key=value                  (Flink: a table option this query sets, e.g. mini-batch)
"""
import datetime
import decimal
import re

# The Kafka layout of a Nexmark event (docs/nexmark.md): one JSON object per record.
PERSON_FIELDS = [("id", "BIGINT"), ("name", "STRING"), ("emailAddress", "STRING"), ("creditCard", "STRING"),
                 ("city", "STRING"), ("state", "STRING"), ("dateTime", "TIMESTAMP"), ("extra", "STRING")]
AUCTION_FIELDS = [("id", "BIGINT"), ("itemName", "STRING"), ("description", "STRING"), ("initialBid", "BIGINT"),
                  ("reserve", "BIGINT"), ("dateTime", "TIMESTAMP"), ("expires", "TIMESTAMP"), ("seller", "BIGINT"),
                  ("category", "BIGINT"), ("extra", "STRING")]
BID_FIELDS = [("auction", "BIGINT"), ("bidder", "BIGINT"), ("price", "BIGINT"), ("channel", "STRING"),
              ("url", "STRING"), ("dateTime", "TIMESTAMP"), ("extra", "STRING")]
VIEWS = {"person": (0, PERSON_FIELDS), "auction": (1, AUCTION_FIELDS), "bid": (2, BID_FIELDS)}


def read_query(path):
    """(sql text without the header comments, {header key: value})."""
    headers, lines = {}, []
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*--\s*(output|watermark|unsupported|flink-config)\s*:\s*(.*?)\s*$", line)
            if m:
                headers[m.group(1)] = m.group(2)
            elif not line.lstrip().startswith("--"):
                lines.append(line)
    sql = "".join(lines).strip().rstrip(";").strip()
    headers.setdefault("output", "append")
    return sql, headers


def result_line(**fields):
    return "RESULT " + " ".join("%s=%s" % kv for kv in fields.items())


def plain(v, row_type):
    """A collected value as JSON for compare.py: rows (of the engine's `row_type`) and lists as
    lists, timestamps as text to the microsecond, decimals as floats."""
    if isinstance(v, (row_type, list, tuple)):
        return [plain(x, row_type) for x in v]
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, decimal.Decimal):
        return float(v)
    return v
