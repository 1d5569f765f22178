#include "exec/operators/hash_join_operator.h"

#include <gtest/gtest.h>

#include "exec/function_registry.h"
#include "exec/operators/operator_test_util.h"

namespace sluice {
namespace {

using namespace sluice::testing;  // NOLINT

const Schema kLeft({{"id", DataType::Bigint(), true}, {"lv", DataType::String(), true}});
const Schema kRight({{"id", DataType::Bigint(), true}, {"rv", DataType::String(), true}});
const Value NL = Value::Null(DataType::Bigint());
const Value NS = Value::Null(DataType::String());

Schema Concat(const Schema& a, const Schema& b) {
  Schema s = a;
  for (const auto& f : b.fields()) s.Add(f);
  return s;
}

// left: (1,a) (2,b) | (2,b2) (NULL,n) (4,d); right: (2,x) (2,y) (3,z) | (NULL,m) (1,w)
PhysicalOperatorPtr LeftSource() {
  return Source(kLeft, {{{{L(1), S("a")}, {L(2), S("b")}}}, {{{L(2), S("b2")}}, {{NL, S("n")}, {L(4), S("d")}}}});
}
PhysicalOperatorPtr RightSource() {
  return Source(kRight, {{{{L(2), S("x")}, {L(2), S("y")}, {L(3), S("z")}}}, {{{NL, S("m")}, {L(1), S("w")}}}});
}

Result<Rows> RunJoin(JoinType type, ExprPtr residual, int threads = 2, bool keys = true) {
  Schema out = (type == JoinType::kLeftSemi || type == JoinType::kLeftAnti) ? kLeft : Concat(kLeft, kRight);
  std::vector<int> lk, rk;
  if (keys) lk = rk = {0};
  HashJoinOperator op(LeftSource(), RightSource(), type, lk, rk, std::move(residual), out);
  EXPECT_EQ(op.num_partitions(),
            (type == JoinType::kRightOuter || type == JoinType::kFullOuter) ? 1 : 2);
  return Execute(op, threads);
}

// rv = 'y' over the joined row (left columns 0-1, right columns 2-3).
ExprPtr RvIsY() {
  auto e = BindScalarFunction("=", {MakeColumnRef(3, DataType::String(), "rv"), MakeLiteral(S("y"))});
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return *e;
}

const Rows kInner = {{L(1), S("a"), L(1), S("w")},
                     {L(2), S("b"), L(2), S("x")},
                     {L(2), S("b"), L(2), S("y")},
                     {L(2), S("b2"), L(2), S("x")},
                     {L(2), S("b2"), L(2), S("y")}};
const Rows kLeftUnmatched = {{NL, S("n"), NL, NS}, {L(4), S("d"), NL, NS}};
const Rows kRightUnmatched = {{NL, NS, L(3), S("z")}, {NL, NS, NL, S("m")}};

Rows Plus(Rows a, const Rows& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(HashJoinTest, Inner) {
  for (int threads : {1, 2}) {
    auto r = RunJoin(JoinType::kInner, nullptr, threads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Sorted(*r), Sorted(kInner));
  }
}

// The build side is built once per execution, however many probe
// partitions there are and however they are scheduled (one thread drains
// them one after another, so no probe stream is alive between two of them).
TEST(HashJoinTest, BuildSideIsBuiltOncePerExecution) {
  std::vector<std::vector<Rows>> parts;
  for (int p = 0; p < 6; ++p) parts.push_back({{{L(p % 3), S("l")}}});
  auto left = Source(kLeft, parts);
  auto right = Source(kRight, {{{{L(0), S("x")}, {L(1), S("y")}}}});
  HashJoinOperator op(left, right, JoinType::kInner, {0}, {0}, nullptr, Concat(kLeft, kRight));
  auto r = Execute(op, 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 4u);  // ids 0,1,0,1 match; 2,2 do not
  EXPECT_EQ(right->opened(), 1);
  // A new execution builds again (its own context).
  ASSERT_TRUE(Execute(op, 2).ok());
  EXPECT_EQ(right->opened(), 2);
}

TEST(HashJoinTest, LeftOuter) {
  auto r = RunJoin(JoinType::kLeftOuter, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Sorted(*r), Sorted(Plus(kInner, kLeftUnmatched)));
}

TEST(HashJoinTest, RightOuter) {
  auto r = RunJoin(JoinType::kRightOuter, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Sorted(*r), Sorted(Plus(kInner, kRightUnmatched)));
}

TEST(HashJoinTest, FullOuter) {
  for (int threads : {1, 2}) {
    auto r = RunJoin(JoinType::kFullOuter, nullptr, threads);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Sorted(*r), Sorted(Plus(Plus(kInner, kLeftUnmatched), kRightUnmatched)));
  }
}

TEST(HashJoinTest, LeftSemiAndAnti) {
  auto semi = RunJoin(JoinType::kLeftSemi, nullptr);
  ASSERT_TRUE(semi.ok());
  // Each matching left row once, despite two right matches for id 2.
  EXPECT_EQ(Sorted(*semi), Sorted({{L(1), S("a")}, {L(2), S("b")}, {L(2), S("b2")}}));
  auto anti = RunJoin(JoinType::kLeftAnti, nullptr);
  ASSERT_TRUE(anti.ok());
  // A NULL key matches nothing, so the NULL row is kept.
  EXPECT_EQ(Sorted(*anti), Sorted({{NL, S("n")}, {L(4), S("d")}}));
}

TEST(HashJoinTest, Cross) {
  auto r = RunJoin(JoinType::kCross, nullptr, 2, /*keys=*/false);
  ASSERT_TRUE(r.ok());
  Rows expected;
  Rows left = {{L(1), S("a")}, {L(2), S("b")}, {L(2), S("b2")}, {NL, S("n")}, {L(4), S("d")}};
  Rows right = {{L(2), S("x")}, {L(2), S("y")}, {L(3), S("z")}, {NL, S("m")}, {L(1), S("w")}};
  for (const auto& l : left) {
    for (const auto& rr : right) expected.push_back({l[0], l[1], rr[0], rr[1]});
  }
  EXPECT_EQ(Sorted(*r), Sorted(expected));
}

TEST(HashJoinTest, InnerWithResidual) {
  auto r = RunJoin(JoinType::kInner, RvIsY());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Sorted(*r), Sorted({{L(2), S("b"), L(2), S("y")}, {L(2), S("b2"), L(2), S("y")}}));
}

TEST(HashJoinTest, LeftOuterWithResidual) {
  auto r = RunJoin(JoinType::kLeftOuter, RvIsY());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // (1,a) matches w on the key but not the residual: it is unmatched.
  EXPECT_EQ(Sorted(*r), Sorted({{L(2), S("b"), L(2), S("y")},
                                {L(2), S("b2"), L(2), S("y")},
                                {L(1), S("a"), NL, NS},
                                {NL, S("n"), NL, NS},
                                {L(4), S("d"), NL, NS}}));
}

TEST(HashJoinTest, RightAndFullOuterWithResidual) {
  Rows matched = {{L(2), S("b"), L(2), S("y")}, {L(2), S("b2"), L(2), S("y")}};
  Rows right_unmatched = {{NL, NS, L(2), S("x")}, {NL, NS, L(3), S("z")}, {NL, NS, NL, S("m")}, {NL, NS, L(1), S("w")}};
  auto r = RunJoin(JoinType::kRightOuter, RvIsY());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Sorted(*r), Sorted(Plus(matched, right_unmatched)));
  auto f = RunJoin(JoinType::kFullOuter, RvIsY());
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  Rows left_unmatched = {{L(1), S("a"), NL, NS}, {NL, S("n"), NL, NS}, {L(4), S("d"), NL, NS}};
  EXPECT_EQ(Sorted(*f), Sorted(Plus(Plus(matched, right_unmatched), left_unmatched)));
}

TEST(HashJoinTest, SemiAntiWithResidual) {
  auto semi = RunJoin(JoinType::kLeftSemi, RvIsY());
  ASSERT_TRUE(semi.ok()) << semi.status().ToString();
  EXPECT_EQ(Sorted(*semi), Sorted({{L(2), S("b")}, {L(2), S("b2")}}));
  auto anti = RunJoin(JoinType::kLeftAnti, RvIsY());
  ASSERT_TRUE(anti.ok()) << anti.status().ToString();
  EXPECT_EQ(Sorted(*anti), Sorted({{L(1), S("a")}, {NL, S("n")}, {L(4), S("d")}}));
}

TEST(HashJoinTest, CrossWithResidual) {
  auto r = RunJoin(JoinType::kCross, RvIsY(), 2, /*keys=*/false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Sorted(*r), Sorted({{L(1), S("a"), L(2), S("y")},
                                {L(2), S("b"), L(2), S("y")},
                                {L(2), S("b2"), L(2), S("y")},
                                {NL, S("n"), L(2), S("y")},
                                {L(4), S("d"), L(2), S("y")}}));
}

TEST(HashJoinTest, EmptyBuildSide) {
  auto empty = Source(kRight, {{}});
  HashJoinOperator inner(LeftSource(), empty, JoinType::kInner, {0}, {0}, nullptr, Concat(kLeft, kRight));
  auto r = Execute(inner);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  HashJoinOperator anti(LeftSource(), empty, JoinType::kLeftAnti, {0}, {0}, nullptr, kLeft);
  r = Execute(anti);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 5u);
  HashJoinOperator left(LeftSource(), empty, JoinType::kLeftOuter, {0}, {0}, nullptr, Concat(kLeft, kRight));
  r = Execute(left);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 5u);
}

TEST(HashJoinTest, CompositeStringKeysAndManyDuplicates) {
  Schema ls({{"a", DataType::String(), true}, {"b", DataType::Int(), true}});
  Schema rs({{"a", DataType::String(), true}, {"b", DataType::Int(), true}, {"n", DataType::Int(), true}});
  // 3000 right rows with key ("k", 1): a left row with that key produces
  // 3000 output rows (more than one output batch).
  std::vector<Rows> right_batches(1);
  for (int i = 0; i < 3000; ++i) right_batches[0].push_back({S("k"), I(1), I(i)});
  right_batches[0].push_back({S("k"), I(2), I(-1)});
  right_batches[0].push_back({S("k"), Value::Null(DataType::Int()), I(-2)});
  auto right = Source(rs, {right_batches});
  auto left = Source(ls, {{{{S("k"), I(1)}, {S("k"), I(2)}, {S("k"), Value::Null(DataType::Int())}, {S("j"), I(1)}}}});
  HashJoinOperator op(left, right, JoinType::kInner, {0, 1}, {0, 1}, nullptr, Concat(ls, rs));
  auto r = Execute(op);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3001u);
  int64_t sum = 0;
  for (const auto& row : *r) sum += row[4].int_value();
  EXPECT_EQ(sum, 2999 * 3000 / 2 - 1);
}

}  // namespace
}  // namespace sluice
