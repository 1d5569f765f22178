#pragma once

#include <string_view>

namespace sluice::monitor {

struct UiAsset {
  std::string_view path;
  std::string_view content_type;
  std::string_view body;
};

// The embedded web page's files by URL path ("/" -> index.html, "/app.js", "/uplot.min.js", ...);
// nullptr when there is no such file (a 404). Never touches the file system.
const UiAsset* FindUiAsset(std::string_view path);

}  // namespace sluice::monitor
