// The Kafka batch table without a broker: every option error is found when
// the table is made, before anything connects (the bootstrap server named
// here does not exist).
#include "connectors/kafka/kafka_relation.h"

#include <gtest/gtest.h>

namespace sluice::kafka {
namespace {

// MakeTable through a registry holding only the kafka table, as load() does.
Status Make(std::map<std::string, std::string> options, std::vector<std::string> paths = {},
            std::optional<Schema> schema = std::nullopt) {
  ConnectorRegistry registry;
  EXPECT_TRUE(registry.Register(KafkaRelation::Spec()).ok());
  options["kafka.bootstrap.servers"] = "127.0.0.1:1";
  return registry.MakeTable("kafka", options, std::move(paths), std::move(schema)).status();
}

void ExpectError(const Status& st, const std::string& text) {
  ASSERT_FALSE(st.ok()) << "expected an error holding: " << text;
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.ToString().find(text), std::string::npos) << st.ToString();
}

TEST(KafkaRelationTest, ValidOptionsMakeATableWithoutConnecting) {
  EXPECT_TRUE(Make({{"subscribe", "t"}}).ok());
  EXPECT_TRUE(Make({{"subscribe", "t"}, {"startingOffsets", "earliest"}, {"endingOffsets", "latest"}}).ok());
  EXPECT_TRUE(Make({{"assign", R"({"t":[0,1]})"},
                    {"startingOffsets", R"({"t":{"0":5,"1":-2}})"},
                    {"endingOffsets", R"({"t":{"0":9,"1":-1}})"}})
                  .ok());
}

TEST(KafkaRelationTest, LatestStartAndEarliestEndAreRefusedInSparksWords) {
  ExpectError(Make({{"subscribe", "t"}, {"startingOffsets", "latest"}}),
              "starting offset can't be latest for batch queries on Kafka");
  ExpectError(Make({{"subscribe", "t"}, {"startingOffsets", "LATEST"}}),
              "starting offset can't be latest for batch queries on Kafka");
  ExpectError(Make({{"subscribe", "t"}, {"startingOffsets", R"({"t":{"0":0,"1":-1}})"}}),
              "startingOffsets for t-1 can't be latest for batch queries on Kafka");
  ExpectError(Make({{"subscribe", "t"}, {"endingOffsets", "earliest"}}),
              "ending offset can't be earliest for batch queries on Kafka");
  ExpectError(Make({{"subscribe", "t"}, {"endingOffsets", R"({"t":{"0":-2}})"}}),
              "ending offset for t-0 can't be earliest for batch queries on Kafka");
}

TEST(KafkaRelationTest, BadJsonOffsetsNameTheOption) {
  ExpectError(Make({{"subscribe", "t"}, {"startingOffsets", R"({"t":{"0":)"}}), "option 'startingOffsets'");
  ExpectError(Make({{"subscribe", "t"}, {"endingOffsets", "soon"}}), "option 'endingOffsets'");
}

TEST(KafkaRelationTest, StreamingOnlyAndUnknownOptionsAreRefused) {
  ExpectError(Make({{"subscribe", "t"}, {"maxOffsetsPerTrigger", "10"}}), "maxOffsetsPerTrigger is a streaming option");
  ExpectError(Make({{"subscribe", "t"}, {"minOffsetsPerTrigger", "10"}}), "minOffsetsPerTrigger is a streaming option");
  ExpectError(Make({{"subscribe", "t"}, {"maxTriggerDelay", "5m"}}), "maxTriggerDelay is a streaming option");
  ExpectError(Make({{"subscribe", "t"}, {"startingOffset", "earliest"}}),
              "unknown option 'startingOffset' for table format 'kafka'; did you mean 'startingOffsets'?");
}

TEST(KafkaRelationTest, SubscriptionPathAndSchemaErrors) {
  ExpectError(Make({}), "One of the options 'subscribe', 'subscribePattern' or 'assign' must be specified");
  ExpectError(Make({{"subscribe", "a"}, {"assign", R"({"a":[0]})"}}), "exactly one; got 2");
  ExpectError(Make({{"subscribe", "t"}}, {"/data/x"}), "table format 'kafka' reads topics, not a path ('/data/x')");
  ExpectError(Make({{"subscribe", "t"}}, {}, Schema({{"a", DataType::Int(), true}})),
              "table format 'kafka' has a fixed schema");
}

}  // namespace
}  // namespace sluice::kafka
