#!/usr/bin/env python3
"""Corruption matrix (issue 10): every file kind of a checkpoint and of a file
sink's output, damaged every way, then the query restarted with new input.

Rows (file kinds), each damaged at its newest file (batch N = 2 of batches
0..2, all committed):
  metadata   <ckpt>/metadata
  offsets    <ckpt>/offsets/N
  commits    <ckpt>/commits/N
  sources    <ckpt>/sources/0/N            (the file source's seen-files log)
  state      <ckpt>/state/0/0/<N+1>.delta  (a streaming aggregation's state)
  manifest   <out>/_sluice_metadata/N       (the file sink's manifest)
  data       <out>/part-0000N-*.json        (the file sink's part file of batch N)
Columns (damages):
  deleted    the file removed
  emptied    the file truncated to 0 bytes
  truncated  the file cut to half its size
  flipped    one byte changed: in a text file its last decimal digit becomes
             another digit (an offset, a size, an id: the edit that would
             replay, skip or change data if believed); in a state file one
             bit of its middle byte
  future     the file rewritten as a valid file of a newer format version
             (version line "v2" with a valid checksum; state: format 2 with
             valid CRCs)
  extra      a file that does not belong next to it: a stray name in its
             directory ("junk"); for `metadata` the leftover temp file of an
             interrupted atomic write; for data files an unlisted part file
  gap        a middle file removed (batch 1 of 0..2)

After the damage a new input file arrives (ids 10..12 after ids 1..9) and
the job is run again (`sluice run`, available-now trigger); the output is
then read through the engine (the file sink's manifest is what readers
trust). Each cell must end one of two ways:
  E  the run (or the read of the output) fails with an error naming the
     damaged file (or, for a deleted file or a gap, its directory);
  R  the run succeeds and the output holds every id exactly once (for the
     aggregation: the totals of ids 1..12 exactly).
Anything else (exit 0 with lost or duplicated rows, an error that does not
name the file, a crash or a hang) fails the test. The expected outcome of
each cell is fixed below from docs/checkpoint-format.md, not read from a
run.

usage: corruption_matrix_test.py <path to sluice>
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

SLUICE = os.path.abspath(sys.argv[1])
KINDS = ["metadata", "offsets", "commits", "sources", "state", "manifest", "data"]
DAMAGES = ["deleted", "emptied", "truncated", "flipped", "future", "extra", "gap"]
N = 2  # newest batch of the base checkpoint

# The documented outcome of each cell: E, R, or None (not applicable).
EXPECTED = {
    "metadata": {"deleted": "E", "emptied": "E", "truncated": "E", "flipped": "E", "future": "E",
                 "extra": "R", "gap": None},
    "offsets": {d: "E" for d in DAMAGES},
    # commits/N deleted: batch N is re-run with its logged offsets; the file
    # sink already holds it and skips it (docs: "Recovery rule").
    "commits": dict({d: "E" for d in DAMAGES}, deleted="R"),
    "sources": {d: "E" for d in DAMAGES},
    "state": {d: "E" for d in DAMAGES},
    "manifest": {d: "E" for d in DAMAGES},
    # An unlisted part file is not data (docs: "File sink manifest").
    "data": {"deleted": "E", "emptied": "E", "truncated": "E", "flipped": "E", "future": None,
             "extra": "R", "gap": "E"},
}
ROOT = tempfile.mkdtemp(prefix="sluice-corruption-matrix-")


def file_job(case):
    return f"""CREATE STREAM input (id BIGINT) USING json OPTIONS (path '{case}/in', maxFilesPerTrigger '1');
CREATE SINK out USING json OPTIONS (path '{case}/out');
START STREAMING QUERY copy INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{case}/ck'
  AS SELECT id FROM input;
"""


def state_job(case):
    return f"""CREATE STREAM input (id BIGINT) USING json OPTIONS (path '{case}/in', maxFilesPerTrigger '1');
CREATE SINK out USING console;
START STREAMING QUERY agg INTO out OUTPUT MODE complete TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '{case}/ck'
  AS SELECT id % 3 AS k, count(*) AS n, sum(id) AS s FROM input GROUP BY id % 3;
"""


def write_input(case, i):
    """File f<i>.json with ids 3i+1..3i+3, modification time 1700000000 + i."""
    os.makedirs(f"{case}/in", exist_ok=True)
    path = f"{case}/in/f{i}.json"
    with open(path, "w") as f:
        for r in range(1, 4):
            f.write('{"id":%d}\n' % (i * 3 + r))
    os.utime(path, (1700000000 + i, 1700000000 + i))


def run_job(case, timeout=60):
    try:
        p = subprocess.run([SLUICE, "run", f"{case}/job.sql", "--log-level", "warn"], capture_output=True,
                           text=True, errors="replace", timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, "", "timed out"


def make_base(name, job):
    """Batches 0..N committed (one input file each); moved aside as the base."""
    case = os.path.join(ROOT, "case-" + name)
    os.makedirs(case)
    with open(f"{case}/job.sql", "w") as f:
        f.write(job(case))
    for i in range(N + 1):
        write_input(case, i)
    rc, _, err = run_job(case)
    if rc != 0 or not os.path.exists(f"{case}/ck/commits/{N}"):
        sys.exit(f"base {name}: the first run failed (rc {rc}):\n{err}")
    base = os.path.join(ROOT, "base-" + name)
    os.rename(case, base)
    return case, base


def with_checksum(plain):
    """'v2\\n<lines>' -> 'v2 crc32=<crc>\\n<lines>' (docs: "Version line and checksum")."""
    i = plain.index(b"\n")
    return plain[:i] + b" crc32=%08x" % zlib.crc32(plain) + plain[i:]


def future_text(data):
    """The same lines under the next version number than the file's own."""
    first, rest = data.split(b"\n", 1)
    version = int(first.split(b" ")[0][1:])
    return with_checksum(b"v%d\n" % (version + 1) + rest)


def future_state(data):
    """State file header: u32 format version at byte 8, CRC of bytes 0..39 at
    40, CRC of everything before the last 4 bytes at the end (little endian)."""
    b = bytearray(data)
    b[8:12] = (2).to_bytes(4, "little")
    b[40:44] = zlib.crc32(bytes(b[0:40])).to_bytes(4, "little")
    b[-4:] = zlib.crc32(bytes(b[:-4])).to_bytes(4, "little")
    return bytes(b)


def change_last_digit(data):
    header_end = data.index(b"\n") + 1 if data.startswith(b"v") else 0
    for i in range(len(data) - 1, header_end - 1, -1):
        c = data[i]
        if 0x30 <= c <= 0x39:
            return data[:i] + bytes([0x30 + (c - 0x30 + 1) % 10]) + data[i + 1:]
    raise RuntimeError("no digit to change")


def newest_part_file(case, batch):
    with open(f"{case}/out/_sluice_metadata/{batch}", "rb") as f:
        m = re.search(rb'"path":"([^"]+)"', f.read())
    return f"{case}/out/" + m.group(1).decode()


def target(kind, case, batch):
    return {
        "metadata": f"{case}/ck/metadata",
        "offsets": f"{case}/ck/offsets/{batch}",
        "commits": f"{case}/ck/commits/{batch}",
        "sources": f"{case}/ck/sources/0/{batch}",
        "state": f"{case}/ck/state/0/0/{batch + 1}.delta",
        "manifest": f"{case}/out/_sluice_metadata/{batch}",
        "data": newest_part_file(case, batch) if kind == "data" else None,
    }[kind]


def damage(kind, how, case):
    """Applies the damage; returns the strings an error must contain to name it."""
    path = target(kind, case, N)
    directory = os.path.dirname(path)
    data = open(path, "rb").read()
    if how == "deleted":
        os.remove(path)
        # A missing file is named by its path or, where only the listing
        # shows it (a log ending early), by its directory.
        return [path] if kind in ("metadata", "sources", "state", "manifest", "data") else [directory]
    if how == "emptied":
        open(path, "wb").close()
        return [path]
    if how == "truncated":
        open(path, "wb").write(data[:len(data) // 2])
        return [path]
    if how == "flipped":
        if kind == "state":
            b = bytearray(data)
            b[len(b) // 2] ^= 0x01
            open(path, "wb").write(bytes(b))
        else:
            open(path, "wb").write(change_last_digit(data))
        return [path]
    if how == "future":
        open(path, "wb").write(future_state(data) if kind == "state" else future_text(data))
        return [path]
    if how == "extra":
        if kind == "metadata":
            extra = f"{case}/ck/.metadata.0123456789abcdef.tmp"
            open(extra, "wb").write(b'{"id":')
        elif kind == "data":
            extra = f"{case}/out/part-00099-extra.json"
            open(extra, "wb").write(b'{"id":1}\n{"id":99}\n')
        else:
            extra = os.path.join(directory, "junk")
            open(extra, "wb").write(b"v1\n")
        return [directory, os.path.basename(extra)]
    if how == "gap":
        middle = target(kind, case, 1)
        os.remove(middle)
        return [middle] if kind in ("state", "data") else [os.path.dirname(middle)]
    raise ValueError(how)


def read_output(case):
    """(ok, text): the ids of the file sink's output, read through the engine."""
    sql = (f"CREATE TABLE o (id BIGINT) USING json OPTIONS (path '{case}/out'); "
           "SELECT id FROM o ORDER BY id")
    p = subprocess.run([SLUICE, "sql", "--format", "csv", "-e", sql], capture_output=True, text=True,
                       errors="replace", timeout=60)
    if p.returncode != 0:
        return False, p.stderr
    return True, p.stdout.split("\n")[1:]


def last_totals(stdout):
    """The rows of the console sink's last table, as {k: (n, s)}."""
    tables = stdout.split("Batch: ")
    rows = {}
    for line in tables[-1].splitlines():
        m = re.match(r"\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|", line)
        if m:
            rows[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    return rows


def expected_totals(max_id):
    t = {}
    for i in range(1, max_id + 1):
        n, s = t.get(i % 3, (0, 0))
        t[i % 3] = (n + 1, s + i)
    return t


def first_line(text, needle=None):
    """The line of `text` naming `needle` (else the first line), from the
    error message on: what a cell's detail shows."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    pick = next((l for l in lines if needle and needle in l), lines[0] if lines else "(no output)")
    m = re.search(r"(failed in batch \d+: |error: )", pick)
    if m:
        pick = pick[m.end():]
    return pick[:400]


def run_cell(kind, how, case, base):
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(base, case, symlinks=True)
    needles = damage(kind, how, case)
    write_input(case, N + 1)
    rc, out, err = run_job(case)
    if rc is None:
        return "BAD", "the run hung (timed out after 60 s)"
    if rc < 0 or rc > 2:
        return "BAD", f"the run crashed (rc {rc}): {first_line(err)}"
    if rc != 0:
        if all(n in err for n in needles):
            return "E", first_line(err, needles[0])
        return "BAD", f"rc {rc}, but the error does not name {needles}: {first_line(err)}"
    max_id = 3 * (N + 2)
    if kind == "state":
        got = last_totals(out)
        if got == expected_totals(max_id):
            return "R", f"totals of ids 1..{max_id} exactly"
        return "BAD", f"exit 0 with wrong totals {got} (expected {expected_totals(max_id)})"
    ok, ids = read_output(case)
    if not ok:
        if all(n in ids for n in needles):
            return "E", "(reading the output) " + first_line(ids, needles[0])
        return "BAD", f"reading the output failed without naming {needles}: {first_line(ids)}"
    ids = [i for i in ids if i != ""]
    want = [str(i) for i in range(1, max_id + 1)]
    if ids == want:
        return "R", f"ids 1..{max_id} exactly once"
    return "BAD", f"exit 0, but the output is not ids 1..{max_id} exactly once: {' '.join(ids)}"


def main():
    bases = {"file": make_base("file", file_job), "state": make_base("state", state_job)}
    results = {}
    unexpected = []
    counts = {"E": 0, "R": 0, "n/a": 0, "unexpected": 0}
    for kind in KINDS:
        case, base = bases["state" if kind == "state" else "file"]
        for how in DAMAGES:
            want = EXPECTED[kind][how]
            if want is None:
                results[(kind, how)] = "-"
                counts["n/a"] += 1
                continue
            got, detail = run_cell(kind, how, case, base)
            if got == want:
                results[(kind, how)] = got
                counts[got] += 1
                print(f"{kind:9} {how:10} {got}  {detail}")
            else:
                results[(kind, how)] = "!" + got
                counts["unexpected"] += 1
                unexpected.append(f"{kind}/{how}: expected {want}, got {got}: {detail}")
                print(f"{kind:9} {how:10} !{got} UNEXPECTED (expected {want}): {detail}")
    print()
    print("Corruption matrix: E = the start fails with an error naming the file, R = recovers exactly once,")
    print("- = not applicable, !.. = unexpected")
    print(f"{'':10}" + "".join(f"{d:>11}" for d in DAMAGES))
    for kind in KINDS:
        print(f"{kind:10}" + "".join(f"{results[(kind, d)]:>11}" for d in DAMAGES))
    total = len(KINDS) * len(DAMAGES)
    print(f"{total} cells: {counts['E']} error naming the file, {counts['R']} recovered exactly once, "
          f"{counts['n/a']} not applicable, "
          f"{counts['unexpected']} unexpected")
    for u in unexpected:
        print("FAILED: " + u)
    return 1 if unexpected else 0


try:
    status = main()
finally:
    shutil.rmtree(ROOT, ignore_errors=True)
sys.exit(status)
