#include "plan/binder.h"

#include <pthread.h>

#include <gtest/gtest.h>

#include <string>

#include "sql/parser.h"

namespace sluice {
namespace {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Nested uncorrelated EXISTS: each subquery is bound once and run once.
// Binding tried every EXISTS in WHERE first as an uncorrelated query, then
// bound it again as a predicate, so each level doubled the work: 30 nested
// EXISTS (a 700-byte query) ran for hours (found by fuzz/sql_session_fuzzer's
// hang hunt, issue 10's "ran until SIGTERM").
TEST(BinderTest, NestedExistsAreBoundAndRunOncePerSubquery) {
  for (int levels : {1, 2, 5, 12}) {
    const std::string sql = "SELECT 1 WHERE " + Repeat("EXISTS (SELECT 1 WHERE ", levels) + "true" + Repeat(")", levels);
    auto statements = ParseStatements(sql);
    ASSERT_TRUE(statements.ok()) << statements.status().ToString();
    Catalog catalog;
    Binder binder(&catalog, sql);
    int runs = 0;
    binder.set_subquery_runner([&runs](const LogicalPlanPtr& plan) -> Result<std::vector<Batch>> {
      ++runs;
      return std::vector<Batch>{Batch({}, 1)};  // one row: EXISTS is true
    });
    auto plan = binder.BindQuery(*(*statements)[0]->As<ast::SelectStatement>().query);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    EXPECT_EQ(runs, levels) << levels << " nested EXISTS";
  }
}

// A tree within the parser's nesting limit bound on a thread with little
// stack: the binder stops with an error naming the problem before the stack
// runs out (common/stack_limit.h), instead of crashing.
TEST(BinderTest, LittleStackIsAnErrorNotACrash) {
  // An operator chain: the parser builds it in a loop, the binder recurses.
  const std::string sql = "SELECT " + Repeat("1 + ", 990) + "1";
  auto statements = ParseStatements(sql);
  ASSERT_TRUE(statements.ok()) << statements.status().ToString().substr(0, 300);
  struct Job {
    const ast::QueryNode* query;
    const std::string* sql;
    Status status;
  } job{(*statements)[0]->As<ast::SelectStatement>().query.get(), &sql, Status::OK()};
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, size_t{384} << 10), 0);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    auto* j = static_cast<Job*>(arg);
    Catalog catalog;
    Binder binder(&catalog, *j->sql);
    j->status = binder.BindQuery(*j->query).status();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(job.status.code(), StatusCode::kAnalysisError) << job.status.ToString().substr(0, 300);
  EXPECT_NE(job.status.message().find("the query is nested too deeply for the stack of this thread"),
            std::string::npos)
      << job.status.ToString().substr(0, 300);
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

// The window column keeps the event-time metadata of its time column
// (Spark's spark.watermarkDelayMs): set by withWatermark on `ts`, it is on
// `window` / `session_window` too, and on the session key of the Aggregate.
TEST(BinderTest, WindowColumnsCarryTheWatermarkDelayOfTheirTimeColumn) {
  std::vector<LogicalColumn> cols = {{"k", "", DataType::String()}, {"ts", "", DataType::Timestamp()}};
  cols[1].watermark_delay_ms = 10000;
  Batch empty({Vector(DataType::String()), Vector(DataType::Timestamp())}, 0);
  LogicalPlanPtr input = MakeValues(cols, {empty});
  Catalog catalog;
  auto bind = [&](const std::string& sql, bool grouped) {
    auto statements = ParseStatements("SELECT " + sql);
    EXPECT_TRUE(statements.ok()) << statements.status().ToString();
    const auto& select = (*statements)[0]->As<ast::SelectStatement>().query;
    const auto& node = static_cast<const ast::SelectNode&>(*select);
    Binder binder(&catalog, "");
    std::vector<ast::ParsedExprPtr> groups;
    if (grouped) groups = {node.select_list[0].expr, node.select_list[1].expr};
    return binder.BindSelect(input, {node.select_list[0], node.select_list[1]}, grouped ? &groups : nullptr);
  };
  // The Project's input (a Filter over the windowed node) has the column.
  auto tumbling = bind("k, window(ts, '10 seconds')", false);
  ASSERT_TRUE(tumbling.ok()) << tumbling.status().ToString();
  const LogicalPlan& filter = *(*tumbling)->children[0];
  ASSERT_EQ(filter.kind, LogicalKind::kFilter);
  EXPECT_EQ(filter.output.back().name, "window");
  EXPECT_EQ(filter.output.back().watermark_delay_ms, std::optional<int64_t>(10000));
  auto sliding = bind("k, window(ts, '10 seconds', '5 seconds')", false);
  ASSERT_TRUE(sliding.ok()) << sliding.status().ToString();
  EXPECT_EQ((*sliding)->children[0]->children[0]->kind, LogicalKind::kExpand);
  EXPECT_EQ((*sliding)->children[0]->output.back().watermark_delay_ms, std::optional<int64_t>(10000));
  auto session = bind("k, session_window(ts, '5 minutes')", true);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const LogicalPlan& agg = *(*session)->children[0];
  ASSERT_EQ(agg.kind, LogicalKind::kAggregate);
  EXPECT_EQ(agg.session_window_group, 1);
  EXPECT_EQ(agg.output[1].watermark_delay_ms, std::optional<int64_t>(10000));
  EXPECT_EQ(agg.children[0]->output.back().watermark_delay_ms, std::optional<int64_t>(10000));
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

// struct(*) (and any scalar function's `*` argument but count's) stands for
// the FROM clause's columns, as in Spark: to_json(struct(*)) is how a row
// becomes a Kafka value.
TEST(BinderTest, StarArgumentOfAFunctionIsTheColumns) {
  const std::string sql =
      "SELECT struct(*) AS s, to_json(struct(*)) AS j, concat(*) AS c FROM VALUES (1, 'a') AS t(x, y)";
  auto statements = ParseStatements(sql);
  ASSERT_TRUE(statements.ok()) << statements.status().ToString();
  Catalog catalog;
  Binder binder(&catalog, sql);
  auto plan = binder.BindQuery(*(*statements)[0]->As<ast::SelectStatement>().query);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ((*plan)->output.size(), 3u);
  EXPECT_EQ((*plan)->output[0].type.ToString(), "STRUCT<x: INT, y: STRING>");
  EXPECT_EQ((*plan)->output[1].type.ToString(), "STRING");
  EXPECT_EQ((*plan)->output[2].type.ToString(), "STRING");
}

}  // namespace
}  // namespace sluice
