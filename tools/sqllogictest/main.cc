// sqllogictest: runs one test/sql/**/*.test file against a fresh Session.
//
//   sqllogictest FILE.test [--root DIR]
//
// DIR (default: the current directory) is the source root; ${DATA} expands
// to DIR/test/data and ${TMP} to a temporary directory made for this file
// and removed at the end. The format is described in test_file.h.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "sluice/session.h"
#include "test_file.h"

namespace sluice::slt {
namespace {

namespace fs = std::filesystem;

void PrintLines(std::ostream& out, const std::vector<std::string>& lines) {
  for (const auto& l : lines) out << "  " << l << "\n";
}

class Runner {
 public:
  Runner(const TestFile& file, std::map<std::string, std::string> vars)
      : file_(file), vars_(std::move(vars)), session_(Session::Create()) {}

  // Runs every record; returns the number of failed records.
  int Run() {
    for (const Record& rec : file_.records) {
      record_ = &rec;
      bool ok = std::visit([this](const auto& body) { return Execute(body); }, rec.body);
      if (ok) {
        ++passed_;
      } else {
        ++failed_;
      }
    }
    return failed_;
  }
  int passed() const { return passed_; }
  int failed() const { return failed_; }

 private:
  std::string X(const std::string& s) const { return Expand(s, vars_); }

  std::ostream& FailHeader(const std::string& sql, std::string_view what) {
    std::cerr << "\n" << file_.path << ":" << record_->line << ": FAILED: " << what << "\n";
    std::cerr << "SQL:\n" << sql << "\n";
    return std::cerr;
  }

  bool Execute(const StatementOk& st) {
    std::string sql = X(st.sql);
    auto result = session_->Sql(sql);
    if (!result.ok()) {
      FailHeader(sql, "statement should succeed") << "Error:\n  " << result.status().ToString()
                                                  << "\n";
      return false;
    }
    return true;
  }

  bool Execute(const StatementError& st) {
    std::string sql = X(st.sql);
    auto result = session_->Sql(sql);
    if (result.ok()) {
      FailHeader(sql, "statement should fail but succeeded");
      std::cerr << "Expected an error containing:\n";
      for (const auto& s : st.expected_substrings) std::cerr << "  " << X(s) << "\n";
      return false;
    }
    std::string message = result.status().ToString();
    std::vector<std::string> missing;
    for (const auto& s : st.expected_substrings) {
      std::string want = X(s);
      if (message.find(want) == std::string::npos) missing.push_back(want);
    }
    if (!missing.empty()) {
      FailHeader(sql, "error message does not contain the expected text");
      std::cerr << "Missing:\n";
      PrintLines(std::cerr, missing);
      std::cerr << "Actual error:\n" << message << "\n";
      return false;
    }
    return true;
  }

  bool Execute(const Query& q) {
    std::string sql = X(q.sql);
    auto result = session_->Sql(sql);
    if (!result.ok()) {
      FailHeader(sql, "query failed") << "Error:\n  " << result.status().ToString() << "\n";
      return false;
    }
    const QueryResult& r = *result;
    std::vector<std::string> actual;
    for (const auto& row : r.Rows()) {
      std::vector<std::string> values;
      values.reserve(row.size());
      for (const auto& v : row) values.push_back(v.ToString());
      actual.push_back(RenderRow(values));
    }
    std::vector<std::string> expected;
    for (const auto& e : q.expected_rows) expected.push_back(X(e));
    bool columns_ok = r.schema().size() == q.column_types.size();
    if (columns_ok && RowsMatch(expected, actual, q.sort_mode)) return true;
    FailHeader(sql, columns_ok ? "wrong result" : "wrong number of columns");
    std::cerr << "Expected " << q.column_types.size() << " columns ('" << q.column_types
              << "'), got " << r.schema().size() << " (" << r.schema().ToString() << ")\n";
    if (q.sort_mode == SortMode::kContains) {
      std::cerr << "Expected the result to contain:\n";
    } else {
      std::cerr << "Expected " << expected.size() << " rows"
                << (q.sort_mode == SortMode::kRowSort ? " (rowsort)" : "") << ":\n";
    }
    PrintLines(std::cerr, expected);
    std::cerr << "Actual " << actual.size() << " rows:\n";
    PrintLines(std::cerr, actual);
    return false;
  }

  const TestFile& file_;
  std::map<std::string, std::string> vars_;
  std::shared_ptr<Session> session_;
  const Record* record_ = nullptr;
  int passed_ = 0;
  int failed_ = 0;
};

int Main(int argc, char** argv) {
  std::string path;
  fs::path root = fs::current_path();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--root" && i + 1 < argc) {
      root = argv[++i];
    } else if (a.rfind("--root=", 0) == 0) {
      root = a.substr(7);
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: sqllogictest FILE.test [--root DIR]\n";
      return 0;
    } else if (path.empty() && a.rfind("--", 0) != 0) {
      path = a;
    } else {
      std::cerr << "sqllogictest: unexpected argument '" << a << "'\n"
                << "usage: sqllogictest FILE.test [--root DIR]\n";
      return 2;
    }
  }
  if (path.empty()) {
    std::cerr << "usage: sqllogictest FILE.test [--root DIR]\n";
    return 2;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "sqllogictest: cannot open " << path << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();

  TestFile file;
  ParseError error;
  if (!ParseTestFile(text.str(), path, &file, &error)) {
    std::cerr << path << ":" << error.line << ": " << error.message << "\n";
    return 2;
  }

  std::error_code ec;
  fs::path data = fs::absolute(root / "test" / "data", ec).lexically_normal();
  std::string tmp_template = (fs::temp_directory_path(ec) / "sluice-slt-XXXXXX").string();
  std::vector<char> buf(tmp_template.begin(), tmp_template.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    std::cerr << "sqllogictest: mkdtemp failed for " << tmp_template << "\n";
    return 2;
  }
  std::string tmp = buf.data();
  std::string data_dir = data.string();
  if (!data_dir.empty() && data_dir.back() == '/') data_dir.pop_back();

  int failed = 0;
  int passed = 0;
  {
    Runner runner(file, {{"DATA", data_dir}, {"TMP", tmp}});
    runner.Run();
    failed = runner.failed();
    passed = runner.passed();
  }
  fs::remove_all(tmp, ec);
  std::cout << path << ": " << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace sluice::slt

int main(int argc, char** argv) { return sluice::slt::Main(argc, argv); }
