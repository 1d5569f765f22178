// Placeholder for the generated ui_assets.cc (helper W's page replaces this):
// one page that says where the data is, so the server can be tested alone.
#include "monitor/ui_assets.h"

namespace sluice::monitor {

namespace {
constexpr std::string_view kIndex =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sluice</title></head>"
    "<body><h1>Sluice</h1><p>The web page is not built into this binary. "
    "See <a href=\"api/v1/streaming/queries\">api/v1/streaming/queries</a> and "
    "<a href=\"metrics\">metrics</a>.</p></body></html>\n";
const UiAsset kAssets[] = {
    {"/index.html", "text/html; charset=utf-8", kIndex},
};
}  // namespace

const UiAsset* FindUiAsset(std::string_view path) {
  if (path == "/" || path.empty()) path = "/index.html";
  for (const UiAsset& a : kAssets) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

}  // namespace sluice::monitor
