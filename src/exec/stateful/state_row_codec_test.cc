#include "exec/stateful/state_row_codec.h"

#include <gtest/gtest.h>

#include <cstring>

namespace sluice {
namespace {

DataType WindowType() {
  return DataType::Struct({{"start", DataType::Timestamp()}, {"end", DataType::Timestamp()}});
}

Value Window(int64_t start, int64_t end) {
  return Value::Nested(WindowType(), {Value::Timestamp(start), Value::Timestamp(end)});
}

TEST(StateRowCodecTest, StructFieldsAreEncodedInOrderAfterTheStructsNullByte) {
  Batch b({Vector::FromValues(WindowType(), {Window(10, 20)})}, 1);
  std::string out;
  EncodeStateRow(b, 0, 1, 0, &out);
  // struct null byte, start's null byte + 8 bytes, end's null byte + 8 bytes.
  ASSERT_EQ(out.size(), 1u + 9u + 9u);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 0);
  int64_t start = 0, end = 0;
  std::memcpy(&start, out.data() + 2, 8);
  std::memcpy(&end, out.data() + 11, 8);
  EXPECT_EQ(start, 10);
  EXPECT_EQ(end, 20);
}

TEST(StateRowCodecTest, StructsRoundTripWithNullsAtEveryLevel) {
  DataType inner = DataType::Struct({{"x", DataType::Int()}, {"s", DataType::String()}});
  DataType outer = DataType::Struct({{"w", WindowType()}, {"in", inner}, {"d", DataType::Double()}});
  std::vector<Value> rows = {
      Value::Nested(outer, {Window(1, 2), Value::Nested(inner, {Value::Int(7), Value::String("ab")}),
                            Value::Double(1.5)}),
      Value::Null(outer),
      Value::Nested(outer, {Value::Null(WindowType()), Value::Nested(inner, {Value::Null(DataType::Int()),
                                                                             Value::String("")}),
                            Value::Null(DataType::Double())}),
  };
  Batch b({Vector::FromValues(outer, rows), Vector::FromValues(DataType::Bigint(), {Value::Bigint(1),
                                                                                   Value::Bigint(2),
                                                                                   Value::Null(DataType::Bigint())})},
          3);
  ASSERT_TRUE(CheckStateType(outer, "key").ok());
  StateRowDecoder dec({outer, DataType::Bigint()});
  for (size_t r = 0; r < 3; ++r) {
    std::string bytes;
    EncodeStateRow(b, 0, 2, r, &bytes);
    ASSERT_TRUE(dec.Add(bytes).ok());
  }
  ASSERT_EQ(dec.rows(), 3u);
  Batch back(dec.Finish(), 3);
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(back.Row(r), b.Row(r)) << "row " << r;
  }
  EXPECT_TRUE(back.columns[0].IsNull(1));
  EXPECT_FALSE(back.columns[0].IsNull(2));
  EXPECT_TRUE(back.columns[0].child(0).IsNull(2));
}

TEST(StateRowCodecTest, EqualStructKeysEncodeEqually) {
  Batch b({Vector::FromValues(WindowType(), {Window(5, 15), Window(5, 15), Window(5, 16)})}, 3);
  std::string k0, k1, k2;
  EncodeStateRow(b, 0, 1, 0, &k0);
  EncodeStateRow(b, 0, 1, 1, &k1);
  EncodeStateRow(b, 0, 1, 2, &k2);
  EXPECT_EQ(k0, k1);
  EXPECT_NE(k0, k2);
}

TEST(StateRowCodecTest, TruncatedStructIsCorruptionAndLeavesDecoderUsable) {
  Batch b({Vector::FromValues(WindowType(), {Window(5, 15)})}, 1);
  std::string bytes;
  EncodeStateRow(b, 0, 1, 0, &bytes);
  StateRowDecoder dec({WindowType()});
  Status st = dec.Add(std::string_view(bytes).substr(0, bytes.size() - 3));
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_EQ(dec.rows(), 0u);
  ASSERT_TRUE(dec.Add(bytes).ok());
  Batch back(dec.Finish(), 1);
  EXPECT_EQ(back.Row(0), b.Row(0));
}

// ARRAY state (collect_set / collect_list of a streaming aggregation, so
// that size(collect_set(x)) counts distinct values): NULL arrays, empty
// arrays, NULL elements and arrays of structs round-trip, and equal arrays
// encode equally.
TEST(StateRowCodecTest, ArraysRoundTripWithNullsAndNesting) {
  DataType longs = DataType::Array(DataType::Bigint());
  DataType windows = DataType::Array(WindowType());
  ASSERT_TRUE(CheckStateType(DataType::Struct({{"a", longs}, {"w", windows}}), "value 1").ok());
  std::vector<Value> a = {Value::Nested(longs, {Value::Bigint(3), Value::Null(DataType::Bigint()), Value::Bigint(-7)}),
                          Value::Null(longs), Value::Nested(longs, {}),
                          Value::Nested(longs, {Value::Bigint(int64_t{1} << 40)})};
  std::vector<Value> w = {Value::Nested(windows, {Window(1, 2), Value::Null(WindowType())}), Value::Nested(windows, {}),
                          Value::Null(windows), Value::Nested(windows, {Window(5, 6), Window(7, 8)})};
  Batch b({Vector::FromValues(longs, a), Vector::FromValues(windows, w)}, 4);
  StateRowDecoder dec({longs, windows});
  for (size_t r = 0; r < 4; ++r) {
    std::string bytes;
    EncodeStateRow(b, 0, 2, r, &bytes);
    ASSERT_TRUE(dec.Add(bytes).ok()) << r;
  }
  Batch back(dec.Finish(), 4);
  for (size_t r = 0; r < 4; ++r) EXPECT_EQ(back.Row(r), b.Row(r)) << r;
  // [3, NULL, -7]: not NULL, 3 elements, then each element as a BIGINT column value.
  std::string first;
  EncodeStateRow(b, 0, 1, 0, &first);
  ASSERT_EQ(first.size(), 1u + 4u + 9u + 1u + 9u);
  EXPECT_EQ(first[0], 0);
  uint32_t n = 0;
  std::memcpy(&n, first.data() + 1, 4);
  EXPECT_EQ(n, 3u);
  std::string again;
  Batch same({Vector::FromValues(longs, {a[0]})}, 1);
  EncodeStateRow(same, 0, 1, 0, &again);
  EXPECT_EQ(again, first);
  // Truncated: an element missing.
  StateRowDecoder short_dec({longs});
  EXPECT_EQ(short_dec.Add(std::string_view(first).substr(0, first.size() - 9)).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace sluice
