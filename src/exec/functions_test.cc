// Function library tests. Expected values come from Spark's documentation
// examples and semantics, worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exec/expression_test_util.h"
#include "exec/functions/json_options.h"
#include "types/datetime.h"

namespace sluice {
namespace {

using namespace sluice::testing;  // NOLINT

Value Arr(DataType elem, std::vector<Value> v) { return Value::Nested(DataType::Array(std::move(elem)), std::move(v)); }
Value Ts(const char* s) { return Value::Timestamp(*ParseTimestamp(s)); }
Value Dt(const char* s) { return Value::Date(*ParseDate(s)); }

TEST(StringFunctions, Substring) {
  EXPECT_EQ(Str("substring", {S("Spark SQL"), I(5)}), "k SQL");
  EXPECT_EQ(Str("substring", {S("Spark SQL"), I(-3)}), "SQL");
  EXPECT_EQ(Str("substring", {S("Spark SQL"), I(5), I(1)}), "k");
  EXPECT_EQ(Str("substr", {S("Spark SQL"), I(0), I(3)}), "Spa");  // pos 0 acts as 1
  EXPECT_EQ(Str("substr", {S("Spark"), I(-10), I(7)}), "Sp");   // start before the string
  EXPECT_EQ(Str("substr", {S("Spark"), I(2), I(-1)}), "");
  EXPECT_EQ(Str("substr", {S("Spark"), I(10)}), "");
  EXPECT_EQ(Str("substr", {S("h\xc3\xa9llo"), I(2), I(2)}), "\xc3\xa9l");  // characters, not bytes
  EXPECT_EQ(Str("substr", {N(DataType::String()), I(1)}), "NULL");
  EXPECT_EQ(Str("left", {S("Spark SQL"), I(3)}), "Spa");
  EXPECT_EQ(Str("right", {S("Spark SQL"), I(3)}), "SQL");
}

// repeat, lpad and rpad build strings from counts: a result longer than a
// string value may hold (2^31 - 1 bytes, Spark's limit) is an error naming
// the function and the size, before anything is allocated.
TEST(StringFunctions, BuiltStringsHaveASizeLimit) {
  Status repeat = Err("repeat", {S("abc"), I(1000000000)});
  EXPECT_EQ(repeat.code(), StatusCode::kExecutionError) << repeat.ToString();
  EXPECT_NE(repeat.message().find("repeat: the result would be 3000000000 bytes"), std::string::npos)
      << repeat.ToString();
  // "a" padded with a 4-byte character to 2^31 - 1 characters: 1 + 4 * (2^31 - 2) bytes.
  for (const char* fn : {"lpad", "rpad"}) {
    Status pad = Err(fn, {S("a"), I(2147483647), S("\xf0\x9f\x98\x80")});
    EXPECT_EQ(pad.code(), StatusCode::kExecutionError) << pad.ToString();
    EXPECT_NE(pad.message().find(std::string(fn) + ": the result would be 8589934585 bytes"), std::string::npos)
        << pad.ToString();
  }
  EXPECT_EQ(Str("repeat", {S(""), I(2147483647)}), "");
  EXPECT_EQ(Str("repeat", {S("ab"), I(-1)}), "");
  EXPECT_EQ(Str("lpad", {S("hi"), I(7), S("\xc3\xa9")}), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9hi");
}

TEST(StringFunctions, CaseTrimLength) {
  EXPECT_EQ(Str("upper", {S("SparkSql")}), "SPARKSQL");
  EXPECT_EQ(Str("lower", {S("SparkSql")}), "sparksql");
  // Full case mappings as Spark (ICU, root locale): ß uppercases to SS.
  EXPECT_EQ(Str("upper", {S("stra\xc3\x9f" "e \xc3\xa9t\xc3\xa9")}), "STRASSE \xc3\x89T\xc3\x89");
  // Ill-formed UTF-8 becomes U+FFFD, as Spark's conversion to a Java string
  // makes it (checked with pyspark 4.3.0: upper(X'61FF62') is 41 EFBFBD 42).
  EXPECT_EQ(Str("upper", {S("a\xff" "b")}), "A\xef\xbf\xbd" "B");
  EXPECT_EQ(Str("lower", {S("A\xc3")}), "a\xef\xbf\xbd");
  EXPECT_EQ(Str("initcap", {S("a\xff" "b")}), "A\xef\xbf\xbd" "b");
  EXPECT_EQ(Str("upper", {S("a\xe2\x82")}), "A\xef\xbf\xbd");
  EXPECT_EQ(Str("initcap", {S("sPark sql")}), "Spark Sql");
  EXPECT_EQ(Str("upper", {I(12)}), "12");  // numbers are implicitly cast to STRING
  EXPECT_EQ(Str("trim", {S("  Spark SQL   ")}), "Spark SQL");
  EXPECT_EQ(Str("ltrim", {S("  Spark ")}), "Spark ");
  EXPECT_EQ(Str("rtrim", {S("  Spark ")}), "  Spark");
  EXPECT_EQ(Str("trim", {S("\tSpark\t")}), "\tSpark\t");  // only spaces
  EXPECT_EQ(Str("trim", {S("xxSparkyx"), S("xy")}), "Spark");
  EXPECT_EQ(Val("length", {S("Spark SQL ")}), I(10));
  EXPECT_EQ(Val("length", {S("h\xc3\xa9llo")}), I(5));
  EXPECT_EQ(Val("char_length", {S("")}), I(0));
  EXPECT_EQ(Val("length", {N(DataType::String())}), N(DataType::Int()));
}

TEST(StringFunctions, ConcatAndReplace) {
  EXPECT_EQ(Str("concat", {S("Spark"), S("SQL")}), "SparkSQL");
  EXPECT_EQ(Str("concat", {S("a"), N(DataType::String()), S("b")}), "NULL");
  EXPECT_EQ(Str("concat", {S("a"), I(1)}), "a1");
  EXPECT_EQ(Str("concat_ws", {S(" "), S("Spark"), S("SQL")}), "Spark SQL");
  EXPECT_EQ(Str("concat_ws", {S(","), S("a"), N(DataType::String()), S("b")}), "a,b");  // skips NULL
  EXPECT_EQ(Str("concat_ws", {S("-"), Arr(DataType::String(), {S("x"), N(DataType::String()), S("y")}), S("z")}),
            "x-y-z");
  EXPECT_EQ(Str("concat_ws", {N(DataType::String()), S("a")}), "NULL");
  EXPECT_EQ(Str("replace", {S("ABCabc"), S("abc"), S("DEF")}), "ABCDEF");
  EXPECT_EQ(Str("replace", {S("aaa"), S("a")}), "");
  EXPECT_EQ(Str("replace", {S("abc"), S(""), S("x")}), "abc");
  EXPECT_EQ(Str("reverse", {S("Spark SQL")}), "LQS krapS");
  EXPECT_EQ(Str("reverse", {S("h\xc3\xa9")}), "\xc3\xa9h");
  EXPECT_EQ(Str("repeat", {S("ab"), I(3)}), "ababab");
}

TEST(StringFunctions, SearchAndPad) {
  EXPECT_EQ(Val("instr", {S("SparkSQL"), S("SQL")}), I(6));
  EXPECT_EQ(Val("instr", {S("SparkSQL"), S("xyz")}), I(0));
  EXPECT_EQ(Val("instr", {S("\xc3\xa9t\xc3\xa9"), S("t")}), I(2));
  EXPECT_EQ(Val("locate", {S("bar"), S("foobarbar"), I(5)}), I(7));
  EXPECT_EQ(Str("lpad", {S("hi"), I(5), S("??")}), "???hi");
  EXPECT_EQ(Str("lpad", {S("hi"), I(1), S("??")}), "h");
  EXPECT_EQ(Str("lpad", {S("hi"), I(5)}), "   hi");
  EXPECT_EQ(Str("rpad", {S("hi"), I(5), S("??")}), "hi???");
  EXPECT_EQ(Str("rpad", {S("hi"), I(0), S("?")}), "");
  EXPECT_EQ(Val("starts_with", {S("Spark SQL"), S("Spark")}), B(true));
  EXPECT_EQ(Val("startswith", {S("Spark SQL"), S("SQL")}), B(false));
  EXPECT_EQ(Val("ends_with", {S("Spark SQL"), S("SQL")}), B(true));
  EXPECT_EQ(Val("endswith", {S("Spark"), S("")}), B(true));
  EXPECT_EQ(Val("contains", {S("Spark SQL"), S("k S")}), B(true));
  EXPECT_EQ(Val("contains", {S("Spark SQL"), N(DataType::String())}), N(DataType::Boolean()));
  EXPECT_EQ(Val("ascii", {S("222")}), I(50));
}

TEST(StringFunctions, Regex) {
  DataType as = DataType::Array(DataType::String(), false);
  EXPECT_EQ(Val("split", {S("oneAtwoBthreeC"), S("[ABC]")}),
            Value::Nested(as, {S("one"), S("two"), S("three"), S("")}));
  EXPECT_EQ(Val("split", {S("oneAtwoBthreeC"), S("[ABC]"), I(2)}),
            Value::Nested(as, {S("one"), S("twoBthreeC")}));
  EXPECT_EQ(Val("split", {S("a,b,,c"), S(",")}), Value::Nested(as, {S("a"), S("b"), S(""), S("c")}));
  EXPECT_EQ(Val("split", {S(""), S(",")}), Value::Nested(as, {S("")}));
  // Characters, not bytes (UTF8String.split with an empty pattern), also
  // from a string cut in the middle of a character (the tail stays one piece).
  EXPECT_EQ(Val("split", {S("h\xc3\xa9!"), S("")}), Value::Nested(as, {S("h"), S("\xc3\xa9"), S("!")}));
  EXPECT_EQ(Val("split", {S("a\xf0\x9f\x98\x80"), S(""), I(2)}), Value::Nested(as, {S("a"), S("\xf0\x9f\x98\x80")}));
  EXPECT_EQ(Val("split", {S("a\xf0\x9f"), S("")}), Value::Nested(as, {S("a"), S("\xf0\x9f")}));
  EXPECT_EQ(Val("split", {S("\xc3\xa9\xc3\xa9"), S("x*")}), Value::Nested(as, {S("\xc3\xa9"), S("\xc3\xa9"), S("")}));
  EXPECT_EQ(Val("split", {S("a,b,,"), S(","), I(0)}), Value::Nested(as, {S("a"), S("b"), S(""), S("")}));
  EXPECT_EQ(Str("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)"), I(1)}), "100");
  EXPECT_EQ(Str("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)"), I(2)}), "200");
  EXPECT_EQ(Str("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)"), I(0)}), "100-200");
  EXPECT_EQ(Str("regexp_extract", {S("foo"), S("(\\d+)")}), "");  // no match
  EXPECT_NE(Str("regexp_extract", {S("100"), S("(\\d+)"), I(3)}).find("REGEX_GROUP_INDEX"), std::string::npos);
  EXPECT_EQ(Str("regexp_replace", {S("100-200"), S("(\\d+)"), S("num")}), "num-num");
  EXPECT_EQ(Str("regexp_replace", {S("100-200"), S("(\\d+)-(\\d+)"), S("$2-$1")}), "200-100");
  EXPECT_EQ(Str("regexp_replace", {S("a.b"), S("\\."), S("\\$")}), "a$b");
  EXPECT_EQ(Str("regexp_replace", {S("aaa"), S("a"), S("b"), I(2)}), "abb");
}

TEST(MathFunctions, Rounding) {
  EXPECT_EQ(Val("round", {D(2.5)}), D(3.0));
  EXPECT_EQ(Val("round", {D(-2.5)}), D(-3.0));
  EXPECT_EQ(Val("round", {D(2.4)}), D(2.0));
  EXPECT_EQ(Val("bround", {D(2.5)}), D(2.0));
  EXPECT_EQ(Val("bround", {D(3.5)}), D(4.0));
  EXPECT_EQ(Val("round", {D(2.675), I(2)}), D(2.68));  // decimal HALF_UP as Spark, not binary
  EXPECT_EQ(Val("round", {D(1234.5), I(-2)}), D(1200.0));
  EXPECT_EQ(Val("round", {I(125), I(-1)}), I(130));
  EXPECT_EQ(Val("bround", {I(125), I(-1)}), I(120));
  EXPECT_EQ(Val("round", {L(7)}), L(7));
  Value r = Val("round", {Dec(12345, 5, 3), I(1)});  // round(12.345, 1) -> DECIMAL(4,1) 12.3
  EXPECT_EQ(r.type(), DataType::Decimal(4, 1));
  EXPECT_EQ(r.ToString(), "12.3");
  EXPECT_EQ(Val("round", {Dec(125, 3, 1)}).ToString(), "13");  // 12.5 -> 13
  EXPECT_EQ(Val("floor", {D(-0.1)}), L(-1));
  EXPECT_EQ(Val("ceil", {D(-0.1)}), L(0));
  EXPECT_EQ(Val("ceiling", {D(5.0001)}), L(6));
  EXPECT_EQ(Val("ceil", {I(5)}), L(5));
  Value c = Val("ceil", {Dec(-35, 2, 1)});  // ceil(-3.5) = -3 as DECIMAL(2,0)
  EXPECT_EQ(c.type(), DataType::Decimal(2, 0));
  EXPECT_EQ(c.ToString(), "-3");
  EXPECT_EQ(Val("floor", {Dec(-35, 2, 1)}).ToString(), "-4");
}

TEST(MathFunctions, Functions) {
  EXPECT_EQ(Val("abs", {I(-1)}), I(1));
  EXPECT_EQ(Val("abs", {D(-1.5)}), D(1.5));
  EXPECT_EQ(Val("abs", {Dec(-150, 3, 2)}).ToString(), "1.50");
  EXPECT_NE(Err("abs", {I(INT32_MIN)}).message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
  EXPECT_EQ(Val("pow", {I(2), I(3)}), D(8.0));
  EXPECT_EQ(Val("power", {D(4), D(0.5)}), D(2.0));
  EXPECT_EQ(Val("sqrt", {I(4)}), D(2.0));
  EXPECT_TRUE(std::isnan(Val("sqrt", {I(-1)}).double_value()));
  EXPECT_EQ(Val("exp", {I(0)}), D(1.0));
  EXPECT_EQ(Val("ln", {I(1)}), D(0.0));
  EXPECT_EQ(Val("ln", {I(0)}), N(DataType::Double()));  // Spark: log of x <= 0 is NULL
  EXPECT_EQ(Val("log10", {I(100)}), D(2.0));
  EXPECT_EQ(Val("log", {I(2), I(8)}), D(3.0));
  EXPECT_EQ(Val("log2", {I(8)}), D(3.0));
  EXPECT_EQ(Val("sign", {D(-4)}), D(-1.0));
  EXPECT_EQ(Val("signum", {I(0)}), D(0.0));
  EXPECT_EQ(Val("mod", {I(7), I(3)}), I(1));
  EXPECT_EQ(Val("pmod", {I(-10), I(3)}), I(2));
  EXPECT_EQ(Val("pmod", {D(-10), D(3)}), D(2.0));
}

TEST(DateFunctions, Extract) {
  Value ts = Ts("2009-07-30 12:58:59");
  EXPECT_EQ(Val("year", {Dt("2016-07-30")}), I(2016));
  EXPECT_EQ(Val("month", {Dt("2016-07-30")}), I(7));
  EXPECT_EQ(Val("day", {Dt("2009-07-30")}), I(30));
  EXPECT_EQ(Val("dayofmonth", {ts}), I(30));
  EXPECT_EQ(Val("hour", {ts}), I(12));
  EXPECT_EQ(Val("minute", {ts}), I(58));
  EXPECT_EQ(Val("second", {ts}), I(59));
  EXPECT_EQ(Val("hour", {S("2009-07-30 12:58:59")}), I(12));  // STRING -> TIMESTAMP
  EXPECT_EQ(Val("year", {S("2016-07-30")}), I(2016));
  EXPECT_EQ(Val("dayofweek", {Dt("2009-07-30")}), I(5));  // Thursday; 1 = Sunday
  EXPECT_EQ(Val("dayofweek", {Dt("1970-01-04")}), I(1));
  EXPECT_EQ(Val("quarter", {Dt("2016-08-31")}), I(3));
  EXPECT_EQ(Val("dayofyear", {Dt("2016-04-09")}), I(100));
  EXPECT_EQ(Val("year", {Dt("1969-12-31")}), I(1969));
  EXPECT_EQ(Val("hour", {Value::Timestamp(-1)}), I(23));  // before the epoch
}

TEST(DateFunctions, Arithmetic) {
  EXPECT_EQ(Val("date_add", {Dt("2016-07-30"), I(1)}), Dt("2016-07-31"));
  EXPECT_EQ(Val("date_sub", {Dt("2016-07-30"), I(1)}), Dt("2016-07-29"));
  EXPECT_EQ(Val("date_add", {S("2016-02-28"), I(2)}), Dt("2016-03-01"));
  EXPECT_EQ(Val("+", {Dt("2016-07-30"), I(2)}), Dt("2016-08-01"));
  EXPECT_EQ(Val("datediff", {Dt("2009-07-31"), Dt("2009-07-30")}), I(1));
  EXPECT_EQ(Val("datediff", {Dt("2009-07-30"), Dt("2009-07-31")}), I(-1));
  EXPECT_EQ(Val("last_day", {Dt("2009-01-12")}), Dt("2009-01-31"));
  EXPECT_EQ(Val("last_day", {Dt("2024-02-03")}), Dt("2024-02-29"));
}

TEST(DateFunctions, ParseAndFormat) {
  EXPECT_EQ(Val("to_timestamp", {S("2016-12-31 00:12:00")}), Ts("2016-12-31 00:12:00"));
  EXPECT_EQ(Val("to_timestamp", {S("2016-12-31"), S("yyyy-MM-dd")}), Ts("2016-12-31 00:00:00"));
  EXPECT_EQ(Val("to_timestamp", {S("31/12/2016 10:11:12.345"), S("dd/MM/yyyy HH:mm:ss.SSS")}),
            Ts("2016-12-31 10:11:12.345"));
  EXPECT_EQ(Val("to_timestamp", {S("2016-12-31T10:11"), S("yyyy-MM-dd'T'HH:mm")}), Ts("2016-12-31 10:11:00"));
  // Without a format to_timestamp parses as CAST does and fails as it does.
  EXPECT_NE(Err("to_timestamp", {S("abc")}).message().find("[CAST_INVALID_INPUT]"), std::string::npos);
  EXPECT_NE(Err("to_timestamp", {S("abc"), S("yyyy-MM-dd")}).message().find("[CANNOT_PARSE_TIMESTAMP]"),
            std::string::npos);
  EXPECT_EQ(Val("try_to_timestamp", {S("abc")}), N(DataType::Timestamp()));
  EXPECT_EQ(Val("to_date", {S("2009-07-30 04:17:52")}), Dt("2009-07-30"));
  EXPECT_EQ(Val("to_date", {S("2016-12-31"), S("yyyy-MM-dd")}), Dt("2016-12-31"));
  EXPECT_EQ(Val("to_date", {S("12/31/2016"), S("MM/dd/yyyy")}), Dt("2016-12-31"));
  EXPECT_EQ(Str("from_unixtime", {L(0), S("yyyy-MM-dd HH:mm:ss")}), "1970-01-01 00:00:00");
  EXPECT_EQ(Str("from_unixtime", {L(0)}), "1970-01-01 00:00:00");
  EXPECT_EQ(Str("from_unixtime", {I(86399)}), "1970-01-01 23:59:59");
  EXPECT_EQ(Val("unix_timestamp", {S("2016-04-08"), S("yyyy-MM-dd")}), L(1460073600));
  EXPECT_EQ(Val("unix_timestamp", {S("1970-01-01 00:01:00")}), L(60));
  EXPECT_EQ(Val("unix_timestamp", {Ts("1970-01-01 00:00:01.9")}), L(1));
  EXPECT_EQ(Str("date_format", {Dt("2016-04-08"), S("y")}), "2016");
  EXPECT_EQ(Str("date_format", {Ts("2016-04-08 13:05:09.123"), S("yyyy-MM-dd HH:mm:ss.SSS")}),
            "2016-04-08 13:05:09.123");
  EXPECT_EQ(Str("date_format", {Ts("2016-04-08 13:05:09"), S("dd MMM yyyy, hh:mm a EEE")}),
            "08 Apr 2016, 01:05 PM Fri");
  EXPECT_EQ(Str("date_format", {Ts("2016-04-08 13:05:09"), S("'day' D")}), "day 99");
}

TEST(DateFunctions, TruncAndNow) {
  Value ts = Ts("2015-03-05 09:32:05.359");
  EXPECT_EQ(Val("date_trunc", {S("YEAR"), ts}), Ts("2015-01-01 00:00:00"));
  EXPECT_EQ(Val("date_trunc", {S("MM"), ts}), Ts("2015-03-01 00:00:00"));
  EXPECT_EQ(Val("date_trunc", {S("DD"), ts}), Ts("2015-03-05 00:00:00"));
  EXPECT_EQ(Val("date_trunc", {S("HOUR"), ts}), Ts("2015-03-05 09:00:00"));
  EXPECT_EQ(Val("date_trunc", {S("MILLISECOND"), ts}), Ts("2015-03-05 09:32:05.359"));
  EXPECT_EQ(Val("date_trunc", {S("WEEK"), ts}), Ts("2015-03-02 00:00:00"));  // Monday
  EXPECT_EQ(Val("date_trunc", {S("QUARTER"), ts}), Ts("2015-01-01 00:00:00"));
  EXPECT_EQ(Val("date_trunc", {S("bogus"), ts}), N(DataType::Timestamp()));
  EXPECT_EQ(Val("trunc", {Dt("2019-08-04"), S("MM")}), Dt("2019-08-01"));
  int64_t now = 1700000000123456;  // 2023-11-14 22:13:20.123456
  EXPECT_EQ(Val("current_timestamp", {}, now), Value::Timestamp(now));
  EXPECT_EQ(Val("now", {}, now), Value::Timestamp(now));
  EXPECT_EQ(Val("current_date", {}, now), Dt("2023-11-14"));
  EXPECT_EQ(Val("unix_timestamp", {}, now), L(1700000000));
  EXPECT_EQ(Val("timestamp_seconds", {I(1230219000)}), Ts("2008-12-25 15:30:00"));
  EXPECT_EQ(Val("timestamp_seconds", {D(1230219000.123)}), Ts("2008-12-25 15:30:00.123"));
  EXPECT_EQ(Val("timestamp_millis", {L(1230219000123)}), Ts("2008-12-25 15:30:00.123"));
  EXPECT_EQ(Val("unix_millis", {Ts("1970-01-01 00:00:01")}), L(1000));
  EXPECT_EQ(Val("unix_seconds", {Value::Timestamp(-1)}), L(-1));
}

TEST(HashFunctions, SparkDocumentedValues) {
  // Spark's documentation examples.
  EXPECT_EQ(Val("hash", {S("Spark"), Arr(DataType::Int(), {I(123)}), I(2)}), I(-1321691492));
  EXPECT_EQ(Val("xxhash64", {S("Spark"), Arr(DataType::Int(), {I(123)}), I(2)}), L(5602566077635097486LL));
  // NULL arguments leave the hash unchanged: hash(NULL) is the seed.
  EXPECT_EQ(Val("hash", {N(DataType::Int())}), I(42));
  EXPECT_EQ(Val("xxhash64", {N(DataType::Int())}), L(42));
  // BOOLEAN hashes as INT; DATE as INT; TIMESTAMP as BIGINT.
  EXPECT_EQ(Val("hash", {B(true)}), Val("hash", {I(1)}));
  EXPECT_EQ(Val("hash", {Value::Date(5)}), Val("hash", {I(5)}));
  EXPECT_EQ(Val("hash", {Value::Timestamp(5)}), Val("hash", {L(5)}));
  EXPECT_EQ(Val("hash", {D(-0.0)}), Val("hash", {D(0.0)}));
  EXPECT_NE(Val("hash", {I(1)}), Val("hash", {L(1)}));
}

TEST(HashFunctions, Digests) {
  // Well-known digests of "Spark" and "ABC" (Spark doc examples).
  EXPECT_EQ(Str("md5", {S("Spark")}), "8cde774d6f7333752ed72cacddb05126");
  EXPECT_EQ(Str("sha1", {S("Spark")}), "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c");
  EXPECT_EQ(Str("sha2", {S("Spark"), I(256)}), "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b");
  EXPECT_EQ(Str("sha2", {S("Spark"), I(7)}), "NULL");
  EXPECT_EQ(Val("crc32", {S("Spark")}), L(1557323817));
  EXPECT_EQ(Str("md5", {N(DataType::String())}), "NULL");
}

TEST(JsonFunctions, FromJson) {
  Value v = Val("from_json", {S("{\"a\":1, \"b\":0.8}"), S("a INT, b DOUBLE")});
  EXPECT_EQ(v.ToString(), "{1, 0.8}");
  EXPECT_EQ(v.type().ToString(), "STRUCT<a: INT, b: DOUBLE>");
  Value nested = Val("from_json", {S("{\"s\":{\"x\":\"hi\"},\"arr\":[1,null,3],\"n\":null}"),
                                   S("s STRUCT<x: STRING>, arr ARRAY<INT>, n BIGINT, missing STRING")});
  EXPECT_EQ(nested.ToString(), "{{hi}, [1, null, 3], null, null}");
  // Malformed JSON in PERMISSIVE mode: a struct of NULL fields (Spark 4).
  EXPECT_EQ(Val("from_json", {S("{bad json"), S("a INT")}).ToString(), "{null}");
  EXPECT_TRUE(Val("from_json", {N(DataType::String()), S("a INT")}).is_null());
  Value mismatch = Val("from_json", {S("{\"a\":\"x\",\"b\":2}"), S("a INT, b INT")});
  EXPECT_EQ(mismatch.ToString(), "{null, 2}");
  Value arr = Val("from_json", {S("[{\"a\":1},{\"a\":2}]"), S("ARRAY<STRUCT<a: INT>>")});
  EXPECT_EQ(arr.ToString(), "[{1}, {2}]");
  EXPECT_EQ(Err("from_json", {S("{}"), S("a FOO")}).code(), StatusCode::kAnalysisError);
}

TEST(JsonFunctions, FromJsonAllTypes) {
  Value v = Val("from_json",
                {S("{\"b\":true,\"i\":-7,\"l\":9007199254740993,\"d\":150,\"dec\":12.345,\"s\":\"x\",\"bin\":\"y\","
                   "\"dt\":\"2024-02-29\",\"ts\":\"2024-01-02 03:04:05\"}"),
                 S("b BOOLEAN, i INT, l BIGINT, d DOUBLE, dec DECIMAL(5,2), s STRING, bin BINARY, dt DATE, ts TIMESTAMP")});
  ASSERT_FALSE(v.is_null());
  const auto& c = v.children();
  EXPECT_TRUE(c[0].bool_value());
  EXPECT_EQ(c[1].int_value(), -7);
  EXPECT_EQ(c[2].bigint_value(), 9007199254740993LL);  // above 2^53: not routed through a double
  EXPECT_EQ(c[3].double_value(), 150.0);
  EXPECT_EQ(c[4].decimal_value(), 1235);  // 12.345 -> 12.35 (HALF_UP at scale 2)
  EXPECT_EQ(c[5].str_value(), "x");
  EXPECT_EQ(c[6].str_value(), "y");
  EXPECT_EQ(c[7].int_value(), *ParseDate("2024-02-29"));
  EXPECT_EQ(c[8].bigint_value(), *ParseTimestamp("2024-01-02 03:04:05"));
}

TEST(JsonFunctions, FromJsonFieldConversions) {
  // Values that do not fit their type are NULL fields; the rest of the row stays.
  Value v = Val("from_json", {S("{\"i\":2147483648,\"l\":1.5,\"d\":\"NaN\",\"d2\":\"abc\",\"s\":{\"k\": [1, 2]},"
                                "\"s2\":12,\"s3\":true,\"dt\":\"nope\",\"b\":\"true\",\"dec\":123.4}"),
                              S("i INT, l BIGINT, d DOUBLE, d2 DOUBLE, s STRING, s2 STRING, s3 STRING, dt DATE, "
                                "b BOOLEAN, dec DECIMAL(3,1)")});
  ASSERT_FALSE(v.is_null());
  const auto& c = v.children();
  EXPECT_TRUE(c[0].is_null());  // out of INT range
  EXPECT_TRUE(c[1].is_null());  // not integral
  EXPECT_TRUE(std::isnan(c[2].double_value()));
  EXPECT_TRUE(c[3].is_null());
  EXPECT_EQ(c[4].str_value(), "{\"k\":[1,2]}");  // nested JSON kept as compact text
  EXPECT_EQ(c[5].str_value(), "12");
  EXPECT_EQ(c[6].str_value(), "true");
  EXPECT_TRUE(c[7].is_null());
  EXPECT_TRUE(c[8].is_null());  // a string is not a boolean
  EXPECT_TRUE(c[9].is_null());  // 123.4 needs DECIMAL(4,1)
  // One mismatching field among good ones.
  EXPECT_EQ(Val("from_json", {S("{\"a\":1,\"b\":[1],\"c\":\"ok\"}"), S("a INT, b INT, c STRING")}).ToString(),
            "{1, null, ok}");
  // A repeated key: the first occurrence is used.
  EXPECT_EQ(Val("from_json", {S("{\"a\":1,\"a\":2}"), S("a INT")}).ToString(), "{1}");
  // Keys not in the schema are ignored; missing fields are NULL.
  EXPECT_EQ(Val("from_json", {S("{\"z\":[1,{}],\"b\":\"x\"}"), S("a INT, b STRING")}).ToString(), "{null, x}");
  EXPECT_EQ(Val("from_json", {S("{}"), S("a INT, b STRING")}).ToString(), "{null, null}");
}

TEST(JsonFunctions, FromJsonNested) {
  Value v = Val("from_json",
                {S("{\"o\":{\"arr\":[{\"x\":1},null,{\"x\":\"bad\"},{\"y\":2}],\"m\":[[1,2],[],null,[3]]},\"t\":\"t\"}"),
                 S("o STRUCT<arr: ARRAY<STRUCT<x: INT>>, m: ARRAY<ARRAY<BIGINT>>>, t STRING")});
  EXPECT_EQ(v.ToString(), "{{[{1}, null, {null}, {null}], [[1, 2], [], null, [3]]}, t}");
  // A nested value of the wrong JSON type is a NULL field.
  EXPECT_EQ(Val("from_json", {S("{\"o\":[1],\"a\":{\"x\":1}}"), S("o STRUCT<x: INT>, a ARRAY<INT>")}).ToString(),
            "{null, null}");
  EXPECT_EQ(Val("from_json", {S("[[1],[2,3]]"), S("ARRAY<ARRAY<INT>>")}).ToString(), "[[1], [2, 3]]");
}

TEST(JsonFunctions, FromJsonMalformedAndEmpty) {
  // No JSON token at all: NULL.
  for (const char* empty : {"", "   "}) {
    EXPECT_TRUE(Val("from_json", {S(empty), S("a INT")}).is_null()) << empty;
  }
  // Malformed, or not an object: a struct of NULL fields (Spark 4.3, checked
  // with pyspark).
  for (const char* bad : {"{bad json", "{\"a\":1,\"z\":tru}", "{\"a\":1", "null", "[1]", "\"a\"",
                          "{\"a\":\"\\q\"}"}) {
    EXPECT_EQ(Val("from_json", {S(bad), S("a INT")}).ToString(), "{null}") << bad;
  }
  // Text after the first object is ignored.
  for (const char* trailing : {"{\"a\":1} x", "{\"a\":1}{\"a\":2}", "{\"a\":1,\"b\":2} {", "{\"a\":1} \"open"}) {
    EXPECT_EQ(Val("from_json", {S(trailing), S("a INT")}).ToString(), "{1}") << trailing;
  }
  // An ARRAY schema: malformed is NULL, trailing text ignored.
  EXPECT_TRUE(Val("from_json", {S("{bad"), S("ARRAY<INT>")}).is_null());
  EXPECT_TRUE(Val("from_json", {S("[1,2"), S("ARRAY<INT>")}).is_null());
  EXPECT_EQ(Val("from_json", {S("[1,2] x"), S("ARRAY<INT>")}).ToString(), "[1, 2]");
}

TEST(JsonFunctions, FromJsonEscapesAndUnicode) {
  Value v = Val("from_json", {S("{\"s\":\"a\\\"b\\\\c\\nd\\u00e9\\ud83d\\ude00\",\"k\\u0065y\":5,\"u\":\"\xc3\xbc\"}"),
                              S("s STRING, key INT, u STRING")});
  ASSERT_FALSE(v.is_null());
  EXPECT_EQ(v.children()[0].str_value(), "a\"b\\c\nd\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v.children()[1].int_value(), 5);  // escaped key matched after unescaping
  EXPECT_EQ(v.children()[2].str_value(), "\xc3\xbc");
}

TEST(JsonFunctions, FromJsonLongValue) {
  // Far longer than simdjson's padding (64 bytes) and the scratch buffer's first size.
  std::string big(10000, 'q');
  std::string json = "{\"s\":\"" + big + "\",\"arr\":[";
  for (int i = 1; i <= 1000; ++i) json += (i > 1 ? "," : "") + std::to_string(i);
  json += "]}";
  Value v = Val("from_json", {S(json), S("s STRING, arr ARRAY<BIGINT>")});
  ASSERT_FALSE(v.is_null());
  EXPECT_EQ(v.children()[0].str_value(), big);
  const auto& arr = v.children()[1].children();
  ASSERT_EQ(arr.size(), 1000u);
  int64_t sum = 0;
  for (const auto& x : arr) sum += x.bigint_value();
  EXPECT_EQ(sum, 500500);  // 1000 * 1001 / 2
}

TEST(JsonFunctions, FromJsonBatch) {
  // Many rows in one batch: NULL and malformed rows between good ones, keys
  // in different orders, array offsets carried across rows.
  Vector in(DataType::String(), 6);
  in.SetString(0, "{\"a\":1,\"arr\":[1,2]}");
  in.SetNull(1);
  in.SetString(2, "{bad");
  in.SetString(3, "{\"arr\":[3],\"a\":2}");
  in.SetString(4, "{\"a\":3}");
  in.SetString(5, "{\"arr\":[],\"a\":4,\"arr\":[9]}");
  auto expr = BindScalarFunction("from_json", {MakeColumnRef(0, DataType::String(), "v"),
                                               MakeLiteral(Value::String("a INT, arr ARRAY<INT>"))})
                  .ValueOrDie();
  EvalContext ctx;
  auto out = ExpressionEvaluator::Evaluate(*expr, Batch({in}, 6), nullptr, ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const char* expected[] = {"{1, [1, 2]}", "NULL", "{null, null}", "{2, [3]}", "{3, null}", "{4, []}"};
  ASSERT_EQ(out->size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    Value v = out->GetValue(i);
    EXPECT_EQ(v.is_null() ? "NULL" : v.ToString(), expected[i]) << i;
  }
  EXPECT_EQ(out->child(1).child(0).size(), 3u);  // elements 1, 2, 3
}

// from_json(v, schema, <encoded options>) over one batch of `texts`
// (nullopt: a NULL row); each row rendered, "NULL" for a NULL row.
Result<std::vector<std::string>> FromJsonRows(const std::vector<std::optional<std::string>>& texts,
                                              const std::string& schema,
                                              const std::vector<std::pair<std::string, std::string>>& options) {
  Vector in(DataType::String(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i]) {
      in.SetString(i, *texts[i]);
    } else {
      in.SetNull(i);
    }
  }
  std::vector<ExprPtr> args = {MakeColumnRef(0, DataType::String(), "v"), MakeLiteral(Value::String(schema))};
  if (!options.empty()) args.push_back(MakeLiteral(Value::String(EncodeFromJsonOptions(options))));
  SLUICE_ASSIGN_OR_RETURN(ExprPtr expr, BindScalarFunction("from_json", args));
  EvalContext ctx;
  SLUICE_ASSIGN_OR_RETURN(Vector out, ExpressionEvaluator::Evaluate(*expr, Batch({in}, texts.size()), nullptr, ctx));
  std::vector<std::string> rows;
  for (size_t i = 0; i < out.size(); ++i) {
    Value v = out.GetValue(i);
    rows.push_back(v.is_null() ? "NULL" : v.ToString());
  }
  return rows;
}

const std::vector<std::pair<std::string, std::string>> kFailFast = {{"mode", "FAILFAST"}};
constexpr const char* kFailFastTail = "(from_json mode FAILFAST; use PERMISSIVE to get NULL instead)";

bool StartsWith(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

TEST(JsonFunctions, FromJsonOptionsPermissiveIsTheDefault) {
  // mode PERMISSIVE (any case), and options other than mode, change nothing.
  std::vector<std::optional<std::string>> in = {"{\"a\":1,\"b\":\"x\"}", std::nullopt, "{bad",
                                                "{\"a\":\"x\",\"b\":2}", "[1]", "null", ""};
  // Malformed or not an object: a struct of NULL fields (Spark 4); empty: NULL.
  std::vector<std::string> expected = {"{1, x}", "NULL", "{null, null}", "{null, 2}", "{null, null}", "{null, null}", "NULL"};
  for (const auto& options : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {}, {{"mode", "PERMISSIVE"}}, {{"MODE", "permissive"}}, {{"allowComments", "true"}}}) {
    auto rows = FromJsonRows(in, "a INT, b STRING", options);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(*rows, expected);
  }
}

TEST(JsonFunctions, FromJsonFailFastGoodRowsAsPermissive) {
  // Well-formed values parse as in PERMISSIVE mode; NULL, empty and blank
  // input give NULL (Spark: no JSON token at all is no record, not a bad one).
  auto rows = FromJsonRows({"{\"a\":1,\"arr\":[1,2]}", std::nullopt, "", "  ", "{\"arr\":[3],\"a\":2,\"z\":{}}",
                            "{\"a\":null}", "{\"s\":{\"k\":1}}"},
                           "a INT, arr ARRAY<INT>, s STRING", {{"mode", "failfast"}, {"allowComments", "true"}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, (std::vector<std::string>{"{1, [1, 2], null}", "NULL", "NULL", "NULL", "{2, [3], null}",
                                             "{null, null, null}", "{null, null, {\"k\":1}}"}));
}

TEST(JsonFunctions, FromJsonFailFastSyntaxError) {
  auto rows = FromJsonRows({"{\"a\":1}", "{\"a\":1,bad}"}, "a INT", kFailFast);
  ASSERT_FALSE(rows.ok());
  const std::string& m = rows.status().message();
  EXPECT_EQ(rows.status().code(), StatusCode::kMalformedRecord);
  EXPECT_TRUE(StartsWith(m, "[MALFORMED_RECORD_IN_PARSING] malformed JSON (")) << m;
  EXPECT_NE(m.find("in the value '{\"a\":1,bad}'"), std::string::npos) << m;
  EXPECT_NE(m.find(kFailFastTail), std::string::npos) << m;
  EXPECT_EQ(m.find("truncated"), std::string::npos) << m;
}

TEST(JsonFunctions, FromJsonFailFastTypeMismatch) {
  auto rows = FromJsonRows({"{\"a\":\"x\",\"b\":2}"}, "a INT, b INT", kFailFast);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kMalformedRecord);
  EXPECT_EQ(rows.status().message(),
            "[MALFORMED_RECORD_IN_PARSING] field 'a': cannot convert JSON string to INT in the value "
            "'{\"a\":\"x\",\"b\":2}' (from_json mode FAILFAST; use PERMISSIVE to get NULL instead)");
  // Numbers name their text; nested fields their path.
  auto range = FromJsonRows({"{\"a\":1}", "{\"a\":2147483648}"}, "a INT", kFailFast);
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("field 'a': cannot convert JSON number 2147483648 to INT in the value"),
            std::string::npos)
      << range.status().message();
  auto nested = FromJsonRows({"{\"o\":{\"arr\":[{\"x\":1},null,{\"x\":true}]}}"},
                             "o STRUCT<arr: ARRAY<STRUCT<x: INT>>>", kFailFast);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("field 'o.arr[2].x': cannot convert JSON boolean to INT"),
            std::string::npos)
      << nested.status().message();
  auto elem = FromJsonRows({"[1,\"2\"]"}, "ARRAY<INT>", kFailFast);
  ASSERT_FALSE(elem.ok());
  EXPECT_NE(elem.status().message().find("[MALFORMED_RECORD_IN_PARSING] element [1]: cannot convert JSON string to INT"),
            std::string::npos)
      << elem.status().message();
  auto dec = FromJsonRows({"{\"d\":123.4}"}, "d DECIMAL(3,1)", kFailFast);
  ASSERT_FALSE(dec.ok());
  EXPECT_NE(dec.status().message().find("field 'd': cannot convert JSON number 123.4 to DECIMAL(3,1)"),
            std::string::npos)
      << dec.status().message();
  auto date = FromJsonRows({"{\"d\":\"nope\"}"}, "d DATE", kFailFast);
  ASSERT_FALSE(date.ok());
  EXPECT_NE(date.status().message().find("field 'd': cannot convert JSON string to DATE"), std::string::npos)
      << date.status().message();
}

TEST(JsonFunctions, FromJsonFailFastWrongTopLevelValue) {
  // A STRUCT schema needs an object: an array, a scalar or a JSON null is a bad record.
  for (const char* bad : {"[1]", "5", "\"a\"", "null"}) {
    auto rows = FromJsonRows({bad}, "a INT", kFailFast);
    ASSERT_FALSE(rows.ok()) << bad;
    EXPECT_EQ(rows.status().code(), StatusCode::kMalformedRecord);
    EXPECT_TRUE(StartsWith(rows.status().message(), "[MALFORMED_RECORD_IN_PARSING] cannot convert JSON ")) << bad;
    EXPECT_NE(rows.status().message().find(" to STRUCT<a: INT> in the value '" + std::string(bad) + "'"),
              std::string::npos)
        << rows.status().message();
  }
  auto arr = FromJsonRows({"{\"a\":1}"}, "ARRAY<INT>", kFailFast);
  ASSERT_FALSE(arr.ok());
  EXPECT_NE(arr.status().message().find("cannot convert JSON object to ARRAY<INT>"), std::string::npos)
      << arr.status().message();
}

TEST(JsonFunctions, FromJsonFailFastQuotesAtMost200Bytes) {
  std::string big = "{\"a\":\"" + std::string(10000, 'q') + "\"}";
  auto rows = FromJsonRows({big}, "a INT", kFailFast);
  ASSERT_FALSE(rows.ok());
  const std::string& m = rows.status().message();
  EXPECT_NE(m.find("in the value '" + big.substr(0, 200) + "...' (truncated, 10008 bytes)"), std::string::npos)
      << m.substr(0, 400);
  EXPECT_LT(m.size(), 400u);
  EXPECT_NE(m.find(kFailFastTail), std::string::npos);
  // The cut does not split a UTF-8 character: 199 ASCII bytes then 'é' (2 bytes).
  std::string utf = std::string(199, '[') + "\xc3\xa9";
  auto cut = FromJsonRows({utf}, "a INT", kFailFast);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("in the value '" + std::string(199, '[') + "...' (truncated, 201 bytes)"),
            std::string::npos)
      << cut.status().message();
}

TEST(JsonFunctions, FromJsonDropMalformedNeedsASource) {
  // The generic function cannot drop rows: an execution error naming the way out.
  auto rows = FromJsonRows({"{\"a\":1}"}, "a INT", {{"mode", "DROPMALFORMED"}});
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kExecutionError);
  EXPECT_EQ(rows.status().message(),
            "from_json does not support the DROPMALFORMED mode here: dropping a record needs a source that parses "
            "the JSON itself (a Kafka source read with from_json(CAST(value AS STRING), ...) directly); use "
            "PERMISSIVE or FAILFAST");
}

TEST(JsonFunctions, FromJsonBadOptionsAtBind) {
  auto bad_mode = FromJsonRows({"{}"}, "a INT", {{"mode", "LENIENT"}});
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_EQ(bad_mode.status().code(), StatusCode::kAnalysisError);
  EXPECT_NE(bad_mode.status().message().find("'LENIENT'"), std::string::npos) << bad_mode.status().message();
  EXPECT_NE(bad_mode.status().message().find("PERMISSIVE, DROPMALFORMED, FAILFAST"), std::string::npos);
  // The third argument must be the encoded options literal.
  for (ExprPtr third : {MakeColumnRef(1, DataType::String(), "o"), MakeLiteral(Value::Int(1)),
                        MakeLiteral(Value::Null(DataType::String())), MakeLiteral(Value::String("mode=FAILFAST"))}) {
    auto r = BindScalarFunction("from_json", {MakeColumnRef(0, DataType::String(), "v"),
                                              MakeLiteral(Value::String("a INT")), third});
    ASSERT_FALSE(r.ok()) << third->ToString();
    EXPECT_EQ(r.status().code(), StatusCode::kAnalysisError);
  }
  // Bound options stay the call's third argument (the optimizer reads them there).
  auto ok = BindScalarFunction("from_json", {MakeColumnRef(0, DataType::String(), "v"), MakeLiteral(Value::String("a INT")),
                                             MakeLiteral(Value::String(EncodeFromJsonOptions(kFailFast)))});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ((*ok)->args.size(), 3u);
  auto options = FromJsonOptionsOf(**ok);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->mode, ParseMode::kFailFast);
}

TEST(JsonFunctions, GetJsonObjectAndToJson) {
  EXPECT_EQ(Str("get_json_object", {S("{\"a\":\"b\"}"), S("$.a")}), "b");
  EXPECT_EQ(Str("get_json_object", {S("{\"a\":{\"b\":[10,20]}}"), S("$.a.b[1]")}), "20");
  EXPECT_EQ(Str("get_json_object", {S("{\"a\":{\"b\":[10,20]}}"), S("$.a")}), "{\"b\":[10,20]}");
  EXPECT_EQ(Str("get_json_object", {S("{\"a\":1}"), S("$.z")}), "NULL");
  EXPECT_EQ(Str("get_json_object", {S("not json"), S("$.a")}), "NULL");
  EXPECT_EQ(Str("get_json_object", {S("{\"a b\":1}"), S("$['a b']")}), "1");
  // An empty string is a vector entry with a null data() (StringHeap::Add):
  // it must not reach simdjson's memcpy (UBSan: null pointer passed as
  // argument 2). Spark: NULL.
  EXPECT_EQ(Str("get_json_object", {S(""), S("$.k")}), "NULL");
  EXPECT_EQ(Str("get_json_object", {S("  "), S("$.k")}), "NULL");
  EXPECT_EQ(Str("get_json_object", {S("{\"k\":1}"), S("")}), "NULL");
  Value s = Val("named_struct", {S("a"), I(1), S("b"), S("x"), S("c"), N(DataType::Int())});
  EXPECT_EQ(Str("to_json", {s}), "{\"a\":1,\"b\":\"x\"}");  // nulls omitted
  EXPECT_EQ(Str("to_json", {Arr(DataType::Int(), {I(1), N(DataType::Int())})}), "[1,null]");
  Value q = Val("named_struct", {S("q"), S("say \"hi\"\n")});
  EXPECT_EQ(Str("to_json", {q}), "{\"q\":\"say \\\"hi\\\"\\n\"}");
  // Invalid UTF-8 (a raw Latin-1 byte) becomes U+FFFD, as Spark's Jackson
  // writer does: the JSON is always valid UTF-8. Control characters as \u00XX.
  Value bad = Val("named_struct", {S("s"), S("caf\xe9\x1f")});
  EXPECT_EQ(Str("to_json", {bad}), "{\"s\":\"caf\xEF\xBF\xBD\\u001F\"}");
}

TEST(NestedFunctions, StructsAndArrays) {
  Value s = Val("named_struct", {S("a"), I(1), S("b"), S("x")});
  EXPECT_EQ(s.type().ToString(), "STRUCT<a: INT, b: STRING>");
  EXPECT_EQ(Val("get_field", {s, S("b")}), S("x"));
  EXPECT_EQ(Val("get_field", {s, S("A")}), I(1));  // case-insensitive
  EXPECT_EQ(Err("get_field", {s, S("zz")}).code(), StatusCode::kAnalysisError);
  EXPECT_EQ(Val("get_field", {N(s.type()), S("a")}), N(DataType::Int()));
  Value a = Val("array", {I(1), L(2), N(DataType::Int())});
  EXPECT_EQ(a.type(), DataType::Array(DataType::Bigint()));
  EXPECT_EQ(a.ToString(), "[1, 2, null]");
  EXPECT_EQ(Val("size", {a}), I(3));
  EXPECT_EQ(Val("size", {N(DataType::Array(DataType::Int()))}), N(DataType::Int()));
  EXPECT_EQ(Val("element_at", {a, I(1)}), L(1));
  EXPECT_EQ(Val("element_at", {a, I(-2)}), L(2));
  EXPECT_NE(Err("element_at", {a, I(5)}).message().find("INVALID_ARRAY_INDEX"), std::string::npos);
  EXPECT_NE(Err("element_at", {a, I(0)}).message().find("INVALID_INDEX_OF_ZERO"), std::string::npos);
  EXPECT_EQ(Val("try_element_at", {a, I(5)}), N(DataType::Bigint()));
  EXPECT_EQ(Val("array_contains", {a, I(2)}), B(true));
  EXPECT_EQ(Val("array_contains", {a, I(7)}), N(DataType::Boolean()));  // not found but has NULL
  EXPECT_EQ(Val("array_contains", {Arr(DataType::Int(), {I(1)}), I(7)}), B(false));
  // struct() names fields after column references, else col1, col2...
  EXPECT_EQ(EvalLiterals("struct", {I(1), S("a")})->type().ToString(), "STRUCT<col1: INT, col2: STRING>");
  EXPECT_EQ(EvalColumns("struct", {I(1), S("a")})->type().ToString(), "STRUCT<c0: INT, c1: STRING>");
}

}  // namespace
}  // namespace sluice

// --- Functions added for the Spark built-in function reference examples. ---
namespace sluice {
namespace {

using namespace sluice::testing;  // NOLINT

Value Ts2(const char* s) { return Value::Timestamp(*ParseTimestamp(s)); }
Value Dt2(const char* s) { return Value::Date(*ParseDate(s)); }
Value Arr2(DataType elem, std::vector<Value> v) {
  return Value::Nested(DataType::Array(std::move(elem)), std::move(v));
}

TEST(DatetimeFunctionsSpark, WeekAddMonthsNextDay) {
  EXPECT_EQ(Val("weekofyear", {Dt2("2008-02-20")}), I(8));
  EXPECT_EQ(Val("weekofyear", {Dt2("2021-01-01")}), I(53));  // ISO: belongs to 2020's week 53
  EXPECT_EQ(Val("weekofyear", {Dt2("2024-12-30")}), I(1));   // ISO: week 1 of 2025
  EXPECT_EQ(Val("add_months", {Dt2("2016-08-31"), I(1)}), Dt2("2016-09-30"));
  EXPECT_EQ(Val("add_months", {Dt2("2024-01-31"), I(1)}), Dt2("2024-02-29"));
  EXPECT_EQ(Val("add_months", {Dt2("2024-03-15"), I(-14)}), Dt2("2023-01-15"));
  EXPECT_EQ(Val("next_day", {Dt2("2015-01-14"), S("TU")}), Dt2("2015-01-20"));
  EXPECT_EQ(Val("next_day", {Dt2("2015-01-14"), S("wednesday")}), Dt2("2015-01-21"));  // strictly later
  EXPECT_NE(Err("next_day", {Dt2("2015-01-14"), S("xx")}).message().find("[ILLEGAL_DAY_OF_WEEK]"),
            std::string::npos);
}

TEST(DatetimeFunctionsSpark, MonthsBetween) {
  EXPECT_EQ(Val("months_between", {Ts2("1997-02-28 10:30:00"), Ts2("1996-10-30 00:00:00")}), D(3.94959677));
  EXPECT_EQ(Val("months_between", {Ts2("1997-02-28 10:30:00"), Ts2("1996-10-30 00:00:00"), B(false)}),
            D(3.9495967741935485));
  // Same day of month, or both month ends: whole months.
  EXPECT_EQ(Val("months_between", {Ts2("2024-03-15 10:00:00"), Ts2("2024-01-15 23:00:00")}), D(2.0));
  EXPECT_EQ(Val("months_between", {Ts2("2024-02-29 00:00:00"), Ts2("2024-01-31 00:00:00")}), D(1.0));
}

TEST(DatetimeFunctionsSpark, MakeDateAndTimestamp) {
  EXPECT_EQ(Val("make_date", {I(2013), I(7), I(15)}), Dt2("2013-07-15"));
  EXPECT_EQ(Val("make_date", {I(2019), I(7), N(DataType::Int())}), N(DataType::Date()));
  EXPECT_NE(Err("make_date", {I(2019), I(13), I(1)}).message().find("[DATETIME_FIELD_OUT_OF_BOUNDS]"),
            std::string::npos);
  EXPECT_FALSE(Err("make_date", {I(2019), I(2), I(29)}).ok());
  EXPECT_EQ(Val("make_timestamp", {I(2014), I(12), I(28), I(6), I(30), Dec(45887, 5, 3)}),
            Ts2("2014-12-28 06:30:45.887"));
  // sec = 60 rolls over to the next minute.
  EXPECT_EQ(Val("make_timestamp", {I(2019), I(6), I(30), I(23), I(59), I(60)}), Ts2("2019-07-01 00:00:00"));
}

TEST(DatetimeFunctionsSpark, ExtractAndIntervalArithmetic) {
  Value ts = Ts2("2019-08-12 01:00:00.123456");
  EXPECT_EQ(Val("extract", {S("YEAR"), ts}), I(2019));
  EXPECT_EQ(Val("date_part", {S("week"), ts}), I(33));
  EXPECT_EQ(Val("date_part", {S("doy"), Dt2("2019-08-12")}), I(224));
  EXPECT_EQ(Val("date_part", {S("MINUTE"), ts}), I(0));
  EXPECT_EQ(Val("date_part", {S("SECONDS"), Ts2("2019-10-01 00:00:01.000001")}), Dec(1000001, 8, 6));
  EXPECT_FALSE(Err("extract", {S("FORTNIGHT"), ts}).ok());
  EXPECT_EQ(Val("timestamp_add_micros", {Ts2("2024-01-01 00:00:00"), L(90 * 60 * kMicrosPerSecond)}),
            Ts2("2024-01-01 01:30:00"));
  EXPECT_EQ(Val("timestamp_add_micros", {Dt2("2024-01-01"), L(-kMicrosPerSecond)}), Ts2("2023-12-31 23:59:59"));
}

TEST(MathFunctionsSpark, ConstantsAndTrigonometry) {
  EXPECT_EQ(Val("pi", {}), D(3.141592653589793));
  EXPECT_EQ(Val("e", {}), D(2.718281828459045));
  EXPECT_EQ(Val("degrees", {D(3.141592653589793)}), D(180.0));
  EXPECT_EQ(Val("radians", {I(180)}), D(3.141592653589793));
  EXPECT_EQ(Val("sin", {I(0)}), D(0.0));
  EXPECT_EQ(Val("cos", {I(0)}), D(1.0));
  EXPECT_EQ(Val("tan", {I(0)}), D(0.0));
  EXPECT_EQ(Val("asin", {I(0)}), D(0.0));
  EXPECT_TRUE(std::isnan(Val("asin", {I(2)}).double_value()));
  EXPECT_EQ(Val("acos", {I(1)}), D(0.0));
  EXPECT_EQ(Val("atan", {I(0)}), D(0.0));
  EXPECT_EQ(Val("atan2", {I(0), I(0)}), D(0.0));
  EXPECT_EQ(Val("sinh", {I(0)}), D(0.0));
  EXPECT_EQ(Val("cosh", {I(0)}), D(1.0));
  EXPECT_EQ(Val("tanh", {I(0)}), D(0.0));
  EXPECT_EQ(Val("cbrt", {D(27.0)}), D(3.0));  // exact, as Java's Math.cbrt
  EXPECT_EQ(Val("cbrt", {D(-64.0)}), D(-4.0));
  EXPECT_EQ(Val("negative", {I(1)}), I(-1));
  EXPECT_EQ(Val("positive", {I(-3)}), I(-3));
}

TEST(MathFunctionsSpark, FactorialAndRadix) {
  EXPECT_EQ(Val("factorial", {I(5)}), L(120));
  EXPECT_EQ(Val("factorial", {I(20)}), L(2432902008176640000LL));
  EXPECT_EQ(Val("factorial", {I(21)}), N(DataType::Bigint()));
  EXPECT_EQ(Val("factorial", {I(-1)}), N(DataType::Bigint()));
  EXPECT_EQ(Str("hex", {I(17)}), "11");
  EXPECT_EQ(Str("hex", {L(-1)}), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(Str("hex", {S("Spark SQL")}), "537061726B2053514C");
  EXPECT_EQ(Str("hex", {Val("unhex", {S("537061726B2053514C")})}), "537061726B2053514C");
  EXPECT_EQ(Val("unhex", {S("537061726B2053514C")}), Value::Binary("Spark SQL"));
  EXPECT_EQ(Val("unhex", {S("F")}), Value::Binary(std::string(1, '\x0f')));  // odd length: leading 0
  EXPECT_EQ(Val("unhex", {S("GG")}), N(DataType::Binary()));
  EXPECT_EQ(Str("bin", {I(13)}), "1101");
  EXPECT_EQ(Str("bin", {I(-13)}), "1111111111111111111111111111111111111111111111111111111111110011");
  EXPECT_EQ(Str("conv", {S("100"), I(2), I(10)}), "4");
  EXPECT_EQ(Str("conv", {I(-10), I(16), I(-10)}), "-16");
  EXPECT_EQ(Str("conv", {S("-10"), I(16), I(10)}), "18446744073709551600");  // unsigned 64-bit
  EXPECT_EQ(Str("conv", {S("ff"), I(16), I(2)}), "11111111");
  EXPECT_EQ(Str("conv", {S("12z"), I(10), I(10)}), "12");  // stops at the first invalid digit
  EXPECT_EQ(Str("conv", {S("1"), I(1), I(10)}), "NULL");
}

TEST(StringFunctionsSpark, CharTranslateSubstringIndex) {
  EXPECT_EQ(Str("chr", {I(65)}), "A");
  EXPECT_EQ(Str("char", {I(321)}), "A");  // n & 0xFF
  EXPECT_EQ(Str("chr", {I(-1)}), "");
  EXPECT_EQ(Str("translate", {S("AaBbCc"), S("abc"), S("123")}), "A1B2C3");
  EXPECT_EQ(Str("translate", {S("AaBbCc"), S("abc"), S("1")}), "A1BC");  // missing targets delete
  EXPECT_EQ(Str("substring_index", {S("www.apache.org"), S("."), I(2)}), "www.apache");
  EXPECT_EQ(Str("substring_index", {S("www.apache.org"), S("."), I(-2)}), "apache.org");
  EXPECT_EQ(Str("substring_index", {S("www.apache.org"), S("."), I(5)}), "www.apache.org");
  EXPECT_EQ(Str("substring_index", {S("www.apache.org"), S("."), I(0)}), "");
}

TEST(StringFunctionsSpark, FormatString) {
  EXPECT_EQ(Str("format_string", {S("Hello World %d %s"), I(100), S("days")}), "Hello World 100 days");
  EXPECT_EQ(Str("printf", {S("Hello World %d %s"), I(100), S("days")}), "Hello World 100 days");
  // java.util.Formatter: widths, flags, HALF_UP rounding of the decimal digits.
  EXPECT_EQ(Str("format_string", {S("%05d|%-5s|%5s"), I(42), S("ab"), S("cd")}), "00042|ab   |   cd");
  EXPECT_EQ(Str("format_string", {S("%.2f %.1f %.2f"), D(3.14159), D(0.25), D(0.125)}), "3.14 0.3 0.13");
  EXPECT_EQ(Str("format_string", {S("%f"), Dec(12345, 5, 2)}), "123.450000");
  EXPECT_EQ(Str("format_string", {S("%x %X %x"), I(255), L(255), I(-1)}), "ff FF ffffffff");
  EXPECT_EQ(Str("format_string", {S("%,d %+d"), L(1234567), I(5)}), "1,234,567 +5");
  EXPECT_EQ(Str("format_string", {S("%e"), D(12345.678)}), "1.234568e+04");
  EXPECT_EQ(Str("format_string", {S("100%% %s %2$s %1$s"), S("a"), S("b")}), "100% a b a");
  EXPECT_EQ(Str("format_string", {S("%s"), N(DataType::String())}), "null");
  EXPECT_EQ(Str("format_string", {N(DataType::String()), I(1)}), "NULL");
  EXPECT_NE(Str("format_string", {S("%d"), D(1.5)}).find("ERROR"), std::string::npos);
  EXPECT_NE(Str("format_string", {S("%s %s"), S("a")}).find("ERROR"), std::string::npos);
}

TEST(StringFunctionsSpark, Base64) {
  EXPECT_EQ(Str("base64", {S("Spark SQL")}), "U3BhcmsgU1FM");
  EXPECT_EQ(Str("base64", {S("ab")}), "YWI=");
  EXPECT_EQ(Str("base64", {S("")}), "");
  EXPECT_EQ(Val("unbase64", {S("U3BhcmsgU1FM")}), Value::Binary("Spark SQL"));
  EXPECT_EQ(Val("unbase64", {S("YWI=")}), Value::Binary("ab"));
}

TEST(PredicatesSpark, ILike) {
  EXPECT_EQ(Val("ilike", {S("Spark"), S("_Park")}), B(true));
  EXPECT_EQ(Val("ilike", {S("ABC"), S("abc")}), B(true));
  EXPECT_EQ(Val("ilike", {S("ABC"), S("abd")}), B(false));
  EXPECT_EQ(Val("ilike", {S("\xc3\x89T\xc3\x89"), S("\xc3\xa9t%")}), B(true));
  EXPECT_EQ(Val("ilike", {N(DataType::String()), S("a")}), N(DataType::Boolean()));
}

TEST(NestedFunctionsSpark, SortArrayAndArrayDistinct) {
  DataType s = DataType::String();
  Value arr = Arr2(s, {S("b"), S("d"), N(s), S("c"), S("a")});
  EXPECT_EQ(Str("sort_array", {arr, B(true)}), "[null, a, b, c, d]");
  EXPECT_EQ(Str("sort_array", {arr}), "[null, a, b, c, d]");
  EXPECT_EQ(Str("sort_array", {arr, B(false)}), "[d, c, b, a, null]");
  DataType d = DataType::Double();
  EXPECT_EQ(Str("sort_array", {Arr2(d, {D(NAN), D(1.5), D(-2.0)})}), "[-2.0, 1.5, NaN]");
  EXPECT_EQ(Str("sort_array", {N(DataType::Array(s))}), "NULL");
  DataType i = DataType::Int();
  EXPECT_EQ(Str("array_distinct", {Arr2(i, {I(1), I(2), I(3), N(i), I(3), N(i)})}), "[1, 2, 3, null]");
}

TEST(TypeErrorsSpark, BinaryOperatorAndDecimalCast) {
  auto r = BindScalarFunction("+", {MakeLiteral(I(1)), MakeLiteral(B(true))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(1 + true)\" due to data type mismatch: the "
            "left and right operands of the binary operator have incompatible types (\"INT\" and \"BOOLEAN\").");
  auto same = BindScalarFunction("*", {MakeLiteral(B(true)), MakeLiteral(B(false))});
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.status().message().find("[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE]"), std::string::npos);
  auto cmp = BindScalarFunction("=", {MakeLiteral(I(1)), MakeLiteral(B(true))});
  ASSERT_FALSE(cmp.ok());
  EXPECT_NE(cmp.status().message().find("(\"INT\" and \"BOOLEAN\")"), std::string::npos);

  auto cast = BindCast(MakeLiteral(Dec(12345, 5, 2)), DataType::Decimal(4, 2));
  Status st = cast.ok() ? ExpressionEvaluator::Evaluate(**cast, Batch{{}, 1}, nullptr, EvalContext{}).status()
                        : cast.status();
  EXPECT_NE(st.message().find("[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] 123.45 cannot be represented as "
                              "Decimal(4, 2)"),
            std::string::npos)
      << st.ToString();
  auto big = BindCast(MakeLiteral(L(3000000000LL)), DataType::Int());
  Status st2 = big.ok() ? ExpressionEvaluator::Evaluate(**big, Batch{{}, 1}, nullptr, EvalContext{}).status()
                        : big.status();
  EXPECT_NE(st2.message().find("[CAST_OVERFLOW]"), std::string::npos) << st2.ToString();
}

}  // namespace
}  // namespace sluice

#include <random>

#include "exec/functions/kernel_util.h"

namespace sluice {
namespace {

// x * y / d, HALF_UP, through 256 bits: where the product fits 128 bits it
// must agree with plain arithmetic; past it, with hand-worked values.
TEST(MulDivHalfUp, AgreesWithExactArithmeticAndGoesPast128Bits) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    int128_t x = static_cast<int64_t>(rng()), y = static_cast<int32_t>(rng()), d = static_cast<int32_t>(rng());
    if (d == 0) continue;
    int128_t p = x * y, q = p / d, r = p % d;
    int128_t ar = r < 0 ? -r : r, ad = d < 0 ? -d : d;
    if (ar >= ad - ar) q += ((p < 0) != (d < 0)) ? -1 : 1;
    int128_t got = 0;
    ASSERT_TRUE(fn::MulDivHalfUp(x, y, d, &got));
    ASSERT_TRUE(got == q) << "x=" << static_cast<int64_t>(x) << " y=" << static_cast<int64_t>(y)
                          << " d=" << static_cast<int64_t>(d);
  }
  const int128_t e19 = 10000000000000000000ULL;
  const int128_t e38 = e19 * e19;
  int128_t got = 0;
  // (10^38 - 1) * 10^6 / (10^38 - 1) = 10^6; a half rounds away from zero.
  ASSERT_TRUE(fn::MulDivHalfUp(e38 - 1, 1000000, e38 - 1, &got));
  EXPECT_TRUE(got == 1000000);
  ASSERT_TRUE(fn::MulDivHalfUp(-(e38 - 1), 5, 10, &got));  // -(5 * 10^37 - 0.5): the half goes away from zero
  EXPECT_TRUE(got == -(e38 - 1) / 2 - 1);
  ASSERT_TRUE(fn::MulDivHalfUp(e38, e38, e38, &got));
  EXPECT_TRUE(got == e38);
  EXPECT_FALSE(fn::MulDivHalfUp(e38, e38, 1, &got));  // 10^76 needs 256 bits
}

}  // namespace
}  // namespace sluice
