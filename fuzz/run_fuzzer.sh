#!/usr/bin/env bash
# Runs one fuzz target for a fixed time over its committed inputs:
#
#   fuzz/run_fuzzer.sh <fuzzer binary> <fuzz dir> <seconds> [corpus dir]
#
# First every committed input is replayed: the seed corpus
# fuzz/corpus/<name>/ and the regression inputs fuzz/regressions/<name>/
# (inputs that once crashed the target; each must now pass). Then libFuzzer
# mutates from them for <seconds>. New interesting inputs go to [corpus dir]
# (default: a temporary directory, deleted at the end); the committed folders
# are never written. A crash, a sanitizer report, a timeout (-timeout, 10 s
# per input) or a memory blow-up (-rss_limit_mb) fails the run: the input is
# kept as <work>/crash-* and its path printed, so it can be replayed with
#   <fuzzer binary> <that file>
# Prints the fuzzer's final statistics (executions, coverage).
#
# SLUICE_FUZZ_SEED=N fixes libFuzzer's random seed: the mutations are then the
# same sequence on every machine, and a shorter run is a prefix of a longer
# one, so a smoke run in CI repeats what a longer run with that seed already
# passed instead of trying new inputs by chance (only the coverage feedback of
# targets that run threads may vary a little between machines). Without it, each run draws a
# new seed (scripts/fuzz.sh: the search for new findings).
set -euo pipefail
# Absolute paths throughout: sql_session_fuzzer changes its working directory.
bin=$(realpath "$1")
fuzz_dir=$(realpath "$2")
seconds=$3
name=$(basename "$bin")
work=$(realpath "$(mktemp -d "${TMPDIR:-/tmp}/sluice-fuzz-$name.XXXXXX")")
corpus=$(realpath -m "${4:-$work/corpus}")
mkdir -p "$corpus"
keep_work=0
cleanup() { if [[ $keep_work -eq 0 ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT

inputs=()
for d in "$fuzz_dir/corpus/$name" "$fuzz_dir/regressions/$name"; do
  if [[ -d $d ]]; then inputs+=("$d"); fi
done
# A dictionary of tokens per input language: dict/sql.dict for the SQL and job targets.
dict=()
case $name in
  sql_*|job_*) dict=(-dict="$fuzz_dir/dict/sql.dict") ;;
esac

# Replay first, one input at a time, so a regression names its file.
for d in "${inputs[@]}"; do
  files=("$d"/*)
  if [[ -e ${files[0]} ]]; then
    if ! "$bin" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=1 "${files[@]}" >"$work/replay.log" 2>&1; then
      keep_work=1
      tail -n 60 "$work/replay.log"
      echo "run_fuzzer: $name fails on a committed input of $d (log: $work/replay.log)" >&2
      exit 1
    fi
  fi
done

seed=()
if [[ -n ${SLUICE_FUZZ_SEED:-} ]]; then seed=(-seed="$SLUICE_FUZZ_SEED"); fi

set +e
# -close_fd_mask=1: the target's stdout (the console sink) is not logged.
"$bin" "${dict[@]}" "${seed[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -close_fd_mask=1 \
  -print_final_stats=1 -artifact_prefix="$work/" "$corpus" "${inputs[@]}" >"$work/fuzz.log" 2>&1
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  keep_work=1
  tail -n 80 "$work/fuzz.log"
  echo "run_fuzzer: $name failed (exit $rc); the input is in $work/ (crash-*, timeout-*, oom-*)" >&2
  exit 1
fi
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|cov: " "$work/fuzz.log" | tail -n 3
echo "run_fuzzer: $name ok (${seconds}s)"
