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
