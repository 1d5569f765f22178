"""Runs a command and measures its whole process tree (bench/ysb/run.sh):
wall seconds, CPU seconds (user + system) and peak resident memory, the
JVM that pyspark or PyFlink starts included.

    python3 proctree.py RESULT_FILE -- COMMAND [ARGS...]

The command runs in a session of its own. Every 50 ms the tree under it is
read from /proc: each process's own CPU time is kept at its largest value
seen, and the sum of the tree's resident sizes at its peak. At the end the CPU of processes that
ended between two samples is covered by the command's own rusage
(RUSAGE_CHILDREN of this process counts the command and every descendant
it waited for); the larger of the two totals is reported. Writes one line
"wall=S cpu=S rss_mb=M rc=N" to RESULT_FILE and exits with the command's
status.
"""
import os
import resource
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def children_map():
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        kids.setdefault(int(fields[1]), []).append((int(name), fields))
    return kids


def main():
    out = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, start_new_session=True)
    cpu = {}  # pid -> largest utime + stime seen, in ticks
    peak_rss = 0
    while proc.poll() is None:
        kids = children_map()
        rss = 0
        try:
            with open("/proc/%d/stat" % proc.pid) as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            top = [(proc.pid, fields)]
        except OSError:
            top = []
        seen = set()
        todo = top
        while todo:
            pid, fields = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            ticks = int(fields[11]) + int(fields[12])
            cpu[pid] = max(cpu.get(pid, 0), ticks)
            rss += int(fields[21]) * PAGE
            todo.extend(kids.get(pid, []))
        peak_rss = max(peak_rss, rss)
        time.sleep(0.05)
    wall = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampled = sum(cpu.values()) / CLK_TCK
    total = max(sampled, ru.ru_utime + ru.ru_stime)
    peak_rss = max(peak_rss, ru.ru_maxrss * 1024)
    with open(out, "w") as f:
        f.write("wall=%.3f cpu=%.2f rss_mb=%.0f rc=%d\n" % (wall, total, peak_rss / 1e6, proc.returncode))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
