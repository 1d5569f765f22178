#!/usr/bin/env bash
# Installs what is missing, builds, and runs a real streaming job: the rate
# source (1000 rows/s) -> running count per value % 10, printed to the
# console for 3 batches (examples/rate_grouped_count.sql).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_arrow.sh   # Arrow C++ / Parquet from the pinned pyarrow wheel into .deps/ (cmake/arrow.cmake)
bash scripts/setup_rdkafka.sh # librdkafka 2.8.0 from Debian's source package, static, into .deps/ (cmake/rdkafka.cmake)
bash scripts/setup_ui.sh      # uPlot for the monitoring page that sluice run serves (cmake/ui_assets.cmake)
cmake -S . -B build -G Ninja >/dev/null
ninja -C build sluice
rm -rf /tmp/sluice-demo-checkpoint
./build/sluice run examples/rate_grouped_count.sql --max-batches 3
