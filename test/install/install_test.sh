#!/usr/bin/env bash
# The installed package: `cmake --install` into a temporary prefix, then
#   headers:  every public header compiles on its own, with only the
#             prefix's include/ on the include path;
#   examples: examples/cpp/ (a separate CMake project: find_package(Sluice),
#             Sluice::sluice) configures, builds and runs against the prefix,
#             and the installed `sluice --version` answers.
# usage: install_test.sh headers|examples <build dir> <source dir> <c++ compiler>
set -euo pipefail
MODE=$1
BUILD=$2
SRC=$3
CXX=$4
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix

cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" || { cat "$WORK/install.log"; exit 1; }
for f in bin/sluice include/sluice/session.h include/sluice/version.h lib/cmake/Sluice/SluiceConfig.cmake; do
  [[ -e "$PREFIX/$f" ]] || { echo "FAIL: $f not installed"; exit 1; }
done
ls "$PREFIX"/lib*/libsluice.a >/dev/null || { echo "FAIL: libsluice.a not installed"; exit 1; }

case "$MODE" in
  headers)
    n=0
    for h in "$PREFIX"/include/sluice/*.h; do
      name=${h#"$PREFIX/include/"}
      printf '#include "%s"\n#include "%s"\nint main() { return 0; }\n' "$name" "$name" > "$WORK/one.cc"
      "$CXX" -std=c++20 -Wall -Wextra -Werror -fsyntax-only -I"$PREFIX/include" "$WORK/one.cc" 2>"$WORK/err" || {
        echo "FAIL: $name does not compile on its own:"; cat "$WORK/err"; exit 1; }
      # Only public headers: nothing from src/ (types/, vector/, common/...).
      if grep -nE '#include "' "$h" | grep -vE '#include "sluice/' ; then
        echo "FAIL: $name includes a header that is not public"; exit 1
      fi
      n=$((n + 1))
    done
    echo "install headers: $n passed, 0 failed"
    ;;
  examples)
    grep -Eq '^sluice [0-9]+\.[0-9]+\.[0-9]+ \(([0-9a-f]+|unknown)\)$' <<<"$("$PREFIX/bin/sluice" --version)" \
      || { echo "FAIL: sluice --version"; "$PREFIX/bin/sluice" --version; exit 1; }
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$SRC/examples/cpp" -B "$WORK/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_CXX_COMPILER="$CXX" >"$WORK/configure.log" 2>&1 \
      || { cat "$WORK/configure.log"; exit 1; }
    cmake --build "$WORK/build" -j2 >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
    "$WORK/build/dataframe_example" || { echo "FAIL: dataframe_example"; exit 1; }
    "$WORK/build/streaming_example" || { echo "FAIL: streaming_example"; exit 1; }
    echo "install examples: 3 passed, 0 failed"
    ;;
  *)
    echo "usage: $0 headers|examples <build dir> <source dir> <c++ compiler>"; exit 2 ;;
esac
