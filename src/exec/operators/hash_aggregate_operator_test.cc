#include "exec/operators/hash_aggregate_operator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "exec/operators/aggregate_hash_table.h"
#include "exec/operators/distinct_operator.h"
#include "exec/operators/operator_test_util.h"

namespace sluice {
namespace {

using namespace sluice::testing;  // NOLINT

AggregateCall Agg(const std::string& name, int column, const DataType& type, bool distinct = false) {
  std::vector<DataType> args;
  if (column >= 0) args.push_back(type);
  auto call = BindAggregate(name, args, distinct);
  EXPECT_TRUE(call.ok()) << call.status().ToString();
  AggregateCall c = *call;
  c.input_column = column;
  return c;
}

Schema OutputSchema(const std::vector<StructField>& keys, const std::vector<AggregateCall>& aggs) {
  Schema s(keys);
  for (size_t i = 0; i < aggs.size(); ++i) s.Add({"a" + std::to_string(i), aggs[i].result_type, true});
  return s;
}

const Schema kKV({{"k", DataType::Bigint(), true}, {"v", DataType::Bigint(), true}});
const Value kNullL = Value::Null(DataType::Bigint());
const Value kNullD = Value::Null(DataType::Double());

TEST(BindAggregateTest, ResultTypesFollowSpark) {
  EXPECT_EQ(BindAggregate("count", {}, false)->kind, AggregateKind::kCountStar);
  EXPECT_EQ(BindAggregate("COUNT", {DataType::String()}, false)->result_type, DataType::Bigint());
  EXPECT_EQ(BindAggregate("sum", {DataType::Int()}, false)->result_type, DataType::Bigint());
  EXPECT_EQ(BindAggregate("sum", {DataType::Double()}, false)->result_type, DataType::Double());
  EXPECT_EQ(BindAggregate("sum", {DataType::Decimal(10, 2)}, false)->result_type, DataType::Decimal(20, 2));
  EXPECT_EQ(BindAggregate("sum", {DataType::Decimal(35, 2)}, false)->result_type, DataType::Decimal(38, 2));
  EXPECT_EQ(BindAggregate("avg", {DataType::Bigint()}, false)->result_type, DataType::Double());
  EXPECT_EQ(BindAggregate("mean", {DataType::Decimal(10, 2)}, false)->result_type, DataType::Decimal(14, 6));
  EXPECT_EQ(BindAggregate("max", {DataType::Date()}, false)->result_type, DataType::Date());
  EXPECT_EQ(BindAggregate("first_value", {DataType::String(), DataType::Boolean()}, false)->kind,
            AggregateKind::kFirst);
  EXPECT_EQ(BindAggregate("last", {DataType::String()}, false)->kind, AggregateKind::kLast);
  EXPECT_EQ(BindAggregate("collect_list", {DataType::Int()}, false)->result_type,
            DataType::Array(DataType::Int()));
  EXPECT_TRUE(BindAggregate("count", {DataType::Int()}, true)->distinct);
  EXPECT_TRUE(IsAggregateFunction("Sum"));
  EXPECT_FALSE(IsAggregateFunction("upper"));
}

TEST(BindAggregateTest, ErrorsNameTheCallAndTheType) {
  auto r = BindAggregate("sum", {DataType::String()}, false, {"name"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAnalysisError);
  EXPECT_EQ(r.status().message(),
            "cannot resolve \"sum(name)\": argument 1 requires a numeric type, got STRING");
  r = BindAggregate("avg", {DataType::Boolean()}, false);
  EXPECT_FALSE(r.ok());
  r = BindAggregate("max", {DataType::Array(DataType::Int())}, false);
  EXPECT_FALSE(r.ok());
  r = BindAggregate("sum", {DataType::Int(), DataType::Int()}, false);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("requires 1 argument"), std::string::npos);
  r = BindAggregate("first", {DataType::Int(), DataType::Int()}, false, {"x", "1"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "cannot resolve \"first(x, 1)\": argument 2 requires BOOLEAN, got INT");
  r = BindAggregate("count", {}, true);
  EXPECT_FALSE(r.ok());
}

TEST(HashAggregateTest, GroupedAggregatesWithNullsAcrossPartitions) {
  auto src = Source(kKV, {{{{L(1), L(10)}, {L(2), kNullL}, {L(1), L(5)}}},
                          {{{kNullL, L(7)}, {L(2), L(3)}}, {{L(1), kNullL}}},
                          {{{kNullL, kNullL}, {L(3), kNullL}}}});
  std::vector<AggregateCall> aggs = {Agg("count", -1, {}),           Agg("count", 1, DataType::Bigint()),
                                     Agg("sum", 1, DataType::Bigint()), Agg("avg", 1, DataType::Bigint()),
                                     Agg("min", 1, DataType::Bigint()), Agg("max", 1, DataType::Bigint())};
  HashAggregateOperator op(src, {0}, aggs, OutputSchema({kKV.field(0)}, aggs));
  for (int threads : {1, 3}) {
    auto rows = Execute(op, threads);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    Rows expected = {{L(1), L(3), L(2), L(15), D(7.5), L(5), L(10)},
                     {L(2), L(2), L(1), L(3), D(3.0), L(3), L(3)},
                     {kNullL, L(2), L(1), L(7), D(7.0), L(7), L(7)},
                     {L(3), L(1), L(0), kNullL, kNullD, kNullL, kNullL}};
    EXPECT_EQ(Sorted(*rows), Sorted(expected)) << "threads=" << threads;
  }
}

TEST(HashAggregateTest, GlobalAggregateOverEmptyInputGivesOneRow) {
  auto src = Source(kKV, {{}, {{}}});
  std::vector<AggregateCall> aggs = {Agg("count", -1, {}), Agg("sum", 1, DataType::Bigint()),
                                     Agg("avg", 1, DataType::Bigint()), Agg("max", 1, DataType::Bigint()),
                                     Agg("collect_list", 1, DataType::Bigint()),
                                     Agg("count", 1, DataType::Bigint(), true)};
  HashAggregateOperator op(src, {}, aggs, OutputSchema({}, aggs));
  auto rows = Execute(op);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  Row expected = {L(0), kNullL, kNullD, kNullL, Value::Nested(DataType::Array(DataType::Bigint()), {}),
                  L(0)};
  EXPECT_EQ(RowString((*rows)[0]), RowString(expected));
}

TEST(HashAggregateTest, GlobalAggregateOverRows) {
  auto src = Source(kKV, {{{{L(1), L(4)}, {L(2), kNullL}}}, {{{L(3), L(6)}}}});
  std::vector<AggregateCall> aggs = {Agg("count", -1, {}), Agg("sum", 1, DataType::Bigint()),
                                     Agg("avg", 0, DataType::Bigint())};
  HashAggregateOperator op(src, {}, aggs, OutputSchema({}, aggs));
  auto rows = Execute(op);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(InOrder(*rows), InOrder({{L(3), L(10), D(2.0)}}));
}

TEST(HashAggregateTest, GroupedAggregateOverEmptyInputGivesNoRows) {
  auto src = Source(kKV, {{}, {{}}});
  std::vector<AggregateCall> aggs = {Agg("count", -1, {})};
  HashAggregateOperator op(src, {0}, aggs, OutputSchema({kKV.field(0)}, aggs));
  auto rows = Execute(op);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST(HashAggregateTest, SumOverflowIsAnError) {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<AggregateCall> aggs = {Agg("sum", 1, DataType::Bigint())};
  // Within one partition.
  auto one = Source(kKV, {{{{L(1), L(kMax)}, {L(1), L(1)}}}});
  HashAggregateOperator op1(one, {0}, aggs, OutputSchema({kKV.field(0)}, aggs));
  auto r = Execute(op1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kExecutionError);
  EXPECT_NE(r.status().message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
  // Only when partial tables of two partitions are merged.
  auto two = Source(kKV, {{{{L(1), L(kMax)}}}, {{{L(1), L(1)}}}});
  HashAggregateOperator op2(two, {0}, aggs, OutputSchema({kKV.field(0)}, aggs));
  r = Execute(op2, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
  // Negative overflow, global.
  auto neg = Source(kKV, {{{{L(1), L(std::numeric_limits<int64_t>::min())}, {L(1), L(-1)}}}});
  HashAggregateOperator op3(neg, {}, aggs, OutputSchema({}, aggs));
  EXPECT_FALSE(Execute(op3).ok());
  // sum of INT goes to BIGINT: no overflow at INT's limit.
  Schema ki({{"k", DataType::Int(), true}, {"v", DataType::Int(), true}});
  auto ints = Source(ki, {{{{I(1), I(2147483647)}, {I(1), I(2147483647)}}}});
  std::vector<AggregateCall> iaggs = {Agg("sum", 1, DataType::Int())};
  HashAggregateOperator op4(ints, {0}, iaggs, OutputSchema({ki.field(0)}, iaggs));
  auto ok = Execute(op4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(InOrder(*ok), InOrder({{I(1), L(4294967294)}}));
}

TEST(HashAggregateTest, DecimalSumAvgAndOverflow) {
  DataType d52 = DataType::Decimal(5, 2);
  Schema s({{"k", DataType::Int(), true}, {"v", d52, true}});
  auto dec = [](int64_t unscaled) { return Value::Decimal(unscaled, 5, 2); };
  // k=1: 1.25, 2.50 -> sum 3.75, avg 1.875; k=2: 0.02, 0.00, 0.00 -> avg
  // 0.00666.. rounds HALF_UP to 0.006667 at scale 6; k=3: NULL only.
  auto src = Source(s, {{{{I(1), dec(125)}, {I(2), dec(2)}, {I(3), Value::Null(d52)}}},
                        {{{I(1), dec(250)}, {I(2), dec(0)}, {I(2), dec(0)}}}});
  std::vector<AggregateCall> aggs = {Agg("sum", 1, d52), Agg("avg", 1, d52), Agg("min", 1, d52),
                                     Agg("max", 1, d52)};
  HashAggregateOperator op(src, {0}, aggs, OutputSchema({s.field(0)}, aggs));
  auto rows = Execute(op);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  Rows expected = {
      {I(1), Value::Decimal(375, 15, 2), Value::Decimal(1875000, 9, 6), dec(125), dec(250)},
      {I(2), Value::Decimal(2, 15, 2), Value::Decimal(6667, 9, 6), dec(0), dec(2)},
      {I(3), Value::Null(DataType::Decimal(15, 2)), Value::Null(DataType::Decimal(9, 6)), Value::Null(d52),
       Value::Null(d52)}};
  EXPECT_EQ(Sorted(*rows), Sorted(expected));

  // DECIMAL(38,0): the sum's precision stays 38; 2 * 6e37 does not fit.
  DataType d380 = DataType::Decimal(38, 0);
  Schema s2({{"v", d380, true}});
  int128_t big = static_cast<int128_t>(6000000000000000000LL) * static_cast<int128_t>(10000000000000000000ULL);  // 6e37
  auto src2 = Source(s2, {{{{Value::Decimal(big, 38, 0)}, {Value::Decimal(big, 38, 0)}}}});
  std::vector<AggregateCall> aggs2 = {Agg("sum", 0, d380)};
  HashAggregateOperator op2(src2, {}, aggs2, OutputSchema({}, aggs2));
  auto r2 = Execute(op2);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kExecutionError);
  EXPECT_NE(r2.status().message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
}

TEST(HashAggregateTest, MinMaxOnStringsDatesTimestampsBooleansDoubles) {
  Schema s({{"k", DataType::Int(), true},
            {"s", DataType::String(), true},
            {"d", DataType::Date(), true},
            {"t", DataType::Timestamp(), true},
            {"b", DataType::Boolean(), true},
            {"x", DataType::Double(), true}});
  auto src = Source(
      s, {{{{I(1), S("banana"), Value::Date(100), Value::Timestamp(5), Value::Boolean(true), D(1.5)},
            {I(1), S("apple"), Value::Date(-3), Value::Timestamp(-7), Value::Boolean(false),
             D(std::nan(""))}}},
          {{{I(1), S("\xC3\xA9t\xC3\xA9"), Value::Date(7), Value::Timestamp(9), Value::Null(DataType::Boolean()),
             D(-2.0)},
            {I(1), S("zebra"), Value::Null(DataType::Date()), Value::Timestamp(0), Value::Boolean(true),
             Value::Null(DataType::Double())}}}});
  std::vector<AggregateCall> aggs;
  for (int c = 1; c <= 5; ++c) {
    aggs.push_back(Agg("min", c, s.field(static_cast<size_t>(c)).type));
    aggs.push_back(Agg("max", c, s.field(static_cast<size_t>(c)).type));
  }
  HashAggregateOperator op(src, {0}, aggs, OutputSchema({s.field(0)}, aggs));
  auto rows = Execute(op);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  // UTF-8 bytes: "été" (0xC3...) sorts after "zebra" (0x7A...). NaN is the
  // largest double.
  Rows expected = {{I(1), S("apple"), S("\xC3\xA9t\xC3\xA9"), Value::Date(-3), Value::Date(100),
                    Value::Timestamp(-7), Value::Timestamp(9), Value::Boolean(false), Value::Boolean(true),
                    D(-2.0), D(std::nan(""))}};
  EXPECT_EQ(InOrder(*rows), InOrder(expected));
}

TEST(HashAggregateTest, FirstLastAndCollectListInInputOrder) {
  Schema s({{"k", DataType::Int(), true}, {"v", DataType::String(), true}});
  Value n = Value::Null(DataType::String());
  auto src = Source(s, {{{{I(1), n}, {I(2), S("p")}, {I(1), S("a")}}, {{I(1), S("b")}, {I(1), n}}}});
  std::vector<AggregateCall> aggs = {Agg("first", 1, DataType::String()), Agg("last", 1, DataType::String()),
                                     Agg("first", 1, DataType::String()), Agg("last", 1, DataType::String()),
                                     Agg("collect_list", 1, DataType::String())};
  aggs[2].ignore_nulls = true;
  aggs[3].ignore_nulls = true;
  HashAggregateOperator op(src, {0}, aggs, OutputSchema({s.field(0)}, aggs));
  auto rows = Execute(op);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  DataType arr = DataType::Array(DataType::String());
  Rows expected = {{I(1), n, n, S("a"), S("b"), Value::Nested(arr, {S("a"), S("b")})},
                   {I(2), S("p"), S("p"), S("p"), S("p"), Value::Nested(arr, {S("p")})}};
  EXPECT_EQ(Sorted(*rows), Sorted(expected));
}

TEST(HashAggregateTest, DistinctAggregatesAcrossPartitions) {
  // k=1: v = 1, 1, 2, NULL, 2, 3; k=2: v = 5, 5; k=3: v = NULL.
  auto src = Source(kKV, {{{{L(1), L(1)}, {L(1), L(1)}, {L(2), L(5)}, {L(1), L(2)}}},
                          {{{L(1), kNullL}, {L(1), L(2)}, {L(2), L(5)}, {L(1), L(3)}, {L(3), kNullL}}}});
  std::vector<AggregateCall> aggs = {
      Agg("count", 1, DataType::Bigint(), true), Agg("sum", 1, DataType::Bigint(), true),
      Agg("avg", 1, DataType::Bigint(), true), Agg("count", 1, DataType::Bigint()),
      Agg("sum", 1, DataType::Bigint())};
  HashAggregateOperator op(src, {0}, aggs, OutputSchema({kKV.field(0)}, aggs));
  for (int threads : {1, 2}) {
    auto rows = Execute(op, threads);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    Rows expected = {{L(1), L(3), L(6), D(2.0), L(5), L(9)},
                     {L(2), L(1), L(5), D(5.0), L(2), L(10)},
                     {L(3), L(0), kNullL, kNullD, L(0), kNullL}};
    EXPECT_EQ(Sorted(*rows), Sorted(expected));
  }
}

TEST(HashAggregateTest, StringAndCompositeKeysWithNulls) {
  Schema s({{"a", DataType::String(), true}, {"b", DataType::Int(), true}, {"v", DataType::Int(), true}});
  Value ns = Value::Null(DataType::String());
  Value ni = Value::Null(DataType::Int());
  auto src = Source(s, {{{{S("x"), I(1), I(1)}, {S("x"), ni, I(2)}, {ns, I(1), I(4)}, {S(""), I(1), I(8)}}},
                        {{{S("x"), I(1), I(16)}, {ns, I(1), I(32)}, {ns, ni, I(64)}, {S("x"), ni, I(128)}}}});
  std::vector<AggregateCall> aggs = {Agg("sum", 2, DataType::Int())};
  HashAggregateOperator op(src, {0, 1}, aggs, OutputSchema({s.field(0), s.field(1)}, aggs));
  auto rows = Execute(op, 2);
  ASSERT_TRUE(rows.ok());
  Rows expected = {{S("x"), I(1), L(17)}, {S("x"), ni, L(130)}, {ns, I(1), L(36)},
                   {S(""), I(1), L(8)},   {ns, ni, L(64)}};
  EXPECT_EQ(Sorted(*rows), Sorted(expected));
}

TEST(HashAggregateTest, DoubleKeysGroupNegativeZeroAndNaN) {
  Schema s({{"k", DataType::Double(), true}});
  auto src = Source(s, {{{{D(0.0)}, {D(-0.0)}, {D(std::nan(""))}, {D(-std::nan(""))}, {D(1.0)}}}});
  std::vector<AggregateCall> aggs = {Agg("count", -1, {})};
  HashAggregateOperator op(src, {0}, aggs, OutputSchema({s.field(0)}, aggs));
  auto rows = Execute(op);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Sorted(*rows), Sorted({{D(0.0), L(2)}, {D(std::nan("")), L(2)}, {D(1.0), L(1)}}));
}

TEST(HashAggregateTest, ManyGroupsGrowTheTable) {
  // 4 partitions; key i (0 <= i < 100000) appears in partition i % 4 and
  // (i + 1) % 4, with v = i each time: count 2, sum 2i.
  const int kKeys = 100000;
  std::vector<std::vector<Batch>> parts(4);
  for (int p = 0; p < 4; ++p) {
    Batch b = Batch::Empty(kKV);
    for (int i = 0; i < kKeys; ++i) {
      if (i % 4 == p || (i + 1) % 4 == p) {
        b.columns[0].AppendValue(L(i));
        b.columns[1].AppendValue(L(i));
      }
    }
    b.num_rows = b.columns[0].size();
    for (size_t off = 0; off < b.num_rows; off += 3000) {
      parts[static_cast<size_t>(p)].push_back(b.Slice(off, std::min<size_t>(3000, b.num_rows - off)));
    }
  }
  auto src = std::make_shared<TestSourceOperator>(kKV, std::move(parts));
  std::vector<AggregateCall> aggs = {Agg("count", -1, {}), Agg("sum", 1, DataType::Bigint())};
  HashAggregateOperator op(src, {0}, aggs, OutputSchema({kKV.field(0)}, aggs));
  auto rows = Execute(op, 4);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), static_cast<size_t>(kKeys));
  std::vector<int> seen(kKeys, 0);
  for (const auto& r : *rows) {
    int64_t k = r[0].bigint_value();
    ASSERT_GE(k, 0);
    ASSERT_LT(k, kKeys);
    seen[static_cast<size_t>(k)]++;
    EXPECT_EQ(r[1].bigint_value(), 2);
    EXPECT_EQ(r[2].bigint_value(), 2 * k);
  }
  for (int c : seen) ASSERT_EQ(c, 1);
}

TEST(DistinctOperatorTest, RemovesDuplicateRowsIncludingNulls) {
  auto src = Source(kKV, {{{{L(1), L(2)}, {L(1), L(2)}, {kNullL, L(2)}}}, {{{kNullL, L(2)}, {L(1), kNullL}}}});
  DistinctOperator op(src);
  EXPECT_EQ(op.name(), "Distinct");
  EXPECT_EQ(op.output_schema(), kKV);
  auto rows = Execute(op);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Sorted(*rows), Sorted({{L(1), L(2)}, {kNullL, L(2)}, {L(1), kNullL}}));
}

// --- AggregateHashTable: state export / import and merge ---

std::vector<AggregateCall> StateAggs(const Schema& s) {
  std::vector<AggregateCall> aggs = {Agg("count", -1, {}),
                                     Agg("sum", 2, DataType::Bigint()),
                                     Agg("avg", 2, DataType::Bigint()),
                                     Agg("min", 1, DataType::String()),
                                     Agg("max", 1, DataType::String()),
                                     Agg("first", 1, DataType::String()),
                                     Agg("last", 2, DataType::Bigint()),
                                     Agg("collect_list", 2, DataType::Bigint()),
                                     Agg("count", 2, DataType::Bigint(), true),
                                     Agg("sum", 2, DataType::Bigint(), true)};
  (void)s;
  return aggs;
}

const Schema kState({{"k", DataType::String(), true}, {"s", DataType::String(), true}, {"v", DataType::Bigint(), true}});

TEST(AggregateHashTableTest, ExportAndLoadStateRoundTrip) {
  AggregateHashTable t({DataType::String()}, {0}, StateAggs(kState));
  Value ns = Value::Null(DataType::String());
  ASSERT_TRUE(t.Update(MakeBatch(kState, {{S("a"), S("m"), L(3)},
                                          {S("b"), ns, L(1)},
                                          {S("a"), S("c"), L(3)},
                                          {ns, S("q"), kNullL},
                                          {S("a"), S("x"), L(4)}}))
                  .ok());
  EXPECT_EQ(t.num_groups(), 3u);
  Batch state = t.ExportState();
  Schema ss = t.StateSchema();
  ASSERT_EQ(state.num_columns(), ss.size());
  for (size_t c = 0; c < ss.size(); ++c) EXPECT_EQ(state.columns[c].type(), ss.field(c).type) << c;
  EXPECT_EQ(ss.field(3).name, "agg_2_sum");
  EXPECT_EQ(ss.field(4).name, "agg_2_count");

  AggregateHashTable restored({DataType::String()}, {0}, StateAggs(kState));
  ASSERT_TRUE(restored.MergeState(state).ok());
  auto result = restored.Finalize();
  ASSERT_TRUE(result.ok());
  DataType arr = DataType::Array(DataType::Bigint());
  Rows expected = {
      {S("a"), L(3), L(10), D(10.0 / 3), S("c"), S("x"), S("m"), L(4), Value::Nested(arr, {L(3), L(3), L(4)}),
       L(2), L(7)},
      {S("b"), L(1), L(1), D(1.0), ns, ns, ns, L(1), Value::Nested(arr, {L(1)}), L(1), L(1)},
      {ns, L(1), kNullL, kNullD, S("q"), S("q"), S("q"), kNullL, Value::Nested(arr, {}), L(0), kNullL}};
  EXPECT_EQ(Sorted(ToRows({*result})), Sorted(expected));
  // The original table finalizes to the same.
  auto original = t.Finalize();
  ASSERT_TRUE(original.ok());
  EXPECT_EQ(Sorted(ToRows({*original})), Sorted(expected));

  // A restored table keeps aggregating: the distinct set survived the trip
  // (3 is not counted again), first keeps "m", last becomes 9.
  ASSERT_TRUE(restored.Update(MakeBatch(kState, {{S("a"), S("z"), L(3)}, {S("a"), S("b"), L(9)}})).ok());
  auto after = restored.Finalize();
  ASSERT_TRUE(after.ok());
  Rows a_rows;
  for (const auto& r : ToRows({*after})) {
    if (!r[0].is_null() && r[0].str_value() == "a") a_rows.push_back(r);
  }
  Rows expected_a = {{S("a"), L(5), L(22), D(22.0 / 5), S("b"), S("z"), S("m"), L(9),
                      Value::Nested(arr, {L(3), L(3), L(4), L(3), L(9)}), L(3), L(16)}};
  EXPECT_EQ(InOrder(a_rows), InOrder(expected_a));
}

TEST(AggregateHashTableTest, MergeCombinesPartialTables) {
  AggregateHashTable t1({DataType::String()}, {0}, StateAggs(kState));
  AggregateHashTable t2({DataType::String()}, {0}, StateAggs(kState));
  ASSERT_TRUE(t1.Update(MakeBatch(kState, {{S("a"), S("m"), L(3)}, {S("b"), S("n"), L(5)}})).ok());
  ASSERT_TRUE(t2.Update(MakeBatch(kState, {{S("a"), S("c"), L(3)}, {S("c"), S("o"), L(7)}, {S("a"), S("d"), L(1)}}))
                  .ok());
  ASSERT_TRUE(t1.Merge(t2).ok());
  EXPECT_EQ(t1.num_groups(), 3u);
  auto result = t1.Finalize();
  ASSERT_TRUE(result.ok());
  DataType arr = DataType::Array(DataType::Bigint());
  // "a": this table's rows first, then the merged table's.
  Rows expected = {
      {S("a"), L(3), L(7), D(7.0 / 3), S("c"), S("m"), S("m"), L(1), Value::Nested(arr, {L(3), L(3), L(1)}),
       L(2), L(4)},
      {S("b"), L(1), L(5), D(5.0), S("n"), S("n"), S("n"), L(5), Value::Nested(arr, {L(5)}), L(1), L(5)},
      {S("c"), L(1), L(7), D(7.0), S("o"), S("o"), S("o"), L(7), Value::Nested(arr, {L(7)}), L(1), L(7)}};
  EXPECT_EQ(Sorted(ToRows({*result})), Sorted(expected));
}

TEST(AggregateHashTableTest, GlobalTableAlwaysHasOneGroup) {
  AggregateHashTable t({}, {}, {Agg("count", -1, {}), Agg("sum", 1, DataType::Bigint())});
  EXPECT_EQ(t.num_groups(), 1u);
  auto r = t.Finalize();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(ToRows({*r})), InOrder({{L(0), kNullL}}));
  AggregateHashTable t2({}, {}, {Agg("count", -1, {}), Agg("sum", 1, DataType::Bigint())});
  ASSERT_TRUE(t2.Update(MakeBatch(kKV, {{L(1), L(2)}, {L(1), L(3)}})).ok());
  ASSERT_TRUE(t.MergeState(t2.ExportState()).ok());
  r = t.Finalize();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(ToRows({*r})), InOrder({{L(2), L(5)}}));
}

TEST(AggregateHashTableTest, CollectSetKeepsDistinctValuesAcrossExportAndMerge) {
  auto bound = BindAggregate("collect_set", {DataType::Bigint()}, false);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->kind, AggregateKind::kCollectSet);
  EXPECT_EQ(bound->result_type, DataType::Array(DataType::Bigint()));
  std::vector<AggregateCall> aggs = {Agg("collect_set", 1, DataType::Bigint())};
  AggregateHashTable t({DataType::Bigint()}, {0}, aggs);
  ASSERT_TRUE(t.Update(MakeBatch(kKV, {{L(1), L(3)}, {L(1), L(3)}, {L(1), kNullL}, {L(1), L(4)}, {L(2), L(5)}}))
                  .ok());
  DataType arr = DataType::Array(DataType::Bigint());
  auto first = t.Finalize();
  ASSERT_TRUE(first.ok());
  // NULLs are skipped; each value once (first-seen order here, though Spark
  // promises no order).
  EXPECT_EQ(Sorted(ToRows({*first})),
            Sorted({{L(1), Value::Nested(arr, {L(3), L(4)})}, {L(2), Value::Nested(arr, {L(5)})}}));
  // The state is the distinct values; restoring it and adding more data
  // still de-duplicates against what was seen before.
  Schema ss = t.StateSchema();
  ASSERT_EQ(ss.size(), 2u);
  EXPECT_EQ(ss.field(1).name, "agg_0_distinct_values");
  EXPECT_EQ(ss.field(1).type, arr);
  AggregateHashTable restored({DataType::Bigint()}, {0}, aggs);
  ASSERT_TRUE(restored.MergeState(t.ExportState()).ok());
  ASSERT_TRUE(restored.Update(MakeBatch(kKV, {{L(1), L(4)}, {L(1), L(6)}, {L(3), kNullL}})).ok());
  auto merged = restored.Finalize();
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(Sorted(ToRows({*merged})), Sorted({{L(1), Value::Nested(arr, {L(3), L(4), L(6)})},
                                               {L(2), Value::Nested(arr, {L(5)})},
                                               {L(3), Value::Nested(arr, {})}}));
}

}  // namespace
}  // namespace sluice
