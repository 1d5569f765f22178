"""The streaming differential test's inputs and queries.

Two streams, each a directory of JSON-lines files read one file per
micro-batch (maxFilesPerTrigger 1), so that batch i of both engines holds
exactly file i of each stream:

  events (user STRING, ts TIMESTAMP, v BIGINT)      watermark: ts, 5 seconds
  clicks (user STRING, cts TIMESTAMP, url STRING)   watermark: cts, 5 seconds

The rows are fixed (not random): each batch is written out below with what it
is meant to exercise (out-of-order rows inside the watermark, late rows
behind it, exact duplicates, a key seen again after its state was evicted,
rows on a window boundary), so that a difference can be traced to a batch by
reading this file.

A case is a query written twice: in Sluice's SQL (the WATERMARK and DROP
DUPLICATES clauses of docs/sql.md) and for Spark (SQL over temporary views,
or DataFrame calls where Spark SQL has no syntax, e.g. dropDuplicates).
"""

import collections

T0 = "2024-01-01T00:00:"  # every timestamp is a second of this minute


def _e(user, sec, v):
    return {"user": user, "ts": "%s%02dZ" % (T0, sec), "v": v}


def _c(user, sec, url):
    return {"user": user, "cts": "%s%02dZ" % (T0, sec), "url": url}


# One list per micro-batch. Watermark after a batch = max ts so far - 5 s;
# the comments give the watermark each batch runs with (the previous
# batch's for late rows, Spark's eventTimeWatermarkForLateEvents).
EVENTS = [
    # batch 0 (watermark 0): two users, out of order
    [_e("a", 3, 1), _e("b", 1, 2), _e("a", 7, 3), _e("c", 9, 4)],
    # batch 1 (runs with 4 s): a duplicate of (a, 3), a row on the 10 s boundary,
    # one behind the watermark but not late yet (late rows use the previous
    # batch's watermark, 0 s)
    [_e("a", 3, 1), _e("b", 10, 5), _e("c", 2, 6), _e("a", 12, 7)],
    # batch 2 (runs with 7 s, late below 4 s): (b, 1) is late, (c, 6) is not
    [_e("b", 1, 8), _e("c", 6, 9), _e("b", 14, 10), _e("a", 18, 11)],
    # batch 3 (runs with 13 s, late below 7 s): an empty file
    [],
    # batch 4 (runs with 13 s, late below 13 s): a jump ahead; (a, 12) late;
    # (b, 14) again: a duplicate still inside the dedup state
    [_e("a", 12, 12), _e("b", 14, 13), _e("c", 27, 14), _e("a", 31, 15)],
    # batch 5 (runs with 26 s, late below 13 s): (c, 9) after its state is gone
    [_e("c", 9, 16), _e("a", 29, 17), _e("b", 33, 18), _e("c", 40, 19)],
    # batch 6 (runs with 35 s): quiet, then the end
    [_e("a", 44, 20)],
]

CLICKS = [
    [_c("a", 4, "/x"), _c("b", 2, "/y")],
    [_c("c", 3, "/z"), _c("a", 13, "/x")],
    [_c("b", 15, "/y"), _c("d", 16, "/w")],
    [_c("a", 19, "/x")],
    [],
    [_c("c", 28, "/z"), _c("b", 34, "/y"), _c("a", 1, "/late")],
    [_c("a", 45, "/x")],
]

EVENTS_SCHEMA = "user STRING, ts TIMESTAMP, v BIGINT"
CLICKS_SCHEMA = "user STRING, cts TIMESTAMP, url STRING"

Case = collections.namedtuple("Case", "name mode sluice spark")
# sluice: the SELECT Sluice runs (its FROM names `events` / `clicks`).
# spark: a function (spark, events, clicks) -> streaming DataFrame, where
#   events and clicks are the watermarked streams; or a SQL string run over
#   the temporary views `events` / `clicks` (watermarked) and `events_raw` /
#   `clicks_raw` (not).

WM_E = "events WATERMARK ts DELAY OF INTERVAL 5 SECONDS"
WM_C = "clicks WATERMARK cts DELAY OF INTERVAL 5 SECONDS"

CASES = [
    Case("tumbling_count_append", "append",
         "SELECT window(ts, '10 seconds') AS w, count(*) AS n, sum(v) AS s FROM %s "
         "GROUP BY window(ts, '10 seconds')" % WM_E,
         "SELECT window(ts, '10 seconds') AS w, count(*) AS n, sum(v) AS s FROM events "
         "GROUP BY window(ts, '10 seconds')"),
    Case("tumbling_count_per_user_update", "update",
         "SELECT window(ts, '10 seconds') AS w, user, count(*) AS n FROM %s "
         "GROUP BY window(ts, '10 seconds'), user" % WM_E,
         "SELECT window(ts, '10 seconds') AS w, user, count(*) AS n FROM events "
         "GROUP BY window(ts, '10 seconds'), user"),
    Case("tumbling_count_complete", "complete",
         "SELECT window(ts, '10 seconds') AS w, count(*) AS n FROM %s GROUP BY window(ts, '10 seconds')" % WM_E,
         "SELECT window(ts, '10 seconds') AS w, count(*) AS n FROM events GROUP BY window(ts, '10 seconds')"),
    Case("tumbling_no_watermark_update", "update",
         "SELECT window(ts, '20 seconds') AS w, max(v) AS m FROM events GROUP BY window(ts, '20 seconds')",
         "SELECT window(ts, '20 seconds') AS w, max(v) AS m FROM events_raw GROUP BY window(ts, '20 seconds')"),
    Case("sliding_sum_append", "append",
         "SELECT window(ts, '10 seconds', '5 seconds') AS w, sum(v) AS s, count(*) AS n FROM %s "
         "GROUP BY window(ts, '10 seconds', '5 seconds')" % WM_E,
         "SELECT window(ts, '10 seconds', '5 seconds') AS w, sum(v) AS s, count(*) AS n FROM events "
         "GROUP BY window(ts, '10 seconds', '5 seconds')"),
    Case("sliding_hot_users_update", "update",
         "SELECT window(ts, '20 seconds', '10 seconds') AS w, user, count(*) AS n FROM %s "
         "GROUP BY window(ts, '20 seconds', '10 seconds'), user" % WM_E,
         "SELECT window(ts, '20 seconds', '10 seconds') AS w, user, count(*) AS n FROM events "
         "GROUP BY window(ts, '20 seconds', '10 seconds'), user"),
    Case("session_append", "append",
         "SELECT session_window(ts, '5 seconds') AS s, user, count(*) AS n, sum(v) AS total FROM %s "
         "GROUP BY session_window(ts, '5 seconds'), user" % WM_E,
         "SELECT session_window(ts, '5 seconds') AS s, user, count(*) AS n, sum(v) AS total FROM events "
         "GROUP BY session_window(ts, '5 seconds'), user"),
    Case("session_update", "update",
         "SELECT session_window(ts, '5 seconds') AS s, user, count(*) AS n FROM %s "
         "GROUP BY session_window(ts, '5 seconds'), user" % WM_E,
         "SELECT session_window(ts, '5 seconds') AS s, user, count(*) AS n FROM events "
         "GROUP BY session_window(ts, '5 seconds'), user"),
    Case("dedup_with_watermark", "append",
         "SELECT user, ts, v FROM %s DROP DUPLICATES (user, ts)" % WM_E,
         lambda spark, events, clicks: events.dropDuplicates(["user", "ts"]).select("user", "ts", "v")),
    Case("dedup_without_watermark", "append",
         "SELECT user, v FROM events DROP DUPLICATES (user)",
         lambda spark, events, clicks: spark.table("events_raw").dropDuplicates(["user"]).select("user", "v")),
    Case("dedup_within_watermark", "append",
         "SELECT user, ts FROM %s DROP DUPLICATES WITHIN WATERMARK (user)" % WM_E,
         lambda spark, events, clicks: events.dropDuplicatesWithinWatermark(["user"]).select("user", "ts")),
    Case("dedup_then_window_count", "append",
         "SELECT window(ts, '10 seconds') AS w, count(*) AS n FROM (SELECT * FROM %s DROP DUPLICATES (user, ts)) d "
         "GROUP BY window(ts, '10 seconds')" % WM_E,
         lambda spark, events, clicks: events.dropDuplicates(["user", "ts"])
         .groupBy(__import__("pyspark.sql.functions", fromlist=["window"]).window("ts", "10 seconds").alias("w"))
         .count().withColumnRenamed("count", "n")),
    # SQL's SELECT DISTINCT is an aggregation over every column (not a
    # dedup): append emits a row once it is behind the watermark, update
    # emits a row again in each batch that has it.
    Case("select_distinct_append", "append",
         "SELECT DISTINCT user, ts FROM %s" % WM_E,
         "SELECT DISTINCT user, ts FROM events"),
    Case("select_distinct_update", "update",
         "SELECT DISTINCT user FROM events",
         "SELECT DISTINCT user FROM events_raw"),
    Case("join_inner_time_range", "append",
         "SELECT e.user, e.ts, c.cts, c.url FROM %s AS e JOIN %s AS c ON e.user = c.user "
         "AND c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS" % (WM_E, WM_C),
         "SELECT e.user, e.ts, c.cts, c.url FROM events e JOIN clicks c ON e.user = c.user "
         "AND c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS"),
    Case("join_left_outer_time_range", "append",
         "SELECT e.user, e.ts, e.v, c.url FROM %s AS e LEFT JOIN %s AS c ON e.user = c.user "
         "AND c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS" % (WM_E, WM_C),
         "SELECT e.user, e.ts, e.v, c.url FROM events e LEFT JOIN clicks c ON e.user = c.user "
         "AND c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS"),
    Case("join_right_outer_time_range", "append",
         "SELECT c.user, c.cts, e.v FROM %s AS e RIGHT JOIN %s AS c ON e.user = c.user "
         "AND e.ts BETWEEN c.cts - INTERVAL 5 SECONDS AND c.cts" % (WM_E, WM_C),
         "SELECT c.user, c.cts, e.v FROM events e RIGHT JOIN clicks c ON e.user = c.user "
         "AND e.ts BETWEEN c.cts - INTERVAL 5 SECONDS AND c.cts"),
    Case("join_full_outer_time_range", "append",
         "SELECT e.user AS eu, e.ts, c.user AS cu, c.cts FROM %s AS e FULL JOIN %s AS c ON e.user = c.user "
         "AND c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS" % (WM_E, WM_C),
         "SELECT e.user AS eu, e.ts, c.user AS cu, c.cts FROM events e FULL JOIN clicks c ON e.user = c.user "
         "AND c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS"),
    # Two stateful operators in one query (Spark 3.4+): the join's output
    # keeps the watermark metadata of e.ts, so the windowed count after it
    # runs in append mode; each operator has its own state (state/0, state/1)
    # and its own eviction.
    Case("join_then_window_count", "append",
         "SELECT window(j.ts, '10 seconds') AS w, count(*) AS n FROM (SELECT e.user, e.ts, c.url FROM %s AS e "
         "JOIN %s AS c ON e.user = c.user AND c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS) j "
         "GROUP BY window(j.ts, '10 seconds')" % (WM_E, WM_C),
         "SELECT window(j.ts, '10 seconds') AS w, count(*) AS n FROM (SELECT e.user, e.ts, c.url FROM events e "
         "JOIN clicks c ON e.user = c.user AND c.cts BETWEEN e.ts AND e.ts + INTERVAL 5 SECONDS) j "
         "GROUP BY window(j.ts, '10 seconds')"),
    Case("window_max_q7_update", "update",
         "SELECT window(ts, '10 seconds') AS w, max(v) AS top FROM %s GROUP BY window(ts, '10 seconds')" % WM_E,
         "SELECT window(ts, '10 seconds') AS w, max(v) AS top FROM events GROUP BY window(ts, '10 seconds')"),
]
