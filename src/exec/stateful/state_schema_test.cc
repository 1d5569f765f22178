#include "exec/stateful/state_schema.h"

#include <gtest/gtest.h>

#include "env/mem_env.h"
#include "exec/stateful/state_checkpoint.h"

namespace sluice {
namespace {

StateValueColumn Value(std::string name, std::string function, std::string sql, std::optional<std::string> arg,
                       std::string result, std::vector<std::string> state) {
  StateValueColumn v;
  v.name = std::move(name);
  v.function = std::move(function);
  v.sql = std::move(sql);
  v.argument_type = std::move(arg);
  v.result_type = std::move(result);
  v.state_types = std::move(state);
  return v;
}

StateValueColumn Count() { return Value("n", "count", "count(1)", std::nullopt, "BIGINT", {"BIGINT"}); }
StateValueColumn Sum() { return Value("s", "sum", "sum(x)", "BIGINT", "BIGINT", {"BIGINT"}); }
StateValueColumn Avg() { return Value("a", "avg", "avg(x)", "BIGINT", "DOUBLE", {"DOUBLE", "BIGINT"}); }

StateSchema Aggregation(std::vector<StateKeyColumn> keys, std::vector<StateValueColumn> values) {
  StateSchema s;
  s.operator_name = "StatefulAggregate";
  s.keys = std::move(keys);
  s.values = std::move(values);
  return s;
}

// The message of CheckStateSchemaCompatible(stored, current), between the
// common head and the common tail.
std::string Change(const StateSchema& stored, const StateSchema& current) {
  Status st = CheckStateSchemaCompatible(stored, current, 3, "/ck");
  if (st.ok()) return "compatible";
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  std::string m = st.message();
  const std::string head = "StatefulAggregate (operator 3): the query's state schema is not compatible with the checkpoint /ck: ";
  EXPECT_EQ(m.substr(0, head.size()), head) << m;
  EXPECT_NE(m.find("/ck/state/3/_metadata/schema"), std::string::npos) << m;
  EXPECT_NE(m.find("new checkpoint location"), std::string::npos) << m;
  return m.substr(head.size(), m.find("; the state in") - head.size());
}

TEST(StateSchemaTest, SerializesAndParsesBack) {
  StateSchema s = Aggregation({{"user_id", "STRING"}, {"d", "DECIMAL(12,2)"}}, {Count(), Sum(), Avg()});
  s.values.push_back(Value("f", "first", "first(\"q\", true)", "STRING", "STRING", {"STRING", "BOOLEAN"}));
  s.values.back().ignore_nulls = true;
  std::string text = s.Serialize();
  EXPECT_EQ(text.substr(0, 3), "v1\n");
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("{\"name\":\"d\",\"type\":\"DECIMAL(12,2)\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"sql\":\"first(\\\"q\\\", true)\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"ignoreNulls\":true"), std::string::npos) << text;
  auto parsed = StateSchema::Parse("/p", text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Serialize(), text);
  EXPECT_EQ(Change(s, *parsed), "compatible");
}

TEST(StateSchemaTest, NamedStoresSerializeAndParseBack) {
  StateSchema s;
  s.operator_name = "StreamingSymmetricHashJoin";
  s.keys = {{"k", "STRING"}, {"index", "BIGINT"}};
  StateStoreSchema left{"left", s.keys, {Value("lt", "", "lt", std::nullopt, "TIMESTAMP", {"TIMESTAMP"})}};
  s.stores = {left};
  s.values = left.values;
  std::string text = s.Serialize();
  EXPECT_NE(text.find("\"stores\":[{\"name\":\"left\",\"keyColumns\":"), std::string::npos) << text;
  auto parsed = StateSchema::Parse("/p", text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->stores.size(), 1u);
  EXPECT_EQ(parsed->stores[0].name, "left");
  EXPECT_EQ(parsed->stores[0].keys.size(), 2u);
  EXPECT_EQ(parsed->stores[0].values[0].state_types, (std::vector<std::string>{"TIMESTAMP"}));
  EXPECT_EQ(parsed->Serialize(), text);
  // Without stores the field is not written (files of one-store operators are unchanged).
  EXPECT_EQ(Aggregation({{"k", "STRING"}}, {Count()}).Serialize().find("stores"), std::string::npos);
  auto bad = StateSchema::Parse("/p", "v1\n{\"operator\":\"x\",\"keyColumns\":[],\"valueColumns\":[],"
                                      "\"stores\":[{\"name\":\"left\",\"keyColumns\":[]}]}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("store 0 lacks the array field \"valueColumns\""), std::string::npos)
      << bad.status().ToString();
}

TEST(StateSchemaTest, DamagedFilesAreCorruptionNamingTheFile) {
  std::string good = Aggregation({{"k", "STRING"}}, {Count()}).Serialize();
  for (const auto& [text, needle] : std::vector<std::pair<std::string, std::string>>{
           {"", "is empty"},
           {good.substr(0, good.size() - 1), "is truncated"},
           {"v1\n", "is truncated"},
           {"1\n{}\n", "is malformed: the first line must be a version"},
           {"v2\n{}\n", "has version v2 but this Sluice supports up to v1"},
           {"v1\n{\"operator\":\n", "line 2 is not valid JSON"},
           {"v1\n[]\n", "line 2 must be a JSON object"},
           {"v1\n{\"keyColumns\":[],\"valueColumns\":[]}\n", "lacks the string field \"operator\""},
           {"v1\n{\"operator\":\"StatefulAggregate\",\"keyColumns\":[{\"name\":\"k\"}],\"valueColumns\":[]}\n",
            "key column 0 lacks the string field \"type\""},
           {"v1\n{\"operator\":\"StatefulAggregate\",\"keyColumns\":[],\"valueColumns\":[{\"name\":\"n\"}]}\n",
            "value column 0 lacks the string field \"function\""},
           {good + "extra\n", "has more than 2 lines"},
       }) {
    auto r = StateSchema::Parse("/ck/state/0/_metadata/schema", text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("state schema file /ck/state/0/_metadata/schema " + needle),
              std::string::npos)
        << "needle: " << needle << "; " << r.status().ToString();
  }
}

TEST(StateSchemaTest, KeyChangesAreIncompatible) {
  StateSchema stored = Aggregation({{"user_id", "STRING"}}, {Count()});
  EXPECT_EQ(Change(stored, Aggregation({{"ad_id", "STRING"}}, {Count()})),
            "key columns changed from (user_id STRING) to (ad_id STRING) [STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]");
  EXPECT_EQ(Change(stored, Aggregation({{"user_id", "INT"}}, {Count()})),
            "key columns changed from (user_id STRING) to (user_id INT) [STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]");
  EXPECT_EQ(Change(stored, Aggregation({}, {Count()})),
            "key columns changed from (user_id STRING) to () [STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]");
  // The key is checked first: a change of both reports the key.
  EXPECT_EQ(Change(stored, Aggregation({{"ad_id", "STRING"}}, {Sum()})),
            "key columns changed from (user_id STRING) to (ad_id STRING) [STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]");
  // Names are case-insensitive.
  EXPECT_EQ(Change(stored, Aggregation({{"USER_ID", "STRING"}}, {Count()})), "compatible");
}

TEST(StateSchemaTest, ValueChangesAreIncompatibleRenamesAreNot) {
  StateSchema stored = Aggregation({{"k", "STRING"}}, {Count(), Sum()});
  EXPECT_EQ(Change(stored, Aggregation({{"k", "STRING"}}, {Sum(), Count()})),
            "value columns changed: column 0 was count(1) AS n BIGINT, is now sum(x) AS s BIGINT "
            "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]");
  EXPECT_EQ(Change(stored, Aggregation({{"k", "STRING"}}, {Count(), Sum(), Avg()})),
            "value columns changed: column 2 avg(x) AS a DOUBLE was added [STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]");
  EXPECT_EQ(Change(stored, Aggregation({{"k", "STRING"}}, {})),
            "value columns changed: columns 0 to 1 count(1) AS n BIGINT, sum(x) AS s BIGINT were removed "
            "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]");
  // Another argument: sum(y) is not sum(x), even under the same alias.
  StateValueColumn sum_y = Sum();
  sum_y.sql = "sum(y)";
  EXPECT_EQ(Change(stored, Aggregation({{"k", "STRING"}}, {Count(), sum_y})),
            "value columns changed: column 1 was sum(x) AS s BIGINT, is now sum(y) AS s BIGINT "
            "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]");
  // Only the argument and state types differ: the message shows them.
  StateValueColumn sum_int = Sum();
  sum_int.argument_type = "INT";
  EXPECT_EQ(Change(stored, Aggregation({{"k", "STRING"}}, {Count(), sum_int})),
            "value columns changed: column 1 was sum(x) AS s BIGINT (argument BIGINT, state BIGINT), is now "
            "sum(x) AS s BIGINT (argument INT, state BIGINT) [STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]");
  // Renaming an output column keeps the state; so does the case of the SQL.
  StateValueColumn renamed = Sum();
  renamed.name = "total";
  renamed.sql = "SUM(x)";
  EXPECT_EQ(Change(stored, Aggregation({{"k", "STRING"}}, {Count(), renamed})), "compatible");
  // An unaliased column is shown by its SQL only.
  StateValueColumn plain = Sum();
  plain.name = plain.sql;
  plain.result_type = "DOUBLE";
  EXPECT_EQ(Change(stored, Aggregation({{"k", "STRING"}}, {Count(), plain})),
            "value columns changed: column 1 was sum(x) AS s BIGINT, is now sum(x) DOUBLE "
            "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]");
}

TEST(StateSchemaTest, AnotherOperatorKindIsIncompatible) {
  StateSchema stored = Aggregation({{"k", "STRING"}}, {Count()});
  stored.operator_name = "Deduplicate";
  Status st = CheckStateSchemaCompatible(stored, Aggregation({{"k", "STRING"}}, {Count()}), 0, "/ck");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("the checkpoint's operator 0 is a Deduplicate, the query's is a StatefulAggregate "
                              "[STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA]"),
            std::string::npos)
      << st.ToString();
}

TEST(StateCheckpointTest, RecordsTheSchemaOnceThenChecksIt) {
  MemEnv env;
  StateSchema schema = Aggregation({{"k", "STRING"}}, {Count(), Sum()});
  StateSchema swapped = Aggregation({{"k", "STRING"}}, {Sum(), Count()});
  {
    StateCheckpoint state(&env, "/ck");
    EXPECT_TRUE(state.CheckSchema(0, swapped).ok());  // nothing recorded: anything goes
    EXPECT_FALSE(env.FileExists(StateSchemaPath("/ck", 0)));
    ASSERT_TRUE(state.EnsureSchema(0, schema).ok());
    EXPECT_EQ(StateSchemaPath("/ck", 0), "/ck/state/0/_metadata/schema");
    std::string text;
    ASSERT_TRUE(env.ReadFileToString(StateSchemaPath("/ck", 0), &text).ok());
    EXPECT_EQ(text, schema.Serialize());
    EXPECT_TRUE(state.EnsureSchema(0, schema).ok());
    EXPECT_EQ(state.CheckSchema(0, swapped).code(), StatusCode::kInvalidArgument);
    // Operators have schemas of their own.
    EXPECT_TRUE(state.EnsureSchema(1, swapped).ok());
    EXPECT_TRUE(env.FileExists(StateSchemaPath("/ck", 1)));
  }
  // A new run reads what the last one recorded.
  StateCheckpoint state(&env, "/ck");
  EXPECT_TRUE(state.CheckSchema(0, schema).ok());
  EXPECT_EQ(state.EnsureSchema(0, swapped).code(), StatusCode::kInvalidArgument);
  auto provider = state.Provider(0, 1);
  ASSERT_TRUE(provider.ok());
  EXPECT_EQ((*provider)->dir(), "/ck/state/0/1");
  auto again = state.Provider(0, 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *provider);
}

}  // namespace
}  // namespace sluice
