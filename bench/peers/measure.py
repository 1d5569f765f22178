#!/usr/bin/env python3
"""Runs a command and measures its whole process tree.

    measure.py --out stats.txt [--timeout S] -- CMD ARGS...

Writes one line `MEASURE wall_s=.. cpu_s=.. user_s=.. sys_s=.. peak_rss_mb=.. rc=..`
to --out (and stderr) once the command and every process it started have
ended. The command's own stdout/stderr are passed through.

- CPU: this process makes itself a child subreaper (prctl
  PR_SET_CHILD_SUBREAPER), so descendants orphaned by their parents (a JVM
  that pyspark or PyFlink started and never waited for) are re-parented to it
  and reaped here; getrusage(RUSAGE_CHILDREN) then holds the user+sys time of
  the whole tree, JVMs included. A sampled figure (the sum of the last
  utime+stime seen in /proc for every process of the tree) is kept too, and
  the larger of the two is reported (the sample misses at most one interval
  per process; the rusage misses nothing that was reaped).
- Peak RSS: the largest sum of VmRSS over the tree's processes, sampled every
  --interval seconds (50 ms): a tree's peak, which ru_maxrss (one process's
  peak) is not.
- Wall: from just before the command starts to when the last process of its
  tree ended.
"""
import argparse
import ctypes
import os
import resource
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def proc_table():
    """pid -> (ppid, cpu ticks, rss bytes) of every process now."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name (field 2) may hold spaces: split after its ')'.
        rest = stat[stat.rfind(b")") + 2:].split()
        ppid = int(rest[1])
        ticks = int(rest[11]) + int(rest[12])
        rss = int(rest[21]) * PAGE
        table[int(name)] = (ppid, ticks, rss)
    return table


def tree(table, root):
    kids = {}
    for pid, (ppid, _, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--timeout", type=float, default=0, help="kill the tree after this many seconds (0: never)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("measure.py: prctl(PR_SET_CHILD_SUBREAPER) failed: orphaned processes' CPU may be missed",
              file=sys.stderr)
    me = os.getpid()
    start = time.monotonic()
    child = subprocess.Popen(cmd, start_new_session=True)
    signal.signal(signal.SIGTERM, lambda *_: os.killpg(child.pid, signal.SIGTERM))
    signal.signal(signal.SIGINT, lambda *_: os.killpg(child.pid, signal.SIGINT))
    last_ticks = {}
    peak_rss = 0
    rc = None
    killed = False
    while True:
        table = proc_table()
        pids = tree(table, me)
        rss = 0
        for p in pids:
            _, ticks, r = table[p]
            last_ticks[p] = max(last_ticks.get(p, 0), ticks)
            rss += r
        peak_rss = max(peak_rss, rss)
        # Reap whatever ended (the command, and orphans re-parented here).
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = -1
            if pid <= 0:
                break
            if pid == child.pid:
                rc = os.waitstatus_to_exitcode(status)
        # Done once the command ended and no descendant is left.
        if rc is not None and not tree(proc_table(), me):
            break
        if a.timeout and not killed and time.monotonic() - start > a.timeout:
            print("measure.py: timeout after %.0f s: killing the tree" % a.timeout, file=sys.stderr)
            for p in tree(proc_table(), me):
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
            killed = True
        time.sleep(a.interval)
    wall = time.monotonic() - start
    # Reap the last ones (a zombie left between the check and here).
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampled = sum(last_ticks.values()) / CLK_TCK
    cpu = max(ru.ru_utime + ru.ru_stime, sampled)
    line = ("MEASURE wall_s=%.3f cpu_s=%.3f user_s=%.3f sys_s=%.3f sampled_cpu_s=%.3f peak_rss_mb=%.1f "
            "processes=%d rc=%s" % (wall, cpu, ru.ru_utime, ru.ru_stime, sampled, peak_rss / 2**20,
                                    len(last_ticks), rc if not killed else "timeout"))
    with open(a.out, "w") as f:
        f.write(line + "\n")
    print(line, file=sys.stderr)
    return 0 if rc == 0 and not killed else (rc or 1)


if __name__ == "__main__":
    sys.exit(main())
