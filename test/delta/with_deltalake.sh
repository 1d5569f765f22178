#!/usr/bin/env bash
# Runs a Python program of test/delta/ with the interpreter that has the
# pinned `deltalake` package (.venv-delta/, scripts/setup_delta.sh), or says
# SKIPPED with the reason and exits 77 (ctest's SKIP_RETURN_CODE here) when
# there is none: the Delta sink is checked by an independent reader or not
# at all, never by Sluice reading its own table.
#   usage: with_deltalake.sh <program.py> [args...]
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV=${SLUICE_DELTA_VENV:-$ROOT/.venv-delta}
PY=$VENV/bin/python
if [[ ! -x $PY ]]; then
  reason="no $PY (run scripts/setup_delta.sh)"
  [[ -f $VENV/SETUP_FAILED ]] && reason="scripts/setup_delta.sh failed: $(cat "$VENV/SETUP_FAILED")"
  echo "SKIPPED: $(basename "$1"): $reason"
  exit 77
fi
if ! "$PY" -c "import deltalake, pyarrow" 2>/dev/null; then
  echo "SKIPPED: $(basename "$1"): deltalake or pyarrow does not import with $PY (run scripts/setup_delta.sh)"
  exit 77
fi
exec "$PY" "$@"
