#include "vector/vector.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(VectorTest, FixedWidthValuesAndNulls) {
  Vector v(DataType::Int(), 3);
  v.data<int32_t>()[0] = 7;
  v.data<int32_t>()[2] = -1;
  v.SetNull(1);
  EXPECT_EQ(v.GetValue(0), Value::Int(7));
  EXPECT_TRUE(v.GetValue(1).is_null());
  EXPECT_EQ(v.GetValue(2), Value::Int(-1));
  EXPECT_EQ(v.CountNulls(), 1u);
  v.Resize(200);
  EXPECT_TRUE(v.IsValid(150));
  EXPECT_EQ(v.data<int32_t>()[150], 0);
  EXPECT_EQ(v.CountNulls(), 1u);
}

TEST(VectorTest, StringsGatherSharesHeap) {
  Vector v(DataType::String(), 0);
  v.AppendValue(Value::String("alpha"));
  v.AppendValue(Value::Null(DataType::String()));
  v.AppendValue(Value::String("gamma"));
  SelectionVector sel = {2, 1, 0};
  Vector g = v.Gather(sel);
  EXPECT_EQ(g.heap_ptr(), v.heap_ptr());
  EXPECT_EQ(g.GetString(0), "gamma");
  EXPECT_TRUE(g.IsNull(1));
  EXPECT_EQ(g.GetString(2), "alpha");
}

TEST(VectorTest, AppendKeepsSourceHeapAlive) {
  Vector dst(DataType::String(), 0);
  {
    Vector src(DataType::String(), 0);
    src.AppendValue(Value::String("kept after src is gone"));
    dst.Append(src);
  }
  EXPECT_EQ(dst.GetString(0), "kept after src is gone");
}

TEST(VectorTest, StructAndArrayRoundTrip) {
  DataType st = DataType::Struct({{"a", DataType::Int()}, {"tags", DataType::Array(DataType::String())}});
  Value row1 = Value::Nested(st, {Value::Int(1), Value::Nested(DataType::Array(DataType::String()),
                                                               {Value::String("x"), Value::String("y")})});
  Value row2 = Value::Nested(st, {Value::Null(DataType::Int()),
                                  Value::Nested(DataType::Array(DataType::String()), {})});
  Vector v = Vector::FromValues(st, {row1, Value::Null(st), row2});
  EXPECT_EQ(v.GetValue(0), row1);
  EXPECT_TRUE(v.GetValue(1).is_null());
  EXPECT_EQ(v.GetValue(2), row2);
  EXPECT_EQ(v.GetValue(0).ToString(), "{1, [x, y]}");
  SelectionVector sel = {2, 0};
  Vector g = v.Gather(sel);
  EXPECT_EQ(g.GetValue(0), row2);
  EXPECT_EQ(g.GetValue(1), row1);
  Vector appended(st, 0);
  appended.Append(v);
  appended.Append(g);
  ASSERT_EQ(appended.size(), 5u);
  EXPECT_EQ(appended.GetValue(3), row2);
  EXPECT_EQ(appended.GetValue(4), row1);
}

TEST(BatchTest, ConcatAndRows) {
  Batch a({Vector::FromValues(DataType::Bigint(), {Value::Bigint(1), Value::Bigint(2)})}, 2);
  Batch b({Vector::FromValues(DataType::Bigint(), {Value::Null(DataType::Bigint())})}, 1);
  Batch c = Batch::Concat({a, b});
  ASSERT_EQ(c.num_rows, 3u);
  EXPECT_EQ(c.Row(1)[0], Value::Bigint(2));
  EXPECT_TRUE(c.Row(2)[0].is_null());
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

// A buffer that cannot be allocated is std::bad_alloc (which the engine turns
// into an OutOfMemory error where query work runs, common/allocation_failure.h),
// never an abort; sizes whose byte count overflows are refused before any
// allocation is tried.
TEST(VectorTest, ImpossibleAllocationsThrowBadAlloc) {
  EXPECT_THROW(Vector(DataType::Bigint(), size_t{1} << 41), std::bad_alloc);          // 16 TB
  EXPECT_THROW(Vector(DataType::Bigint(), SIZE_MAX / 4), std::bad_alloc);             // bytes overflow size_t
  EXPECT_THROW(Vector(DataType::Array(DataType::Int()), SIZE_MAX), std::bad_alloc);   // n + 1 offsets overflow
  Vector v(DataType::Int(), 10);
  EXPECT_THROW(v.Resize(SIZE_MAX / 2), std::bad_alloc);
  EXPECT_THROW(v.Reserve(size_t{1} << 62), std::bad_alloc);
  // The vector is unchanged and usable.
  EXPECT_EQ(v.size(), 10u);
  v.Resize(20);
  EXPECT_EQ(v.data<int32_t>()[19], 0);
}

}  // namespace
}  // namespace sluice
