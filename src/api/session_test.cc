// Session-level SQL statements that are not queries: SET.
#include "sluice/session.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

std::vector<std::string> Rows(const Result<QueryResult>& r) {
  std::vector<std::string> out;
  if (!r.ok()) return out;
  for (const auto& row : r->Rows()) out.push_back(row[0].ToString() + "=" + row[1].ToString());
  return out;
}

// A setting the engine reads is checked when it is SET: a value out of its
// range is an error naming the setting and the value, and the old value
// stays. Settings the engine does not read are kept as given (as Spark does).
TEST(SessionTest, SetChecksTheSettingsTheEngineReads) {
  auto spark = Session::Create();
  for (const char* bad : {"0", "-4", "10001", "two", "''"}) {
    auto r = spark->Sql(std::string("SET spark.sql.shuffle.partitions = ") + bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
    std::string value = std::string(bad) == "''" ? "" : bad;
    EXPECT_EQ(r.status().message().rfind("SET spark.sql.shuffle.partitions (line 1, column 1): option "
                                         "'spark.sql.shuffle.partitions' of the session configuration must be an "
                                         "integer in 1..10000, got '" + value + "'",
                                         0),
              0u)
        << r.status().ToString();
  }
  EXPECT_EQ(Rows(spark->Sql("SET spark.sql.shuffle.partitions")),
            (std::vector<std::string>{"spark.sql.shuffle.partitions=<undefined>"}));
  EXPECT_EQ(Rows(spark->Sql("SET spark.sql.shuffle.partitions = 8")),
            (std::vector<std::string>{"spark.sql.shuffle.partitions=8"}));
  // The engine's settings are matched case-insensitively (as options are),
  // so a differently-cased name cannot be silently ignored.
  EXPECT_FALSE(spark->Sql("SET Spark.SQL.Shuffle.Partitions = 0").ok());
  EXPECT_EQ(Rows(spark->Sql("SET spark.sql.shuffle.partitions")),
            (std::vector<std::string>{"spark.sql.shuffle.partitions=8"}));
  EXPECT_EQ(Rows(spark->Sql("SET my.own.key = anything at all")),
            (std::vector<std::string>{"my.own.key=anything at all"}));
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

// UNION's output: a nested field is nullable when it is in any input (Spark:
// struct<b: string> with b nullable for these two, whichever comes first).
TEST(SessionUnionTest, NestedFieldNullableWhenAnyInputsIs) {
  auto spark = Session::Create();
  for (const char* sql : {"SELECT named_struct('b', 'z') AS s UNION ALL SELECT named_struct('b', CAST(NULL AS STRING))",
                          "SELECT named_struct('b', CAST(NULL AS STRING)) AS s UNION ALL SELECT named_struct('b', 'z')"}) {
    auto r = spark->Sql(sql);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->schema().size(), 1u);
    EXPECT_TRUE(r->schema().field(0).type.fields()[0].nullable) << sql;
  }
}

}  // namespace
}  // namespace sluice
