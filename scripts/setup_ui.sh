#!/usr/bin/env bash
# Fetches the web page's third-party files (uPlot, pinned) from the npm registry into .deps/ui/
# (git-ignored). CMake embeds them into the sluice binary (cmake/ui_assets.cmake), so nothing is
# loaded from outside at run time. Idempotent: a present, matching copy is not fetched again.
set -euo pipefail

UPLOT_VERSION=1.6.32
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.deps/ui"
stamp="$dest/uplot.version"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$UPLOT_VERSION" && -f "$dest/uplot.iife.min.js" && -f "$dest/uplot.min.css" ]]; then
  echo "setup_ui: uPlot $UPLOT_VERSION present"
  exit 0
fi
if ! command -v npm >/dev/null; then
  # Debian's npm (a machine whose Node.js comes with its own npm already has one).
  echo "setup_ui: installing npm"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "uplot@$UPLOT_VERSION" >/dev/null)
tar -xzf "$tmp/uplot-$UPLOT_VERSION.tgz" -C "$tmp"
mkdir -p "$dest"
cp "$tmp/package/dist/uPlot.iife.min.js" "$dest/uplot.iife.min.js"
cp "$tmp/package/dist/uPlot.min.css" "$dest/uplot.min.css"
cp "$tmp/package/LICENSE" "$dest/uplot.LICENSE"
echo "$UPLOT_VERSION" >"$stamp"
echo "setup_ui: uPlot $UPLOT_VERSION in $dest"
