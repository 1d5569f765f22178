#!/usr/bin/env python3
"""The streaming harness's own check, without pyspark: Sluice's console
output is parsed into the rows of each batch (a real `sluice run` over
files), and compare() reports an injected difference, a missing batch and
an extra row.

  streaming_harness_test.py build/sluice
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import streaming  # noqa: E402


def main(binary):
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory(prefix="sluice-streaming-harness-") as work:
        d = os.path.join(work, "in")
        os.makedirs(d)
        batches = [[("a", 1), ("b", 2), ("a", 3)], [], [("b", 5), ("c | d", 6)]]
        for i, rows in enumerate(batches):
            p = os.path.join(d, "part-%03d.json" % i)
            with open(p, "w") as f:
                for u, v in rows:
                    f.write(json.dumps({"user": u, "v": v}) + "\n")
            os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))
        job = os.path.join(work, "job.sql")
        with open(job, "w") as f:
            f.write("CREATE STREAM s (user STRING, v BIGINT) USING json OPTIONS (path '%s', maxFilesPerTrigger '1');\n"
                    "CREATE SINK out USING console OPTIONS (numRows '1000', truncate 'false');\n"
                    "START STREAMING QUERY q INTO out OUTPUT MODE update TRIGGER AVAILABLE NOW "
                    "CHECKPOINT LOCATION '%s' AS SELECT user, sum(v) AS s, named_struct('lo', min(v), 'hi', max(v)) AS r "
                    "FROM s GROUP BY user;\n" % (d, os.path.join(work, "ck")))
        p = subprocess.run([binary, "run", job], capture_output=True, timeout=60)
        check(p.returncode == 0, "sluice run failed: %s" % p.stderr.decode()[-500:])
        got = streaming.parse_console(p.stdout.decode())
        # Worked out from the input: update mode emits the groups each batch touched.
        want = {
            0: [("a", "4", "{1, 3}"), ("b", "2", "{2, 2}")],
            1: [],
            2: [("b", "7", "{2, 5}")],
        }
        # A cell holding '|' cannot be split back; the harness's inputs never
        # hold one, and this row shows why: it parses as four cells.
        c_rows = [r for r in got.get(2, []) if r[0].startswith("c")]
        check(len(c_rows) == 1 and len(c_rows[0]) == 4, "a '|' inside a cell: %s" % c_rows)
        got2 = {b: [r for r in rows if not r[0].startswith("c")] for b, rows in got.items()}
        check(sorted(got2) == [0, 1, 2], "batches parsed: %s" % sorted(got2))
        for b, rows in want.items():
            check(sorted(got2.get(b, [])) == sorted(rows), "batch %d: got %s, want %s" % (b, got2.get(b), rows))
        check(streaming.compare(want, want) == [], "equal batches compare equal")
        check(streaming.compare(want, {0: want[0], 2: want[2]}) != [], "a missing empty batch is reported")
        changed = dict(want)
        changed[2] = [("b", "8", "{2, 5}")]
        d2 = streaming.compare(want, changed)
        check(len(d2) == 1 and "batch 2" in d2[0], "a changed row is reported: %s" % d2)
        extra = dict(want)
        extra[0] = want[0] + [want[0][0]]
        check(streaming.compare(want, extra) != [], "a duplicated row is reported")
    import datetime
    check(streaming.render(datetime.datetime(2024, 1, 1, 0, 0, 10)) == "2024-01-01 00:00:10", "timestamp rendering")
    check(streaming.render(datetime.datetime(2024, 1, 1, 0, 0, 10, 500000)) == "2024-01-01 00:00:10.5",
          "fractional seconds rendering")
    check(streaming.render(None) == "NULL", "NULL rendering")
    for f in failures:
        print("FAIL: " + f)
    print("streaming harness: %s" % ("ok" if not failures else "%d failures" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
