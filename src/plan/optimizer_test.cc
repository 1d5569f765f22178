#include "plan/optimizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "plan/binder.h"
#include "plan/json_pushdown.h"
#include "exec/required_json_texts.h"
#include "sql/parser.h"
#include "exec/operators/memory_table.h"

namespace sluice {
namespace {

class OptimizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Schema people({{"id", DataType::Int()}, {"name", DataType::String()}, {"age", DataType::Int()},
                   {"city", DataType::String()}});
    Schema orders({{"oid", DataType::Int()}, {"customer_id", DataType::Int()}, {"amount", DataType::Double()}});
    ASSERT_TRUE(catalog_.CreateTable("people", std::make_shared<MemoryTable>(people, std::vector<Batch>{}), false, false).ok());
    ASSERT_TRUE(catalog_.CreateTable("orders", std::make_shared<MemoryTable>(orders, std::vector<Batch>{}), false, false).ok());
  }

  LogicalPlanPtr Analyze(const std::string& sql) {
    auto st = ParseStatements(sql);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    Binder binder(&catalog_, sql);
    auto plan = binder.BindQuery(*(*st)[0]->As<ast::SelectStatement>().query);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return *plan;
  }

  LogicalPlanPtr Optimized(const std::string& sql) {
    auto p = Optimize(Analyze(sql));
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return *p;
  }

  // The scan nodes of a plan, depth first.
  static void Scans(const LogicalPlanPtr& p, std::vector<LogicalPlanPtr>* out) {
    if (p->kind == LogicalKind::kScan) out->push_back(p);
    for (const auto& c : p->children) Scans(c, out);
  }

  Catalog catalog_;
};

// The Watermark node: filters that do not read its event-time column go
// below it (into the scan), one on the column stays above (the watermark's
// max must see every row); pruning keeps the column; the column's
// watermark_delay_ms survives the rewrites and reaches what reads it.
TEST(OptimizerWatermarkTest, PushdownAndPruningAroundTheWatermark) {
  Catalog catalog;
  Schema events({{"k", DataType::String()}, {"ts", DataType::Timestamp()}, {"v", DataType::Int()},
                 {"extra", DataType::String()}});
  ASSERT_TRUE(
      catalog.CreateTable("events", std::make_shared<MemoryTable>(events, std::vector<Batch>{}), false, false).ok());
  std::string sql =
      "SELECT k, ts FROM events WATERMARK ts DELAY OF INTERVAL 10 SECONDS WHERE v > 1 AND ts > TIMESTAMP "
      "'2024-01-01 00:00:00'";
  auto st = ParseStatements(sql);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  Binder binder(&catalog, sql);
  auto analyzed = binder.BindQuery(*(*st)[0]->As<ast::SelectStatement>().query);
  ASSERT_TRUE(analyzed.ok()) << analyzed.status().ToString();
  ASSERT_EQ((*analyzed)->output[1].watermark_delay_ms, std::optional<int64_t>(10000));
  auto plan = Optimize(*analyzed);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ((*plan)->output[1].watermark_delay_ms, std::optional<int64_t>(10000));
  EXPECT_FALSE((*plan)->output[0].watermark_delay_ms.has_value());
  // Find the watermark node and the scan under it.
  const LogicalPlan* n = plan->get();
  std::vector<std::string> above;
  while (n->kind != LogicalKind::kWatermark) {
    if (n->kind == LogicalKind::kFilter) above.push_back(n->condition->ToString());
    ASSERT_FALSE(n->children.empty()) << (*plan)->ToTreeString();
    n = n->children[0].get();
  }
  ASSERT_EQ(above.size(), 1u) << (*plan)->ToTreeString();
  EXPECT_NE(above[0].find("ts"), std::string::npos) << above[0];
  const LogicalPlan& scan = *n->children[0];
  ASSERT_EQ(scan.kind, LogicalKind::kScan) << (*plan)->ToTreeString();
  ASSERT_NE(scan.pushed_filter, nullptr);
  EXPECT_EQ(scan.pushed_filter->ToString(), "(v > 1)");
  // k, ts and v are read; extra is pruned; the watermark points at ts.
  EXPECT_EQ(scan.scan_columns, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(scan.output[static_cast<size_t>(n->watermark_column)].name, "ts");
}

TEST_F(OptimizerTest, FilterIsPushedIntoTheScanAndColumnsArePruned) {
  auto plan = Optimized("SELECT name FROM people WHERE age > 30");
  std::vector<LogicalPlanPtr> scans;
  Scans(plan, &scans);
  ASSERT_EQ(scans.size(), 1u);
  ASSERT_NE(scans[0]->pushed_filter, nullptr);
  EXPECT_EQ(scans[0]->pushed_filter->ToString(), "(age > 30)");
  // Only name (output) and age (filter) are read: id and city are pruned.
  EXPECT_EQ(scans[0]->scan_columns, (std::vector<int>{1, 2}));
  EXPECT_EQ(plan->output.size(), 1u);
  EXPECT_EQ(plan->output[0].name, "name");
}

TEST_F(OptimizerTest, FilterThroughProjectionIsSubstituted) {
  auto plan = Optimized("SELECT n FROM (SELECT age + 1 AS n, name FROM people) t WHERE n > 5");
  std::vector<LogicalPlanPtr> scans;
  Scans(plan, &scans);
  ASSERT_EQ(scans.size(), 1u);
  ASSERT_NE(scans[0]->pushed_filter, nullptr);
  EXPECT_EQ(scans[0]->pushed_filter->ToString(), "((age + 1) > 5)");
  EXPECT_EQ(scans[0]->scan_columns, (std::vector<int>{2}));
}

TEST_F(OptimizerTest, InnerJoinConjunctsGoToTheirSides) {
  auto plan = Optimized(
      "SELECT name, amount FROM people p JOIN orders o ON p.id = o.customer_id AND o.amount > 10 "
      "WHERE p.city = 'Berlin'");
  std::vector<LogicalPlanPtr> scans;
  Scans(plan, &scans);
  ASSERT_EQ(scans.size(), 2u);
  ASSERT_NE(scans[0]->pushed_filter, nullptr);
  EXPECT_EQ(scans[0]->pushed_filter->ToString(), "(city = 'Berlin')");
  ASSERT_NE(scans[1]->pushed_filter, nullptr);
  EXPECT_EQ(scans[1]->pushed_filter->ToString(), "(amount > 10.0D)");
}

TEST_F(OptimizerTest, LeftJoinKeepsWhereOnTheNullableSideAboveTheJoin) {
  // A WHERE conjunct on the right side of a LEFT JOIN must not move below it
  // (it would turn unmatched rows into matches with NULLs).
  auto plan = Optimized(
      "SELECT name FROM people p LEFT JOIN orders o ON p.id = o.customer_id WHERE o.amount IS NULL");
  std::vector<LogicalPlanPtr> scans;
  Scans(plan, &scans);
  ASSERT_EQ(scans.size(), 2u);
  EXPECT_EQ(scans[1]->pushed_filter, nullptr);
  bool filter_above_join = false;
  std::function<void(const LogicalPlanPtr&, bool)> walk = [&](const LogicalPlanPtr& p, bool seen_filter) {
    if (p->kind == LogicalKind::kJoin && seen_filter) filter_above_join = true;
    for (const auto& c : p->children) walk(c, seen_filter || p->kind == LogicalKind::kFilter);
  };
  walk(plan, false);
  EXPECT_TRUE(filter_above_join);
}

TEST_F(OptimizerTest, FilterOnGroupingColumnGoesBelowTheAggregate) {
  auto plan = Optimized("SELECT city, count(*) AS n FROM people GROUP BY city HAVING city <> 'Paris' AND count(*) > 1");
  std::vector<LogicalPlanPtr> scans;
  Scans(plan, &scans);
  ASSERT_EQ(scans.size(), 1u);
  ASSERT_NE(scans[0]->pushed_filter, nullptr);
  EXPECT_EQ(scans[0]->pushed_filter->ToString(), "(city <> 'Paris')");
}

TEST_F(OptimizerTest, ConstantsFoldAndTrueFiltersVanish) {
  auto plan = Optimized("SELECT id FROM people WHERE 1 + 1 = 2");
  std::vector<LogicalPlanPtr> scans;
  Scans(plan, &scans);
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0]->pushed_filter, nullptr);
  auto folded = Optimized("SELECT 2 * 3 + id AS x FROM people");
  ASSERT_EQ(folded->kind, LogicalKind::kProject);
  EXPECT_EQ(folded->exprs[0]->ToString(), "(6 + id)");
}

// Spark's NullPropagation: a null-intolerant expression (comparison,
// arithmetic, most scalar functions) with a NULL literal argument is NULL,
// and its other arguments are never evaluated (so cannot fail).
TEST_F(OptimizerTest, NullIntolerantCallsWithANullLiteralFoldToNull) {
  auto plan = Optimized(
      "SELECT name = CAST(NULL AS INT) AS a, (id + NULL) * age AS b, upper(name) < NULL AS c, "
      "-(CAST(name AS INT) * CAST(NULL AS INT)) AS d, NULL IN (id, 1) AS e, substr(name, NULL) AS f, "
      "length(CAST(NULL AS STRING)) + 1 / 0 AS g FROM people");
  ASSERT_EQ(plan->kind, LogicalKind::kProject);
  ASSERT_EQ(plan->exprs.size(), 7u);
  for (const auto& e : plan->exprs) {
    EXPECT_EQ(e->kind, ExprKind::kLiteral) << e->ToString();
    EXPECT_TRUE(e->literal.is_null()) << e->ToString();
  }
  EXPECT_EQ(plan->exprs[0]->type, DataType::Boolean());
  EXPECT_EQ(plan->exprs[1]->type, DataType::Int());
  EXPECT_EQ(plan->exprs[5]->type, DataType::String());
}

// What Spark does not fold: null-tolerant functions (coalesce, concat,
// try_add, <=>, AND/OR, IS NULL, round) and IN with a NULL in the list.
TEST_F(OptimizerTest, NullTolerantCallsWithANullLiteralStay) {
  auto plan = Optimized(
      "SELECT coalesce(NULL, id) AS a, concat(name, NULL) AS b, try_add(id, NULL) AS c, id <=> NULL AS d, "
      "(id > 1) OR NULL AS e, id IN (NULL, 1) AS f, round(CAST(name AS DOUBLE), NULL) AS g FROM people");
  ASSERT_EQ(plan->kind, LogicalKind::kProject);
  ASSERT_EQ(plan->exprs.size(), 7u);
  for (const auto& e : plan->exprs) EXPECT_EQ(e->kind, ExprKind::kCall) << e->ToString();
}

// A filter whose condition folds to NULL keeps no row.
TEST_F(OptimizerTest, AComparisonWithNullInAFilterEmptiesIt) {
  auto plan = Optimized("SELECT id FROM people WHERE CAST(name AS INT) > NULL");
  std::vector<LogicalPlanPtr> scans;
  Scans(plan, &scans);
  EXPECT_TRUE(scans.empty());
}

// Spark's ConstantFolding: a constant expression that fails fails the query
// while it is planned, rows or no rows, unless it sits in a branch of a
// conditional (CASE, IF, coalesce, nvl), which may never be taken.
TEST_F(OptimizerTest, AConstantThatFailsFailsTheQueryOutsideConditionalBranches) {
  for (const char* sql : {"SELECT 1 / 0 AS x FROM people WHERE false", "SELECT id FROM people WHERE id = 5 AND 1 / 0 = 1",
                          "SELECT CAST('{bad' AS DECIMAL(10,2)) AS x FROM people WHERE id > 100",
                          "SELECT CASE WHEN true THEN 1 / 0 END AS x FROM people",
                          "SELECT count(*) AS n FROM people GROUP BY city HAVING sum(id) > 1 / 0"}) {
    auto p = Optimize(Analyze(sql));
    ASSERT_FALSE(p.ok()) << sql;
    const std::string& m = p.status().message();
    EXPECT_TRUE(m.find("[DIVIDE_BY_ZERO]") != std::string::npos || m.find("[CAST_INVALID_INPUT]") != std::string::npos)
        << sql << ": " << p.status().ToString();
  }
  for (const char* sql : {"SELECT CASE WHEN id > 0 THEN 1 ELSE 1 / 0 END AS x FROM people",
                          "SELECT if(id > 0, 1, CAST('x' AS INT) + 1) AS x FROM people",
                          "SELECT coalesce(id, 1 / 0) AS x FROM people", "SELECT nvl2(id, 1 / 0, 2) AS x FROM people",
                          "SELECT CAST(NULL AS INT) + 1 / 0 AS x FROM people"}) {
    auto p = Optimize(Analyze(sql));
    EXPECT_TRUE(p.ok()) << sql << ": " << p.status().ToString();
  }
}

TEST_F(OptimizerTest, FalseFilterBecomesEmptyRelation) {
  auto plan = Optimized("SELECT id FROM people WHERE 1 = 0");
  std::vector<LogicalPlanPtr> scans;
  Scans(plan, &scans);
  EXPECT_TRUE(scans.empty());
}


// --- from_json pushed into scans that parse JSON (plan/json_pushdown.h) ---

// A table like a Kafka source's: binary key and value; its scan can parse
// the value (column 1) as JSON.
class JsonParsingTable : public TableSource {
 public:
  JsonParsingTable() : schema_({{"key", DataType::Binary()}, {"value", DataType::Binary()}, {"id", DataType::Int()}}) {}
  const Schema& schema() const override { return schema_; }
  std::string description() const override { return "json-parsing"; }
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>&, ExprPtr) const override {
    return Status::NotImplemented("not executed in these tests");
  }
  std::shared_ptr<const TableSource> WithJsonColumn(const ScanJsonColumn& json) const override {
    if (json.source_column != 1) return nullptr;
    auto t = std::make_shared<JsonParsingTable>(*this);
    t->json.push_back(json);
    auto fields = schema_.fields();
    fields.push_back({"from_json(value)", json.type, true});
    t->schema_ = Schema(fields);
    return t;
  }
  std::vector<ScanJsonColumn> json;

 private:
  Schema schema_;
};

class JsonPushdownTest : public OptimizerTest {
 protected:
  void SetUp() override {
    OptimizerTest::SetUp();
    ASSERT_TRUE(catalog_.CreateTable("events", std::make_shared<JsonParsingTable>(), false, false).ok());
  }
  // The single scan of the optimized plan.
  LogicalPlanPtr OnlyScan(const LogicalPlanPtr& plan) {
    std::vector<LogicalPlanPtr> scans;
    Scans(plan, &scans);
    EXPECT_EQ(scans.size(), 1u);
    return scans.empty() ? nullptr : scans[0];
  }
  static const JsonParsingTable& Table(const LogicalPlanPtr& scan) {
    return dynamic_cast<const JsonParsingTable&>(*scan->table);
  }
  // The type the plan's single scan parses its one JSON column into, or
  // what is wrong instead.
  std::string ParsedType(const LogicalPlanPtr& plan) {
    auto scan = OnlyScan(plan);
    if (!scan) return "no single scan";
    const auto& json = Table(scan).json;
    if (json.size() != 1) return std::to_string(json.size()) + " parses in the scan";
    return json[0].type.ToString();
  }
};

TEST_F(JsonPushdownTest, OnlyTheFieldsTheQueryReadsAreParsedInTheScan) {
  auto plan = Optimized(
      "SELECT data.a, data.c FROM (SELECT from_json(CAST(value AS STRING), 'a INT, b STRING, c DOUBLE, d STRING') "
      "AS data FROM events) WHERE data.b = 'x'");
  auto scan = OnlyScan(plan);
  ASSERT_NE(scan, nullptr);
  const auto& t = Table(scan);
  ASSERT_EQ(t.json.size(), 1u);
  EXPECT_EQ(t.json[0].source_column, 1);
  // a and c (select list) and b (filter); d is never read. Schema order kept.
  EXPECT_EQ(t.json[0].type.ToString(), "STRUCT<a: INT, b: STRING, c: DOUBLE>");
  EXPECT_EQ(t.json[0].mode, ParseMode::kPermissive);
  // The scan reads only the parsed column (table column 3): value is pruned.
  EXPECT_EQ(scan->scan_columns, (std::vector<int>{3}));
  EXPECT_EQ(plan->ToTreeString().find("from_json(CAST"), std::string::npos) << plan->ToTreeString();
  ASSERT_EQ(plan->output.size(), 2u);
  EXPECT_EQ(plan->output[0].name, "a");
  EXPECT_EQ(plan->output[1].name, "c");
}

TEST_F(JsonPushdownTest, AStructUsedWholeKeepsEveryFieldAndOtherColumnsStay) {
  auto plan = Optimized("SELECT id, from_json(CAST(value AS STRING), 'a INT, b STRING') AS data FROM events");
  auto scan = OnlyScan(plan);
  ASSERT_NE(scan, nullptr);
  const auto& t = Table(scan);
  ASSERT_EQ(t.json.size(), 1u);
  EXPECT_EQ(t.json[0].type.ToString(), "STRUCT<a: INT, b: STRING>");
  EXPECT_EQ(scan->scan_columns, (std::vector<int>{2, 3}));
  ASSERT_EQ(plan->output.size(), 2u);
  EXPECT_EQ(plan->output[1].name, "data");
  EXPECT_EQ(plan->output[1].type.ToString(), "STRUCT<a: INT, b: STRING>");
}

TEST_F(JsonPushdownTest, GroupingByAFieldParsesOnlyThatField) {
  auto plan = Optimized(
      "SELECT data.a, count(*) AS n FROM (SELECT from_json(CAST(value AS STRING), 'a INT, b STRING') AS data "
      "FROM events) GROUP BY data.a");
  auto scan = OnlyScan(plan);
  ASSERT_NE(scan, nullptr);
  const auto& t = Table(scan);
  ASSERT_EQ(t.json.size(), 1u);
  EXPECT_EQ(t.json[0].type.ToString(), "STRUCT<a: INT>");
  EXPECT_EQ(scan->scan_columns, (std::vector<int>{3}));
}

TEST_F(JsonPushdownTest, TwoSchemasOverTheSameValueAreTwoParses) {
  auto plan = Optimized(
      "SELECT from_json(CAST(value AS STRING), 'a INT').a AS x, from_json(CAST(value AS STRING), 'b INT').b AS y, "
      "from_json(CAST(value AS STRING), 'a INT').a + 1 AS z FROM events");
  auto scan = OnlyScan(plan);
  ASSERT_NE(scan, nullptr);
  const auto& t = Table(scan);
  ASSERT_EQ(t.json.size(), 2u);  // the two calls with schema 'a INT' are one parse
  EXPECT_EQ(scan->scan_columns.size(), 2u);
}

// A struct read only through its fields is cut too, at any depth: the scan
// parses s.x, not s.y or s.z.
TEST_F(JsonPushdownTest, NestedStructsAreCutToTheFieldsRead) {
  auto plan = Optimized(
      "SELECT d.s.x, d.k FROM (SELECT from_json(CAST(value AS STRING), "
      "'k INT, s STRUCT<x: INT, y: STRING, z: STRUCT<u: INT, v: INT>>, t STRING') AS d FROM events) "
      "WHERE d.s.z.v > 1");
  EXPECT_EQ(ParsedType(plan), "STRUCT<k: INT, s: STRUCT<x: INT, z: STRUCT<v: INT>>>");
  ASSERT_EQ(plan->output.size(), 2u);
  EXPECT_EQ(plan->output[0].type.ToString(), "INT");
}

// A nested struct used whole anywhere keeps every field of it.
TEST_F(JsonPushdownTest, ANestedStructUsedWholeKeepsItsFields) {
  auto plan = Optimized(
      "SELECT d.s, d.s.x FROM (SELECT from_json(CAST(value AS STRING), "
      "'k INT, s STRUCT<x: INT, y: STRING>') AS d FROM events)");
  EXPECT_EQ(ParsedType(plan), "STRUCT<s: STRUCT<x: INT, y: STRING>>");
  EXPECT_EQ(plan->output[0].type.ToString(), "STRUCT<x: INT, y: STRING>");
}

// The Nexmark shape (bench/nexmark/kafka_stream.sql and views.sql): a view
// of the parsed struct's fields, a view of one of them per event type, and
// the query over that. Every Project down to the scan is merged, so only
// the fields the query reads are parsed, not the whole bid.
TEST_F(JsonPushdownTest, ProjectsOfViewsOverTheParseAreMergedDownToTheScan) {
  auto plan = Optimized(
      "SELECT auction, price FROM (SELECT bid.* FROM (SELECT e.event_type, e.person, e.bid FROM "
      "(SELECT from_json(CAST(value AS STRING), 'event_type INT, person STRUCT<id: BIGINT, name: STRING>, "
      "bid STRUCT<auction: BIGINT, bidder: BIGINT, price: BIGINT, url: STRING, extra: STRING>') AS e "
      "FROM events)) WHERE event_type = 2) WHERE auction % 123 = 0");
  EXPECT_EQ(ParsedType(plan), "STRUCT<event_type: INT, bid: STRUCT<auction: BIGINT, price: BIGINT>>");
  ASSERT_EQ(plan->output.size(), 2u);
  EXPECT_EQ(plan->output[0].name, "auction");
  EXPECT_EQ(plan->output[1].name, "price");
  EXPECT_EQ(plan->output[1].type.ToString(), "BIGINT");
}

TEST_F(JsonPushdownTest, TablesThatCannotParseKeepTheExpression) {
  auto plan = Optimized("SELECT from_json(name, 'a INT').a FROM people");
  auto scan = OnlyScan(plan);
  ASSERT_NE(scan, nullptr);
  EXPECT_NE(plan->ToTreeString().find("from_json(name"), std::string::npos) << plan->ToTreeString();
  // And a from_json over another column of a parsing table stays too.
  auto plan2 = Optimized("SELECT from_json(CAST(key AS STRING), 'a INT').a FROM events");
  EXPECT_NE(plan2->ToTreeString().find("from_json(CAST(key"), std::string::npos) << plan2->ToTreeString();
}

// What a record must contain to pass the scan's filter (RequiredJsonTexts),
// from the pushed filter of the optimized plan: the JSON parse is the scan's
// only column here unless the query reads more.
class RequiredJsonTextsTest : public JsonPushdownTest {
 protected:
  std::vector<std::vector<std::string>> Texts(const std::string& where) {
    auto plan = Optimized("SELECT data.a FROM (SELECT from_json(CAST(value AS STRING), "
                          "'a INT, b STRING, c STRUCT<d: STRING, e INT>, f DOUBLE') AS data FROM events) WHERE " +
                          where);
    auto scan = OnlyScan(plan);
    if (!scan) return {{"no scan"}};
    int json = -1;
    for (size_t i = 0; i < scan->scan_columns.size(); ++i) {
      if (scan->scan_columns[i] == 3) json = static_cast<int>(i);
    }
    EXPECT_GE(json, 0);
    auto texts = RequiredJsonTexts(scan->pushed_filter, json);
    std::sort(texts.begin(), texts.end());  // conjunct order is the optimizer's
    return texts;
  }
};

TEST_F(RequiredJsonTextsTest, EqualityAndInOnStringFieldsGiveTexts) {
  using V = std::vector<std::vector<std::string>>;
  EXPECT_EQ(Texts("data.b = 'view'"), (V{{"view"}}));
  EXPECT_EQ(Texts("'view' = data.b"), (V{{"view"}}));
  // Nested field; two conjuncts give two sets.
  EXPECT_EQ(Texts("data.c.d = 'x1' AND data.b = 'y2'"), (V{{"x1"}, {"y2"}}));
  EXPECT_EQ(Texts("data.b IN ('click', 'view')"), (V{{"click", "view"}}));
  // A NULL in the list is never TRUE: the other texts remain.
  EXPECT_EQ(Texts("data.b IN ('click', NULL)"), (V{{"click"}}));
  // Conjuncts that give nothing are left out, the others stay.
  EXPECT_EQ(Texts("data.a > 3 AND data.b = 'view'"), (V{{"view"}}));
}

TEST_F(RequiredJsonTextsTest, OtherShapesGiveNoText) {
  using V = std::vector<std::vector<std::string>>;
  EXPECT_EQ(Texts("data.a = 3"), V{});           // not a STRING field
  EXPECT_EQ(Texts("data.f = 1.5"), V{});         // not a STRING field
  EXPECT_EQ(Texts("data.b <> 'view'"), V{});     // not an equality
  EXPECT_EQ(Texts("data.b LIKE 'vi%'"), V{});
  EXPECT_EQ(Texts("data.b = 'view' OR data.b = 'click'"), V{});
  EXPECT_EQ(Texts("NOT (data.b = 'view')"), V{});
  EXPECT_EQ(Texts("data.b = ''"), V{});                   // every record holds ""
  EXPECT_EQ(Texts("data.b = '{\"k\":1}'"), V{});          // could be a nested object's text
  EXPECT_EQ(Texts("data.b = '[1,2]'"), V{});              // or an array's
  EXPECT_EQ(Texts("data.b = 'say \"hi\"'"), V{});         // escaped in JSON
  EXPECT_EQ(Texts("data.b IN ('view', '{x')"), V{});      // one literal unusable: the whole IN
  EXPECT_EQ(Texts("upper(data.b) = 'VIEW'"), V{});        // not the field itself
}

}  // namespace
}  // namespace sluice
