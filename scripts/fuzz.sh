#!/usr/bin/env bash
# The fuzz targets of fuzz/ for a real budget (the test command runs each for
# a few seconds only). Builds them with clang (libFuzzer + ASan + UBSan) in
# build-fuzz/, then runs each target for SECONDS (default 300), keeping what
# it learns in build-fuzz/corpus/<target>/ so the next run starts from there.
# Prints per target its executions, or the finding (crash, hang, sanitizer
# report, memory blow-up) and where its input was kept; exits 1 if any.
#
#   bash scripts/fuzz.sh                    # every target, 5 minutes each
#   bash scripts/fuzz.sh 60 json_fuzzer     # one target, one minute
#   FUZZ_JOBS=2 bash scripts/fuzz.sh 600    # two targets at a time
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
jobs=${FUZZ_JOBS:-1}
bash scripts/setup.sh >/dev/null || exit 1
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null || exit 1
ninja -C build-fuzz -j2 fuzzers || exit 1

targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in fuzz/*_fuzzer.cc; do targets+=("$(basename "$f" .cc)"); done
fi

# Runs one target; prints one summary line (and the finding's tail).
run_one() {
  local t=$1 log=build-fuzz/$1.fuzz.log
  mkdir -p "build-fuzz/corpus/$t"
  if bash fuzz/run_fuzzer.sh "build-fuzz/fuzz/$t" fuzz "$seconds" "build-fuzz/corpus/$t" >"$log" 2>&1; then
    echo "  $t: ok, $(awk '/^stat::number_of_executed_units/ {print $2}' "$log") executions in ${seconds}s"
  else
    echo "  $t: FINDING (log: $log)"
    tail -n 25 "$log" | sed 's/^/    /'
    return 1
  fi
}

echo "fuzzing ${#targets[@]} target(s) for ${seconds}s each, $jobs at a time"
status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
if ((status)); then
  echo "fuzz: findings above; replay one with build-fuzz/fuzz/<target> <input file>" >&2
else
  echo "fuzz: no findings"
fi
exit $status
