// The nesting limit of SQL text (kMaxSqlNestingDepth, docs/sql.md "Limits"):
// a statement nested deeper than the limit is a syntax error at the spot
// where it gets too deep, never a stack overflow in the parser or in the
// recursive stages after it (binder, optimizer, planner, evaluator).
// Before the limit, a job file with a few thousand nested parentheses, or a
// long `+` chain, crashed the process (found with fuzz/sql_parser_fuzzer's
// and fuzz/sql_session_fuzzer's builds).
#include <pthread.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <future>
#include <string>
#include <thread>

#include "sql/parser.h"

namespace sluice {
namespace {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Runs `fn` on a thread with a 64 MB stack: sanitizer builds use several
// times the stack of a release build per call, and statements at the limit
// must parse there too. (The limit is sized for release builds; the stack
// check in the parser covers threads with less stack, see
// LittleStackIsAnErrorNotACrash.)
void OnLargeStack(const std::function<void()>& fn) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, size_t{64} << 20), 0);
  pthread_t thread;
  auto call = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, call, const_cast<std::function<void()>*>(&fn)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

std::string ErrorOf(const std::string& sql) {
  auto r = ParseStatements(sql);
  if (r.ok()) return "(parsed)";
  return r.status().ToString();
}

const std::string kTooDeep = "nests deeper than 1000 levels";

TEST(ParserNestingTest, LimitIsOneThousandLevels) { EXPECT_EQ(kMaxSqlNestingDepth, 1000); }

TEST(ParserNestingTest, RecursionBeyondTheLimitIsASyntaxErrorAtTheSpot) {
  OnLargeStack([] {
    // The query is level 1, its select item level 2, and the inside of the
    // k-th parenthesis level k + 2: the 1000th parenthesis opens level 1001
    // ("SELECT " is 7 characters, so it is at column 7 + 1000).
    std::string e = ErrorOf("SELECT " + Repeat("(", 1001) + "1" + Repeat(")", 1001));
    EXPECT_NE(e.find("SyntaxError: syntax error at line 1, column 1007: the SQL " + kTooDeep), std::string::npos)
        << e.substr(0, 300);
    // Far beyond it (this crashed the parser): the same error, at the same spot.
    e = ErrorOf("SELECT " + Repeat("(", 100000) + "1" + Repeat(")", 100000));
    EXPECT_NE(e.find("column 1007: the SQL " + kTooDeep), std::string::npos) << e.substr(0, 300);
    for (const std::string& deep :
         {"SELECT " + Repeat("abs(", 5000) + "1" + Repeat(")", 5000), "SELECT " + Repeat("- ", 5000) + "1",
          "SELECT " + Repeat("NOT ", 5000) + "true", "SELECT " + Repeat("(SELECT ", 5000) + "1" + Repeat(")", 5000),
          "SELECT * FROM " + Repeat("(", 5000) + "t" + Repeat(")", 5000),
          "SELECT * FROM " + Repeat("(SELECT * FROM ", 5000) + "t" + Repeat(")", 5000),
          "SELECT CAST(NULL AS " + Repeat("ARRAY<", 5000) + "INT" + Repeat(">", 5000) + ")",
          "SELECT " + Repeat("CASE WHEN true THEN ", 5000) + "1" + Repeat(" END", 5000)}) {
      e = ErrorOf(deep);
      EXPECT_NE(e.find(kTooDeep), std::string::npos) << deep.substr(0, 40) << ": " << e.substr(0, 300);
    }
  });
}

TEST(ParserNestingTest, TreesTallerThanTheLimitAreASyntaxError) {
  OnLargeStack([] {
    // Operator chains are parsed in a loop, but build a tree one level
    // taller per operator (the binder then recurses over it).
    for (const std::string& tall :
         {"SELECT " + Repeat("1 + ", 5000) + "1", "SELECT " + Repeat("a = 1 OR ", 5000) + "true",
          "SELECT 1" + Repeat("::BIGINT", 5000), "SELECT a" + Repeat("[0]", 5000),
          "SELECT * FROM t" + Repeat(" JOIN t USING (a)", 5000), Repeat("SELECT 1 UNION ALL ", 5000) + "SELECT 1"}) {
      std::string e = ErrorOf(tall);
      EXPECT_NE(e.find(kTooDeep), std::string::npos) << tall.substr(0, 40) << ": " << e.substr(0, 300);
      EXPECT_NE(e.find("SyntaxError: syntax error at line 1, column "), std::string::npos) << e.substr(0, 300);
    }
    // An expression alone (DataFrame expr()) is held to the same limit.
    auto expr = ParseExpression(Repeat("1 + ", 5000) + "1");
    ASSERT_FALSE(expr.ok());
    EXPECT_NE(expr.status().message().find(kTooDeep), std::string::npos);
  });
}

TEST(ParserNestingTest, StatementsWithinTheLimitParse) {
  OnLargeStack([] {
    // A SELECT of one expression: the query is level 1, its select item
    // level 2, so 998 operators (a tree of height 999 under it) fit.
    for (const std::string& ok :
         {"SELECT " + Repeat("1 + ", 998) + "1", "SELECT " + Repeat("a OR ", 998) + "b",
          "SELECT " + Repeat("(", 990) + "1" + Repeat(")", 990),
          "SELECT CAST(NULL AS " + Repeat("ARRAY<", 990) + "INT" + Repeat(">", 990) + ")",
          "SELECT x FROM (VALUES (" + Repeat("1 + ", 990) + "1)) AS v(x)",
          "SELECT " + Repeat("(SELECT ", 490) + "1" + Repeat(")", 490)}) {
      auto r = ParseStatements(ok);
      EXPECT_TRUE(r.ok()) << ok.substr(0, 40) << ": " << r.status().ToString().substr(0, 300);
    }
    EXPECT_NE(ErrorOf("SELECT " + Repeat("1 + ", 999) + "1").find(kTooDeep), std::string::npos);
    EXPECT_TRUE(ParseStatements("SELECT " + Repeat("(", 998) + "1" + Repeat(")", 998)).ok());
    EXPECT_NE(ErrorOf("SELECT " + Repeat("(", 999) + "1" + Repeat(")", 999)).find(kTooDeep), std::string::npos);
  });
}

// On a thread with little stack the parser stops with an error before the
// stack runs out, whatever the limit (release builds need about 2 KB per
// parenthesis, sanitizer builds much more).
TEST(ParserNestingTest, LittleStackIsAnErrorNotACrash) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, size_t{512} << 10), 0);
  pthread_t thread;
  std::string error;
  auto call = [](void* arg) -> void* {
    *static_cast<std::string*>(arg) = ErrorOf("SELECT " + Repeat("(", 990) + "1" + Repeat(")", 990));
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, call, &error), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_NE(error.find("SyntaxError: syntax error at line 1, column "), std::string::npos) << error.substr(0, 300);
  EXPECT_NE(error.find("is nested too deeply for the stack of this thread"), std::string::npos)
      << error.substr(0, 300);
}

// "((" in FROM opens either a parenthesized query or a parenthesized join;
// which one is decided by what follows the inner group, as before.
TEST(ParserNestingTest, DoubleParenthesisInFromIsAQueryOrAJoinAsWritten) {
  auto from_of = [](const std::string& sql) -> ast::TableRefPtr {
    auto r = ParseStatements(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    if (!r.ok()) return nullptr;
    const auto& q = (*r)[0]->As<ast::SelectStatement>().query;
    return static_cast<const ast::SelectNode&>(*q).from;
  };
  auto kind = [&](const std::string& sql) { return from_of(sql)->kind; };
  // A parenthesized query: the inner group is followed by ')' or a set operation.
  EXPECT_EQ(kind("SELECT * FROM ((SELECT 1))"), ast::TableRefKind::kSubquery);
  EXPECT_EQ(kind("SELECT * FROM ((SELECT 1) UNION ALL (SELECT 2)) AS u"), ast::TableRefKind::kSubquery);
  EXPECT_EQ(kind("SELECT * FROM (((SELECT 1)) ORDER BY 1 LIMIT 1) u"), ast::TableRefKind::kSubquery);
  EXPECT_EQ(kind("SELECT * FROM ((VALUES (1)) EXCEPT (VALUES (2)))"), ast::TableRefKind::kSubquery);
  // A parenthesized join: the inner group is a table, a join or an aliased subquery.
  EXPECT_EQ(kind("SELECT * FROM ((SELECT 1 AS a) x JOIN t USING (a))"), ast::TableRefKind::kJoin);
  EXPECT_EQ(kind("SELECT * FROM ((a JOIN b ON true) JOIN c ON true)"), ast::TableRefKind::kJoin);
  EXPECT_EQ(kind("SELECT * FROM ((a JOIN b ON true))"), ast::TableRefKind::kJoin);
  EXPECT_EQ(kind("SELECT * FROM ((a))"), ast::TableRefKind::kBaseTable);
  auto aliased = from_of("SELECT * FROM ((SELECT 1 AS a) AS x)");
  ASSERT_EQ(aliased->kind, ast::TableRefKind::kSubquery);
  EXPECT_EQ(aliased->alias, "x");
}

// Nested "((SELECT ... FROM ((SELECT ..." parses in time linear in its size:
// the parser parsed each level twice (once to see whether it was a query,
// once for real), so each level doubled the time: 30 levels (600 bytes) took
// most of an hour. The deadline is generous; it used to take forever.
TEST(ParserNestingTest, NestedDoubleParenthesesParseWithoutBacktracking) {
  auto parse = [](int levels, const std::string& tail) {
    std::string sql = "SELECT * FROM " + Repeat("((SELECT * FROM ", levels) + "t" + Repeat(tail, levels);
    // A detached thread: a parse that never ends fails the test instead of
    // blocking it.
    auto done = std::make_shared<std::promise<Status>>();
    std::future<Status> result = done->get_future();
    std::thread([sql, done] { done->set_value(ParseStatements(sql).status()); }).detach();
    return result;
  };
  auto query = parse(60, ") x)");                // a subquery aliased inside the parentheses
  auto join = parse(60, ") x JOIN u ON true)");  // a join inside them
  ASSERT_EQ(query.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "parsing did not finish";
  ASSERT_EQ(join.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "parsing did not finish";
  EXPECT_TRUE(query.get().ok());
  EXPECT_TRUE(join.get().ok());
}

}  // namespace
}  // namespace sluice
