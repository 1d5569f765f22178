// The embedded web page (issue 16). The files under src/monitor/ui/ are
// compiled into the binary at build time; the server looks them up here and
// never reads the file system for them, so a request path cannot escape.
#pragma once

#include <string_view>

namespace sluice::monitor {

struct UiAsset {
  std::string_view path;          // URL path, e.g. "/app.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;
};

// The embedded web page's files by URL path ("/" -> index.html, "/app.js",
// "/uplot.min.js", ...); nullptr when there is no such file (a 404).
// Never touches the file system.
const UiAsset* FindUiAsset(std::string_view path);

}  // namespace sluice::monitor
