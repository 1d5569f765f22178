#!/usr/bin/env bash
# Installs the reference engine of the differential test (test/differential/):
# pyspark 4.3.0 from PyPI into a project-local venv, .venv-reference/ at the
# repository root (git-ignored), with the system python3. Idempotent and
# fast once done. Needs the network the first time and Java 17 (setup.sh
# installs default-jdk-headless).
#
# A failed installation (no network, no python3-venv) does not fail the
# caller (scripts/test.sh): it is said plainly here and written to
# .venv-reference/SETUP_FAILED, and the differential test then reports
# SKIPPED with that reason instead of passing.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${SLUICE_REFERENCE_VENV:-$PWD/.venv-reference}
VERSION=4.3.0
FAILED="$VENV/SETUP_FAILED"

if [[ -x "$VENV/bin/python" ]] &&
   "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$VERSION')" 2>/dev/null; then
  rm -f "$FAILED"
  echo "setup_pyspark: pyspark $VERSION present in $VENV"
  exit 0
fi

fail() {
  mkdir -p "$VENV"
  echo "$1" > "$FAILED"
  echo "setup_pyspark: NOT INSTALLED: $1" >&2
  echo "setup_pyspark: the differential test (ctest -L differential) will be SKIPPED" >&2
  exit 0
}

command -v python3 >/dev/null || fail "python3 is not installed"
if [[ ! -x "$VENV/bin/pip" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" 2>"$VENV.log" ||
    fail "python3 -m venv $VENV failed (install python3-venv): $(tail -1 "$VENV.log")"
  rm -f "$VENV.log"
fi
echo "setup_pyspark: installing pyspark==$VERSION into $VENV (about 450 MB, once)"
if ! "$VENV/bin/pip" install --disable-pip-version-check -q "pyspark==$VERSION" 2>"$VENV/pip.log"; then
  fail "pip install pyspark==$VERSION failed (no network?): $(grep -v '^ *$' "$VENV/pip.log" | tail -1)"
fi
rm -f "$FAILED"
echo "setup_pyspark: pyspark $VERSION installed in $VENV"
