#include "exec/operators/sort_operator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "exec/operators/operator_test_util.h"

namespace sluice {
namespace {

using namespace sluice::testing;  // NOLINT

Rows SortRows(PhysicalOperatorPtr src, std::vector<SortKey> keys, std::optional<int64_t> limit = std::nullopt,
              int threads = 2) {
  SortOperator op(std::move(src), std::move(keys), limit);
  auto r = Execute(op, threads);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Rows{};
}

std::vector<int32_t> Tags(const Rows& rows, size_t col) {
  std::vector<int32_t> out;
  for (const auto& r : rows) out.push_back(r[col].int_value());
  return out;
}

const Schema kKT({{"k", DataType::Bigint(), true}, {"tag", DataType::Int(), true}});
const Value NL = Value::Null(DataType::Bigint());

PhysicalOperatorPtr BigintSource() {
  // tag = input position.
  return Source(kKT, {{{{L(3), I(0)}, {NL, I(1)}, {L(1), I(2)}}}, {{{L(2), I(3)}, {NL, I(4)}, {L(1), I(5)}}}});
}

TEST(SortTest, NullsFirstAndLastBothDirections) {
  EXPECT_EQ(Tags(SortRows(BigintSource(), {{0, true, true}}), 1), (std::vector<int32_t>{1, 4, 2, 5, 3, 0}));
  EXPECT_EQ(Tags(SortRows(BigintSource(), {{0, true, false}}), 1), (std::vector<int32_t>{2, 5, 3, 0, 1, 4}));
  EXPECT_EQ(Tags(SortRows(BigintSource(), {{0, false, false}}), 1), (std::vector<int32_t>{0, 3, 2, 5, 1, 4}));
  EXPECT_EQ(Tags(SortRows(BigintSource(), {{0, false, true}}), 1), (std::vector<int32_t>{1, 4, 0, 3, 2, 5}));
}

TEST(SortTest, IntegerKeyWithoutNullsIsStableBothDirections) {
  auto src = Source(kKT, {{{{L(5), I(0)}, {L(-1), I(1)}, {L(5), I(2)}}}, {{{L(std::numeric_limits<int64_t>::min()), I(3)}, {L(-1), I(4)}}}});
  EXPECT_EQ(Tags(SortRows(src, {{0, true, true}}), 1), (std::vector<int32_t>{3, 1, 4, 0, 2}));
  EXPECT_EQ(Tags(SortRows(src, {{0, false, true}}), 1), (std::vector<int32_t>{0, 2, 1, 4, 3}));
}

TEST(SortTest, DoublesNaNIsLargestAndZerosAreEqual) {
  Schema s({{"x", DataType::Double(), true}, {"tag", DataType::Int(), true}});
  auto src = Source(s, {{{{D(1.0), I(0)}, {D(std::nan("")), I(1)}, {D(-INFINITY), I(2)}, {D(0.0), I(3)},
                          {D(-0.0), I(4)}, {D(INFINITY), I(5)}, {Value::Null(DataType::Double()), I(6)}}}});
  EXPECT_EQ(Tags(SortRows(src, {{0, true, false}}), 1), (std::vector<int32_t>{2, 3, 4, 0, 5, 1, 6}));
  EXPECT_EQ(Tags(SortRows(src, {{0, false, true}}), 1), (std::vector<int32_t>{6, 1, 5, 0, 3, 4, 2}));
}

TEST(SortTest, StringsByUtf8Bytes) {
  Schema s({{"s", DataType::String(), true}, {"tag", DataType::Int(), true}});
  auto src = Source(s, {{{{S("b"), I(0)}, {S("\xC3\xA9"), I(1)}, {S("a"), I(2)}}},
                        {{{S("Z"), I(3)}, {S(""), I(4)}, {S("ab"), I(5)}}}});
  EXPECT_EQ(Tags(SortRows(src, {{0, true, true}}), 1), (std::vector<int32_t>{4, 3, 2, 5, 0, 1}));
}

TEST(SortTest, MultipleKeysAndTiesKeepInputOrder) {
  Schema s({{"a", DataType::Int(), true}, {"b", DataType::String(), true}, {"tag", DataType::Int(), true}});
  Value ns = Value::Null(DataType::String());
  auto src = Source(s, {{{{I(1), S("x"), I(0)}, {I(2), S("y"), I(1)}, {I(1), S("z"), I(2)}}},
                        {{{I(1), S("x"), I(3)}, {I(2), ns, I(4)}, {I(1), ns, I(5)}}}});
  // a ASC, b DESC NULLS LAST: (1,z) (1,x)#0 (1,x)#3 (1,NULL) (2,y) (2,NULL)
  EXPECT_EQ(Tags(SortRows(src, {{0, true, true}, {1, false, false}}), 2), (std::vector<int32_t>{2, 0, 3, 5, 1, 4}));
}

TEST(SortTest, EmptyInputAndLimitZero) {
  auto empty = Source(kKT, {{}, {{}}});
  EXPECT_TRUE(SortRows(empty, {{0, true, true}}).empty());
  EXPECT_TRUE(SortRows(BigintSource(), {{0, true, true}}, 0).empty());
  EXPECT_EQ(SortRows(BigintSource(), {{0, true, true}}, 100).size(), 6u);
}

TEST(SortTest, TopNEqualsFullSortThenLimit) {
  // 3 partitions of 7000 rows with many duplicate keys (and NULLs): the
  // top-N path compacts its buffers several times.
  Schema s({{"k", DataType::Int(), true}, {"tag", DataType::Int(), true}});
  std::vector<std::vector<Batch>> parts(3);
  std::vector<std::pair<int, int>> reference;  // (key or INT_MIN for NULL, tag)
  uint32_t x = 12345;
  int tag = 0;
  for (int p = 0; p < 3; ++p) {
    for (int b = 0; b < 7; ++b) {
      Rows rows;
      for (int i = 0; i < 1000; ++i) {
        x = x * 1103515245 + 12345;
        int key = static_cast<int>((x >> 8) % 500);
        bool null = (x >> 4) % 50 == 0;
        rows.push_back({null ? Value::Null(DataType::Int()) : I(key), I(tag)});
        reference.push_back({null ? std::numeric_limits<int>::min() : key, tag});
        ++tag;
      }
      parts[static_cast<size_t>(p)].push_back(MakeBatch(s, rows));
    }
  }
  auto src = std::make_shared<TestSourceOperator>(s, std::move(parts));
  // SQL semantics: ascending, NULLs first, ties in input order (tags are
  // assigned in partition order so they are the input order).
  std::stable_sort(reference.begin(), reference.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (int64_t n : {1, 50, 5000}) {
    Rows top = SortRows(src, {{0, true, true}}, n, 3);
    Rows full = SortRows(src, {{0, true, true}}, std::nullopt, 3);
    ASSERT_EQ(top.size(), static_cast<size_t>(n));
    ASSERT_EQ(full.size(), reference.size());
    for (size_t i = 0; i < top.size(); ++i) {
      ASSERT_EQ(top[i][1].int_value(), reference[i].second) << "n=" << n << " i=" << i;
      ASSERT_EQ(full[i][1].int_value(), reference[i].second) << i;
    }
  }
}

}  // namespace
}  // namespace sluice
