#include "monitor/monitor_server.h"

#include <gtest/gtest.h>

#include "monitor/ui_assets.h"

namespace sluice::monitor {
namespace {

TEST(KafkaLagTest, PerPartitionLatestMinusEnd) {
  auto lag = KafkaLag(R"({"t":{"0":10,"1":5},"u":{"0":0}})", R"({"t":{"0":15,"1":5},"u":{"0":7}})");
  ASSERT_EQ(lag.size(), 3u);
  EXPECT_EQ(lag[0].topic, "t");
  EXPECT_EQ(lag[0].partition, "0");
  EXPECT_EQ(lag[0].lag, 5);
  EXPECT_EQ(lag[1].lag, 0);
  EXPECT_EQ(lag[2].topic, "u");
  EXPECT_EQ(lag[2].lag, 7);
}

TEST(KafkaLagTest, OtherShapesGiveNothing) {
  EXPECT_TRUE(KafkaLag("null", R"({"t":{"0":1}})").empty());
  EXPECT_TRUE(KafkaLag("5", "7").empty());  // rate source offsets
  EXPECT_TRUE(KafkaLag(R"({"t":{"0":1})", R"({"t":{"0":2}})").empty());  // truncated
  EXPECT_TRUE(KafkaLag(R"({"t":[1]})", R"({"t":[2]})").empty());
  // A partition missing from the end offsets is not reported.
  EXPECT_EQ(KafkaLag(R"({"t":{"0":1}})", R"({"t":{"0":2,"1":9}})").size(), 1u);
}

TEST(ParseIsoMillisTest, Forms) {
  EXPECT_EQ(ParseIsoMillis("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(ParseIsoMillis("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(ParseIsoMillis("2024-05-01T12:00:00.000Z"), 1714564800000LL);
  EXPECT_FALSE(ParseIsoMillis("2024-05-01 12:00:00"));
  EXPECT_FALSE(ParseIsoMillis(""));
  EXPECT_FALSE(ParseIsoMillis("2024-05-01T12:00:00.000+01:00"));
}

TEST(MonitorServerTest, WithoutQueries) {
  MonitorServer::Options o;
  o.version = "v";
  o.environment = {{"kafka.sasl.password", "hunter2"}, {"plain", "x"}};
  MonitorServer s(nullptr, o);
  EXPECT_EQ(s.QueriesJson(), "[]");
  EXPECT_FALSE(s.ProgressJson("nope", 0));
  EXPECT_FALSE(s.PlanJson("nope"));
  std::string env = s.EnvironmentJson();
  EXPECT_EQ(env.find("hunter2"), std::string::npos) << env;
  EXPECT_NE(env.find("\"plain\":\"x\""), std::string::npos) << env;
  std::string metrics = s.MetricsText();
  EXPECT_NE(metrics.find("# TYPE sluice_process_cpu_seconds_total counter"), std::string::npos) << metrics;
}

TEST(UiAssetsTest, IndexAndMissing) {
  ASSERT_NE(FindUiAsset("/"), nullptr);
  EXPECT_NE(FindUiAsset("/")->body.find("<html"), std::string_view::npos);
  EXPECT_EQ(FindUiAsset("/../etc/passwd"), nullptr);
  EXPECT_EQ(FindUiAsset("/no-such-file"), nullptr);
}

}  // namespace
}  // namespace sluice::monitor
