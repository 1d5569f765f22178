"""What the Delta tests write and expect, shared by delta_sink_test.py
(deltalake) and delta_spark_test.py (pyspark + delta-spark): the input rows
(JSON lines) of a job that produces every Sluice type, and each row as it
must read back, computed here from the input, not from Sluice's output."""
import datetime, decimal


def input_row(i):
    return {
        "id": i,
        "s": None if i % 5 == 4 else ("grüße-☃-" if i % 3 == 0 else "") + f"s{i}",
        "d": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "ts": f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:07.{i * 1001 % 1000000:06d}Z",
        "m": None if i % 7 == 6 else f"{i * 37 % 100000}.{i % 1000:03d}",
        "h": f"{i % 256:02x}ff",
        "x": i / 4 - 3,
    }


def expected_row(r):
    i = r["id"]
    ts = datetime.datetime.strptime(r["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return {
        "id": i,
        "i": i,
        "s": r["s"],
        "d": datetime.date.fromisoformat(r["d"]),
        "ts": ts,
        "m": None if r["m"] is None else decimal.Decimal(r["m"]),
        "b": bytes.fromhex(r["h"]),
        "x": r["x"],
        "flag": i % 2 == 0,
        "arr": None if r["s"] is None else [r["s"], "z"],
        "st": {"a": i, "b": r["s"]},
    }


TYPES_JOB = """
CREATE STREAM input (id BIGINT, s STRING, d STRING, ts STRING, m STRING, h STRING, x DOUBLE)
  USING json OPTIONS (path '{d}/in', maxFilesPerTrigger '1');
CREATE SINK out USING delta OPTIONS (path '{d}/table');
START STREAMING QUERY q INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{d}/ck'
  AS SELECT id, CAST(id AS INT) AS i, s, CAST(d AS DATE) AS d, CAST(ts AS TIMESTAMP) AS ts,
            CAST(m AS DECIMAL(12,3)) AS m, unhex(h) AS b, x, id % 2 = 0 AS flag,
            CASE WHEN s IS NULL THEN NULL ELSE array(s, 'z') END AS arr,
            named_struct('a', id, 'b', s) AS st
     FROM input;
"""


# A table partitioned by a date and a string column, with a NULL (the
# default partition) and a value that needs escaping ('a b/c').
PARTITIONED_JOB = """
CREATE STREAM input (id BIGINT, d STRING) USING json OPTIONS (path '{d}/in', maxFilesPerTrigger '1');
CREATE SINK out USING delta OPTIONS (path '{d}/table') PARTITIONED BY (day, tag);
START STREAMING QUERY q INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{d}/ck'
  AS SELECT id, CAST(d AS DATE) AS day,
            CASE WHEN id % 4 = 0 THEN NULL WHEN id % 4 = 1 THEN 'a b/c' ELSE concat('t', CAST(id % 2 AS STRING)) END
              AS tag
     FROM input;
"""


def tag_of(i):
    return None if i % 4 == 0 else "a b/c" if i % 4 == 1 else f"t{i % 2}"
