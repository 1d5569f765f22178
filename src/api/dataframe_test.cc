// The DataFrame API end to end, over JSON files written by the test.
#include "sluice/dataframe.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

namespace sluice {
namespace {

class DataFrameTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice_df_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ + "/people.json") << R"({"id": 1, "name": "ann", "age": 34, "city": "Berlin"}
{"id": 2, "name": "bob", "age": 19, "city": "Paris"}
{"id": 3, "name": "cy", "age": null, "city": "Berlin"}
{"id": 4, "name": "dee", "age": 51, "city": null}
)";
    std::ofstream(dir_ + "/orders.json") << R"({"oid": 10, "pid": 1, "amount": 5.5}
{"oid": 11, "pid": 1, "amount": 2.0}
{"oid": 12, "pid": 3, "amount": 7.25}
{"oid": 13, "pid": 9, "amount": 1.0}
)";
    spark_ = Session::Create();
    people_ = spark_->read().format("json").schema("id INT, name STRING, age INT, city STRING").load(dir_ + "/people.json");
    orders_ = spark_->read().json(dir_ + "/orders.json");
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  static std::vector<std::string> Rendered(const Result<QueryResult>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> rows;
    if (!r.ok()) return rows;
    for (const auto& row : r->Rows()) {
      std::string s;
      for (size_t i = 0; i < row.size(); ++i) s += (i ? "|" : "") + row[i].ToString();
      rows.push_back(s);
    }
    return rows;
  }

  std::string dir_;
  std::shared_ptr<Session> spark_;
  DataFrame people_{nullptr, nullptr, Status::OK()};
  DataFrame orders_{nullptr, nullptr, Status::OK()};
};

TEST_F(DataFrameTest, SelectFilterWithColumnOrderBy) {
  auto df = people_.filter(col("age") > lit(20))
                .withColumn("next", col("age") + lit(1))
                .select({col("name"), col("next")})
                .orderBy({col("next").desc()});
  EXPECT_EQ(Rendered(df.collect()), (std::vector<std::string>{"dee|52", "ann|35"}));
  auto s = df.schema();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->ToString(), "name STRING, next INT");
}

TEST_F(DataFrameTest, CreateDataFrameFromRowsJoinsAndAggregates) {
  Schema schema({{"k", DataType::String(), true}, {"v", DataType::Bigint(), true}});
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 5000; ++i) {  // more than one batch
    rows.push_back({Value::String(i % 2 ? "odd" : "even"), i == 7 ? Value::Null(DataType::Bigint()) : Value::Bigint(i)});
  }
  auto data = QueryResult::FromRows(schema, rows);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->num_rows(), 5000u);
  auto df = spark_->createDataFrame(*data);
  auto out = df.groupBy({"k"}).agg({count(col("v")).alias("n"), sum(col("v")).alias("s")}).orderBy({col("k")});
  // even: 0+2+...+4998 = 6247500 over 2500 rows; odd: 1+3+...+4999 = 6250000 minus the NULL 7.
  EXPECT_EQ(Rendered(out.collect()), (std::vector<std::string>{"even|2500|6247500", "odd|2499|6249993"}));
  ASSERT_TRUE(df.createOrReplaceTempView("local").ok());
  EXPECT_EQ(Rendered(spark_->Sql("SELECT count(*) FROM local WHERE v > 4990")), (std::vector<std::string>{"9"}));
}

TEST_F(DataFrameTest, FromRowsNamesTheBadRowAndColumn) {
  Schema schema({{"k", DataType::String(), true}, {"v", DataType::Bigint(), true}});
  auto wrong_type = QueryResult::FromRows(schema, {{Value::String("a"), Value::Bigint(1)}, {Value::String("b"), Value::Int(2)}});
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.status().message(), "row 1, column `v`: a INT value where the schema has BIGINT");
  auto short_row = QueryResult::FromRows(schema, {{Value::String("a")}});
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(short_row.status().message().find("row 0 has 1 values but the schema has 2 columns"), std::string::npos);
}

TEST_F(DataFrameTest, FilterWithSqlStringAndSelectExpr) {
  auto df = people_.filter("city = 'Berlin' AND age IS NOT NULL").selectExpr({"upper(name) AS n", "age * 2"});
  EXPECT_EQ(Rendered(df.collect()), (std::vector<std::string>{"ANN|68"}));
  EXPECT_EQ(df.schema()->field(1).name, "(age * 2)");
}

TEST_F(DataFrameTest, GroupByAggNullKeyAndCount) {
  auto df = people_.groupBy({col("city")})
                .agg({count(lit(1)).alias("n"), avg(col("age")).alias("avg_age"), max(col("name"))})
                .orderBy({col("city").asc()});
  // NULL sorts first ascending; avg ignores the NULL age of cy.
  EXPECT_EQ(Rendered(df.collect()), (std::vector<std::string>{"NULL|1|51.0|dee", "Berlin|2|34.0|cy", "Paris|1|19.0|bob"}));
  // Column names as plain strings, PySpark style.
  auto by_name = people_.groupBy({"city"}).count().select({"city", "count"}).orderBy({col("city")});
  EXPECT_EQ(Rendered(by_name.collect()), (std::vector<std::string>{"NULL|1", "Berlin|2", "Paris|1"}));
  auto total = people_.count();
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, 4);
}

TEST_F(DataFrameTest, JoinsOnColumnAndUsing) {
  auto inner = people_.join(orders_, col("id") == col("pid"))
                   .groupBy({col("name")})
                   .agg({sum(col("amount")).alias("total")})
                   .orderBy({col("name")});
  EXPECT_EQ(Rendered(inner.collect()), (std::vector<std::string>{"ann|7.5", "cy|7.25"}));
  auto anti = people_.join(orders_, col("id") == col("pid"), "left_anti").select({"name"}).orderBy({col("name")});
  EXPECT_EQ(Rendered(anti.collect()), (std::vector<std::string>{"bob", "dee"}));
  auto renamed = orders_.withColumnRenamed("pid", "id");
  auto using_join = people_.join(renamed, std::vector<std::string>{"id"}, "full")
                        .select({col("id"), col("name"), col("oid")})
                        .orderBy({col("id"), col("oid")});
  EXPECT_EQ(Rendered(using_join.collect()),
            (std::vector<std::string>{"1|ann|10", "1|ann|11", "2|bob|NULL", "3|cy|12", "4|dee|NULL", "9|NULL|13"}));
}

// withColumn, withColumnRenamed and drop keep the columns they pass through
// as they were, qualifier included, so that a.x still names the left side's
// x after them (as in Spark; the Python package's df1.x relies on it).
TEST_F(DataFrameTest, QualifiersSurviveWithColumnRenameAndDrop) {
  auto joined = people_.alias("p").join(orders_.withColumnRenamed("pid", "id").alias("o"), col("p.id") == col("o.id"));
  auto derived = joined.withColumn("twice", col("amount") * lit(2)).withColumnRenamed("name", "who").drop({"city"});
  auto out = derived.select({col("p.id"), col("o.id").alias("oid2"), col("who"), col("twice")})
                 .orderBy({col("oid2"), col("twice")});
  EXPECT_EQ(Rendered(out.collect()), (std::vector<std::string>{"1|1|ann|4.0", "1|1|ann|11.0", "3|3|cy|14.5"}));
  // The renamed column and the new one have no qualifier: p.who is unknown.
  EXPECT_FALSE(derived.select({col("p.who")}).status().ok());
}

// drop(Column) drops the one column it refers to: after a join of two sides
// with an `id` each, drop(col("o.id")) keeps p.id.
TEST_F(DataFrameTest, DropColumnDropsOnlyThatSidesColumn) {
  auto joined = people_.alias("p").join(orders_.withColumnRenamed("pid", "id").alias("o"), col("p.id") == col("o.id"));
  auto dropped = joined.drop(col("o.id"));
  auto schema = dropped.schema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->ToString(), "id INT, name STRING, age INT, city STRING, amount DOUBLE, oid BIGINT");
  // The survivor is still p.id; `id` alone is no longer ambiguous.
  EXPECT_EQ(Rendered(dropped.select({col("p.id"), col("id").alias("again"), col("oid")}).orderBy({col("oid")}).collect()),
            (std::vector<std::string>{"1|1|10", "1|1|11", "3|3|12"}));
  // Not a column of this DataFrame, or not a column at all: nothing changes.
  EXPECT_EQ(joined.drop(col("nope")).schema()->size(), 7u);
  EXPECT_EQ(joined.drop(col("p.id") + lit(1)).schema()->size(), 7u);
  // Ambiguous: an error, as in Spark.
  EXPECT_FALSE(joined.drop(col("id")).status().ok());
}

// A view read back with table() is qualified by its name, as a table is (and
// as in Spark): v.name resolves, also after a join with another view.
TEST_F(DataFrameTest, TableOfAViewIsQualifiedByItsName) {
  ASSERT_TRUE(people_.createOrReplaceTempView("pv").ok());
  ASSERT_TRUE(orders_.createOrReplaceTempView("ov").ok());
  auto joined = spark_->table("pv").join(spark_->table("ov"), col("pv.id") == col("ov.pid"));
  EXPECT_EQ(Rendered(joined.select({col("pv.name"), col("ov.oid")}).orderBy({col("oid")}).collect()),
            (std::vector<std::string>{"ann|10", "ann|11", "cy|12"}));
}

TEST_F(DataFrameTest, ColumnPredicatesSubstringsItemsAndCase) {
  auto out = people_.select({col("name"), col("name").rlike("^[ab]").alias("r"),
                             col("name").startswith(lit("d")).alias("s"), col("name").endswith(lit("n")).alias("e"),
                             col("name").contains(lit("o")).alias("c"), col("name").substr(lit(2), lit(2)).alias("sub"),
                             col("age").between(lit(20), lit(40)).alias("b"),
                             when(col("age") < lit(20), lit("young"))
                                 .when(col("age") < lit(50), lit("mid"))
                                 .otherwise(lit("old"))
                                 .alias("band")})
                 .orderBy({col("name")});
  // By hand: ann 34, bob 19, cy NULL, dee 51.
  EXPECT_EQ(Rendered(out.collect()), (std::vector<std::string>{
                                         "ann|true|false|true|false|nn|true|mid",
                                         "bob|true|false|false|true|ob|false|young",
                                         "cy|false|false|false|false|y|NULL|old",
                                         "dee|false|true|false|false|ee|false|old",
                                     }));
  auto items = spark_->sql("SELECT array(10, 20, 30) AS a").select({col("a").getItem(lit(1)).alias("i")});
  EXPECT_EQ(Rendered(items.collect()), (std::vector<std::string>{"20"}));
  // otherwise() twice, or when() on a Column not made by when(): an error naming the misuse.
  auto twice = people_.select({when(col("age") > lit(1), lit(1)).otherwise(lit(2)).otherwise(lit(3))});
  EXPECT_NE(twice.status().message().find("INVALID_OTHERWISE_USAGE"), std::string::npos) << twice.status().ToString();
  auto on_plain = people_.select({col("age").when(col("age") > lit(1), lit(1))});
  EXPECT_NE(on_plain.status().message().find("INVALID_WHEN_USAGE"), std::string::npos) << on_plain.status().ToString();
}

TEST_F(DataFrameTest, ErrorsAreDeferredToCollect) {
  auto df = people_.select({col("nmae")}).filter(col("age") > lit(1));
  auto r = df.collect();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAnalysisError);
  EXPECT_NE(r.status().message().find("cannot resolve column `nmae`"), std::string::npos);
  EXPECT_NE(r.status().message().find("Did you mean `name`?"), std::string::npos);
  // Subqueries inside DataFrame expressions run through the session too.
  auto sub = people_.filter("id IN (SELECT pid FROM orders_view)");
  ASSERT_TRUE(orders_.createOrReplaceTempView("orders_view").ok());
  auto sub2 = people_.filter("id IN (SELECT pid FROM orders_view)").select({"name"}).orderBy({col("name")});
  EXPECT_EQ(Rendered(sub2.collect()), (std::vector<std::string>{"ann", "cy"}));
  EXPECT_FALSE(sub.collect().ok());  // bound before the view existed
  auto bad_how = people_.join(orders_, col("id") == col("pid"), "sideways").collect();
  ASSERT_FALSE(bad_how.ok());
  EXPECT_NE(bad_how.status().message().find("unsupported join type 'sideways'"), std::string::npos);
}

TEST_F(DataFrameTest, ViewsSqlAndExplain) {
  ASSERT_TRUE(people_.createOrReplaceTempView("people").ok());
  auto df = spark_->sql("SELECT name FROM people WHERE age > 30");
  auto plan = df.explain();
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(plan->find("== Optimized Logical Plan =="), std::string::npos);
  EXPECT_NE(plan->find("PushedFilters: [(age > 30)]"), std::string::npos);
  EXPECT_EQ(Rendered(df.orderBy({col("name")}).collect()), (std::vector<std::string>{"ann", "dee"}));
  auto distinct_cities = spark_->table("people").select({"city"}).distinct().count();
  ASSERT_TRUE(distinct_cities.ok());
  EXPECT_EQ(*distinct_cities, 3);
}

TEST_F(DataFrameTest, UnionLimitAndFromJson) {
  auto a = people_.select({col("id")});
  auto b = orders_.select({col("pid").cast("INT").alias("id")});
  auto u = a.unionAll(b).orderBy({col("id").desc()}).limit(3);
  EXPECT_EQ(Rendered(u.collect()), (std::vector<std::string>{"9", "4", "3"}));
  auto parsed = people_.select({from_json(lit(R"({"x": 5, "y": "z"})"), "x INT, y STRING").alias("d")})
                    .limit(1)
                    .select({col("d.x"), col("d.y")});
  EXPECT_EQ(Rendered(parsed.collect()), (std::vector<std::string>{"5|z"}));
}

TEST_F(DataFrameTest, FromJsonOptions) {
  auto one = people_.limit(1);
  auto good = one.select({from_json(lit(R"({"x": 5})"), "x INT", {{"mode", "FAILFAST"}}).alias("d")})
                  .select({col("d.x")});
  EXPECT_EQ(Rendered(good.collect()), (std::vector<std::string>{"5"}));
  auto permissive = one.select({from_json(lit(R"({"x": "five"})"), "x INT", {{"MODE", "permissive"}}).alias("d")})
                        .select({col("d.x")});
  EXPECT_EQ(Rendered(permissive.collect()), (std::vector<std::string>{"NULL"}));
  auto bad = one.select({from_json(lit(R"({"x": "five"})"), "x INT", {{"mode", "FAILFAST"}})}).collect();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kMalformedRecord);
  EXPECT_EQ(bad.status().message(),
            "[MALFORMED_RECORD_IN_PARSING] field 'x': cannot convert JSON string to INT in the value "
            "'{\"x\": \"five\"}' (from_json mode FAILFAST; use PERMISSIVE to get NULL instead)");
  auto bad_mode = one.select({from_json(col("name"), "x INT", {{"mode", "LENIENT"}})}).collect();
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_EQ(bad_mode.status().code(), StatusCode::kAnalysisError);
  EXPECT_NE(bad_mode.status().message().find("'LENIENT' is not one of PERMISSIVE, DROPMALFORMED, FAILFAST"),
            std::string::npos)
      << bad_mode.status().message();
}

TEST_F(DataFrameTest, FromJsonOptionsMustBeAMapOfStringLiterals) {
  // The error points at the third argument (the map), by line and column.
  auto not_map = spark_->sql("SELECT from_json('{\"a\":1}', 'a INT', 'FAILFAST')").collect();
  ASSERT_FALSE(not_map.ok());
  EXPECT_EQ(not_map.status().code(), StatusCode::kAnalysisError);
  EXPECT_EQ(not_map.status().message(),
            "[INVALID_OPTIONS.NON_MAP_FUNCTION] from_json's options must be map('key', 'value', ...), got "
            "'FAILFAST' at line 1, column 38\n"
            "  SELECT from_json('{\"a\":1}', 'a INT', 'FAILFAST')\n"
            "                                       ^");
  ASSERT_TRUE(people_.createOrReplaceTempView("people").ok());
  auto not_literal = spark_->sql("SELECT from_json(name,\n    'a INT', map('mode', upper('failfast'))) FROM people")
                         .collect();
  ASSERT_FALSE(not_literal.ok());
  EXPECT_EQ(not_literal.status().code(), StatusCode::kAnalysisError);
  EXPECT_NE(not_literal.status().message().find("[INVALID_OPTIONS.NON_STRING_TYPE] from_json's options must be "
                                                "string literals, as in map('mode', 'FAILFAST'), got "
                                                "upper('failfast') at line 2, column 14\n"),
            std::string::npos)
      << not_literal.status().message();
  auto odd = spark_->sql("SELECT from_json(name, 'a INT', map('mode')) FROM people").collect();
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.status().message().find("[WRONG_NUM_ARGS] map() of from_json's options needs key, value pairs, "
                                        "got 1 arguments at line 1, column 33"),
            std::string::npos)
      << odd.status().message();
  auto dup = spark_->sql("SELECT from_json(name, 'a INT', map('mode', 'FAILFAST', 'Mode', 'PERMISSIVE')) FROM people")
                 .collect();
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("[DUPLICATED_MAP_KEY]"), std::string::npos) << dup.status().message();
  auto null_value = spark_->sql("SELECT from_json(name, 'a INT', map('mode', NULL)) FROM people").collect();
  ASSERT_FALSE(null_value.ok());
  EXPECT_NE(null_value.status().message().find("[INVALID_OPTIONS.NON_STRING_TYPE]"), std::string::npos);
  // In an aggregate query too, and an empty map is no options.
  auto grouped = spark_->sql("SELECT count(*), from_json('{\"a\":2}', 'a INT', map()).a FROM people").collect();
  EXPECT_EQ(Rendered(grouped), (std::vector<std::string>{"4|2"}));
  auto agg_error = spark_->sql("SELECT count(from_json(name, 'a INT', 'x')) FROM people").collect();
  ASSERT_FALSE(agg_error.ok());
  EXPECT_NE(agg_error.status().message().find("[INVALID_OPTIONS.NON_MAP_FUNCTION]"), std::string::npos);
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

class DataFrameWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice_dfw_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ + "/clicks.json") << R"({"user": "u1", "ts": "2021-01-01T00:00:00Z", "gap": "5 minutes"}
{"user": "u1", "ts": "2021-01-01T00:04:30Z", "gap": "5 minutes"}
{"user": "u1", "ts": "2021-01-01T00:10:00Z", "gap": "5 minutes"}
{"user": "u2", "ts": "2021-01-01T00:01:00Z", "gap": "1 minute"}
{"user": "u2", "ts": "2021-01-01T00:01:30Z", "gap": "1 minute"}
{"user": "u2", "ts": null, "gap": "1 minute"}
)";
    spark_ = Session::Create();
    clicks_ = spark_->read().format("json").schema("user STRING, ts TIMESTAMP, gap STRING").load(dir_ + "/clicks.json");
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  static std::vector<std::string> Rendered(const Result<QueryResult>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> rows;
    if (!r.ok()) return rows;
    for (const auto& row : r->Rows()) {
      std::string s;
      for (size_t i = 0; i < row.size(); ++i) s += (i ? "|" : "") + row[i].ToString();
      rows.push_back(s);
    }
    return rows;
  }

  std::string dir_;
  std::shared_ptr<Session> spark_;
  DataFrame clicks_{nullptr, nullptr, Status::OK()};
};

// groupBy(window(...)): the key column is `window`, and its fields can be
// selected from the result.
TEST_F(DataFrameWindowTest, TumblingAndSlidingWindowsAsGroupingKeys) {
  auto tumbling = clicks_.groupBy({window(col("ts"), "5 minutes")})
                      .agg({count(lit(1)).alias("n")})
                      .select({col("window.start"), col("window.end"), col("n")})
                      .orderBy({col("start")});
  EXPECT_EQ(Rendered(tumbling.collect()),
            (std::vector<std::string>{"2021-01-01 00:00:00|2021-01-01 00:05:00|4",
                                      "2021-01-01 00:10:00|2021-01-01 00:15:00|1"}));
  auto schema = clicks_.groupBy({window(col("ts"), "5 minutes")}).agg({count(lit(1))}).schema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->field(0).name, "window");
  EXPECT_EQ(schema->field(0).type.ToString(), "STRUCT<start: TIMESTAMP, end: TIMESTAMP>");

  // 10 minutes every 5: 00:00, 00:01, 00:01:30, 00:04:30 are in [23:55, 00:05)
  // and [00:00, 00:10); 00:10 in [00:05, 00:15) and [00:10, 00:20).
  auto sliding = clicks_.groupBy({window(col("ts"), "10 minutes", "5 minutes")})
                     .agg({count(lit(1)).alias("n")})
                     .select({col("window.start"), col("n")})
                     .orderBy({col("start")});
  EXPECT_EQ(Rendered(sliding.collect()),
            (std::vector<std::string>{"2020-12-31 23:55:00|4", "2021-01-01 00:00:00|4", "2021-01-01 00:05:00|1",
                                      "2021-01-01 00:10:00|1"}));
  // startTime: 5-minute windows starting 1 minute past.
  auto offset = clicks_.groupBy({window(col("ts"), "5 minutes", "5 minutes", "1 minute")})
                    .agg({count(lit(1)).alias("n")})
                    .select({col("window.start"), col("n")})
                    .orderBy({col("start")});
  EXPECT_EQ(Rendered(offset.collect()),
            (std::vector<std::string>{"2020-12-31 23:56:00|1", "2021-01-01 00:01:00|3", "2021-01-01 00:06:00|1"}));
}

TEST_F(DataFrameWindowTest, SessionWindowsWithFixedAndPerRowGaps) {
  auto fixed = clicks_.groupBy({col("user"), session_window(col("ts"), "5 minutes")})
                   .agg({count(lit(1)).alias("n")})
                   .select({col("user"), col("session_window.start"), col("session_window.end"), col("n")})
                   .orderBy({col("user"), col("start")});
  EXPECT_EQ(Rendered(fixed.collect()),
            (std::vector<std::string>{"u1|2021-01-01 00:00:00|2021-01-01 00:09:30|2",
                                      "u1|2021-01-01 00:10:00|2021-01-01 00:15:00|1",
                                      "u2|2021-01-01 00:01:00|2021-01-01 00:06:30|2"}));
  // u2's gap is 1 minute: 00:01 and 00:01:30 still overlap, ending 00:02:30.
  auto per_row = clicks_.groupBy({col("user"), session_window(col("ts"), col("gap"))})
                     .agg({count(lit(1)).alias("n")})
                     .select({col("user"), col("session_window.end"), col("n")})
                     .orderBy({col("user"), col("end")});
  EXPECT_EQ(Rendered(per_row.collect()),
            (std::vector<std::string>{"u1|2021-01-01 00:09:30|2", "u1|2021-01-01 00:15:00|1",
                                      "u2|2021-01-01 00:02:30|2"}));
  auto not_grouped = clicks_.select({session_window(col("ts"), "5 minutes")}).collect();
  ASSERT_FALSE(not_grouped.ok());
  EXPECT_NE(not_grouped.status().message().find("must be one of the grouping keys"), std::string::npos)
      << not_grouped.status().ToString();
}

TEST_F(DataFrameWindowTest, WithColumnAddsTheWindowOfEachRow) {
  auto df = clicks_.filter(col("user") == lit("u1"))
                .withColumn("w", window(col("ts"), "10 minutes"))
                .select({col("ts"), col("w.start")})
                .orderBy({col("ts")});
  EXPECT_EQ(Rendered(df.collect()),
            (std::vector<std::string>{"2021-01-01 00:00:00|2021-01-01 00:00:00",
                                      "2021-01-01 00:04:30|2021-01-01 00:00:00",
                                      "2021-01-01 00:10:00|2021-01-01 00:10:00"}));
  auto bad = clicks_.groupBy({window(col("ts"), "5 seconds", "10 seconds")}).agg({count(lit(1))}).collect();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("The `slideDuration`(10000000L) must be <= the `windowDuration`(5000000L)"),
            std::string::npos)
      << bad.status().ToString();
}

// load() without a path: an error for a format that reads files, a table
// for one that reads something else (kafka: its options are checked, no
// broker is contacted until an action).
TEST(DataFrameReaderLoadTest, PathNeededOnlyByFormatsThatReadFiles) {
  auto spark = Session::Create();
  auto json = spark->read().format("json").load();
  ASSERT_FALSE(json.status().ok());
  EXPECT_EQ(json.status().message(), "load() needs a path");
  auto unknown = spark->read().format("jsn").load();
  ASSERT_FALSE(unknown.status().ok());
  EXPECT_NE(unknown.status().message().find("unknown table format 'jsn'; did you mean 'json'?"), std::string::npos)
      << unknown.status().ToString();
  auto kafka =
      spark->read().format("kafka").option("kafka.bootstrap.servers", "127.0.0.1:1").option("subscribe", "t").load();
  EXPECT_TRUE(kafka.status().ok()) << kafka.status().ToString();
  auto latest = spark->read().format("kafka").option("kafka.bootstrap.servers", "127.0.0.1:1")
                    .option("subscribe", "t").option("startingOffsets", "latest").load();
  ASSERT_FALSE(latest.status().ok());
  EXPECT_NE(latest.status().message().find("starting offset can't be latest for batch queries on Kafka"),
            std::string::npos) << latest.status().ToString();
  // SQL: an unknown format names the statement.
  auto create = spark->Sql("CREATE TABLE t USING jsn OPTIONS (path '/x')");
  ASSERT_FALSE(create.ok());
  EXPECT_NE(create.status().ToString().find("CREATE TABLE t"), std::string::npos) << create.status().ToString();
  EXPECT_NE(create.status().ToString().find("unknown table format 'jsn'"), std::string::npos)
      << create.status().ToString();
}

}  // namespace
}  // namespace sluice
