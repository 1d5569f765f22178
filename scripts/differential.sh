#!/usr/bin/env bash
# The differential test against Spark (test/differential/README.md):
# generated queries over generated tables, run by pyspark 4.3 and by Sluice,
# compared on rows, result types and error classes.
#
#   scripts/differential.sh                       # a random seed, 3000 queries
#   scripts/differential.sh --seed 7 --count 5000
#   scripts/differential.sh --seed 7 --only 417   # one query again
#   scripts/differential.sh --sluice build/sluice --seed 1 --count 300   # ctest's differential_short
#   scripts/differential.sh --streaming [--only CASE]   # windows, dedup, joins batch by batch
#
# Uses the pyspark of .venv-reference/ (scripts/setup_pyspark.sh installs
# it); without it the run is SKIPPED (exit 77) and says why.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${SLUICE_REFERENCE_VENV:-$ROOT/.venv-reference}
args=("$@")
HARNESS=differential.py
if [[ ${1:-} == --streaming ]]; then
  HARNESS=streaming.py
  args=("${@:2}")
fi
have() { local a; for a in "${args[@]}"; do [[ $a == "$1" ]] && return 0; done; return 1; }
have --sluice || args+=(--sluice "$ROOT/build/sluice")
if [[ $HARNESS == differential.py ]]; then
  have --seed || args+=(--seed "$((RANDOM * 32768 + RANDOM))")
  have --count || args+=(--count 3000)
fi
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
PY=python3
if [[ -x "$VENV/bin/python" ]]; then
  PY="$VENV/bin/python"
elif [[ -f "$VENV/SETUP_FAILED" ]]; then
  echo "differential: SKIPPED: $(cat "$VENV/SETUP_FAILED"); run scripts/setup_pyspark.sh"
  exit 77
fi
# Spark's JVM logs to stderr; keep it out of the report unless asked.
if [[ -n "${DIFFERENTIAL_VERBOSE:-}" ]]; then
  exec "$PY" "$ROOT/test/differential/$HARNESS" "${args[@]}"
fi
log=$(mktemp -t sluice-differential-stderr.XXXXXX)
"$PY" "$ROOT/test/differential/$HARNESS" "${args[@]}" 2>"$log"
rc=$?
if [[ $rc -ne 0 && $rc -ne 1 && $rc -ne 77 ]]; then
  echo "differential: the harness failed (status $rc); the end of its stderr:"
  tail -30 "$log"
fi
rm -f "$log"
exit $rc
