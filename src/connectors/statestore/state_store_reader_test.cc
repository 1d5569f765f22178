#include "connectors/statestore/state_store_reader.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "checkpoint/commit_log.h"
#include "connectors/statestore/state_store_table.h"
#include "env/mem_env.h"
#include "exec/stateful/state_checkpoint.h"
#include "exec/stateful/state_row_codec.h"

namespace sluice {
namespace {

constexpr const char* kCk = "/ck";

std::string Encode(const std::vector<Value>& values) {
  std::vector<Vector> cols;
  for (const auto& v : values) cols.push_back(Vector::FromValues(v.type(), {v}));
  Batch b(std::move(cols), 1);
  std::string out;
  EncodeStateRow(b, 0, values.size(), 0, &out);
  return out;
}

StateValueColumn Plain(const std::string& name, const std::string& type) {
  StateValueColumn v;
  v.name = v.sql = name;
  v.result_type = type;
  v.state_types = {type};
  return v;
}

class StateStoreReaderTest : public ::testing::Test {
 protected:
  MemEnv env;

  // Commits batches [0, n) in commits/.
  void CommitBatches(int n) {
    auto log = CommitLog::Open(&env, kCk);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int b = 0; b < n; ++b) ASSERT_TRUE(log->Add(b, CommitMetadata{}).ok());
  }

  // Writes state version `version` of (op, partition, store): the rows of
  // version - 1 plus `puts`, minus `removes`.
  void WriteVersion(int op, int partition, const std::string& store, int64_t version,
                    const std::vector<std::pair<std::vector<Value>, std::vector<Value>>>& puts,
                    const std::vector<std::vector<Value>>& removes = {}) {
    StateCheckpoint ck(&env, kCk);
    auto provider = ck.Provider(op, partition, store);
    ASSERT_TRUE(provider.ok()) << provider.status().ToString();
    auto s = (*provider)->Load(version - 1);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    for (const auto& [k, v] : puts) (*s)->Put(Encode(k), Encode(v));
    for (const auto& k : removes) (*s)->Remove(Encode(k));
    auto committed = (*s)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    ASSERT_EQ(*committed, version);
  }

  // Rows of ReadRows as "v1,v2,...,partition", sorted.
  std::vector<std::string> Rows(const StateStoreReader& r) {
    auto batches = r.ReadRows();
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    std::vector<std::string> out;
    if (!batches.ok()) return out;
    for (const auto& b : *batches) {
      for (size_t i = 0; i < b.num_rows; ++i) {
        std::string s;
        for (const auto& v : b.Row(i)) s += (s.empty() ? "" : ",") + v.ToString();
        out.push_back(s);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

// A deduplication-like operator (plain value columns): rows of every
// partition, the newest committed batch by default, an older one on request;
// a version on disk past the commit log is not read.
TEST_F(StateStoreReaderTest, ReadsCommittedVersionsOfEveryPartition) {
  StateSchema schema{"dedupeWithinWatermark", {{"user", "STRING"}}, {Plain("expiresAtMicros", "BIGINT")}};
  ASSERT_TRUE(WriteStateSchema(&env, kCk, 0, schema).ok());
  WriteVersion(0, 0, "", 1, {{{Value::String("a")}, {Value::Bigint(100)}}});
  WriteVersion(0, 1, "", 1, {{{Value::String("b")}, {Value::Bigint(200)}}});
  WriteVersion(0, 0, "", 2, {{{Value::String("c")}, {Value::Bigint(300)}}}, {{Value::String("a")}});
  WriteVersion(0, 1, "", 2, {});
  // Version 3 written (a batch that ran) but batch 2 never committed.
  WriteVersion(0, 0, "", 3, {{{Value::String("d")}, {Value::Bigint(400)}}});
  WriteVersion(0, 1, "", 3, {});
  CommitBatches(2);

  auto r = StateStoreReader::Open(&env, {kCk, 0, std::nullopt, ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->batch_id(), 1);
  EXPECT_EQ(r->version(), 2);
  EXPECT_EQ(r->partitions(), (std::vector<int>{0, 1}));
  EXPECT_EQ(r->RowSchema().ToString(), Schema({{"user", DataType::String(), true},
                                               {"expiresAtMicros", DataType::Bigint(), true},
                                               {"partition_id", DataType::Int(), false}})
                                           .ToString());
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"b,200,1", "c,300,0"}));

  auto r0 = StateStoreReader::Open(&env, {kCk, 0, 0, ""});
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(Rows(*r0), (std::vector<std::string>{"a,100,0", "b,200,1"}));

  auto r5 = StateStoreReader::Open(&env, {kCk, 0, 5, ""});
  ASSERT_FALSE(r5.ok());
  EXPECT_EQ(r5.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r5.status().message().find("batchId 5 is not a committed batch"), std::string::npos);
}

// An aggregate with several state values per column: one column per value.
TEST_F(StateStoreReaderTest, AggregateStateColumnsAndTable) {
  StateValueColumn avg;
  avg.name = "a";
  avg.function = "avg";
  avg.sql = "avg(v)";
  avg.argument_type = "BIGINT";
  avg.result_type = "DOUBLE";
  avg.state_types = {"DOUBLE", "BIGINT"};
  StateSchema schema{"StatefulAggregate", {{"k", "STRING"}, {"d", "DATE"}}, {avg}};
  ASSERT_TRUE(WriteStateSchema(&env, kCk, 2, schema).ok());
  WriteVersion(2, 0, "", 1, {{{Value::String("x"), Value::Date(19000)}, {Value::Double(6.5), Value::Bigint(2)}}});
  CommitBatches(1);
  auto r = StateStoreReader::Open(&env, {kCk, 2, std::nullopt, ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->value_columns().size(), 2u);
  EXPECT_EQ(r->value_columns()[0].name, "a_0");
  EXPECT_EQ(r->value_columns()[1].name, "a_1");
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"x,2022-01-08,6.5,2,0"}));

  auto t = StateStoreTable::Open(&env, {kCk, 2, std::nullopt, ""});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // Spark's state data source columns: key, value, partition_id.
  const Schema& ts = (*t)->schema();
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts.field(0).name, "key");
  EXPECT_EQ(ts.field(0).type, DataType::Struct({{"k", DataType::String(), true}, {"d", DataType::Date(), true}}));
  EXPECT_EQ(ts.field(1).name, "value");
  EXPECT_EQ(ts.field(1).type,
            DataType::Struct({{"a_0", DataType::Double(), true}, {"a_1", DataType::Bigint(), true}}));
  EXPECT_EQ(ts.field(2).name, "partition_id");
  EXPECT_EQ(ts.field(2).type, DataType::Int());
}

// A join-like operator keeps one store per side in each partition: one must
// be named; each reads on its own.
TEST_F(StateStoreReaderTest, SeveralStoresPerPartition) {
  // As the join records it: each store with its own columns, the union on top.
  StateSchema schema{"StreamingSymmetricHashJoin",
                     {{"id", "BIGINT"}},
                     {Plain("left.ts", "TIMESTAMP"), Plain("right.url", "STRING")},
                     {{"left", {{"id", "BIGINT"}}, {Plain("ts", "TIMESTAMP")}},
                      {"right", {{"id", "BIGINT"}}, {Plain("url", "STRING")}}}};
  ASSERT_TRUE(WriteStateSchema(&env, kCk, 0, schema).ok());
  for (int p = 0; p < 2; ++p) {
    WriteVersion(0, p, "left", 1, {{{Value::Bigint(p)}, {Value::Timestamp(1000000)}}});
    WriteVersion(0, p, "right", 1, {});
  }
  CommitBatches(1);
  auto none = StateStoreReader::Open(&env, {kCk, 0, std::nullopt, ""});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(none.status().message().find("keeps several state stores per partition (left, right)"),
            std::string::npos);
  auto left = StateStoreReader::Open(&env, {kCk, 0, std::nullopt, "left"});
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_EQ(Rows(*left), (std::vector<std::string>{"0,1970-01-01 00:00:01,0", "1,1970-01-01 00:00:01,1"}));
  auto right = StateStoreReader::Open(&env, {kCk, 0, std::nullopt, "right"});
  ASSERT_TRUE(right.ok());
  EXPECT_TRUE(Rows(*right).empty());
  auto other = StateStoreReader::Open(&env, {kCk, 0, std::nullopt, "middle"});
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("no state store named 'middle'"), std::string::npos);
}

TEST_F(StateStoreReaderTest, MissingPiecesAreNamed) {
  auto nothing = StateStoreReader::Open(&env, {kCk, 0, std::nullopt, ""});
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.status().message().find("checkpoint location /ck does not exist"), std::string::npos);

  // State without a schema file.
  WriteVersion(1, 0, "", 1, {{{Value::Bigint(1)}, {Value::Bigint(2)}}});
  auto no_schema = StateStoreReader::Open(&env, {kCk, 1, std::nullopt, ""});
  ASSERT_FALSE(no_schema.ok());
  EXPECT_EQ(no_schema.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_schema.status().message().find("/ck/state/1/_metadata/schema is missing"), std::string::npos);

  StateSchema schema{"dedupe", {{"id", "BIGINT"}}, {Plain("x", "BIGINT")}};
  ASSERT_TRUE(WriteStateSchema(&env, kCk, 1, schema).ok());
  auto no_commit = StateStoreReader::Open(&env, {kCk, 1, std::nullopt, ""});
  ASSERT_FALSE(no_commit.ok());
  EXPECT_NE(no_commit.status().message().find("has no committed batch"), std::string::npos);

  CommitBatches(1);
  auto wrong_op = StateStoreReader::Open(&env, {kCk, 4, std::nullopt, ""});
  ASSERT_FALSE(wrong_op.ok());
  EXPECT_NE(wrong_op.status().message().find("no state for operator 4"), std::string::npos);
  EXPECT_NE(wrong_op.status().message().find("its stateful operators: 1"), std::string::npos);

  auto ok = StateStoreReader::Open(&env, {kCk, 1, std::nullopt, ""});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Rows(*ok), (std::vector<std::string>{"1,2,0"}));
  // The delta the version needs is gone: the error names it.
  ASSERT_TRUE(env.DeleteFile("/ck/state/1/0/1.delta").ok());
  auto rows = ok->ReadRows();
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("/ck/state/1/0/1.delta"), std::string::npos) << rows.status().ToString();
}

// Window keys (STRUCT<start, end>) are described with the type text
// DataType::ToString writes in the schema file.
TEST_F(StateStoreReaderTest, StructKeyTypesParse) {
  DataType window = DataType::Struct({{"start", DataType::Timestamp(), true}, {"end", DataType::Timestamp(), true}});
  StateSchema schema{"StatefulAggregate", {{"window", window.ToString()}}, {Plain("n", "BIGINT")}};
  ASSERT_TRUE(WriteStateSchema(&env, kCk, 0, schema).ok());
  WriteVersion(0, 0, "", 1, {});
  CommitBatches(1);
  auto r = StateStoreReader::Open(&env, {kCk, 0, std::nullopt, ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->key_columns().size(), 1u);
  EXPECT_EQ(r->key_columns()[0].type, window);
}

}  // namespace
}  // namespace sluice
