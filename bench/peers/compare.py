#!/usr/bin/env python3
"""Checks that the engines' outputs of one query agree (bench/peers/run.sh).

    compare.py --rule RULE NAME=FORMAT:PATH [NAME=FORMAT:PATH ...]

FORMAT:
  lines  JSON lines {"k": kind, "r": [values]} written by the Spark and Flink
         runners: kind +I (insert), -U / -D (retract one equal row), +U
         (insert: Flink's changelog), U (an upsert: the row replaces the
         earlier row of its key, Spark's update mode)
  json   a Sluice JSON file sink directory (part files, one object per row,
         its keys in column order, written with ignoreNullFields 'false'):
         every row an insert
  kafka  a Sluice JSON file sink directory holding the Sluice output topic
         (one partition) as {"offset": n, "value": "<to_json of the row>"}:
         in offset order, every row an upsert of its key (update mode)

Values are compared by position (column names differ between engines), nested
structs flattened in order (a window's start and end), timestamps as epoch
milliseconds whatever their text, numbers with 3 decimals (DECIMAL against
DOUBLE results of 0.908 * price).

RULE (bench/peers/queries.conf):
  rows          the multisets of output rows are equal (append queries)
  final K[,K]   the final table: each engine's changes applied (upserts by
                the key columns K, 0-based after flattening; Flink's
                retractions), then the multisets are equal (update queries)
  windows C     windowed append queries: engines close event-time windows at
                different moments (Flink closes every window when its
                bounded source ends; Spark and Sluice only those the
                watermark passed), so only the windows every engine closed
                count: the rows whose column C (a window bound, epoch ms)
                is <= the smallest, over the engines, of the largest C each
                emitted. A window missing or different below that bound is
                a disagreement.
  windows C K[,K]  the same, the rows first reduced to one per key K (the
                last change of the key wins, -U / -D remove it): for Flink's
                Rank (q9's ROW_NUMBER() = 1), which replaces a key's row
                with +U alone, no -U before it
Prints, per engine, the rows compared and a SHA-256 digest of them sorted,
then `AGREE` or `DIFFER` (exit 1) with a few differing rows.
"""
import argparse
import collections
import datetime
import glob
import hashlib
import json
import os
import re
import sys

TS = re.compile(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]00:?00)?$")


def norm(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v == int(v) and abs(v) < 2**53:
            return int(v)
        return round(v, 3)
    if isinstance(v, str):
        m = TS.match(v)
        if m:
            frac = (m.group(3) or ".0")[1:]
            t = datetime.datetime.strptime(m.group(1) + " " + m.group(2), "%Y-%m-%d %H:%M:%S")
            t = t.replace(tzinfo=datetime.timezone.utc)
            return int(t.timestamp()) * 1000 + int((frac + "000")[:3])
        return v
    raise TypeError("unexpected value %r" % (v,))


def flatten(v, out):
    if isinstance(v, dict):
        for x in v.values():
            flatten(x, out)
    elif isinstance(v, list):
        for x in v:
            flatten(x, out)
    else:
        out.append(norm(v))
    return out


def read_changes(fmt, path):
    """[(kind, flat row)] in the order the engine produced them."""
    changes = []
    if fmt == "lines":
        with open(path) as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    changes.append((d["k"], flatten(d["r"], [])))
    elif fmt == "json":
        files = sorted(p for p in glob.glob(os.path.join(path, "**", "*.json"), recursive=True)
                       if "_sluice_metadata" not in p)
        for p in files:
            with open(p) as f:
                for line in f:
                    if line.strip():
                        changes.append(("+I", flatten(json.loads(line, object_pairs_hook=collections.OrderedDict), [])))
    elif fmt == "kafka":
        records = []
        for p in sorted(glob.glob(os.path.join(path, "*.json"))):
            with open(p) as f:
                records += [json.loads(line) for line in f if line.strip()]
        for rec in sorted(records, key=lambda r: r["offset"]):
            changes.append(("U", flatten(json.loads(rec["value"], object_pairs_hook=collections.OrderedDict), [])))
    else:
        raise ValueError("unknown format " + fmt)
    return changes


def final_rows(changes, keys):
    """The rows an engine's changes leave (a Counter of row texts)."""
    table = collections.Counter()
    upserts = {}
    for kind, row in changes:
        text = json.dumps(row)
        if kind in ("+I", "+U"):
            table[text] += 1
        elif kind in ("-U", "-D"):
            table[text] -= 1
            if table[text] == 0:
                del table[text]
        elif kind == "U":
            if keys is None:
                table[text] += 1
            else:
                upserts[json.dumps([row[k] for k in keys])] = text
        else:
            raise ValueError("unknown change kind " + kind)
    for text in upserts.values():
        table[text] += 1
    return table


def keyed_rows(changes, keys):
    """One row per key: the last insert or update of the key, unless retracted after it."""
    last = {}
    for kind, row in changes:
        key = json.dumps([row[k] for k in keys])
        if kind in ("+I", "+U", "U"):
            last[key] = json.dumps(row)
        elif kind in ("-U", "-D"):
            if last.get(key) == json.dumps(row):
                del last[key]
        else:
            raise ValueError("unknown change kind " + kind)
    return collections.Counter(last.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rule", required=True)
    ap.add_argument("outputs", nargs="+")
    a = ap.parse_args()
    rule = a.rule.split()
    keys = None
    if rule[0] == "final":
        keys = [int(k) for k in rule[1].split(",")]
    elif rule[0] not in ("rows", "windows"):
        ap.error("unknown rule " + a.rule)
    tables = {}
    for spec in a.outputs:
        name, rest = spec.split("=", 1)
        fmt, path = rest.split(":", 1)
        if rule[0] == "windows" and len(rule) > 2:
            tables[name] = keyed_rows(read_changes(fmt, path), [int(k) for k in rule[2].split(",")])
        else:
            tables[name] = final_rows(read_changes(fmt, path), keys)
    note = ""
    if rule[0] == "windows":
        col = int(rule[1])
        highest = {n: max((json.loads(r)[col] for r in t), default=None) for n, t in tables.items()}
        if any(h is None for h in highest.values()):
            bound = None
        else:
            bound = min(highest.values())
        note = " windows compared: %s <= %s (each engine's last: %s)" % (
            "column %d" % col, bound, ", ".join("%s %s" % kv for kv in highest.items()))
        for n in tables:
            tables[n] = collections.Counter({r: c for r, c in tables[n].items()
                                             if bound is not None and json.loads(r)[col] <= bound})
    digests = {}
    for n, t in tables.items():
        rows = sorted(t.elements())
        digests[n] = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
        print("COMPARE %s rows=%d digest=%s" % (n, len(rows), digests[n]))
    names = list(tables)
    if len(set(digests.values())) == 1 and all(sum(t.values()) > 0 for t in tables.values()):
        print("AGREE rule='%s'%s" % (a.rule, note))
        return 0
    if all(sum(t.values()) == 0 for t in tables.values()):
        print("DIFFER rule='%s': no rows to compare%s" % (a.rule, note))
        return 1
    print("DIFFER rule='%s'%s" % (a.rule, note))
    base = tables[names[0]]
    for n in names[1:]:
        only_base = list((base - tables[n]).elements())[:3]
        only_other = list((tables[n] - base).elements())[:3]
        for r in only_base:
            print("  only in %s (not %s): %s" % (names[0], n, r))
        for r in only_other:
            print("  only in %s (not %s): %s" % (n, names[0], r))
    return 1


if __name__ == "__main__":
    sys.exit(main())
