#include "exec/stateful/stateful_aggregate_operator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "env/mem_env.h"
#include "exec/operators/operator_test_util.h"

namespace sluice {
namespace {

using testing::Rows;

const Schema kInput({{"k", DataType::String()}, {"_arg0", DataType::Bigint()}});
const Schema kOutput({{"k", DataType::String()}, {"count(1)", DataType::Bigint()}, {"sum(v)", DataType::Bigint()}});

std::vector<AggregateCall> Calls() {
  AggregateCall count = *BindAggregate("count", {}, false);
  AggregateCall sum = *BindAggregate("sum", {DataType::Bigint()}, false);
  sum.input_column = 1;
  return {count, sum};
}

StateSchema Schema0() {
  return StatefulAggregateOperator::MakeStateSchema({kInput.field(0)}, Calls(), {"n", "s"}, {"count(1)", "sum(v)"});
}

std::shared_ptr<StatefulAggregateOperator> Make(StateCheckpoint* state, int64_t batch, StatefulOutputMode mode,
                                                std::vector<std::vector<Rows>> input, StateSchema schema = Schema0()) {
  StatefulOperatorStateInfo info;
  info.batch.checkpoint = state;
  info.batch.batch_id = batch;
  info.batch.num_partitions = 3;
  info.batch.output_mode = mode;
  info.operator_id = 0;
  return std::make_shared<StatefulAggregateOperator>(testing::Source(kInput, std::move(input)), 1, Calls(), kOutput,
                                                     info, std::move(schema));
}

std::vector<std::string> Sorted(const std::vector<Batch>& batches) {
  std::vector<std::string> out;
  for (const auto& b : batches) {
    for (size_t i = 0; i < b.num_rows; ++i) {
      std::string s;
      for (const auto& v : b.Row(i)) s += (s.empty() ? "" : ",") + v.ToString();
      out.push_back(s);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Rows KV(std::vector<std::pair<std::string, int64_t>> kv) {
  Rows out;
  for (auto& [k, v] : kv) out.push_back({Value::String(k), Value::Bigint(v)});
  return out;
}

TEST(StatefulAggregateOperatorTest, ReadsVersionNCommitsNPlusOneAndEmitsPerMode) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  {
    auto op = Make(&state, 0, StatefulOutputMode::kUpdate, {{KV({{"a", 1}, {"b", 2}})}, {KV({{"a", 3}})}});
    EXPECT_EQ(op->num_partitions(), 3);
    EXPECT_EQ(op->name(), "StatefulAggregate");
    EXPECT_NE(op->details().find("operator=0, stateVersion=0, partitions=3, mode=Update"), std::string::npos)
        << op->details();
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"a,2,4", "b,1,2"}));
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->num_rows_total, 2);
    EXPECT_EQ(m->num_rows_updated, 2);
    EXPECT_EQ(m->num_shuffle_partitions, 3);
    EXPECT_GT(m->memory_used_bytes, 0);
  }
  // The schema was recorded before any state was read.
  EXPECT_TRUE(env.FileExists("/ck/state/0/_metadata/schema"));
  for (int p = 0; p < 3; ++p) EXPECT_TRUE(env.FileExists("/ck/state/0/" + std::to_string(p) + "/1.delta")) << p;
  {
    // Update: only the touched group, with its total.
    auto op = Make(&state, 1, StatefulOutputMode::kUpdate, {{KV({{"a", 10}})}});
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"a,3,14"}));
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->num_rows_total, 2);
    EXPECT_EQ(m->num_rows_updated, 1);
  }
  {
    // Complete: every group; nothing opened by the consumer still commits.
    auto op = Make(&state, 2, StatefulOutputMode::kComplete, {{KV({{"c", 1}})}});
    ExecContext ctx;
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->num_rows_total, 3);
    for (int p = 0; p < 3; ++p) EXPECT_TRUE(env.FileExists("/ck/state/0/" + std::to_string(p) + "/3.delta")) << p;
  }
  {
    auto op = Make(&state, 3, StatefulOutputMode::kComplete, {{}});
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"a,3,14", "b,1,2", "c,1,1"}));
  }
}

TEST(StatefulAggregateOperatorTest, IncompatibleSchemaFailsBeforeReadingState) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  {
    auto op = Make(&state, 0, StatefulOutputMode::kUpdate, {{KV({{"a", 1}})}});
    ExecContext ctx;
    ASSERT_TRUE(CollectAll(*op, &ctx).ok());
  }
  StateSchema renamed_key = Schema0();
  renamed_key.keys[0].name = "other";
  StateCheckpoint restarted(&env, "/ck");
  auto op = Make(&restarted, 1, StatefulOutputMode::kUpdate, {{KV({{"a", 1}})}}, renamed_key);
  ExecContext ctx;
  auto rows = CollectAll(*op, &ctx);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rows.status().message().find("[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]"), std::string::npos);
  EXPECT_FALSE(op->Finish(&ctx).ok());
  EXPECT_FALSE(env.FileExists("/ck/state/0/0/2.delta"));
}

TEST(StatefulAggregateOperatorTest, ValidateRejectsStateItCannotStore) {
  // count/sum/avg(DISTINCT) keep their values in the state store; a
  // DISTINCT collect_list has no plain form to fold new values into.
  AggregateCall distinct = *BindAggregate("count", {DataType::Bigint()}, true);
  EXPECT_TRUE(StatefulAggregateOperator::Validate({DataType::String()}, {distinct}).ok());
  AggregateCall list = *BindAggregate("collect_list", {DataType::Bigint()}, true);
  Status st = StatefulAggregateOperator::Validate({DataType::String()}, {list});
  EXPECT_EQ(st.code(), StatusCode::kAnalysisError) << st.ToString();
  EXPECT_TRUE(StatefulAggregateOperator::Validate({DataType::String()}, Calls()).ok());
}


// Event time, with the watermarks set directly (the runner's part is tested
// in src/stream/event_time_test.cc): key = a TIMESTAMP in seconds.
const Schema kTimeInput({{"t", DataType::Timestamp()}, {"_arg0", DataType::Bigint()}});
const Schema kTimeOutput({{"t", DataType::Timestamp()}, {"count(1)", DataType::Bigint()}, {"sum(v)", DataType::Bigint()}});

Rows TV(std::vector<std::pair<int64_t, int64_t>> tv) {
  Rows out;
  for (auto& [t, v] : tv) out.push_back({Value::Timestamp(t * 1000000), Value::Bigint(v)});
  return out;
}

std::shared_ptr<StatefulAggregateOperator> MakeTimed(StateCheckpoint* state, int64_t batch, StatefulOutputMode mode,
                                                     std::optional<int64_t> late_ms, std::optional<int64_t> evict_ms,
                                                     std::vector<std::vector<Rows>> input) {
  StatefulOperatorStateInfo info;
  info.batch.checkpoint = state;
  info.batch.batch_id = batch;
  info.batch.num_partitions = 2;
  info.batch.output_mode = mode;
  info.batch.watermark_for_late_events_ms = late_ms;
  info.batch.watermark_for_eviction_ms = evict_ms;
  auto schema =
      StatefulAggregateOperator::MakeStateSchema({kTimeInput.field(0)}, Calls(), {"n", "s"}, {"count(1)", "sum(v)"});
  return std::make_shared<StatefulAggregateOperator>(testing::Source(kTimeInput, std::move(input)), 1, Calls(),
                                                     kTimeOutput, info, std::move(schema), /*event_time_key=*/0);
}

std::string TS(int64_t secs) { return Value::Timestamp(secs * 1000000).ToString(); }

TEST(StatefulAggregateOperatorTest, AppendEmitsAndEvictsGroupsBehindTheWatermark) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  {
    // Watermark 0: nothing final, nothing late.
    auto op = MakeTimed(&state, 0, StatefulOutputMode::kAppend, 0, 0, {{TV({{5, 1}, {5, 2}})}, {TV({{20, 3}})}});
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), std::vector<std::string>{});
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->operator_name, "stateStoreSave");
    EXPECT_EQ(m->num_rows_total, 2);
    EXPECT_EQ(m->num_rows_removed, 0);
  }
  {
    // Late-events watermark 5s: the 5s group of this batch (5 <= 5) and the
    // 4s one are late. Eviction watermark 10s: the stored 5s group (3 = 1 + 2)
    // is final: emitted once and removed; 20s stays.
    auto op = MakeTimed(&state, 1, StatefulOutputMode::kAppend, 5000, 10000, {{TV({{5, 100}, {4, 1}, {20, 4}})}});
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{TS(5) + ",2,3"}));
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->num_rows_dropped_by_watermark, 2);
    EXPECT_EQ(m->num_rows_removed, 1);
    EXPECT_EQ(m->num_rows_total, 1);
    EXPECT_EQ(m->num_rows_updated, 1);
  }
  {
    // Update mode at 25s: the touched 30s group is emitted; 20s (sum 7) is
    // removed without being emitted.
    auto op = MakeTimed(&state, 2, StatefulOutputMode::kUpdate, 10000, 25000, {{TV({{30, 1}})}});
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{TS(30) + ",1,1"}));
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->num_rows_removed, 1);
    EXPECT_EQ(m->num_rows_total, 1);
  }
}

}  // namespace
}  // namespace sluice
