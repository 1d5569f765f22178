// Batch reads of Kafka (spark.read.format("kafka"), KafkaRelation) against
// a real broker (one broker for the suite, a topic per test): earliest to
// latest with every column, JSON offsets with -2/-1, the offsets resolved
// again at every action, SQL's CREATE TABLE ... USING kafka, keys and
// headers, and the errors that need the broker (a start after the end, a
// JSON that leaves out a partition). Expected rows come from what the test
// produced: record i goes to partition i % n at offset i / n.
#include <gtest/gtest.h>

#include <algorithm>

#include "kafka_test_util.h"
#include "shared_broker_test.h"
#include "connectors/kafka/kafka_scan.h"

namespace sluice::kafka {
namespace {

using testing::Producer;

class KafkaBatchReadTest : public testing::SharedBrokerTest {
 protected:
  DataFrameReader Reader(const std::map<std::string, std::string>& opts) {
    DataFrameReader r = spark->read();
    r.format("kafka").option("kafka.bootstrap.servers", bootstrap());
    for (const auto& [k, v] : opts) r.option(k, v);
    return r;
  }
  // Rows of `df`, each "v1,v2,...", sorted.
  static std::vector<std::string> Collect(const DataFrame& df) { return SortedRows(df.collect()); }
  // "value,topic,partition,offset" of records i in [from, to) of `topic`
  // (sent round robin over `n` partitions), sorted; `keep` picks some.
  static std::vector<std::string> Expected(const std::string& topic, int from, int to, int n,
                                           const std::function<bool(int p, int o)>& keep = nullptr) {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) {
      if (keep && !keep(i % n, i / n)) continue;
      out.push_back(std::to_string(i) + "," + topic + "," + std::to_string(i % n) + "," + std::to_string(i / n));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static constexpr const char* kColumns[] = {"CAST(value AS STRING) AS v", "topic", "partition", "`offset`"};
  static DataFrame Select(const DataFrame& df) {
    return df.selectExpr({kColumns[0], kColumns[1], kColumns[2], kColumns[3]});
  }
};

TEST_F(KafkaBatchReadTest, EarliestToLatestByDefault) {
  ASSERT_TRUE(broker_->CreateTopic("br-all", 2).ok());
  Producer p(bootstrap());
  p.SendRange("br-all", 0, 10, 2);
  auto df = Reader({{"subscribe", "br-all"}}).load();
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto schema = df.schema();
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->ToString(), KafkaSourceSchema(false).ToString()) << "the streaming source's columns";
  EXPECT_EQ(Collect(Select(df)), Expected("br-all", 0, 10, 2));
  // The same with the defaults spelt out.
  auto explicit_df = Reader({{"subscribe", "br-all"}, {"startingOffsets", "earliest"}, {"endingOffsets", "latest"}});
  EXPECT_EQ(Collect(Select(explicit_df.load())), Expected("br-all", 0, 10, 2));
}

TEST_F(KafkaBatchReadTest, JsonOffsetsWithEarliestAndLatest) {
  ASSERT_TRUE(broker_->CreateTopic("br-json", 2).ok());
  Producer p(bootstrap());
  p.SendRange("br-json", 0, 20, 2);  // 10 per partition
  // Partition 0: [3, 7); partition 1: earliest (-2) to latest (-1).
  auto df = Reader({{"subscribe", "br-json"},
                    {"startingOffsets", R"({"br-json":{"0":3,"1":-2}})"},
                    {"endingOffsets", R"({"br-json":{"0":7,"1":-1}})"}})
                .load();
  EXPECT_EQ(Collect(Select(df)),
            Expected("br-json", 0, 20, 2, [](int part, int o) { return part == 1 || (o >= 3 && o < 7); }));
  // assign: only the partitions named.
  auto assigned = Reader({{"assign", R"({"br-json":[1]})"}, {"startingOffsets", R"({"br-json":{"1":8}})"}}).load();
  EXPECT_EQ(Collect(Select(assigned)),
            Expected("br-json", 0, 20, 2, [](int part, int o) { return part == 1 && o >= 8; }));
  // subscribePattern: every matching topic.
  auto pattern = Reader({{"subscribePattern", "br-j.*"}}).load();
  EXPECT_EQ(Collect(Select(pattern)), Expected("br-json", 0, 20, 2));
}

// As Spark, the offsets are resolved when the query runs, not at load().
TEST_F(KafkaBatchReadTest, OffsetsResolvedAtEveryAction) {
  ASSERT_TRUE(broker_->CreateTopic("br-again", 1).ok());
  Producer p(bootstrap());
  p.SendRange("br-again", 0, 5, 1);
  auto df = Reader({{"subscribe", "br-again"}}).load();
  auto n = df.count();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 5);
  p.SendRange("br-again", 5, 12, 1);
  n = df.count();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 12);
}

TEST_F(KafkaBatchReadTest, SqlCreateTableUsingKafka) {
  ASSERT_TRUE(broker_->CreateTopic("br-sql", 3).ok());
  Producer p(bootstrap());
  p.SendRange("br-sql", 0, 9, 3);
  auto st = spark->Sql("CREATE TABLE ksql USING kafka OPTIONS (kafka.bootstrap.servers '" + bootstrap() +
                       "', subscribe 'br-sql', endingOffsets '{\"br-sql\":{\"0\":2,\"1\":-1,\"2\":1}}')");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  // Partition 0: offsets 0, 1 (records 0, 3); 1: all (1, 4, 7); 2: offset 0 (record 2).
  EXPECT_EQ(Rows("SELECT CAST(value AS STRING), partition FROM ksql"),
            (std::vector<std::string>{"0,0", "1,1", "2,2", "3,0", "4,1", "7,1"}));
  auto bad = spark->Sql("CREATE TABLE kpath USING kafka OPTIONS (kafka.bootstrap.servers '" + bootstrap() +
                        "', subscribe 'br-sql') LOCATION '/tmp/x'");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("table format 'kafka' reads topics, not a path"), std::string::npos)
      << bad.status().ToString();
}

TEST_F(KafkaBatchReadTest, KeysAndHeaders) {
  ASSERT_TRUE(broker_->CreateTopic("br-hdr", 1).ok());
  Producer p(bootstrap());
  p.Send("br-hdr", {0, "v0", "k0", 0, {{"h", "x"}}});
  p.Send("br-hdr", {0, "v1", "k1", 0, {{"h", "y"}, {"g", "z"}}});
  p.Flush();
  auto df = Reader({{"subscribe", "br-hdr"}, {"includeHeaders", "true"}})
                .load()
                .selectExpr({"CAST(key AS STRING) AS k", "CAST(value AS STRING) AS v", "size(headers) AS n",
                             "headers[0].key AS h0", "CAST(headers[0].value AS STRING) AS v0"});
  EXPECT_EQ(Collect(df), (std::vector<std::string>{"k0,v0,1,h,x", "k1,v1,2,h,y"}));
}

TEST_F(KafkaBatchReadTest, ErrorsFoundAtTheBroker) {
  ASSERT_TRUE(broker_->CreateTopic("br-err", 2).ok());
  Producer p(bootstrap());
  p.SendRange("br-err", 0, 10, 2);
  auto after = Reader({{"subscribe", "br-err"},
                       {"startingOffsets", R"({"br-err":{"0":4,"1":0}})"},
                       {"endingOffsets", R"({"br-err":{"0":2,"1":-1}})"}})
                   .load()
                   .collect();
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().ToString().find(
                "Beginning offset 4 is after the ending offset 2 for topic br-err partition 0"),
            std::string::npos)
      << after.status().ToString();
  auto missing = Reader({{"subscribe", "br-err"}, {"startingOffsets", R"({"br-err":{"0":0}})"}}).load().collect();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().ToString().find("If startingOffsets contains specific offsets, you must specify all "
                                             "TopicPartitions. Use -1 for latest, -2 for earliest. Differences: "
                                             "br-err-1"),
            std::string::npos)
      << missing.status().ToString();
}

// Records deleted (DeleteRecords) below a JSON startingOffsets: with
// failOnDataLoss true the read fails naming the offset and partition; with
// false the gone ones are skipped and the rest read.
TEST_F(KafkaBatchReadTest, DeletedRecordsAreDataLoss) {
  ASSERT_TRUE(broker_->CreateTopic("br-lost", 1).ok());
  Producer p(bootstrap());
  p.SendRange("br-lost", 0, 10, 1);
  testing::DeleteRecordsBefore(bootstrap(), "br-lost", 0, 4);
  std::map<std::string, std::string> opts = {{"subscribe", "br-lost"},
                                             {"startingOffsets", R"({"br-lost":{"0":1}})"}};
  auto failed = Reader(opts).load().collect();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().ToString().find(
                "Kafka data loss: cannot read offsets [1, 4) of topic 'br-lost' partition 0: the earliest available "
                "offset is 4"),
            std::string::npos)
      << failed.status().ToString();
  opts["failOnDataLoss"] = "false";
  EXPECT_EQ(Collect(Select(Reader(opts).load())), Expected("br-lost", 4, 10, 1));
}

// from_json over the value is parsed in the scan (KafkaRelation hands the
// parse to the KafkaBatchTable of every scan), as in the streaming source.
TEST_F(KafkaBatchReadTest, JsonValueParsedInTheScan) {
  ASSERT_TRUE(broker_->CreateTopic("br-fj", 1).ok());
  Producer p(bootstrap());
  p.Send("br-fj", {0, R"({"id":1,"name":"a"})"});
  p.Send("br-fj", {0, "not json"});
  p.Send("br-fj", {0, R"({"id":3,"name":"c"})"});
  p.Flush();
  auto df = Reader({{"subscribe", "br-fj"}})
                .load()
                .selectExpr({"from_json(CAST(value AS STRING), 'id INT, name STRING') AS d", "`offset`"})
                .selectExpr({"d.id", "d.name", "`offset`"});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto plan = df.explain();
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(plan->find("json=[value as STRUCT<id: INT, name: STRING> PERMISSIVE]"), std::string::npos) << *plan;
  EXPECT_EQ(Collect(df), (std::vector<std::string>{"1,a,0", "3,c,2", "NULL,NULL,1"}));
}

}  // namespace
}  // namespace sluice::kafka
