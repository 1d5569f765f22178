#include "exec/stateful/session_window_aggregate_operator.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "env/mem_env.h"
#include "exec/operators/operator_test_util.h"

namespace sluice {
namespace {

using testing::Rows;

constexpr int64_t kSecond = 1000000;

DataType WindowType() {
  return DataType::Struct({{"start", DataType::Timestamp()}, {"end", DataType::Timestamp()}});
}

// Input as the planner lays it out: keys (user, the event's own session),
// then the argument of sum.
const Schema kInput({{"user", DataType::String()}, {"session_window", WindowType()}, {"_arg0", DataType::Bigint()}});
const Schema kOutput({{"user", DataType::String()},
                      {"session_window", WindowType()},
                      {"count(1)", DataType::Bigint()},
                      {"sum(v)", DataType::Bigint()}});

std::vector<AggregateCall> Calls() {
  AggregateCall count = *BindAggregate("count", {}, false);
  AggregateCall sum = *BindAggregate("sum", {DataType::Bigint()}, false);
  sum.input_column = 2;
  return {count, sum};
}

StateSchema Schema0() {
  return SessionWindowAggregateOperator::MakeStateSchema({kInput.field(0), kInput.field(1)}, Calls(), {"n", "s"},
                                                         {"count(1)", "sum(v)"});
}

// An event of `user` at `sec` seconds with a 10-second gap.
std::vector<Value> Event(const std::string& user, int64_t sec, int64_t v) {
  return {Value::String(user),
          Value::Nested(WindowType(), {Value::Timestamp(sec * kSecond), Value::Timestamp((sec + 10) * kSecond)}),
          Value::Bigint(v)};
}

struct BatchSetting {
  StatefulOutputMode mode;
  std::optional<int64_t> late_ms, evict_ms;
};

std::shared_ptr<SessionWindowAggregateOperator> Make(StateCheckpoint* state, int64_t batch, BatchSetting b,
                                                     std::vector<std::vector<Rows>> input) {
  StatefulOperatorStateInfo info;
  info.batch.checkpoint = state;
  info.batch.batch_id = batch;
  info.batch.num_partitions = 3;
  info.batch.output_mode = b.mode;
  info.batch.watermark_for_late_events_ms = b.late_ms;
  info.batch.watermark_for_eviction_ms = b.evict_ms;
  info.operator_id = 0;
  return std::make_shared<SessionWindowAggregateOperator>(testing::Source(kInput, std::move(input)), 2, 1, Calls(),
                                                          kOutput, info, Schema0());
}

// "user,[start,end),count,sum" with times in seconds, sorted.
std::vector<std::string> Sorted(const std::vector<Batch>& batches) {
  std::vector<std::string> out;
  for (const auto& b : batches) {
    for (size_t i = 0; i < b.num_rows; ++i) {
      auto row = b.Row(i);
      const auto& w = row[1].children();
      out.push_back(row[0].ToString() + ",[" + std::to_string(w[0].bigint_value() / kSecond) + "," +
                    std::to_string(w[1].bigint_value() / kSecond) + ")," + row[2].ToString() + "," +
                    row[3].ToString());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Outcome {
  std::vector<std::string> rows;
  StateOperatorMetrics metrics;
};

Outcome Execute(StateCheckpoint* state, int64_t batch, BatchSetting b, std::vector<std::vector<Rows>> input) {
  auto op = Make(state, batch, b, std::move(input));
  ExecContext ctx;
  auto rows = CollectAll(*op, &ctx);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  auto m = op->Finish(&ctx);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  Outcome r;
  if (rows.ok()) r.rows = Sorted(*rows);
  if (m.ok()) r.metrics = *m;
  return r;
}

TEST(SessionWindowAggregateOperatorTest, CompleteModeMergesSessionsAcrossBatches) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  // Complete mode emits every session each batch and never evicts, even
  // behind the eviction watermark.
  const BatchSetting complete{StatefulOutputMode::kComplete, std::nullopt, 1000000};
  // Batch 0: u1's [0, 10) and [30, 40), u2's [5, 15).
  Outcome r0 = Execute(&state, 0, complete, {{{Event("u1", 30, 2), Event("u1", 0, 1)}}, {{Event("u2", 5, 3)}}});
  EXPECT_EQ(r0.rows, (std::vector<std::string>{"u1,[0,10),1,1", "u1,[30,40),1,2", "u2,[5,15),1,3"}));
  EXPECT_EQ(r0.metrics.num_rows_total, 3);
  EXPECT_EQ(r0.metrics.num_rows_updated, 3);
  EXPECT_EQ(r0.metrics.num_rows_removed, 0);
  EXPECT_EQ(r0.metrics.operator_name, "sessionWindowStateStoreSaveExec");
  EXPECT_EQ(r0.metrics.num_shuffle_partitions, 3);
  // Batch 1: 8 s extends [0, 10) to [0, 18); 20 s opens [20, 30), which
  // touches the stored [30, 40): one session [20, 40). u2's session is
  // unchanged (not written) but emitted.
  Outcome r1 = Execute(&state, 1, complete, {{{Event("u1", 8, 4)}, {Event("u1", 20, 5)}}});
  EXPECT_EQ(r1.rows, (std::vector<std::string>{"u1,[0,18),2,5", "u1,[20,40),2,7", "u2,[5,15),1,3"}));
  EXPECT_EQ(r1.metrics.num_rows_total, 3);
  EXPECT_EQ(r1.metrics.num_rows_updated, 2);
  // Batch 2: 15 s ([15, 25)) bridges u1's two stored sessions: one [0, 40).
  Outcome r2 = Execute(&state, 2, complete, {{{Event("u1", 15, 6)}}});
  EXPECT_EQ(r2.rows, (std::vector<std::string>{"u1,[0,40),5,18", "u2,[5,15),1,3"}));
  EXPECT_EQ(r2.metrics.num_rows_total, 2);
  // The schema was recorded as this operator's.
  auto schema = ReadStateSchema(&env, "/ck", 0);
  ASSERT_TRUE(schema.ok() && schema->has_value());
  EXPECT_EQ((*schema)->operator_name, "SessionWindowAggregate");
  ASSERT_EQ((*schema)->keys.size(), 2u);
  EXPECT_EQ((*schema)->keys[1].type, "STRUCT<start: TIMESTAMP, end: TIMESTAMP>");
}

TEST(SessionWindowAggregateOperatorTest, AppendModeEmitsSessionsOnceTheWatermarkPassesTheirEnd) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  // Batch 0 runs with watermark 0: nothing ends at or before it.
  Outcome r0 = Execute(&state, 0, {StatefulOutputMode::kAppend, std::nullopt, 0},
                   {{{Event("u1", 0, 1), Event("u1", 100, 2)}}});
  EXPECT_TRUE(r0.rows.empty());
  EXPECT_EQ(r0.metrics.num_rows_total, 2);
  // Batch 1: late-events watermark 0, eviction watermark 50 s. 5 s extends
  // [0, 10) to [0, 15), which ends before 50 s: emitted and removed. u2's
  // event at -20 s ends at -10 s <= 0: late, dropped and counted.
  Outcome r1 = Execute(&state, 1, {StatefulOutputMode::kAppend, 0, 50000},
                   {{{Event("u1", 5, 3)}, {Event("u2", -20, 9)}}});
  EXPECT_EQ(r1.rows, (std::vector<std::string>{"u1,[0,15),2,4"}));
  EXPECT_EQ(r1.metrics.num_rows_total, 1);
  EXPECT_EQ(r1.metrics.num_rows_removed, 1);
  EXPECT_EQ(r1.metrics.num_rows_dropped_by_watermark, 1);
  // Batch 2: watermark 50 s for late events: 30 s ([30, 40)) is late; the
  // eviction watermark 200 s closes [100, 110) without any new event.
  Outcome r2 = Execute(&state, 2, {StatefulOutputMode::kAppend, 50000, 200000}, {{{Event("u1", 30, 5)}}});
  EXPECT_EQ(r2.rows, (std::vector<std::string>{"u1,[100,110),1,2"}));
  EXPECT_EQ(r2.metrics.num_rows_total, 0);
  EXPECT_EQ(r2.metrics.num_rows_removed, 1);
  EXPECT_EQ(r2.metrics.num_rows_dropped_by_watermark, 1);
}

TEST(SessionWindowAggregateOperatorTest, AppendModeEvictsUntouchedSessionsAndKeepsOthers) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Outcome r0 = Execute(&state, 0, {StatefulOutputMode::kAppend, std::nullopt, 0},
                       {{{Event("a", 0, 1), Event("b", 100, 1)}}});
  EXPECT_TRUE(r0.rows.empty());
  // a's [0, 10) is behind the eviction watermark (20 s): emitted and
  // removed though the batch has no event of a; b's is extended and kept.
  Outcome r1 = Execute(&state, 1, {StatefulOutputMode::kAppend, 0, 20000}, {{{Event("b", 105, 2)}}});
  EXPECT_EQ(r1.rows, (std::vector<std::string>{"a,[0,10),1,1"}));
  EXPECT_EQ(r1.metrics.num_rows_total, 1);
  EXPECT_EQ(r1.metrics.num_rows_removed, 1);
  EXPECT_EQ(r1.metrics.num_rows_updated, 1);
  // b's session [100, 115) holds both events.
  Outcome r2 = Execute(&state, 2, {StatefulOutputMode::kAppend, 20000, 120000}, {});
  EXPECT_EQ(r2.rows, (std::vector<std::string>{"b,[100,115),2,3"}));
  EXPECT_EQ(r2.metrics.num_rows_total, 0);
}

TEST(SessionWindowAggregateOperatorTest, UpdateModeIsRefusedAsInSpark) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  auto op = Make(&state, 0, {StatefulOutputMode::kUpdate, std::nullopt, std::nullopt}, {{{Event("a", 0, 1)}}});
  ExecContext ctx;
  auto rows = CollectAll(*op, &ctx);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("Update output mode not supported for session window on streaming "
                                         "DataFrames/DataSets"),
            std::string::npos)
      << rows.status().ToString();
}

}  // namespace
}  // namespace sluice
