#include "test_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::slt {
namespace {

TestFile ParseOk(std::string_view text) {
  TestFile f;
  ParseError e;
  EXPECT_TRUE(ParseTestFile(text, "t.test", &f, &e)) << e.line << ": " << e.message;
  return f;
}

ParseError ParseBad(std::string_view text) {
  TestFile f;
  ParseError e;
  EXPECT_FALSE(ParseTestFile(text, "t.test", &f, &e));
  return e;
}

TEST(TestFileTest, StatementOkSpanningLines) {
  auto f = ParseOk(
      "# a comment\n"
      "statement ok\n"
      "CREATE TABLE t (a INT)\n"
      "USING json\n"
      "\n"
      "\n"
      "statement ok\n"
      "DROP TABLE t\n");
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[0].line, 2);
  EXPECT_EQ(std::get<StatementOk>(f.records[0].body).sql, "CREATE TABLE t (a INT)\nUSING json");
  EXPECT_EQ(f.records[1].line, 7);
  EXPECT_EQ(std::get<StatementOk>(f.records[1].body).sql, "DROP TABLE t");
}

TEST(TestFileTest, StatementError) {
  auto f = ParseOk(
      "statement error\n"
      "SELECT nme FROM t\n"
      "----\n"
      "cannot resolve column `nme`\n"
      "Did you mean `name`?\n"
      "\n"
      "statement error\n"
      "SELECT 1/0x\n");
  ASSERT_EQ(f.records.size(), 2u);
  const auto& e = std::get<StatementError>(f.records[0].body);
  EXPECT_EQ(e.sql, "SELECT nme FROM t");
  ASSERT_EQ(e.expected_substrings.size(), 2u);
  EXPECT_EQ(e.expected_substrings[0], "cannot resolve column `nme`");
  EXPECT_EQ(e.expected_substrings[1], "Did you mean `name`?");
  EXPECT_TRUE(std::get<StatementError>(f.records[1].body).expected_substrings.empty());
}

TEST(TestFileTest, Query) {
  auto f = ParseOk(
      "query IT rowsort\n"
      "SELECT a, b\n"
      "FROM t\n"
      "----\n"
      "1\talice\n"
      "2\tNULL\n"
      "\n"
      "query I\n"
      "SELECT 1 WHERE false\n"
      "----\n");
  ASSERT_EQ(f.records.size(), 2u);
  const auto& q = std::get<Query>(f.records[0].body);
  EXPECT_EQ(q.sql, "SELECT a, b\nFROM t");
  EXPECT_EQ(q.column_types, "IT");
  EXPECT_EQ(q.sort_mode, SortMode::kRowSort);
  EXPECT_EQ(q.expected_rows, (std::vector<std::string>{"1\talice", "2\tNULL"}));
  const auto& q2 = std::get<Query>(f.records[1].body);
  auto f2 = ParseOk("query T contains\nEXPLAIN SELECT 1\n----\n== Physical Plan ==\na\tb\tc\n");
  EXPECT_EQ(std::get<Query>(f2.records[0].body).sort_mode, SortMode::kContains);
  EXPECT_EQ(q2.sort_mode, SortMode::kNoSort);
  EXPECT_TRUE(q2.expected_rows.empty());
}

TEST(TestFileTest, CrlfAndTrailingRecordWithoutNewline) {
  auto f = ParseOk("query I nosort\r\nSELECT 1\r\n----\r\n1");
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(std::get<Query>(f.records[0].body).expected_rows, (std::vector<std::string>{"1"}));
}

TEST(TestFileTest, Errors) {
  EXPECT_EQ(ParseBad("statement ok\nSELECT 1\n\nbogus\nSELECT 1\n").line, 4);
  EXPECT_NE(ParseBad("bogus\n").message.find("unknown record kind 'bogus'"), std::string::npos);
  EXPECT_NE(ParseBad("statement maybe\nSELECT 1\n").message.find("unknown statement mode"),
            std::string::npos);
  EXPECT_NE(ParseBad("statement ok\nSELECT 1\n----\n1\n").message.find("takes no '----'"),
            std::string::npos);
  EXPECT_NE(ParseBad("statement ok\n\n").message.find("no SQL"), std::string::npos);
  EXPECT_NE(ParseBad("query X\nSELECT 1\n----\n1\n").message.find("type letter 'X'"),
            std::string::npos);
  EXPECT_NE(ParseBad("query I sometimes\nSELECT 1\n----\n1\n").message.find("unknown sort mode"),
            std::string::npos);
  EXPECT_NE(ParseBad("query I\nSELECT 1\n").message.find("'----'"), std::string::npos);
  ParseError e = ParseBad("query II\nSELECT 1, 2\n----\n1\t2\n1 2\n");
  EXPECT_EQ(e.line, 5);
  EXPECT_NE(e.message.find("1 tab-separated values"), std::string::npos);
}

TEST(TestFileTest, StreamCommands) {
  auto f = ParseOk(
      "stream source events\n"
      "k STRING, ts TIMESTAMP\n"
      "\n"
      "stream source files json path=${TMP}/in maxFilesPerTrigger=1\n"
      "id BIGINT\n"
      "\n"
      "stream add events\n"
      "VALUES ('a', TIMESTAMP '2024-01-01 00:00:05')\n"
      "\n"
      "stream start q update spark.sql.shuffle.partitions=2\n"
      "SELECT k, count(*) FROM events\n"
      "GROUP BY k\n"
      "\n"
      "stream run q\n"
      "\n"
      "stream restart q error\n"
      "----\n"
      "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE\n"
      "\n"
      "stream progress q\n"
      "----\n"
      "\"numRowsTotal\":1\n");
  ASSERT_EQ(f.records.size(), 7u);
  const auto& src = std::get<StreamCommand>(f.records[0].body);
  EXPECT_EQ(src.kind, StreamCommand::Kind::kSource);
  EXPECT_EQ(src.name, "events");
  EXPECT_TRUE(src.args.empty());
  EXPECT_EQ(src.body, "k STRING, ts TIMESTAMP");
  const auto& files = std::get<StreamCommand>(f.records[1].body);
  EXPECT_EQ(files.args, (std::vector<std::string>{"json", "path=${TMP}/in", "maxFilesPerTrigger=1"}));
  EXPECT_EQ(std::get<StreamCommand>(f.records[2].body).kind, StreamCommand::Kind::kAdd);
  const auto& start = std::get<StreamCommand>(f.records[3].body);
  EXPECT_EQ(start.kind, StreamCommand::Kind::kStart);
  EXPECT_EQ(start.args, (std::vector<std::string>{"update", "spark.sql.shuffle.partitions=2"}));
  EXPECT_EQ(start.body, "SELECT k, count(*) FROM events\nGROUP BY k");
  EXPECT_FALSE(start.expect_error);
  const auto& run = std::get<StreamCommand>(f.records[4].body);
  EXPECT_EQ(run.kind, StreamCommand::Kind::kRun);
  EXPECT_TRUE(run.body.empty());
  const auto& restart = std::get<StreamCommand>(f.records[5].body);
  EXPECT_EQ(restart.kind, StreamCommand::Kind::kRestart);
  EXPECT_TRUE(restart.expect_error);
  EXPECT_TRUE(restart.args.empty());
  EXPECT_EQ(restart.expected, (std::vector<std::string>{"STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE"}));
  const auto& progress = std::get<StreamCommand>(f.records[6].body);
  EXPECT_EQ(progress.kind, StreamCommand::Kind::kProgress);
  EXPECT_EQ(progress.expected, (std::vector<std::string>{"\"numRowsTotal\":1"}));
}

TEST(TestFileTest, StreamCommandErrors) {
  EXPECT_NE(ParseBad("stream run\n").message.find("expected 'stream <source|add"), std::string::npos);
  EXPECT_NE(ParseBad("stream go q\n").message.find("unknown stream command 'go'"), std::string::npos);
  EXPECT_NE(ParseBad("stream add events\n").message.find("needs lines after its header"), std::string::npos);
  EXPECT_NE(ParseBad("stream run q\nSELECT 1\n").message.find("takes no lines"), std::string::npos);
  EXPECT_NE(ParseBad("stream run q now\n").message.find("unexpected 'now'"), std::string::npos);
  EXPECT_EQ(std::get<StreamCommand>(ParseOk("stream progress q batch=3\n----\nx\n").records[0].body).args,
            (std::vector<std::string>{"batch=3"}));
  EXPECT_NE(ParseBad("stream run q\n----\nx\n").message.find("take a '----' section"), std::string::npos);
  EXPECT_NE(ParseBad("stream progress q\n").message.find("needs a '----' line"), std::string::npos);
}

TEST(TestFileTest, Expand) {
  std::map<std::string, std::string> vars{{"DATA", "/src/test/data"}, {"TMP", "/tmp/x"}};
  EXPECT_EQ(Expand("path '${DATA}/a.json', '${TMP}/out'", vars),
               "path '/src/test/data/a.json', '/tmp/x/out'");
  EXPECT_EQ(Expand("${OTHER} ${ $x {DATA} ${DATA", vars), "${OTHER} ${ $x {DATA} ${DATA");
}

TEST(TestFileTest, RenderAndCompare) {
  EXPECT_EQ(RenderRow({"1", "", "NULL"}), "1\t(empty)\tNULL");
  EXPECT_TRUE(RowsMatch({"b", "a"}, {"a", "b"}, SortMode::kRowSort));
  EXPECT_FALSE(RowsMatch({"b", "a"}, {"a", "b"}, SortMode::kNoSort));
  EXPECT_FALSE(RowsMatch({"a"}, {"a", "a"}, SortMode::kRowSort));
  EXPECT_TRUE(RowsMatch({"== Physical Plan ==", "Scan json"},
                        {"== Analyzed ==\nProject\n== Physical Plan ==\n+- Scan json [a]"},
                        SortMode::kContains));
  EXPECT_FALSE(RowsMatch({"Filter"}, {"Project"}, SortMode::kContains));
}

// Every file of the SQL suite must parse, with result rows matching the
// declared column counts (this catches spaces typed instead of tabs).
TEST(TestFileTest, SuiteFilesParse) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(SLUICE_SOURCE_DIR) / "test" / "sql";
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    TestFile f;
    ParseError e;
    EXPECT_TRUE(ParseTestFile(text.str(), entry.path().string(), &f, &e))
        << entry.path().string() << ":" << e.line << ": " << e.message;
    EXPECT_FALSE(f.records.empty()) << entry.path().string();
    ++files;
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace sluice::slt
