// The sluice command line.
//
//   sluice sql -e "SELECT ..."        run statements, print the last result
//   sluice sql -f script.sql          the same from a file ("-" for stdin)
//       --format table|csv|json       aligned table (default), CSV, JSON lines
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sluice/session.h"

namespace {

int RunSql(const std::string& text, const std::string& format, size_t max_rows) {
  auto session = sluice::Session::Create();
  auto result = session->Sql(text);
  if (!result.ok()) {
    std::fprintf(stderr, "error: %s\n", result.status().message().c_str());
    return result.status().IsUserError() ? 1 : 2;
  }
  if (result->schema().size() == 0) return 0;
  std::string out;
  if (format == "csv") {
    out = result->ToCsv();
  } else if (format == "json") {
    out = result->ToJsonLines();
  } else {
    out = result->ToTable(max_rows);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sluice: micro-batch stream processing, Spark Structured Streaming's model in C++"};
  app.require_subcommand(1);

  auto* sql = app.add_subcommand("sql", "Run SQL statements and print the result of the last one");
  std::string statements, file, format = "table";
  size_t max_rows = 1000;
  auto* e = sql->add_option("-e,--execute", statements, "SQL statements separated by ';'");
  auto* f = sql->add_option("-f,--file", file, "a SQL script ('-' for standard input)");
  e->excludes(f);
  sql->add_option("--format", format, "output format")->check(CLI::IsMember({"table", "csv", "json"}));
  sql->add_option("--max-rows", max_rows, "rows printed in table format");

  CLI11_PARSE(app, argc, argv);

  if (sql->parsed()) {
    std::string text = statements;
    if (!file.empty()) {
      std::stringstream ss;
      if (file == "-") {
        ss << std::cin.rdbuf();
      } else {
        std::ifstream in(file);
        if (!in) {
          std::fprintf(stderr, "error: cannot read %s\n", file.c_str());
          return 1;
        }
        ss << in.rdbuf();
      }
      text = ss.str();
    }
    if (text.empty()) {
      std::fprintf(stderr, "error: give statements with -e or a script with -f\n");
      return 1;
    }
    return RunSql(text, format, max_rows);
  }
  return 0;
}
