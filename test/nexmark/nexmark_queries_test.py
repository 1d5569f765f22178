"""Every Nexmark query Sluice runs (bench/nexmark/queries/), on a small stream
of the built-in nexmark source, against the same result computed here in
plain Python from the events' JSON (bench/nexmark/to_json.sql, the layout the
Kafka loader writes; its keys and timestamp format are checked too).

The streams run in several micro-batches (maxEventsPerBatch) and two
partitions, so state crosses batches. Append-mode queries with a watermark
emit what the final watermark (the largest event time minus the delay) has
closed; the reference applies the same rule. Aggregations in update mode run
in complete mode here so that the final table is the answer.

Run: PYTHONPATH=build/python python test/nexmark/nexmark_queries_test.py
(ctest -R nexmark_queries_test). Exit 0 on success, 1 on a mismatch.
"""

import collections
import datetime
import decimal
import json
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NEX = os.path.join(ROOT, "bench", "nexmark")

from sluice.sql import SparkSession  # noqa: E402

NUM_EVENTS = int(os.environ.get("NEXMARK_TEST_EVENTS", "60000"))
# 1000 events per second of event time: 60 s, six 10-second windows, over
# midnight (two days for the per-day queries).
OPTIONS = {"numEvents": str(NUM_EVENTS), "eventsPerSecond": "1000", "numPartitions": "2",
           "maxEventsPerBatch": "7000", "seed": "3", "baseTime": "2026-01-01 23:59:30"}
DELAY_MS = 4000  # the queries' WATERMARK delay
EPOCH = datetime.datetime(1970, 1, 1)
TS_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$")

spark = SparkSession.builder.getOrCreate()
failures = []


def statements(path):
    text = "\n".join(l for l in open(path).read().splitlines() if not l.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def query_text(n):
    path = os.path.join(NEX, "queries", "q%d.sql" % n)
    head = [l for l in open(path).read().splitlines() if l.startswith("--")]
    mode = next(l.split(":", 1)[1].strip() for l in head if l.startswith("-- output mode:"))
    unsupported = any(l.startswith("-- unsupported:") for l in head)
    return statements(path)[0], mode, unsupported


def declare_stream(options=None):
    df = spark.readStream.format("nexmark").options(**(options or OPTIONS)).load()
    df.createOrReplaceTempView("nexmark")
    for st in statements(os.path.join(NEX, "views.sql")):
        spark.sql(st)


def run(name, sql, mode, options=None):
    declare_stream(options)
    q = (spark.sql(sql).writeStream.format("memory").queryName(name).outputMode(mode)
         .trigger(availableNow=True).option("checkpointLocation", tempfile.mkdtemp(prefix="nexq")).start())
    q.awaitTermination()
    return spark.sql("SELECT * FROM %s" % name).collect()


def ms(v):
    """A timestamp from Sluice (naive UTC datetime) or the JSON text, as epoch ms."""
    if isinstance(v, str):
        v = datetime.datetime.strptime(v, "%Y-%m-%d %H:%M:%S.%f")
    return int((v - EPOCH) / datetime.timedelta(milliseconds=1))


def canon(v):
    if isinstance(v, datetime.datetime):
        return ("ts", ms(v))
    if isinstance(v, float):
        return round(v, 6)
    return v


def compare(name, got_rows, want):
    got = sorted((tuple(canon(x) for x in r) for r in got_rows), key=repr)
    want = sorted((tuple(canon(x) for x in r) for r in want), key=repr)
    if got == want:
        print("%s ok: %d rows" % (name, len(got)))
        return
    g, w = collections.Counter(got), collections.Counter(want)
    extra, missing = list((g - w).elements()), list((w - g).elements())
    failures.append(name)
    print("%s MISMATCH: %d rows, expected %d; %d unexpected, %d missing" %
          (name, len(got), len(want), len(extra), len(missing)))
    for r in extra[:3]:
        print("   unexpected", r)
    for r in missing[:3]:
        print("   missing   ", r)


# --- the events, as the loader writes them ---
declare_stream()
lines = run("events_json", statements(os.path.join(NEX, "to_json.sql"))[0], "append")
assert len(lines) == NUM_EVENTS, (len(lines), NUM_EVENTS)
persons, auctions, bids = [], [], []
KEYS = {"person": ["id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"],
        "auction": ["id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires", "seller",
                    "category", "extra"],
        "bid": ["auction", "bidder", "price", "channel", "url", "dateTime", "extra"]}
for (text,) in lines:
    e = json.loads(text, object_pairs_hook=collections.OrderedDict)
    assert list(e.keys()) == ["event_type", "person", "auction", "bid"], text[:200]
    kind = ["person", "auction", "bid"][e["event_type"]]
    for k in ("person", "auction", "bid"):
        assert (e[k] is None) == (k != kind), text[:200]
    body = e[kind]
    assert list(body.keys()) == KEYS[kind], text[:200]
    for k in ("dateTime", "expires"):
        if k in body:
            assert TS_RE.match(body[k]), body[k]
            body[k] = ms(body[k])
    {"person": persons, "auction": auctions, "bid": bids}[kind].append(body)
print("events: %d people, %d auctions, %d bids; JSON layout ok" % (len(persons), len(auctions), len(bids)))
max_ts = max(b["dateTime"] for b in bids + persons + auctions)
watermark = max_ts - DELAY_MS
TS = lambda t: EPOCH + datetime.timedelta(milliseconds=t)  # noqa: E731
D = decimal.Decimal
person_by_id = {p["id"]: p for p in persons}


def window(t, size):
    return t - t % size


# --- the reference results ---
def ref_q0():
    return [(b["auction"], b["bidder"], b["price"], TS(b["dateTime"]), b["extra"]) for b in bids]


def ref_q1():
    return [(b["auction"], b["bidder"], D("0.908") * b["price"], TS(b["dateTime"]), b["extra"]) for b in bids]


def ref_q2():
    return [(b["auction"], b["price"]) for b in bids if b["auction"] % 123 == 0]


def ref_q3():
    out = []
    for a in auctions:
        p = person_by_id.get(a["seller"])
        if a["category"] == 10 and p and p["state"] in ("OR", "ID", "CA"):
            out.append((p["name"], p["city"], p["state"], a["id"]))
    return out


def closed_auction_winners():
    """q4's inner part: each auction closed by the join's output watermark
    (the auction side's state watermark: the global one, the smaller of the
    two views' max event time - delay, minus 1 ms) and its highest bid made
    between its start and its expiry (inner join: auctions without one are
    left out)."""
    bid_wm = max(b["dateTime"] for b in bids) - DELAY_MS
    auction_wm = max(a["expires"] for a in auctions) - DELAY_MS
    closed_by = min(bid_wm, auction_wm) - 1
    best = {}
    by_id = {a["id"]: a for a in auctions}
    for b in bids:
        a = by_id.get(b["auction"])
        if a and a["dateTime"] <= b["dateTime"] <= a["expires"]:
            best[a["id"]] = max(best.get(a["id"], b["price"]), b["price"])
    return {i: p for i, p in best.items() if by_id[i]["expires"] <= closed_by}, by_id


def ref_q4():
    winners, by_id = closed_auction_winners()
    per_category = collections.defaultdict(list)
    for i, price in winners.items():
        per_category[by_id[i]["category"]].append(price)
    return [(c, sum(ps) / len(ps)) for c, ps in per_category.items()]


def ref_q5():
    # Sliding 10 s windows every 2 s; those closed by the final watermark
    # (both watermark nodes are on bid.dateTime).
    bid_wm = max(b["dateTime"] for b in bids) - DELAY_MS
    counts = collections.defaultdict(collections.Counter)
    for b in bids:
        start = window(b["dateTime"], 2000)
        for s in range(start - 8000, start + 1, 2000):
            counts[s + 10000][b["auction"]] += 1
    out = []
    for end, c in counts.items():
        if end > bid_wm:
            continue
        top = max(c.values())
        out.extend((a, n) for a, n in c.items() if n == top)
    return out


def ref_q9():
    winners, by_id = {}, {a["id"]: a for a in auctions}
    for b in bids:
        a = by_id.get(b["auction"])
        if a and a["dateTime"] <= b["dateTime"] <= a["expires"]:
            key = (b["price"], -b["dateTime"], b["bidder"], b["dateTime"], b["extra"])
            winners[a["id"]] = max(winners.get(a["id"], key), key)
    closed = closed_auction_winners()[0]
    out = []
    for i, (price, _, bidder, t, extra) in winners.items():
        a = by_id[i]
        if i in closed:
            out.append((i, a["itemName"], a["description"], a["initialBid"], a["reserve"], TS(a["dateTime"]),
                        TS(a["expires"]), a["seller"], a["category"], a["extra"], i, bidder, price, TS(t), extra))
    return out


def ref_q7():
    maxima = {}
    for b in bids:
        w = window(b["dateTime"], 10000)
        maxima[w] = max(maxima.get(w, 0), b["price"])
    out = []
    for w, m in maxima.items():
        end = w + 10000
        if end > watermark:
            continue  # not closed by the final watermark
        for b in bids:
            if b["price"] == m and end - 10000 <= b["dateTime"] < end:
                out.append((b["auction"], b["price"], b["bidder"], TS(b["dateTime"]), b["extra"]))
    return out


def ref_q8():
    sellers = {(a["seller"], window(a["dateTime"], 10000)) for a in auctions}
    return [(p["id"], p["name"], TS(window(p["dateTime"], 10000))) for p in persons
            if (p["id"], window(p["dateTime"], 10000)) in sellers]


def ref_q10():
    return [(b["auction"], b["bidder"], b["price"], TS(b["dateTime"]), b["extra"],
             TS(b["dateTime"]).strftime("%Y-%m-%d"), TS(b["dateTime"]).strftime("%H:%M")) for b in bids]


def ref_q11():
    times = collections.defaultdict(list)
    for b in bids:
        times[b["bidder"]].append(b["dateTime"])
    out = []
    for bidder, ts in times.items():
        ts.sort()
        start, end, n = ts[0], ts[0] + 10000, 1
        for t in ts[1:] + [None]:
            if t is not None and t <= end:
                end, n = max(end, t + 10000), n + 1
                continue
            if end <= watermark:
                out.append((bidder, n, TS(start), TS(end)))
            if t is not None:
                start, end, n = t, t + 10000, 1
    return out


def ref_q13():
    return [(b["auction"], b["bidder"], b["price"], TS(b["dateTime"]), str(b["auction"] % 10000)) for b in bids]


def ref_q14():
    out = []
    for b in bids:
        price = D("0.908") * b["price"]
        if not (1000000 < price < 50000000):
            continue
        h = TS(b["dateTime"]).hour
        kind = "dayTime" if 8 <= h <= 18 else "nightTime" if h <= 6 or h >= 20 else "otherTime"
        out.append((b["auction"], b["bidder"], price, kind, TS(b["dateTime"]), b["extra"], b["extra"].count("c")))
    return out


def stats(ps_and_keys):
    """Counts and distinct bidders / auctions, in total and per price range (q15, q16)."""
    ranges = [lambda p: True, lambda p: p < 10000, lambda p: 10000 <= p < 1000000, lambda p: p >= 1000000]
    bids_n = [sum(1 for p, _, _ in ps_and_keys if r(p)) for r in ranges]
    bidders = [len({b for p, b, _ in ps_and_keys if r(p)}) for r in ranges]
    auctions_ = [len({a for p, _, a in ps_and_keys if r(p)}) for r in ranges]
    return tuple(bids_n + bidders + auctions_)


def ref_q15():
    days = collections.defaultdict(list)
    for b in bids:
        days[TS(b["dateTime"]).strftime("%Y-%m-%d")].append((b["price"], b["bidder"], b["auction"]))
    return [(day,) + stats(v) for day, v in days.items()]


def ref_q16():
    groups = collections.defaultdict(list)
    minute = {}
    for b in bids:
        k = (b["channel"], TS(b["dateTime"]).strftime("%Y-%m-%d"))
        groups[k].append((b["price"], b["bidder"], b["auction"]))
        minute[k] = max(minute.get(k, ""), TS(b["dateTime"]).strftime("%H:%M"))
    return [k + (minute[k],) + stats(v) for k, v in groups.items()]


def ref_q17():
    groups = collections.defaultdict(list)
    for b in bids:
        groups[(b["auction"], TS(b["dateTime"]).strftime("%Y-%m-%d"))].append(b["price"])
    out = []
    for (auction, day), ps in groups.items():
        out.append((auction, day, len(ps), sum(p < 10000 for p in ps), sum(10000 <= p < 1000000 for p in ps),
                    sum(p >= 1000000 for p in ps), min(ps), max(ps), sum(ps) / len(ps), sum(ps)))
    return out


def ref_q18():
    last = {}
    for b in bids:
        k = (b["bidder"], b["auction"])
        t = (b["dateTime"], b["price"], b["channel"], b["url"], b["extra"])
        last[k] = max(last.get(k, t), t)
    return [(a, bidder, t[1], t[2], t[3], TS(t[0]), t[4]) for (bidder, a), t in last.items()]


def ref_q20():
    by_id = {a["id"]: a for a in auctions}
    out = []
    for b in bids:
        a = by_id.get(b["auction"])
        if a and a["category"] == 10:
            out.append((b["auction"], b["bidder"], b["price"], b["channel"], b["url"], TS(b["dateTime"]), b["extra"],
                        a["itemName"], a["description"], a["initialBid"], a["reserve"], TS(a["dateTime"]),
                        TS(a["expires"]), a["seller"], a["category"], a["extra"]))
    return out


def ref_q21():
    hot = {"apple": "0", "google": "1", "facebook": "2", "baidu": "3"}
    out = []
    for b in bids:
        m = re.search(r"(&|^)channel_id=([^&]*)", b["url"])
        extracted = m.group(2) if m else ""
        c = b["channel"].lower()
        if extracted != "" or c in hot:
            out.append((b["auction"], b["bidder"], b["price"], b["channel"], hot.get(c, extracted)))
    return out


def ref_q22():
    return [(b["auction"], b["bidder"], b["price"], b["channel"]) + tuple(b["url"].split("/")[3:6]) for b in bids]


REFERENCE = {0: ref_q0, 1: ref_q1, 2: ref_q2, 3: ref_q3, 4: ref_q4, 5: ref_q5, 7: ref_q7, 8: ref_q8, 9: ref_q9,
             10: ref_q10, 11: ref_q11, 13: ref_q13, 14: ref_q14, 15: ref_q15, 16: ref_q16, 17: ref_q17, 18: ref_q18,
             20: ref_q20, 21: ref_q21, 22: ref_q22}

supported = []
for n in range(23):
    sql, mode, unsupported = query_text(n)
    if unsupported:
        # The header must stay true: the query must still fail to start.
        try:
            run("q%d" % n, sql, mode)
        except Exception as e:  # noqa: BLE001 - any error is the expected refusal
            print("q%-3d unsupported, as its header says: %s" % (n, str(e).splitlines()[0][:110]))
            continue
        failures.append("q%d" % n)
        print("q%-3d runs now: remove its '-- unsupported:' line and add a reference computation" % n)
        continue
    supported.append(n)
    test_mode = "complete" if mode == "update" else mode
    rows = run("q%d" % n, sql, test_mode)
    if n == 12:
        # Processing-time windows: only the counts per bidder, summed over windows, are fixed.
        got = collections.Counter()
        for r in rows:
            got[r[0]] += r[1]
        want = collections.Counter(b["bidder"] for b in bids)
        compare("q12", list(got.items()), list(want.items()))
        continue
    if n not in REFERENCE:
        failures.append("q%d" % n)
        print("q%-3d has no reference computation in this test" % n)
        continue
    compare("q%d" % n, rows, REFERENCE[n]())

# Out of order: groups of 1000 events shuffled (1 s of event time, under
# the 4 s watermark delay, so nothing is late). The events are the same (an
# event follows from its id; 60000 is a whole number of groups), only their
# order differs, so every result must be the same as in order.
SHUFFLED = dict(OPTIONS, outOfOrderGroupSize="1000")
for n in (3, 7, 8, 11, 15, 17, 20):
    sql, mode, _ = query_text(n)
    rows = run("q%d_shuffled" % n, sql, "complete" if mode == "update" else mode, SHUFFLED)
    compare("q%d out of order" % n, rows, REFERENCE[n]())

print("supported: %s" % " ".join("q%d" % n for n in supported))
if failures:
    print("FAILED: %s" % " ".join(failures))
    sys.exit(1)
print("all supported queries agree with the reference")
