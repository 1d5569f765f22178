#include "json/non_numeric_numbers.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice {
namespace {

TEST(NonNumericNumbersTest, TheSixTokensSparkReads) {
  EXPECT_TRUE(std::isnan(*NonNumericNumber("NaN")));
  for (const char* t : {"Infinity", "+Infinity", "+INF"}) EXPECT_EQ(*NonNumericNumber(t), INFINITY) << t;
  for (const char* t : {"-Infinity", "-INF"}) EXPECT_EQ(*NonNumericNumber(t), -INFINITY) << t;
  for (const char* t : {"INF", "nan", "NAN", "infinity", "Inf", "NaNa", "", "1"}) {
    EXPECT_FALSE(NonNumericNumber(t).has_value()) << t;
  }
}

TEST(NonNumericNumbersTest, QuotesTokensInValuePositionsOnly) {
  EXPECT_EQ(*QuoteNonNumericNumbers(R"({"a": NaN})"), R"({"a": "NaN"})");
  EXPECT_EQ(*QuoteNonNumericNumbers(R"({"a":-Infinity,"b":[+INF, 1,-INF ],"c":{"d":Infinity}})"),
            R"({"a":"-Infinity","b":["+INF", 1,"-INF" ],"c":{"d":"Infinity"}})");
  EXPECT_EQ(*QuoteNonNumericNumbers("NaN"), "\"NaN\"");
  EXPECT_EQ(*QuoteNonNumericNumbers("[NaN]"), "[\"NaN\"]");
  // Inside strings (escaped quotes included), as keys, or part of a longer
  // word: left alone.
  EXPECT_FALSE(QuoteNonNumericNumbers(R"({"NaN": "Infinity", "s": "a \" NaN"})").has_value());
  EXPECT_FALSE(QuoteNonNumericNumbers(R"({"a": NaNa, "b": INF, "c": Infinityx})").has_value());
  EXPECT_FALSE(QuoteNonNumericNumbers(R"({"a": 1.5e3})").has_value());
  // An unterminated string does not run past the end.
  EXPECT_FALSE(QuoteNonNumericNumbers(R"({"a": "NaN)").has_value());
}

}  // namespace
}  // namespace sluice
