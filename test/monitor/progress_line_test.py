#!/usr/bin/env python3
"""`sluice run`'s terminal progress line (issue 16): on a terminal (a pty
here) one line rewritten per batch, none with --quiet, plain log lines when
stderr is not a terminal.

usage: progress_line_test.py <sluice binary>
"""
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

from monitor_checks import check, finish

SLUICE = sys.argv[1]


def run_on_pty(args):
    """Runs sluice with stderr (and stdout) on a new pty; all it wrote, and its exit code."""
    master, slave = pty.openpty()
    p = subprocess.Popen([SLUICE] + args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.time() + 60
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the pty's other side is closed
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    os.close(master)
    return out.decode(errors="replace"), p.wait(timeout=30)


def main():
    tmp = tempfile.mkdtemp(prefix="progress_line_test_")
    job = os.path.join(tmp, "job.sql")
    with open(job, "w") as f:
        f.write(f"""
CREATE STREAM ev USING rate-micro-batch OPTIONS (rowsPerBatch '10');
CREATE SINK out USING noop;
START STREAMING QUERY counts INTO out OUTPUT MODE complete CHECKPOINT LOCATION '{tmp}/ck'
  AS SELECT value % 3 AS k, count(*) AS n FROM ev GROUP BY value % 3;
""")
    out, rc = run_on_pty(["run", job, "--max-batches", "3", "--no-ui"])
    check(rc == 0, f"exit 0 ({rc})")
    lines = re.findall(r"\r(counts batch (\d+): 10 rows, in \d+ rows/s, processed \d+ rows/s, \d+ ms, 3 state rows)\x1b\[K",
                       out)
    # One line per batch, rewritten; a log line printed above it draws the
    # same line again (batch 2 after "stopped" below).
    ids = [int(b) for _, b in lines]
    check([b for i, b in enumerate(ids) if i == 0 or ids[i - 1] != b] == [0, 1, 2],
          f"one rewritten line per batch: {out!r}")
    check(not re.search(r"\[stream\] query 'counts' batch", out), "no log line per batch beside the progress line")
    # The line does not lower the log level of other components: their info
    # lines still print, above the line (it is cleared, the log line written,
    # the line drawn again below it).
    check(re.search(r"info[^\n]*\[stream\] query 'counts' started", out) is not None,
          f"info lines of other components still print: {out!r}")
    check(re.search(r"\r\x1b\[K[^\r\n]*info[^\r\n]*\[stream\] query 'counts' stopped[^\r\n]*\r?\n"
                    r"\rcounts batch 2: ", out) is not None,
          f"a log line while the progress line shows: the line cleared, the log line, the line again: {out!r}")
    check(out.endswith("\n") or out.endswith("\r\n"), "the line is ended at exit")

    out, rc = run_on_pty(["run", job.replace("job.sql", "job.sql"), "--max-batches", "1", "--no-ui", "--quiet"])
    check(rc == 0 and "\x1b[K" not in out, f"--quiet: no progress line ({out!r})")

    p = subprocess.run([SLUICE, "run", job, "--max-batches", "1", "--no-ui"], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0 and "\x1b[K" not in p.stderr and "[stream] query 'counts' batch" in p.stderr,
          f"not a terminal: log lines, no progress line ({p.stderr!r})")
    p = subprocess.run([SLUICE, "run", job, "--max-batches", "1", "--no-ui", "--progress"], capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 0 and "\x1b[K" in p.stderr, "--progress forces the line")
    finish("progress_line_test")


if __name__ == "__main__":
    main()
