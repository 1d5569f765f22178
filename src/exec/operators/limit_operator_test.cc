#include "exec/operators/limit_operator.h"

#include <gtest/gtest.h>

#include "exec/function_registry.h"
#include "exec/operators/filter_project_operator.h"
#include "exec/operators/operator_test_util.h"
#include "exec/operators/union_all_operator.h"
#include "exec/operators/values_operator.h"

namespace sluice {
namespace {

using namespace sluice::testing;  // NOLINT

const Schema kX({{"x", DataType::Int(), true}});

// Partitions [1 2 3], [4 | 5 6], [7 8 9] (| separates batches).
std::shared_ptr<TestSourceOperator> Nine() {
  return Source(kX, {{{{I(1)}, {I(2)}, {I(3)}}}, {{{I(4)}}, {{I(5)}, {I(6)}}}, {{{I(7)}, {I(8)}, {I(9)}}}});
}

TEST(LimitTest, TakesRowsInPartitionOrderAndStopsEarly) {
  auto src = Nine();
  LimitOperator op(src, 4);
  EXPECT_EQ(op.num_partitions(), 1);
  auto r = Execute(op);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(*r), InOrder({{I(1)}, {I(2)}, {I(3)}, {I(4)}}));
  EXPECT_EQ(src->opened(), 2);  // the third partition was never opened
}

TEST(LimitTest, OffsetAcrossBatchesAndPartitions) {
  auto src = Nine();
  LimitOperator op(src, 3, 2);
  auto r = Execute(op);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(*r), InOrder({{I(3)}, {I(4)}, {I(5)}}));
  LimitOperator op2(Nine(), 100, 7);
  r = Execute(op2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(*r), InOrder({{I(8)}, {I(9)}}));
}

TEST(LimitTest, ZeroAndLargeLimits) {
  auto src = Nine();
  LimitOperator zero(src, 0);
  auto r = Execute(zero);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(src->opened(), 0);
  LimitOperator all(Nine(), 1000);
  r = Execute(all);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 9u);
}

TEST(UnionAllTest, PartitionsAreConcatenated) {
  auto a = Source(kX, {{{{I(1)}}}, {{{I(2)}, {I(3)}}}});
  auto b = Source(kX, {{{{I(4)}}}});
  UnionAllOperator op({a, b, a});
  EXPECT_EQ(op.num_partitions(), 5);
  ExecContext ctx;
  auto p2 = CollectPartition(op, 2, &ctx);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(InOrder(ToRows(*p2)), InOrder({{I(4)}}));
  auto r = Execute(op);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(*r), InOrder({{I(1)}, {I(2)}, {I(3)}, {I(4)}, {I(1)}, {I(2)}, {I(3)}}));
  EXPECT_FALSE(op.Open(5, &ctx).ok());
}

TEST(ValuesTest, OnePartitionSkippingEmptyBatches) {
  ValuesOperator op(kX, {MakeBatch(kX, {{I(1)}, {Value::Null(DataType::Int())}}), MakeBatch(kX, {}),
                         MakeBatch(kX, {{I(3)}})});
  EXPECT_EQ(op.num_partitions(), 1);
  auto r = Execute(op);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(*r), InOrder({{I(1)}, {Value::Null(DataType::Int())}, {I(3)}}));
}

TEST(FilterProjectTest, FiltersThenProjectsKeepingPartitions) {
  Schema s({{"x", DataType::Int(), true}, {"y", DataType::String(), true}});
  auto src = Source(s, {{{{I(1), S("a")}, {I(5), S("b")}}, {{I(0), S("c")}}},
                        {{{Value::Null(DataType::Int()), S("d")}, {I(7), S("e")}}}});
  auto x = MakeColumnRef(0, DataType::Int(), "x");
  auto y = MakeColumnRef(1, DataType::String(), "y");
  auto filter = BindScalarFunction(">", {x, MakeLiteral(I(1))});
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  auto plus = BindScalarFunction("+", {x, MakeLiteral(I(10))});
  ASSERT_TRUE(plus.ok()) << plus.status().ToString();
  Schema out({{"y", DataType::String(), true}, {"x10", (*plus)->type, true}});
  FilterProjectOperator op(src, *filter, {y, *plus}, out);
  EXPECT_EQ(op.num_partitions(), 2);
  // x > 1 keeps (5,b) and (7,e); the batch [(0,c)] and NULL x are dropped.
  ExecContext ctx;
  auto p0 = CollectPartition(op, 0, &ctx);
  ASSERT_TRUE(p0.ok()) << p0.status().ToString();
  EXPECT_EQ(p0->size(), 1u);  // the all-filtered batch is skipped
  EXPECT_EQ(InOrder(ToRows(*p0)), InOrder({{S("b"), I(15)}}));
  auto r = Execute(op);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(*r), InOrder({{S("b"), I(15)}, {S("e"), I(17)}}));

  FilterProjectOperator project_only(src, nullptr, {y}, Schema({s.field(1)}));
  r = Execute(project_only);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(InOrder(*r), InOrder({{S("a")}, {S("b")}, {S("c")}, {S("d")}, {S("e")}}));
}

}  // namespace
}  // namespace sluice
