#!/usr/bin/env bash
# Installs the Debian packages Sluice builds and tests with. Idempotent: a
# package already present is not fetched again. Run as root (or with sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache curl  # curl: scripts/setup_rdkafka.sh
  libsimdjson-dev libfmt-dev libcli11-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev libre2-dev libicu-dev
  libzstd-dev liblz4-dev zlib1g-dev libssl-dev libsasl2-dev  # also what librdkafka links (scripts/setup_rdkafka.sh builds it)
  librocksdb-dev  # RocksDB state store provider (src/state/rocksdb_state_store_provider.*)
  default-jdk-headless maven
  clang-14 libclang-rt-14-dev  # libFuzzer targets (fuzz/, scripts/fuzz.sh)
  chromium  # the monitor page's browser test (test/monitor/ui_browser_test.py), headless
  libpq-dev postgresql-15  # PostgreSQL sink (src/connectors/postgres/) and its test server (scripts/postgres/server.sh)
  libcpp-httplib-dev  # the monitoring server (src/monitor/: REST, /metrics, web UI; issue 16)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != *"install ok installed"* ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all packages present"
