#!/usr/bin/env bash
# Under `set -o pipefail`, `producer | grep -q pattern` fails whenever grep
# finds its match before the producer has written everything: grep exits,
# the producer dies of SIGPIPE (or Python raises BrokenPipeError), and the
# pipeline's status is the producer's. Whether that happens depends on
# output size and scheduling, so the failure is intermittent (CI run of
# 2026-12-06: `python3 -m zipfile -l wheel | grep -q sluice/_core` failed
# the install test). This test shows the failure mode once, then requires
# that no script that sets pipefail pipes into `grep -q`; use
# `grep -q pattern <<<"$(producer)"` or `grep -q pattern file` instead.
set -euo pipefail
root="$1"

# The failure mode, deterministically: the producer outlives grep -q.
if (set -o pipefail; { echo hit; sleep 0.2; seq 1 200000; } | grep -q hit) 2>/dev/null; then
  echo "FAIL: expected 'producer | grep -q' to fail under pipefail once grep exits early" >&2
  exit 1
fi

bad=0
while IFS= read -r -d '' f; do
  [[ "$f" -ef "${BASH_SOURCE[0]}" ]] && continue
  grep -q 'pipefail' "$f" || continue
  if hits=$(grep -nE '^[^#]*\|[[:space:]]*grep[[:space:]]+(-[a-zA-Z]*q|--quiet)' "$f"); then
    while IFS= read -r line; do
      echo "$f:$line: pipes into grep -q under pipefail" >&2
    done <<<"$hits"
    bad=1
  fi
done < <(find "$root/scripts" "$root/test" "$root/bench" "$root/.ci" -name '*.sh' -print0 2>/dev/null;
         find "$root/.ci" -type f -print0 2>/dev/null)
[[ $bad -eq 0 ]] || exit 1
echo "script_pipes_test: passed"
