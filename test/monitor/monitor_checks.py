"""What the monitoring tests share: checks that record a failure and go on,
the exit that reports them, and an HTTP GET that returns the status and body
of any answer (4xx included), with an optional bearer token."""
import sys
import urllib.error
import urllib.request

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def finish(name, suffix=""):
    """Prints the number of failed checks and exits 1 if there were any."""
    print(f"{name}: {len(failures)} failure(s){suffix}")
    sys.exit(1 if failures else 0)


def http_get(url, token=None, method="GET"):
    req = urllib.request.Request(url, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
