// COPY text encoding of single values (the round trip through a real server
// is test/postgres/postgres_sink_test.sh): the expected strings are written
// from PostgreSQL's documented COPY text and input formats.
#include "connectors/postgres/pg_copy_text.h"

#include <gtest/gtest.h>

#include <limits>

#include "types/datetime.h"
#include "types/value.h"

namespace sluice::postgres {
namespace {

std::string Encode(const DataType& type, const std::vector<Value>& values) {
  Schema schema({{"c", type, true}});
  Batch batch({Vector::FromValues(type, values)}, values.size());
  std::string out;
  Status st = AppendCopyText(schema, batch, 0, values.size(), &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(PgCopyText, StringsEscapeBackslashTabNewlineCarriageReturn) {
  EXPECT_EQ(Encode(DataType::String(),
                   {Value::String("a\\b\tc\nd\re"), Value::String("☃"), Value::Null(DataType::String())}),
            "a\\\\b\\tc\\nd\\re\n☃\n\\N\n");
}

TEST(PgCopyText, NulByteInStringIsAnErrorNamingTheColumn) {
  Schema schema({{"name", DataType::String(), true}});
  Batch batch({Vector::FromValues(DataType::String(), {Value::String(std::string("a\0b", 3))})}, 1);
  std::string out;
  Status st = AppendCopyText(schema, batch, 0, 1, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("column 'name'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("NUL"), std::string::npos) << st.message();
}

TEST(PgCopyText, BinaryAsEscapedHex) {
  EXPECT_EQ(Encode(DataType::Binary(), {Value::Binary(std::string("\x00\xff\x5c", 3)), Value::Binary("")}),
            "\\\\x00ff5c\n\\\\x\n");
}

TEST(PgCopyText, DatesAndTimestampsWithBcYears) {
  std::string out;
  AppendPgDate(DaysFromCivil(2024, 2, 29), &out);
  out += '|';
  AppendPgDate(DaysFromCivil(0, 12, 31), &out);  // proleptic year 0 = 1 BC
  out += '|';
  AppendPgTimestamp(-1, &out);
  out += '|';
  AppendPgTimestamp(int64_t{DaysFromCivil(-43, 3, 15)} * kMicrosPerDay + 1, &out);
  EXPECT_EQ(out, "2024-02-29|0001-12-31 BC|1969-12-31 23:59:59.999999+00|0044-03-15 00:00:00.000001+00 BC");
}

TEST(PgCopyText, NestedAsJson) {
  DataType st = DataType::Struct({{"a", DataType::Int(), true}, {"b", DataType::Array(DataType::Double()), true}});
  Value v = Value::Nested(st, {Value::Int(1), Value::Nested(DataType::Array(DataType::Double()),
                                                           {Value::Double(1.5), Value::Null(DataType::Double()),
                                                            Value::Double(std::numeric_limits<double>::quiet_NaN())})});
  EXPECT_EQ(Encode(st, {v, Value::Null(st)}), "{\"a\":1,\"b\":[1.5,null,\"NaN\"]}\n\\N\n");
}

TEST(PgCopyText, TypeNames) {
  EXPECT_EQ(PgTypeName(DataType::Decimal(38, 18)), "numeric(38,18)");
  EXPECT_EQ(PgTypeName(DataType::Timestamp()), "timestamp with time zone");
  EXPECT_EQ(PgTypeName(DataType::Array(DataType::Int())), "jsonb");
  EXPECT_EQ(QuoteIdent("we\"ird Name"), "\"we\"\"ird Name\"");
  EXPECT_EQ(*QuoteTableName("Sch.tbl"), "\"Sch\".\"tbl\"");
  EXPECT_FALSE(QuoteTableName("a..b").ok());
  EXPECT_FALSE(QuoteTableName("a.b.c").ok());
}

}  // namespace
}  // namespace sluice::postgres
