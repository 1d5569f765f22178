"""Runs several conformance programs one after the other in this one Python
process (harness.py --shared-process), so that pyspark starts its JVM once
for all of them instead of once each. Each program runs as __main__ from its
own folder with its own CONF_WORK; its spark.stop() ends the SparkContext and
the next program's getOrCreate() starts a new one in the same JVM.

    runner.py RUNDIR [RUNDIR ...]     each RUNDIR holds <name>.py and conform.py

Before each program it prints a marked line {"kind": "program", "name": ...};
a program that raises gets {"kind": "program_error", "error": <last line>}.
"""

import json
import os
import runpy
import sys
import traceback

MARK = "@@CONF "


def main():
    start_cwd = os.getcwd()
    for rundir in sys.argv[1:]:
        name = os.path.basename(rundir.rstrip("/"))
        sys.stdout.write(MARK + json.dumps({"kind": "program", "name": name}) + "\n")
        sys.stdout.flush()
        os.environ["CONF_WORK"] = os.path.join(rundir, "work")
        os.makedirs(os.environ["CONF_WORK"], exist_ok=True)
        os.chdir(rundir)
        sys.path.insert(0, rundir)
        sys.modules.pop("conform", None)
        try:
            runpy.run_path(os.path.join(rundir, name + ".py"), run_name="__main__")
        except BaseException as e:  # noqa: BLE001 - reported for the program, the next one runs
            tb = traceback.format_exception(type(e), e, e.__traceback__)
            sys.stderr.write("".join(tb))
            frames = [l.strip().splitlines()[0] for l in tb if l.strip().startswith("File ")]
            line = traceback.format_exception_only(type(e), e)[-1].strip().splitlines()[0]
            err = line[:600] + (" [at %s]" % frames[-1] if frames else "")
            sys.stdout.write(MARK + json.dumps({"kind": "program_error", "name": name, "error": err}) + "\n")
            sys.stdout.flush()
        finally:
            sys.path.remove(rundir)
            os.chdir(start_cwd)


if __name__ == "__main__":
    main()
