#include "json/first_json_value.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(FirstJsonValueEndTest, EndsAfterTheFirstObjectOrArray) {
  EXPECT_EQ(FirstJsonValueEnd(R"({"a":1} xyz)"), 7u);
  EXPECT_EQ(FirstJsonValueEnd(R"({"a":1}{"a":2})"), 7u);
  EXPECT_EQ(FirstJsonValueEnd(R"(  [1,[2]] ,)"), 9u);
  // Brackets and escaped quotes inside strings do not count.
  EXPECT_EQ(FirstJsonValueEnd(R"({"a":"}\"]{"} tail)"), 13u);
  EXPECT_EQ(FirstJsonValueEnd(R"({"o":{"p":[]}}})"), 14u);
}

TEST(FirstJsonValueEndTest, WholeTextWhenNothingToCut) {
  EXPECT_EQ(FirstJsonValueEnd(""), 0u);
  EXPECT_EQ(FirstJsonValueEnd("   "), 3u);
  EXPECT_EQ(FirstJsonValueEnd("1 2"), 3u);
  EXPECT_EQ(FirstJsonValueEnd(R"({"a":1)"), 6u);
  EXPECT_EQ(FirstJsonValueEnd(R"({"a":"unterminated)"), 18u);
  EXPECT_EQ(FirstJsonValueEnd(R"({"a":"x\)"), 8u);
}

}  // namespace
}  // namespace sluice
