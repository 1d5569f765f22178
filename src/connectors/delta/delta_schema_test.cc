#include "connectors/delta/delta_schema.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(DeltaSchemaTest, EveryTypeAsSparkWritesIt) {
  Schema s({{"b", DataType::Boolean()},
            {"i", DataType::Int()},
            {"l", DataType::Bigint(), false},
            {"d", DataType::Double()},
            {"m", DataType::Decimal(12, 3)},
            {"s", DataType::String()},
            {"bin", DataType::Binary()},
            {"dt", DataType::Date()},
            {"ts", DataType::Timestamp()},
            {"arr", DataType::Array(DataType::String())},
            {"st", DataType::Struct({{"x", DataType::Int()}, {"y", DataType::Array(DataType::Double())}})}});
  auto json = DeltaSchemaString(s);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(*json,
            "{\"type\":\"struct\",\"fields\":["
            "{\"name\":\"b\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"i\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"l\",\"type\":\"long\",\"nullable\":false,\"metadata\":{}},"
            "{\"name\":\"d\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"m\",\"type\":\"decimal(12,3)\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"bin\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"dt\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"elementType\":\"string\",\"containsNull\":true},"
            "\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"st\",\"type\":{\"type\":\"struct\",\"fields\":["
            "{\"name\":\"x\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"y\",\"type\":{\"type\":\"array\",\"elementType\":\"double\",\"containsNull\":true},"
            "\"nullable\":true,\"metadata\":{}}]},\"nullable\":true,\"metadata\":{}}]}");
  auto back = ParseDeltaSchemaString(*json, "t");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(DeltaSchemaMismatch(*back, s), "");
}

TEST(DeltaSchemaTest, NullColumnIsRefused) {
  auto r = DeltaSchemaString(Schema({{"n", DataType::Null()}}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 'n'"), std::string::npos) << r.status().ToString();
}

TEST(DeltaSchemaTest, TypesAndColumnMetadataSluiceCannotWrite) {
  auto r = ParseDeltaSchemaString(
      "{\"type\":\"struct\",\"fields\":[{\"name\":\"f\",\"type\":\"float\",\"nullable\":true,\"metadata\":{}}]}", "T");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(r.status().message().find("column 'f' has the Delta type 'float'"), std::string::npos);
  r = ParseDeltaSchemaString(
      "{\"type\":\"struct\",\"fields\":[{\"name\":\"m\",\"type\":{\"type\":\"map\",\"keyType\":\"string\","
      "\"valueType\":\"string\",\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]}",
      "T");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'map'"), std::string::npos);
  r = ParseDeltaSchemaString(
      "{\"type\":\"struct\",\"fields\":[{\"name\":\"g\",\"type\":\"long\",\"nullable\":true,\"metadata\":"
      "{\"delta.generationExpression\":\"1\"}}]}",
      "T");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("delta.generationExpression"), std::string::npos);
  r = ParseDeltaSchemaString(
      "{\"type\":\"struct\",\"fields\":[{\"name\":\"c\",\"type\":\"long\",\"nullable\":true,\"metadata\":"
      "{\"comment\":\"fine\"}}]}",
      "T");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ParseDeltaSchemaString("[1]", "T").status().code(), StatusCode::kCorruption);
}

TEST(DeltaSchemaTest, MismatchSaysTheFirstDifference) {
  Schema t({{"id", DataType::Bigint(), false}, {"name", DataType::String()}});
  EXPECT_EQ(DeltaSchemaMismatch(t, Schema({{"ID", DataType::Bigint()}, {"name", DataType::String()}})), "");
  EXPECT_EQ(DeltaSchemaMismatch(t, Schema({{"id", DataType::Int()}, {"name", DataType::String()}})),
            "column 'id' is BIGINT in the table but INT in the query");
  EXPECT_EQ(DeltaSchemaMismatch(t, Schema({{"id", DataType::Bigint()}})),
            "the query lacks the table's column 'name'");
  EXPECT_EQ(DeltaSchemaMismatch(t, Schema({{"id", DataType::Bigint()}, {"nom", DataType::String()}})),
            "column 2 is 'name' in the table but 'nom' in the query");
}

}  // namespace
}  // namespace sluice
