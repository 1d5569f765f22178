"""What the monitoring tests share: checks that record a failure and go on,
the exit that reports them, the UI address a `sluice run` prints, and an HTTP GET that returns the status and body
of any answer (4xx included), with an optional bearer token."""
import os
import re
import sys
import time
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


def ui_url(err, proc, timeout=20):
    """The UI's base URL and port from the 'UI at <url>' line `sluice run` writes to
    `err` (a file opened w+); (None, None) if it has not come within `timeout`
    seconds or the process ended first."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        err.seek(0)
        m = re.search(r"UI at (http://[0-9.]+:(\d+)/)", err.read())
        if m:
            return m.group(1), int(m.group(2))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    return None, None


def prometheus_parser(root):
    """prometheus_client's text parser (text_string_to_metric_families). Without
    the package, the test runs again under the project's Python venv
    ($SLUICE_PYTHON_VENV or <root>/.venv-python, scripts/setup_python.sh), once;
    without it there either, exits 77 (ctest SKIP) saying so."""
    try:
        from prometheus_client.parser import text_string_to_metric_families
        return text_string_to_metric_families
    except ImportError:
        venv_py = os.path.join(os.environ.get("SLUICE_PYTHON_VENV", os.path.join(root, ".venv-python")), "bin",
                               "python")
        if os.path.exists(venv_py) and not os.environ.get("MONITOR_TEST_REEXEC"):
            os.environ["MONITOR_TEST_REEXEC"] = "1"
            os.execv(venv_py, [venv_py] + sys.argv)
        print("SKIPPED: prometheus_client is not installed (run scripts/setup_python.sh)")
        sys.exit(77)
