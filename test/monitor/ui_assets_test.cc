// The embedded web page (cmake/ui_assets.cmake): every file the page loads is there, byte for byte
// the file of the source tree, with a content type a browser accepts; unknown paths are nullptr.
#include "monitor/ui_assets.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::monitor {
namespace {

TEST(UiAssets, RootIsTheIndexPage) {
  const UiAsset* root = FindUiAsset("/");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root, FindUiAsset("/index.html"));
  EXPECT_EQ(root->content_type, "text/html; charset=utf-8");
  EXPECT_NE(root->body.find("<script src=\"/app.js\"></script>"), std::string_view::npos);
}

TEST(UiAssets, EveryFileThePageLoadsIsEmbedded) {
  const std::string_view index = FindUiAsset("/")->body;
  for (std::string_view path : {"/app.js", "/style.css", "/uplot.iife.min.js", "/uplot.min.css"}) {
    SCOPED_TRACE(std::string(path));
    EXPECT_NE(index.find(std::string("\"") + std::string(path) + "\""), std::string_view::npos);
    const UiAsset* a = FindUiAsset(path);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->path, path);
    EXPECT_GT(a->body.size(), 1000u);
  }
  EXPECT_EQ(FindUiAsset("/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(FindUiAsset("/uplot.min.css")->content_type, "text/css; charset=utf-8");
  // uPlot's minified file is embedded whole: it ends in its global's definition, not cut off.
  EXPECT_NE(FindUiAsset("/uplot.iife.min.js")->body.find("uPlot"), std::string_view::npos);
}

TEST(UiAssets, UnknownPathsAreNotFound) {
  for (std::string_view path : {"/nope.js", "/../CMakeLists.txt", "/app.js/", "app.js", "/APP.JS",
                                "/index.html?x=1", "//app.js", "/api/v1/streaming/queries"}) {
    SCOPED_TRACE(std::string(path));
    EXPECT_EQ(FindUiAsset(path), nullptr);
  }
}

}  // namespace
}  // namespace sluice::monitor
