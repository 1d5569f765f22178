#!/usr/bin/env bash
# The independent reader of the Delta sink's tests (test/delta/): the
# `deltalake` package (delta-rs) from PyPI, pinned, with pyarrow for its
# to_pyarrow_table(), into a project-local venv, .venv-delta/ at the
# repository root (git-ignored), with the system python3. Idempotent and
# fast once done.
#
# A failed installation (no network, no python3-venv) does not fail the
# caller (scripts/test.sh): it is said plainly here and written to
# .venv-delta/SETUP_FAILED, and the Delta read-back tests then report
# SKIPPED (exit 77) with that reason instead of passing.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${SLUICE_DELTA_VENV:-$PWD/.venv-delta}
PACKAGES=(deltalake==1.6.6 pyarrow==26.0.1)
STAMP="$VENV/.installed"
FAILED="$VENV/SETUP_FAILED"
WANT="${PACKAGES[*]}"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  echo "setup_delta: $VENV is up to date"
  exit 0
fi
fail() {
  mkdir -p "$VENV"
  echo "$1" > "$FAILED"
  echo "setup_delta: NOT INSTALLED: $1" >&2
  echo "setup_delta: the Delta read-back tests will be SKIPPED" >&2
  exit 0
}
command -v python3 >/dev/null || fail "python3 is not installed"
if [[ ! -x "$VENV/bin/pip" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" 2>/dev/null || fail "python3 -m venv $VENV failed (install python3-venv)"
fi
echo "setup_delta: installing ${PACKAGES[*]} into $VENV"
if ! "$VENV/bin/pip" install --disable-pip-version-check -q "${PACKAGES[@]}" 2>"$VENV/pip.log"; then
  fail "pip install ${PACKAGES[*]} failed (no network?): $(grep -v '^ *$' "$VENV/pip.log" | tail -1)"
fi
rm -f "$FAILED"
echo "$WANT" > "$STAMP"
echo "setup_delta: ready ($VENV)"
