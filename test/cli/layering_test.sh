#!/usr/bin/env bash
# The layer rule: the real tree passes tools/check_layers.py, and a tree with
# an include that points up (a connector including the planner) fails it.
set -euo pipefail
root="$1"
check="$root/tools/check_layers.py"
python3 "$check" "$root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/connectors/kafka" "$tmp/src/plan" "$tmp/tools"
echo '#include "exec/expression.h"' > "$tmp/src/plan/ok.cc"
python3 "$check" "$tmp" >/dev/null
echo '#include "plan/binder.h"' > "$tmp/src/connectors/kafka/bad.cc"
if python3 "$check" "$tmp" 2>"$tmp/err"; then
  echo "FAIL: an include from connectors/ into plan/ passed the layer check" >&2
  exit 1
fi
grep -q 'bad.cc:1: includes "plan/binder.h"' "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
echo '#include "sluice/session.h"' > "$tmp/src/connectors/kafka/bad.cc"
if python3 "$check" "$tmp" 2>/dev/null; then
  echo "FAIL: a connector including the public session API passed the layer check" >&2
  exit 1
fi
echo "layering_test: passed"
