#include "exec/stateful/deduplicate_operator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "env/mem_env.h"
#include "exec/operators/operator_test_util.h"

namespace sluice {
namespace {

using testing::Rows;

const Schema kInput({{"k", DataType::String()}, {"ts", DataType::Timestamp()}});

Rows KT(std::vector<std::pair<std::string, int64_t>> rows) {
  Rows out;
  for (auto& [k, s] : rows) out.push_back({Value::String(k), Value::Timestamp(s * 1000000)});
  return out;
}

std::string T(int64_t secs) { return Value::Timestamp(secs * 1000000).ToString(); }

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

std::shared_ptr<DeduplicateOperator> Make(StateCheckpoint* state, int64_t batch, DeduplicateSpec spec,
                                          std::optional<int64_t> late_ms, std::optional<int64_t> evict_ms,
                                          std::vector<std::vector<Rows>> input) {
  StatefulOperatorStateInfo info;
  info.batch.checkpoint = state;
  info.batch.batch_id = batch;
  info.batch.num_partitions = 2;
  info.batch.output_mode = StatefulOutputMode::kAppend;
  info.batch.watermark_for_late_events_ms = late_ms;
  info.batch.watermark_for_eviction_ms = evict_ms;
  std::vector<StructField> keys;
  for (int c : spec.key_columns) keys.push_back(kInput.field(static_cast<size_t>(c)));
  auto schema = DeduplicateOperator::MakeStateSchema(keys, spec.within_watermark);
  return std::make_shared<DeduplicateOperator>(testing::Source(kInput, std::move(input)), std::move(spec), info,
                                               std::move(schema));
}

TEST(DeduplicateOperatorTest, FirstRowOfEachKeyAcrossBatchesWithoutWatermark) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  DeduplicateSpec spec;
  spec.key_columns = {0};
  {
    auto op = Make(&state, 0, spec, std::nullopt, std::nullopt, {{KT({{"a", 1}, {"b", 2}, {"a", 3}})}});
    EXPECT_EQ(op->name(), "StreamingDeduplicate");
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"a," + T(1), "b," + T(2)}));
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->operator_name, "dedupe");
    EXPECT_EQ(m->num_rows_total, 2);
    EXPECT_EQ(m->num_rows_updated, 2);
  }
  EXPECT_TRUE(env.FileExists("/ck/state/0/_metadata/schema"));
  {
    auto op = Make(&state, 1, spec, std::nullopt, std::nullopt, {{KT({{"b", 9}})}, {KT({{"c", 4}})}});
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"c," + T(4)}));
  }
}

TEST(DeduplicateOperatorTest, WithinWatermarkKeepsKeysUntilTheirExpiry) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  DeduplicateSpec spec;
  spec.key_columns = {0};
  spec.event_time_column = 1;
  spec.within_watermark = true;
  spec.delay_ms = 10000;
  {
    auto op = Make(&state, 0, spec, 0, 0, {{KT({{"a", 5}, {"a", 6}, {"b", 30}})}});
    EXPECT_EQ(op->name(), "StreamingDeduplicateWithinWatermark");
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"a," + T(5), "b," + T(30)}));
  }
  {
    // Eviction watermark 15s: a expires at 5 + 10 = 15s (<= 15s): evicted;
    // b (40s) stays. Late-events watermark 8s: (c, 8s) is late. (b, 35s)
    // is a duplicate though its time differs.
    auto op = Make(&state, 1, spec, 8000, 15000, {{KT({{"c", 8}, {"b", 35}, {"d", 20}})}});
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"d," + T(20)}));
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->operator_name, "dedupeWithinWatermark");
    EXPECT_EQ(m->num_rows_dropped_by_watermark, 1);
    EXPECT_EQ(m->num_rows_removed, 1);
    EXPECT_EQ(m->num_rows_total, 2);  // b, d
  }
  {
    // a is new again once evicted.
    auto op = Make(&state, 2, spec, 15000, 15000, {{KT({{"a", 16}})}});
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"a," + T(16)}));
  }
}

TEST(DeduplicateOperatorTest, WatermarkKeyEvictsByItsTime) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  DeduplicateSpec spec;
  spec.key_columns = {0, 1};
  spec.event_time_column = 1;
  spec.key_event_time = 1;
  {
    auto op = Make(&state, 0, spec, 0, 0, {{KT({{"a", 5}, {"a", 5}, {"b", 20}})}});
    ExecContext ctx;
    ASSERT_TRUE(CollectAll(*op, &ctx).ok());
  }
  {
    auto op = Make(&state, 1, spec, 0, 10000, {{}});
    ExecContext ctx;
    auto m = op->Finish(&ctx);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->num_rows_removed, 1);  // (a, 5s)
    EXPECT_EQ(m->num_rows_total, 1);
  }
  auto v = DeduplicateOperator::Validate({DataType::String()}, DeduplicateSpec{{0}, -1, -1, true, 0});
  EXPECT_FALSE(v.ok());
}

}  // namespace
}  // namespace sluice
