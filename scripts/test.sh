#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing, builds,
# runs every test through ctest (unit tests, SQL logic tests, streaming
# end-to-end and crash tests, Kafka tests against a real broker that the
# tests start themselves on 127.0.0.1), then builds again with clang-14,
# AddressSanitizer + UndefinedBehaviorSanitizer and libFuzzer's
# instrumentation, runs each libFuzzer target for a few seconds with a fixed
# seed (fuzz/) and the whole suite once more under the sanitizers, Kafka
# broker tests included (the Kafka scan parses JSON out of librdkafka's
# buffers, the sink produces from several threads).
#
#   SLUICE_SKIP_SANITIZE=1 bash scripts/test.sh   # no sanitizer build (no fuzz run either)
#   SLUICE_SKIP_FUZZ=1 bash scripts/test.sh       # sanitizer build and tests, no fuzz smoke run
#   bash scripts/test.sh -R sql/                   # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_arrow.sh   # Arrow C++ / Parquet from the pinned pyarrow wheel into .deps/ (cmake/arrow.cmake)
bash scripts/setup_rdkafka.sh # librdkafka 2.8.0 from Debian's source package, static, into .deps/ (cmake/rdkafka.cmake)
bash scripts/setup_pyspark.sh  # the differential test's pyspark; says so and goes on if it cannot
bash scripts/setup_python.sh   # nanobind, scikit-build-core, pytest, pyarrow, pandas for python/
bash scripts/setup_ui.sh       # uPlot (npm, pinned) into .deps/ui/, embedded into the binary (cmake/ui_assets.cmake)
bash scripts/setup_delta.sh    # deltalake (delta-rs), the Delta sink tests' reader; says so and goes on if it cannot
JOBS=$(nproc)
# The debug info's compile directory stays out of ccache's key, so the wheel
# build of python_install_test (another build directory) hits the objects
# of the main build.
export CCACHE_NOHASHDIR=1

echo "== build (RelWithDebInfo) =="
# The Python package (python/) builds in the same tree: ctest runs its
# pytest suite (label python) with <build>/python on PYTHONPATH.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_PYTHON=ON \
  -DPython_EXECUTABLE="$PWD/.venv-python/bin/python" >/dev/null
ninja -C build -j"$JOBS"
echo "== tests =="
ctest --test-dir build --output-on-failure -j"$JOBS" "$@"

if [[ -z "${SLUICE_SKIP_SANITIZE:-}" ]]; then
  # One clang-14 build serves both sanitizer stages: every module compiled
  # with ASan + UBSan and libFuzzer's coverage instrumentation
  # (-DSLUICE_FUZZ=ON), the libFuzzer targets of fuzz/ and the whole test
  # suite linked from the same objects (one build instead of a fuzz build
  # and a separate ASan build: about five minutes less on 2 cores).
  echo "== build (clang-14: ASan + UBSan, libFuzzer targets) =="
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_FUZZ=ON \
    -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
  ninja -C build-fuzz -j"$JOBS"
  if [[ -z "${SLUICE_SKIP_FUZZ:-}" ]]; then
    # A smoke run of the libFuzzer targets (fuzz/README.md): each replays its
    # committed seeds and regression inputs, then fuzzes for 5 s from the
    # fixed seed SLUICE_FUZZ_SMOKE_SEED: the mutations are a prefix of what a
    # longer run with that seed has passed, not a new draw that could turn CI
    # red by chance (only coverage feedback from threaded targets may vary a
    # little between machines); scripts/fuzz.sh searches with new seeds for
    # minutes per target.
    echo "== fuzz smoke (libFuzzer + ASan + UBSan) =="
    ctest --test-dir build-fuzz -L fuzz --output-on-failure -j"$JOBS"
  fi
  echo "== tests under ASan + UBSan =="
  # The differential tests against Spark run once, in the plain pass: their
  # time is Spark's (minutes), and the Sluice side of random SQL runs under
  # ASan + UBSan in the fuzz stage (sql_session_fuzzer). The same holds for
  # the Parquet and Delta cross-reads by Spark: Sluice's side of them (its
  # writer and reader) runs under the sanitizers in the pyarrow and deltalake
  # tests, and for the side-by-side harness's smoke run (peers_harness_smoke,
  # Spark's time): every Nexmark query runs under them in nexmark_queries_test.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-fuzz --output-on-failure -j"$JOBS" -LE fuzz -E '^(differential_(short|streaming)|parquet_spark_interop_test|delta_spark_test|peers_harness_smoke)$' "$@"
fi
