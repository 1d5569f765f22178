// JSON values parsed in the Kafka scan, against a real broker (one broker
// for the suite, a topic per test): from_json(CAST(value AS STRING), ...)
// directly over the source is handed to the scan (plan/json_pushdown.h),
// which applies from_json's mode per record: PERMISSIVE, DROPMALFORMED,
// FAILFAST (naming topic, partition and offset), and the source option
// deadLetterTopic (malformed records copied there with where they came
// from). Expected rows are worked out from the records the test produces.
#include <gtest/gtest.h>

#include <algorithm>

#include "kafka_test_util.h"
#include "shared_broker_test.h"

namespace sluice::kafka {
namespace {

using testing::Producer;

class KafkaJsonValueTest : public testing::SharedBrokerTest {
 protected:
  // Five records on partition 0 of a new topic: offsets 2 (not JSON) and 3
  // (id is not an INT) are malformed for the schema 'id INT, name STRING'.
  void ProduceSample(const std::string& topic) {
    ASSERT_TRUE(broker_->CreateTopic(topic, 1).ok());
    Producer p(bootstrap());
    p.Send(topic, {0, R"({"id":1,"name":"a","extra":[1,2]})", "k0"});
    p.Send(topic, {0, R"({"name":"b","id":2})", "k1"});
    p.Send(topic, {0, "not json {", "k2", 0, {{"trace", "t2"}}});
    p.Send(topic, {0, R"({"id":"x","name":"c"})", "k3"});
    p.Send(topic, {0, R"({"id":5,"name":"e"})", "k4"});
    p.Flush();
  }

  // offset, data.id, data.name (or `columns`) of `topic` with from_json
  // `options` ("" for none), into memory table `name`; runs until the topic
  // is read.
  Result<StreamingQuery> Run(const std::string& topic, const std::string& options, const std::string& name,
                             const std::map<std::string, std::string>& source_opts = {},
                             const std::vector<std::string>& columns = {"offset", "data.id", "data.name"}) {
    DataStreamReader r = spark->readStream();
    r.format("kafka").option("kafka.bootstrap.servers", bootstrap()).option("subscribe", topic)
        .option("startingOffsets", "earliest");
    for (const auto& [k, v] : source_opts) r.option(k, v);
    std::string parse = "from_json(CAST(value AS STRING), 'id INT, name STRING'" +
                        (options.empty() ? std::string() : ", " + options) + ") AS data";
    auto df = r.load().selectExpr({parse, "offset"}).selectExpr(columns);
    SLUICE_RETURN_NOT_OK(df.status());
    SLUICE_ASSIGN_OR_RETURN(auto q, df.writeStream().format("memory").queryName(name).outputMode("append")
                                        .option("checkpointLocation", dir.path() + "/ck-" + name).start());
    SLUICE_RETURN_NOT_OK(q.processAllAvailable());
    return q;
  }

  static int64_t SumInputRows(const StreamingQuery& q) {
    int64_t n = 0;
    for (const auto& p : q.recentProgress()) n += p.sources[0].numInputRows;
    return n;
  }

  static int64_t SumMetric(const StreamingQuery& q, const std::string& key) {
    int64_t n = 0;
    for (const auto& p : q.recentProgress()) {
      auto it = p.sources[0].metrics.find(key);
      if (it != p.sources[0].metrics.end()) n += std::stoll(it->second);
    }
    return n;
  }
};

TEST_F(KafkaJsonValueTest, PermissiveKeepsEveryRecord) {
  ProduceSample("json-perm");
  auto q = Run("json-perm", "", "perm");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  // Not JSON: every field is NULL; id of the wrong type: that field.
  EXPECT_EQ(Rows("SELECT * FROM perm"),
            (std::vector<std::string>{"0,1,a", "1,2,b", "2,NULL,NULL", "3,NULL,c", "4,5,e"}));
  // As from_json outside the scan (Spark 4): not JSON is a struct of NULL
  // fields, not a NULL struct.
  auto whole = Run("json-perm", "", "perm_whole", {}, {"offset", "data IS NULL AS whole_null"});
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_NE(whole->explain().find("PERMISSIVE]"), std::string::npos) << whole->explain();
  EXPECT_EQ(Rows("SELECT * FROM perm_whole"),
            (std::vector<std::string>{"0,false", "1,false", "2,false", "3,false", "4,false"}));
  ASSERT_TRUE(whole->stop().ok());
  // Counted by the scan's parse: the from_json was handed to the scan.
  EXPECT_EQ(SumMetric(*q, "numMalformedRecords"), 2);
  EXPECT_NE(q->explain().find("json=[value as STRUCT<id: INT, name: STRING> PERMISSIVE]"), std::string::npos)
      << q->explain();
  ASSERT_TRUE(q->stop().ok());
}

TEST_F(KafkaJsonValueTest, DropMalformedDropsTheRecord) {
  ProduceSample("json-drop");
  auto q = Run("json-drop", "map('mode', 'DROPMALFORMED')", "dropped");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(Rows("SELECT * FROM dropped"), (std::vector<std::string>{"0,1,a", "1,2,b", "4,5,e"}));
  EXPECT_EQ(SumMetric(*q, "numMalformedRecords"), 2);
  // numInputRows counts the records read from Kafka, dropped ones too.
  EXPECT_EQ(SumInputRows(*q), 5);
  ASSERT_TRUE(q->stop().ok());
}

TEST_F(KafkaJsonValueTest, FailFastNamesTopicPartitionAndOffset) {
  ProduceSample("json-fail");
  auto q = Run("json-fail", "map('mode', 'FAILFAST')", "fail");
  ASSERT_FALSE(q.ok());
  std::string e = q.status().ToString();
  EXPECT_NE(e.find("[MALFORMED_RECORD_IN_PARSING]"), std::string::npos) << e;
  EXPECT_NE(e.find("topic 'json-fail' partition 0 offset 2"), std::string::npos) << e;
  EXPECT_NE(e.find("not json {"), std::string::npos) << e;
  EXPECT_NE(e.find("FAILFAST"), std::string::npos) << e;
}

TEST_F(KafkaJsonValueTest, DeadLetterTopicKeepsTheRawRecordAndWhereItCameFrom) {
  ProduceSample("json-dlq");
  ASSERT_TRUE(broker_->CreateTopic("json-dlq-dead", 1).ok());
  auto q = Run("json-dlq", "map('mode', 'DROPMALFORMED')", "dlq", {{"deadLetterTopic", "json-dlq-dead"}});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(Rows("SELECT * FROM dlq"), (std::vector<std::string>{"0,1,a", "1,2,b", "4,5,e"}));
  EXPECT_EQ(SumMetric(*q, "numDeadLetterRecords"), 2);
  ASSERT_TRUE(q->stop().ok());
  auto dead = testing::ReadTopic(bootstrap(), "json-dlq-dead");
  ASSERT_EQ(dead.size(), 2u);
  std::sort(dead.begin(), dead.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  auto header = [](const testing::ReadRecord& r, const std::string& k) {
    for (const auto& [hk, hv] : r.headers) {
      if (hk == k) return hv;
    }
    return std::string("<missing>");
  };
  EXPECT_EQ(dead[0].key, "k2");
  EXPECT_EQ(dead[0].value, "not json {");
  EXPECT_EQ(header(dead[0], "trace"), "t2");  // the record's own headers are kept
  EXPECT_EQ(header(dead[0], "sluice.source.topic"), "json-dlq");
  EXPECT_EQ(header(dead[0], "sluice.source.partition"), "0");
  EXPECT_EQ(header(dead[0], "sluice.source.offset"), "2");
  EXPECT_EQ(dead[1].key, "k3");
  EXPECT_EQ(dead[1].value, R"({"id":"x","name":"c"})");
  EXPECT_EQ(header(dead[1], "sluice.source.offset"), "3");
  EXPECT_NE(header(dead[1], "sluice.error").find("field 'id'"), std::string::npos) << header(dead[1], "sluice.error");
}

// A filter `data.t IN ('view', '5')` on the parsed value: records that hold
// neither text and no backslash cannot pass, and are not parsed at all
// (counted in numPrefilteredRecords, numInputRows still counts them). An
// escaped "vi\u0065w" and a number read as STRING still pass; a dead-letter
// topic or FAILFAST turns the prefilter off, since every malformed record
// must be found.
TEST_F(KafkaJsonValueTest, RecordsThatCannotPassTheFilterAreNotParsed) {
  ASSERT_TRUE(broker_->CreateTopic("json-pre", 1).ok());
  ASSERT_TRUE(broker_->CreateTopic("json-pre-dead", 1).ok());
  {
    Producer p(bootstrap());
    p.Send("json-pre", {0, R"({"t":"view","n":1})"});
    p.Send("json-pre", {0, R"({"t":"click","n":2})"});             // no text: not parsed
    p.Send("json-pre", {0, R"({"t":"vi\u0065w","n":3})"});         // escaped: parsed, passes
    p.Send("json-pre", {0, R"({"t":"x","note":"view","n":4})"});   // holds a text: parsed, filtered out
    p.Send("json-pre", {0, "not json"});                           // no text: not parsed, not counted malformed
    p.Send("json-pre", {0, R"({"t":5,"n":6})"});                   // the number 5 read as STRING: passes
    p.Send("json-pre", {0, R"({"t":"view")"});                     // holds a text: parsed, malformed
    p.Flush();
  }
  auto run = [&](const std::string& name, const std::string& mode,
                 const std::map<std::string, std::string>& opts) -> Result<StreamingQuery> {
    DataStreamReader r = spark->readStream();
    r.format("kafka").option("kafka.bootstrap.servers", bootstrap()).option("subscribe", "json-pre")
        .option("startingOffsets", "earliest");
    for (const auto& [k, v] : opts) r.option(k, v);
    auto df = r.load()
                  .selectExpr({"from_json(CAST(value AS STRING), 't STRING, n INT', map('mode', '" + mode + "')) AS data",
                               "offset"})
                  .filter("data.t IN ('view', '5')")
                  .selectExpr({"offset", "data.n"});
    SLUICE_RETURN_NOT_OK(df.status());
    SLUICE_ASSIGN_OR_RETURN(auto q, df.writeStream().format("memory").queryName(name).outputMode("append")
                                        .option("checkpointLocation", dir.path() + "/ck-" + name).start());
    SLUICE_RETURN_NOT_OK(q.processAllAvailable());
    return q;
  };
  auto q = run("pre", "PERMISSIVE", {});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(Rows("SELECT * FROM pre"), (std::vector<std::string>{"0,1", "2,3", "5,6"}));
  EXPECT_EQ(SumMetric(*q, "numPrefilteredRecords"), 2);  // offsets 1 and 4
  EXPECT_EQ(SumMetric(*q, "numMalformedRecords"), 1);    // offset 6 only
  EXPECT_EQ(SumInputRows(*q), 7);
  EXPECT_NE(q->explain().find("prefilter=[from_json(value) holds 'view' | '5']"), std::string::npos) << q->explain();
  ASSERT_TRUE(q->stop().ok());

  auto dlq = run("pre_dlq", "DROPMALFORMED", {{"deadLetterTopic", "json-pre-dead"}});
  ASSERT_TRUE(dlq.ok()) << dlq.status().ToString();
  EXPECT_EQ(Rows("SELECT * FROM pre_dlq"), (std::vector<std::string>{"0,1", "2,3", "5,6"}));
  EXPECT_EQ(SumMetric(*dlq, "numPrefilteredRecords"), 0);
  EXPECT_EQ(SumMetric(*dlq, "numMalformedRecords"), 2);  // offsets 4 and 6
  EXPECT_EQ(dlq->explain().find("prefilter="), std::string::npos) << dlq->explain();
  ASSERT_TRUE(dlq->stop().ok());
  // The source option turns it off: same rows, every record parsed.
  auto off = run("pre_off", "PERMISSIVE", {{"jsonPrefilter", "false"}});
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(Rows("SELECT * FROM pre_off"), (std::vector<std::string>{"0,1", "2,3", "5,6"}));
  EXPECT_EQ(SumMetric(*off, "numPrefilteredRecords"), 0);
  EXPECT_EQ(SumMetric(*off, "numMalformedRecords"), 2);
  ASSERT_TRUE(off->stop().ok());

  // FAILFAST parses every record too: it stops at the first malformed one,
  // which the prefilter would have skipped.
  auto ff = run("pre_ff", "FAILFAST", {});
  ASSERT_FALSE(ff.ok());
  EXPECT_NE(ff.status().ToString().find("partition 0 offset 4"), std::string::npos) << ff.status().ToString();

  auto dead = testing::ReadTopic(bootstrap(), "json-pre-dead");
  std::vector<std::string> values;
  for (const auto& d : dead) values.push_back(d.value);
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<std::string>{"not json", R"({"t":"view")"}));
}

TEST_F(KafkaJsonValueTest, DeadLetterTopicNeedsAParseThatGoesOn) {
  ProduceSample("json-dlq-bad");
  auto failfast = Run("json-dlq-bad", "map('mode', 'FAILFAST')", "dlq_ff", {{"deadLetterTopic", "x"}});
  ASSERT_FALSE(failfast.ok());
  EXPECT_NE(failfast.status().ToString().find("FAILFAST"), std::string::npos) << failfast.status().ToString();
  // No from_json over the source: nothing could ever be dead-lettered.
  DataStreamReader r = spark->readStream();
  r.format("kafka").option("kafka.bootstrap.servers", bootstrap()).option("subscribe", "json-dlq-bad")
      .option("startingOffsets", "earliest").option("deadLetterTopic", "x");
  auto q = r.load().selectExpr({"CAST(value AS STRING) AS v"}).writeStream().format("memory").queryName("dlq_raw")
               .option("checkpointLocation", dir.path() + "/ck-dlq-raw").start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  Status st = q->processAllAvailable();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("deadLetterTopic 'x'"), std::string::npos) << st.ToString();
}

TEST_F(KafkaJsonValueTest, StreamingAggregationOverParsedValuesKeepsItsState) {
  // The aggregate's scan is a table derived by the parse (WithJsonColumn):
  // the runner must still see it as the streaming aggregate, with state
  // across batches (complete mode shows running counts).
  ASSERT_TRUE(broker_->CreateTopic("json-agg", 1).ok());
  Producer p(bootstrap());
  for (const char* k : {"a", "b", "a", "a", "b", "a"}) p.Send("json-agg", {0, std::string(R"({"k":")") + k + "\"}"});
  p.Flush();
  DataStreamReader r = spark->readStream();
  r.format("kafka").option("kafka.bootstrap.servers", bootstrap()).option("subscribe", "json-agg")
      .option("startingOffsets", "earliest").option("maxOffsetsPerTrigger", "2");
  auto df = r.load().selectExpr({"from_json(CAST(value AS STRING), 'k STRING') AS data"})
                .selectExpr({"data.k AS k"}).groupBy({"k"}).count();
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto q = df.writeStream().format("memory").queryName("agg").outputMode("complete")
               .option("checkpointLocation", dir.path() + "/ck-agg").start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_GE(q->recentProgress().size(), 3u);  // 6 offsets, 2 per batch
  EXPECT_EQ(Rows("SELECT * FROM agg"), (std::vector<std::string>{"a,4", "b,2"}));
  ASSERT_TRUE(q->stop().ok());
}

// Views over views of the parsed struct (the Nexmark layout): the Projects
// are merged down to the scan, which parses only the nested fields read
// (b.a and b.p, and t for the filter), and the rows are those of the
// records: a field of the wrong type that is read is NULL, one that is not
// read changes nothing.
TEST_F(KafkaJsonValueTest, NestedFieldsReadThroughViewsAreTheOnlyOnesParsed) {
  const std::string topic = "json-nested";
  ASSERT_TRUE(broker_->CreateTopic(topic, 1).ok());
  Producer p(bootstrap());
  p.Send(topic, {0, R"({"t":2,"b":{"a":10,"p":5,"u":"x","n":1}})"});
  p.Send(topic, {0, R"({"t":1,"b":null,"q":{"z":1}})"});
  p.Send(topic, {0, R"({"t":2,"b":{"u":"y","p":7,"a":246,"extra":"e"}})"});
  p.Send(topic, {0, R"({"t":2,"b":{"a":"bad","p":8}})"});
  p.Send(topic, {0, R"({"t":2,"b":{"a":369,"p":9,"n":"not a number"}})"});
  p.Flush();
  auto df = spark->readStream().format("kafka").option("kafka.bootstrap.servers", bootstrap())
                .option("subscribe", topic).option("startingOffsets", "earliest").load()
                .selectExpr({"from_json(CAST(value AS STRING), 't INT, b STRUCT<a: BIGINT, p: BIGINT, u: STRING, "
                             "n: BIGINT>') AS e", "offset"})
                .selectExpr({"e.t AS t", "e.b AS b", "offset"})
                .where("t = 2")
                .selectExpr({"offset", "b.a AS a", "b.p AS p"});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto q = df.writeStream().format("memory").queryName("nested").outputMode("append")
               .option("checkpointLocation", dir.path() + "/ck-nested").start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  EXPECT_NE(q->explain().find("json=[value as STRUCT<t: INT, b: STRUCT<a: BIGINT, p: BIGINT>> PERMISSIVE]"),
            std::string::npos)
      << q->explain();
  EXPECT_EQ(Rows("SELECT * FROM nested ORDER BY offset"),
            (std::vector<std::string>{"0,10,5", "2,246,7", "3,NULL,8", "4,369,9"}));
  ASSERT_TRUE(q->stop().ok());
}

}  // namespace
}  // namespace sluice::kafka
