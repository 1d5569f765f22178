#!/usr/bin/env python3
"""Fails when a source file includes a header from a layer above its own.

The layers (DESIGN.md section 3; drawn in src/README.md), lowest first. A
file in folder F may include headers of F itself and of any folder with a
lower rank; folders of equal rank may include each other only inside one
top-level folder (exec/ and exec/functions/ are one module). Public headers
(include/sluice/) sit at the rank of the module that implements them.

Usage: check_layers.py <repo root> [<stamp file to touch on success>]
"""
import os
import re
import sys

RANKS = {
    "common": 0,
    "env": 1,
    "types": 1,
    "vector": 2,
    "sql": 3,
    "json": 3,
    "checkpoint": 3,
    "state": 3,
    "render": 3,
    "arrow": 3,
    "exec": 4,
    "exec/functions": 4,
    "exec/operators": 5,
    "exec/stateful": 6,
    "connectors": 6,
    "connectors/file": 7,
    "connectors/memory": 7,
    "connectors/rate": 7,
    "connectors/nexmark": 7,
    "connectors/console": 7,
    "connectors/kafka": 7,
    "connectors/statestore": 7,
    "connectors/postgres": 7,
    "connectors/file_stream": 8,
    "connectors/delta": 8,
    "connectors/builtin": 9,
    "plan": 10,
    "api": 11,
    "stream": 12,
    "monitor": 13,
    "tools": 14,
}

# Public headers: where each belongs.
PUBLIC = {
    "sluice/status.h": "common",
    "sluice/log.h": "common",
    "sluice/version.h": "common",
    "sluice/data_type.h": "types",
    "sluice/value.h": "types",
    "sluice/session.h": "api",
    "sluice/dataframe.h": "api",
    "sluice/arrow.h": "api",
    "sluice/arrow_c.h": "arrow",
    "sluice/streaming.h": "stream",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of_header(path):
    if path in PUBLIC:
        return PUBLIC[path]
    if path.startswith("sluice/"):
        return None  # a public header this script does not know: reported
    return os.path.dirname(path)


def rank(folder):
    # The nearest listed ancestor ("connectors/kafka/x" -> "connectors/kafka").
    f = folder
    while f and f not in RANKS:
        f = os.path.dirname(f)
    return RANKS.get(f), f


def main():
    root = sys.argv[1]
    errors = []
    checked = 0
    for base in ("src", "tools"):
        for dirpath, _, files in os.walk(os.path.join(root, base)):
            for name in files:
                if not name.endswith((".h", ".cc", ".inc")):
                    continue
                path = os.path.join(dirpath, name)
                if base == "tools":
                    own_rank, own = RANKS["tools"], "tools"
                else:
                    folder = os.path.dirname(os.path.relpath(path, os.path.join(root, "src")))
                    own_rank, own = rank(folder)
                    if own_rank is None:
                        errors.append(f"{path}: folder '{folder}' has no layer in tools/check_layers.py")
                        continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        inc = m.group(1)
                        checked += 1
                        target = folder_of_header(inc)
                        if target is None:
                            errors.append(f"{path}:{lineno}: unknown public header \"{inc}\"")
                            continue
                        if target == "":
                            continue  # a file next to its includer in tools/ ("cli_options.h")
                        inc_rank, inc_folder = rank(target)
                        if inc_rank is None:
                            continue  # not a project header (e.g. a generated one)
                        if inc_folder == own:
                            continue
                        same_top = inc_folder.split("/")[0] == own.split("/")[0]
                        if inc_rank < own_rank or (inc_rank == own_rank and same_top):
                            continue
                        errors.append(
                            f"{path}:{lineno}: includes \"{inc}\": {inc_folder}/ (layer {inc_rank}) is not below "
                            f"{own}/ (layer {own_rank}); see the layer order in src/README.md")
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"check_layers: {len(errors)} include(s) against the layer order", file=sys.stderr)
        return 1
    print(f"check_layers: {checked} includes follow the layer order")
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
