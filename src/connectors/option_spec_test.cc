#include "connectors/option_spec.h"

#include <gtest/gtest.h>

#include "connectors/connector_registry.h"

namespace sluice {
namespace {

OptionSet Sample() {
  OptionSet set;
  set.Add(OptionSpec::String("path", "", "where").Required())
      .Add(OptionSpec::Int("maxFilesPerTrigger", "", 1, 100, "files per batch"))
      .Add(OptionSpec::Enum("mode", "PERMISSIVE", {"PERMISSIVE", "FAILFAST"}, "malformed records"))
      .Add(OptionSpec::Bool("header", "false", "first line"))
      .Add(OptionSpec::Char("sep", ",", "separator").Alias("delimiter"))
      .Add(OptionSpec::Prefix("kafka.", "to librdkafka"))
      .Unsupported("latestFirst", "files are taken oldest first");
  return set;
}

Status Check(std::map<std::string, std::string> options) {
  options.emplace("path", "/x");
  return ValidateOptions(Sample(), options, "source 'json'");
}

TEST(OptionSpecTest, KnownOptionsPassInAnyCase) {
  EXPECT_TRUE(Check({{"MAXFILESPERTRIGGER", "3"}, {"Mode", "failfast"}, {"header", "TRUE"}}).ok());
  EXPECT_TRUE(Check({{"delimiter", "\\t"}, {"kafka.bootstrap.servers", "h:1"}}).ok());
}

TEST(OptionSpecTest, UnknownOptionNamesTheClosestAndTheValidOnes) {
  Status st = Check({{"maxFilePerTrigger", "1"}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("unknown option 'maxFilePerTrigger' for source 'json'; did you mean "
                              "'maxFilesPerTrigger'?"),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("valid options: path, maxFilesPerTrigger, mode, header, sep, kafka.*"),
            std::string::npos)
      << st.message();
  st = Check({{"mdoe", "FAILFAST"}});
  EXPECT_NE(st.message().find("did you mean 'mode'?"), std::string::npos) << st.message();
  // Nothing close: no suggestion.
  st = Check({{"compressionCodec", "gzip"}});
  EXPECT_NE(st.message().find("unknown option 'compressionCodec'"), std::string::npos);
  EXPECT_EQ(st.message().find("did you mean"), std::string::npos) << st.message();
  // "kafka." alone is not under the prefix.
  EXPECT_FALSE(Check({{"kafka.", "x"}}).ok());
}

TEST(OptionSpecTest, BadValuesNameTheOptionAndTheValue) {
  Status st = Check({{"maxFilesPerTrigger", "0"}});
  EXPECT_EQ(st.message(), "option 'maxFilesPerTrigger' of source 'json' must be an integer in 1..100, got '0'");
  st = Check({{"maxFilesPerTrigger", "99999999999999999999"}});
  EXPECT_NE(st.message().find("too large"), std::string::npos) << st.message();
  st = Check({{"maxFilesPerTrigger", "3x"}});
  EXPECT_NE(st.message().find("got '3x'"), std::string::npos) << st.message();
  st = Check({{"mode", "STRICT"}});
  EXPECT_EQ(st.message(), "option 'mode' of source 'json' must be one of PERMISSIVE | FAILFAST, got 'STRICT'");
  st = Check({{"header", "yes"}});
  EXPECT_EQ(st.message(), "option 'header' of source 'json' must be true or false, got 'yes'");
  EXPECT_FALSE(Check({{"sep", "ab"}}).ok());
}

TEST(OptionSpecTest, UnsupportedSparkOptionSaysSo) {
  Status st = Check({{"latestFirst", "true"}});
  EXPECT_EQ(st.message(),
            "option 'latestFirst' of source 'json' is not supported by Sluice: files are taken oldest first");
}

TEST(OptionSpecTest, RequiredOptionMissing) {
  Status st = ValidateOptions(Sample(), {}, "source 'json'");
  EXPECT_EQ(st.message(), "source 'json' needs option 'path' (where)");
}

TEST(OptionSpecTest, ClosestNameIsOnlyALikelyMisspelling) {
  EXPECT_EQ(ClosestName("rowPerSecond", {"rowsPerSecond", "numPartitions"}), "rowsPerSecond");
  EXPECT_EQ(ClosestName("numRow", {"numRows", "truncate"}), "numRows");
  EXPECT_EQ(ClosestName("xyz", {"numRows", "truncate"}), "");
}

TEST(ConnectorRegistryTest, FindsByNameAndKindAndSuggests) {
  ConnectorRegistry r;
  ConnectorSpec src;
  src.name = "rate";
  src.kind = ConnectorKind::kSource;
  ASSERT_TRUE(r.Register(src).ok());
  EXPECT_FALSE(r.Register(src).ok());  // twice
  EXPECT_NE(r.Find(ConnectorKind::kSource, "RATE"), nullptr);
  EXPECT_EQ(r.Find(ConnectorKind::kSink, "rate"), nullptr);
  auto missing = r.Get(ConnectorKind::kSource, "rtae");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "unknown streaming source format 'rtae'; did you mean 'rate'? (known: rate)");
}

// Table cells holding '|' are escaped (and the rendering terminates).
TEST(ConnectorRegistryTest, MarkdownEscapesPipes) {
  ConnectorRegistry r;
  ConnectorSpec sink;
  sink.name = "s";
  sink.kind = ConnectorKind::kSink;
  sink.description = "a sink";
  sink.output_modes = {OutputMode::kAppend};
  sink.options.Add(OptionSpec::Enum("m", "a", {"a", "b"}, "x | y"));
  ASSERT_TRUE(r.Register(sink).ok());
  std::string md = DescribeConnectorsMarkdown(r);
  EXPECT_NE(md.find("| `m` | enum | a | a \\| b | x \\| y |"), std::string::npos) << md;
  EXPECT_NE(md.find("Output modes: append."), std::string::npos) << md;
}

}  // namespace
}  // namespace sluice
