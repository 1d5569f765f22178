// ExpandOperator and SessionWindowMergeOperator, the operators behind
// sliding windows and batch session windows, with the time_window() and
// session_window_bounds() kernels they run.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "exec/expression_evaluator.h"
#include "exec/function_registry.h"
#include "exec/operators/aggregate_hash_table.h"
#include "exec/operators/expand_operator.h"
#include "exec/operators/operator_test_util.h"
#include "exec/operators/session_window_merge_operator.h"

namespace sluice {
namespace {

using testing::Rows;

constexpr int64_t kSecond = 1000000;

DataType WindowType() {
  return DataType::Struct({{"start", DataType::Timestamp()}, {"end", DataType::Timestamp()}});
}

Value Window(int64_t start_s, int64_t end_s) {
  return Value::Nested(WindowType(), {Value::Timestamp(start_s * kSecond), Value::Timestamp(end_s * kSecond)});
}

std::vector<std::string> Sorted(const std::vector<Batch>& batches) {
  std::vector<std::string> out;
  for (const auto& b : batches) {
    for (size_t i = 0; i < b.num_rows; ++i) {
      std::string s;
      for (const auto& v : b.Row(i)) s += (s.empty() ? "" : "|") + v.ToString();
      out.push_back(s);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

ExprPtr TimeWindow(int64_t size_s, int64_t slide_s, int64_t start_s, int64_t i) {
  auto e = BindScalarFunction("time_window",
                              {MakeColumnRef(0, DataType::Timestamp(), "ts"), MakeLiteral(Value::Bigint(size_s * kSecond)),
                               MakeLiteral(Value::Bigint(slide_s * kSecond)),
                               MakeLiteral(Value::Bigint(start_s * kSecond)), MakeLiteral(Value::Bigint(i))});
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return *e;
}

// Each row becomes one row per set; the time_window kernel gives the i-th
// window containing the row, NULL when that window does not contain it
// (size 10 s, slide 4 s: 3 windows at most) or the time is NULL.
TEST(ExpandOperatorTest, OneOutputRowPerSetWithTheRowsWindows) {
  const Schema in({{"ts", DataType::Timestamp()}});
  auto src = testing::Source(in, {{{{Value::Timestamp(9 * kSecond)}, {Value::Timestamp(-1 * kSecond)},
                                     {Value::Null(DataType::Timestamp())}}}});
  std::vector<std::vector<ExprPtr>> sets;
  for (int64_t i = 0; i < 3; ++i) sets.push_back({MakeColumnRef(0, DataType::Timestamp(), "ts"), TimeWindow(10, 4, 0, i)});
  auto op = std::make_shared<ExpandOperator>(src, sets, Schema({{"ts", DataType::Timestamp()}, {"window", WindowType()}}));
  EXPECT_EQ(op->num_partitions(), 1);
  ExecContext ctx;
  auto rows = CollectAll(*op, &ctx);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  // 9 s: last start 8 -> [8, 18), [4, 14), [0, 10). -1 s: last start -4 ->
  // [-4, 6), [-8, 2); [-12, -2) ends before it.
  EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{
                               "1969-12-31 23:59:59|NULL",
                               "1969-12-31 23:59:59|{1969-12-31 23:59:52, 1970-01-01 00:00:02}",
                               "1969-12-31 23:59:59|{1969-12-31 23:59:56, 1970-01-01 00:00:06}",
                               "1970-01-01 00:00:09|{1970-01-01 00:00:00, 1970-01-01 00:00:10}",
                               "1970-01-01 00:00:09|{1970-01-01 00:00:04, 1970-01-01 00:00:14}",
                               "1970-01-01 00:00:09|{1970-01-01 00:00:08, 1970-01-01 00:00:18}",
                               "NULL|NULL",
                               "NULL|NULL",
                               "NULL|NULL",
                           }));
}

TEST(SessionWindowBoundsTest, GapFromAStringPerRowOrAConstant) {
  const Schema in({{"ts", DataType::Timestamp()}, {"gap", DataType::String()}});
  Batch b = testing::MakeBatch(in, {{Value::Timestamp(0), Value::String("5 seconds")},
                                    {Value::Timestamp(0), Value::String("1 minute 30 seconds")},
                                    {Value::Timestamp(0), Value::String("-5 seconds")},
                                    {Value::Timestamp(0), Value::String("1 month")},
                                    {Value::Timestamp(0), Value::String("soon")},
                                    {Value::Timestamp(0), Value::Null(DataType::String())},
                                    {Value::Null(DataType::Timestamp()), Value::String("5 seconds")}});
  auto e = BindScalarFunction("session_window_bounds", {MakeColumnRef(0, DataType::Timestamp(), "ts"),
                                                        MakeColumnRef(1, DataType::String(), "gap")});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto v = ExpressionEvaluator::Evaluate(**e, b, nullptr, EvalContext());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->GetValue(0), Window(0, 5));
  EXPECT_EQ(v->GetValue(1), Window(0, 90));
  for (size_t i = 2; i < 7; ++i) EXPECT_TRUE(v->IsNull(i)) << i;
}

// Sessions of one key merge while the next starts at or before the current
// end; other keys never merge; input order does not matter.
TEST(SessionWindowMergeOperatorTest, MergesOverlappingAndTouchingSessionsPerKey) {
  const Schema in({{"k", DataType::String()}, {"s", WindowType()}, {"v", DataType::Bigint()}});
  auto row = [](const char* k, int64_t start, int64_t end, int64_t v) -> std::vector<Value> {
    return {Value::String(k), Window(start, end), Value::Bigint(v)};
  };
  auto src = testing::Source(in, {{{row("a", 20, 30, 1), row("a", 0, 10, 2)}},
                                  {{row("a", 5, 12, 3), row("b", 10, 20, 4), row("a", 12, 15, 5)}}});
  auto op = std::make_shared<SessionWindowMergeOperator>(src, std::vector<int>{0}, 1);
  ExecContext ctx;
  auto rows = CollectAll(*op, &ctx);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  // a: [0, 10) + [5, 12) + [12, 15) (touching) = [0, 15); [20, 30) apart.
  EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{
                               "a|{1970-01-01 00:00:00, 1970-01-01 00:00:15}|2",
                               "a|{1970-01-01 00:00:00, 1970-01-01 00:00:15}|3",
                               "a|{1970-01-01 00:00:00, 1970-01-01 00:00:15}|5",
                               "a|{1970-01-01 00:00:20, 1970-01-01 00:00:30}|1",
                               "b|{1970-01-01 00:00:10, 1970-01-01 00:00:20}|4",
                           }));
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

// STRUCT keys (a window) hash and compare field by field: equal structs
// group together, NULL struct and NULL field are keys of their own, -0.0
// and 0.0 (and NaNs) are one key, as for DOUBLE columns.
TEST(StructKeyTest, StructKeysGroupByTheirFields) {
  DataType pair = DataType::Struct({{"a", DataType::Bigint()}, {"d", DataType::Double()}});
  auto p = [&](std::optional<int64_t> a, double d) {
    return Value::Nested(pair, {a ? Value::Bigint(*a) : Value::Null(DataType::Bigint()), Value::Double(d)});
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<Value> keys = {p(1, 0.0), p(1, -0.0), p(1, 0.5), p(std::nullopt, 0.5), p(std::nullopt, 0.5),
                             Value::Null(pair), Value::Null(pair), p(2, nan), p(2, nan), p(1, 0.0)};
  Batch b({Vector::FromValues(pair, keys)}, keys.size());
  AggregateHashTable table({pair}, {0}, {});
  std::vector<uint32_t> groups(keys.size());
  std::vector<const Vector*> cols{&b.columns[0]};
  table.FindOrInsert(cols, keys.size(), groups.data(), nullptr);
  EXPECT_EQ(table.num_groups(), 5u);
  EXPECT_EQ(groups[0], groups[1]);
  EXPECT_EQ(groups[0], groups[9]);
  EXPECT_NE(groups[0], groups[2]);
  EXPECT_EQ(groups[3], groups[4]);
  EXPECT_NE(groups[2], groups[3]);
  EXPECT_EQ(groups[5], groups[6]);
  EXPECT_NE(groups[5], groups[3]);
  EXPECT_EQ(groups[7], groups[8]);
  // The same batch again finds the same groups.
  std::vector<uint32_t> again(keys.size());
  table.FindOrInsert(cols, keys.size(), again.data(), nullptr);
  EXPECT_EQ(again, groups);
  EXPECT_EQ(table.num_groups(), 5u);
}

}  // namespace
}  // namespace sluice
