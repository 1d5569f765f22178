"""A Nexmark query in PyFlink's Table API / SQL, over the Nexmark Kafka topic
(bench/peers/run.sh runs it; docs/nexmark.md has the layout).

    python nexmark.py --bootstrap B --topic T --query bench/peers/flink/q1.sql --jar flink-sql-connector-kafka.jar
                      [--compare-out FILE]

A local mini-cluster in PyFlink's JVM, streaming mode, parallelism 2. The
topic is a bounded Kafka table (scan.bounded.mode latest-offset: the job
ends once it read what the topic held when it started) in the JSON format,
with the event's time as a computed column `dateTime` carrying a watermark
(4 s behind, per split: the loader writes each partition in event-time
order). The views person / auction / bid take each struct's fields and that
`dateTime` (the row-time attribute, so windows can use it). Without
--compare-out the rows go to a blackhole table; with it the rows are
collected with their change kinds (+I, -U, +U, -D) and written to FILE as
JSON lines {"k": kind, "r": [values]} for bench/peers/compare.py. Prints one
RESULT line with the job's net runtime (JobExecutionResult.getNetRuntime).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common import VIEWS, plain, read_query, result_line  # noqa: E402

from pyflink.table import EnvironmentSettings, Row, Schema, TableDescriptor, TableEnvironment  # noqa: E402

KINDS = {"INSERT": "+I", "UPDATE_BEFORE": "-U", "UPDATE_AFTER": "+U", "DELETE": "-D"}
FLINK_TYPES = {"BIGINT": "BIGINT", "STRING": "STRING", "TIMESTAMP": "TIMESTAMP(3)", "INT": "INT"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--parallelism", default="2")
    ap.add_argument("--compare-out")
    a = ap.parse_args()
    sql, headers = read_query(a.query)
    if "unsupported" in headers:
        print("UNSUPPORTED " + headers["unsupported"])
        return 3
    t = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    conf = t.get_config()
    conf.set("parallelism.default", a.parallelism)
    conf.set("pipeline.jars", "file://" + os.path.abspath(a.jar))
    conf.set("table.local-time-zone", "UTC")
    if "flink-config" in headers:  # one header line: key=value[, key=value]
        for kv in headers["flink-config"].split(","):
            k, v = kv.split("=", 1)
            conf.set(k.strip(), v.strip())

    def row_type(fields):
        return "ROW<%s>" % ", ".join("`%s` %s" % (n, FLINK_TYPES[ty]) for n, ty in fields)
    columns = ",\n  ".join("`%s` %s" % (v, row_type(VIEWS[v][1])) for v in ("person", "auction", "bid"))
    t.execute_sql("""
CREATE TABLE nexmark (
  event_type INT,
  %s,
  `dateTime` AS CASE WHEN event_type = 0 THEN person.`dateTime`
                     WHEN event_type = 1 THEN auction.`dateTime`
                     ELSE bid.`dateTime` END,
  WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '%s',
  'properties.bootstrap.servers' = '%s',
  'properties.group.id' = 'nexmark-flink',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json',
  'json.timestamp-format.standard' = 'SQL',
  'json.fail-on-missing-field' = 'false',
  'json.ignore-parse-errors' = 'false'
)""" % (columns, a.topic, a.bootstrap))
    for name, (kind, fields) in VIEWS.items():
        cols = ", ".join("`dateTime`" if n == "dateTime" else "%s.`%s` AS `%s`" % (name, n, n) for n, _ in fields)
        t.execute_sql("CREATE TEMPORARY VIEW %s AS SELECT %s FROM nexmark WHERE event_type = %d" % (name, cols, kind))
    table = t.sql_query(sql)
    start = time.time()
    rows_out = 0
    if a.compare_out:
        with open(a.compare_out, "w") as out, table.execute().collect() as results:
            for row in results:
                out.write(json.dumps({"k": KINDS[row.get_row_kind().name], "r": plain(row, Row)}) + "\n")
                rows_out += 1
        net_ms = (time.time() - start) * 1000
    else:
        schema = Schema.new_builder().from_row_data_type(table.get_schema().to_row_data_type()).build()
        t.create_temporary_table("sink", TableDescriptor.for_connector("blackhole").schema(schema).build())
        result = table.execute_insert("sink")
        net_ms = result.get_job_client().get_job_execution_result().result().get_net_runtime()
    wall_ms = (time.time() - start) * 1000
    print(result_line(engine="flink", query_ms=net_ms, rows_out=rows_out, start_to_end_ms="%.0f" % wall_ms),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
