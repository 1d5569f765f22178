#!/usr/bin/env bash
# Apache Arrow C++ (libarrow, libparquet) for the Parquet format, taken from
# the pinned pyarrow wheel on PyPI: its headers (pyarrow/include) and shared
# libraries (libarrow.so.2600, libparquet.so.2600) are unpacked into
# .deps/pyarrow-<version>/ at the repository root (git-ignored). Nothing is
# compiled from Arrow's sources. cmake/arrow.cmake finds them there (or in
# SLUICE_ARROW_DIR). Idempotent: a second run checks a stamp and returns.
# docs/parquet.md says why this Arrow and what it costs.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=26.0.1
DEST=${SLUICE_ARROW_DIR:-$PWD/.deps/pyarrow-$VERSION}
STAMP="$DEST/.installed"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "pyarrow==$VERSION" ]]; then
  echo "setup_arrow: $DEST is up to date"
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "setup_arrow: downloading pyarrow==$VERSION (wheel, no dependencies)"
# The wheel for this machine's CPython and platform (manylinux x86_64 here).
python3 -m pip download --disable-pip-version-check -q --no-deps --only-binary=:all: \
  -d "$TMP" "pyarrow==$VERSION"
WHEEL=$(ls "$TMP"/pyarrow-"$VERSION"-*.whl)
rm -rf "$DEST"
mkdir -p "$DEST"
# Only what the C++ build needs: the headers and the two libraries.
python3 - "$WHEEL" "$DEST" <<'PY'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if not name.startswith("pyarrow/"):
            continue
        rel = name[len("pyarrow/"):]
        if rel.startswith("include/") or rel in ("libarrow.so.2600", "libparquet.so.2600"):
            target = os.path.join(dest, rel)
            if name.endswith("/"):
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(name) as src, open(target, "wb") as out:
                out.write(src.read())
PY
for lib in libarrow.so.2600 libparquet.so.2600; do
  [[ -f "$DEST/$lib" ]] || { echo "setup_arrow: $lib missing from $WHEEL" >&2; exit 1; }
done
echo "pyarrow==$VERSION" > "$STAMP"
echo "setup_arrow: ready ($DEST, $(du -sh "$DEST" | cut -f1))"
