// sqllogictest: runs one test/sql/**/*.test file against a fresh Session.
//
//   sqllogictest FILE.test [--root DIR] [--conf KEY=VALUE]...
//
// DIR (default: the current directory) is the source root; each --conf is
// set in the session before the first record (as `SET KEY = VALUE`: e.g.
// spark.sql.streaming.stateStore.providerClass=rocksdb runs the file's
// streaming queries on the RocksDB state store; CMake registers every file
// with `stream start` records a second time that way); ${DATA} expands
// to DIR/test/data and ${TMP} to a temporary directory made for this file
// and removed at the end. The format is described in test_file.h (the
// `stream` records run streaming queries into memory sinks, StreamTest-style).
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "common/log.h"
#include "connectors/memory/memory_stream.h"
#include "env/atomic_file.h"
#include "env/env.h"
#include "sluice/dataframe.h"
#include "sluice/session.h"
#include "sluice/streaming.h"
#include "sql/parser.h"
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

  // `SET key = value` in the session, before the file's records run.
  Status SetConf(const std::string& key, const std::string& value) {
    return session_->Sql("SET " + key + " = " + value).status();
  }
  // Queries still running are stopped (before ${TMP} is removed).
  ~Runner() {
    for (auto& [name, q] : queries_) {
      if (q.query) (void)q.query->stop();
    }
  }

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

  // --- streaming commands ---

  struct RunningQuery {
    std::string sql;
    std::string mode = "append";
    std::map<std::string, std::string> options;
    std::optional<StreamingQuery> query;
  };

  std::string Describe(const StreamCommand& c) const {
    static const char* kNames[] = {"source", "add", "file", "start", "run", "restart", "stop", "progress"};
    return "stream " + std::string(kNames[static_cast<int>(c.kind)]) + " " + c.name;
  }

  // The outcome of a command against its `error` expectation.
  bool Expect(const StreamCommand& c, const Status& st) {
    std::string what = Describe(c);
    if (!c.expect_error) {
      if (st.ok()) return true;
      FailHeader(X(c.body), what + " should succeed") << "Error:\n  " << st.ToString() << "\n";
      return false;
    }
    if (st.ok()) {
      FailHeader(X(c.body), what + " should fail but succeeded");
      return false;
    }
    std::string message = st.ToString();
    std::vector<std::string> missing;
    for (const auto& s : c.expected) {
      if (message.find(X(s)) == std::string::npos) missing.push_back(X(s));
    }
    if (missing.empty()) return true;
    FailHeader(X(c.body), what + ": error message does not contain the expected text") << "Missing:\n";
    PrintLines(std::cerr, missing);
    std::cerr << "Actual error:\n" << message << "\n";
    return false;
  }

  static bool SplitOption(const std::string& word, std::string* key, std::string* value) {
    size_t eq = word.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    *key = word.substr(0, eq);
    *value = word.substr(eq + 1);
    return true;
  }

  Status DefineSource(const StreamCommand& c) {
    SLUICE_ASSIGN_OR_RETURN(Schema schema, ParseSchema(X(c.body)));
    if (c.args.empty()) {
      auto stream = std::make_shared<MemoryStream>(schema, "MemoryStream[" + c.name + "]");
      SLUICE_RETURN_NOT_OK(session_->readStream().source(stream).createOrReplaceTempView(c.name));
      memory_sources_[c.name] = stream;
      return Status::OK();
    }
    DataStreamReader reader = session_->readStream();
    reader.format(c.args[0]);
    for (size_t i = 1; i < c.args.size(); ++i) {
      std::string k, v;
      if (!SplitOption(c.args[i], &k, &v)) {
        return Status::InvalidArgument("expected <option>=<value>, found '" + c.args[i] + "'");
      }
      reader.option(k, X(v));
    }
    reader.schema(X(c.body));
    return reader.load().createOrReplaceTempView(c.name);
  }

  Status AddRows(const StreamCommand& c) {
    auto it = memory_sources_.find(c.name);
    if (it == memory_sources_.end()) {
      return Status::InvalidArgument("no memory source '" + c.name + "': define it with 'stream source " + c.name +
                                     "' first");
    }
    const Schema& want = it->second->schema();
    std::string sql = X(c.body);
    SLUICE_ASSIGN_OR_RETURN(QueryResult rows, session_->Sql(sql));
    if (rows.schema().size() != want.size()) {
      return Status::InvalidArgument("the rows have " + std::to_string(rows.schema().size()) +
                                     " columns, source '" + c.name + "' has " + std::to_string(want.size()) + " (" +
                                     want.ToString() + ")");
    }
    bool same = true;
    for (size_t i = 0; i < want.size(); ++i) same &= rows.schema().field(i).type == want.field(i).type;
    if (!same) {
      // Cast each column to the source's type, in order.
      std::string cast = "SELECT ";
      for (size_t i = 0; i < want.size(); ++i) {
        std::string name = rows.schema().field(i).name;
        std::string quoted;
        for (char ch : name) quoted += ch == '`' ? std::string("``") : std::string(1, ch);
        cast += (i ? ", " : "") + std::string("CAST(`") + quoted + "` AS " + want.field(i).type.ToString() + ")";
      }
      cast += " FROM (" + sql + ") AS __stream_add";
      SLUICE_ASSIGN_OR_RETURN(rows, session_->Sql(cast));
    }
    return it->second->AddRows(rows.Rows()).status();
  }

  Status WriteFile(const StreamCommand& c) {
    std::string path = X(c.name);
    size_t slash = path.rfind('/');
    Env* env = Env::Default();
    if (slash != std::string::npos && slash > 0) SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(path.substr(0, slash)));
    return WriteFileAtomically(env, path, X(c.body) + "\n");
  }

  Status StartQuery(const std::string& name, RunningQuery* q) {
    auto w = session_->sql(q->sql).writeStream();
    w.format("memory").queryName(name).outputMode(q->mode);
    w.options(q->options);
    SLUICE_ASSIGN_OR_RETURN(auto started, w.start());
    q->query = started;
    return Status::OK();
  }

  Status Start(const StreamCommand& c) {
    RunningQuery q;
    q.sql = X(c.body);
    q.options["checkpointLocation"] = vars_["TMP"] + "/checkpoints/" + c.name;
    for (const auto& a : c.args) {
      std::string k, v;
      if (a == "append" || a == "update" || a == "complete") {
        q.mode = a;
      } else if (SplitOption(a, &k, &v)) {
        q.options[k] = X(v);
      } else {
        return Status::InvalidArgument("expected append, update, complete or <option>=<value>, found '" + a + "'");
      }
    }
    auto it = queries_.find(c.name);
    if (it != queries_.end() && it->second.query && it->second.query->isActive()) {
      return Status::InvalidArgument("query '" + c.name + "' is running: 'stream stop " + c.name + "' it first");
    }
    Status st = StartQuery(c.name, &q);
    queries_[c.name] = std::move(q);
    return st;
  }

  Result<RunningQuery*> Find(const std::string& name) {
    auto it = queries_.find(name);
    if (it == queries_.end()) return Status::InvalidArgument("no query '" + name + "': 'stream start " + name + "' first");
    return &it->second;
  }

  Status RunCommand(const StreamCommand& c) {
    switch (c.kind) {
      case StreamCommand::Kind::kSource: return DefineSource(c);
      case StreamCommand::Kind::kAdd: return AddRows(c);
      case StreamCommand::Kind::kFile: return WriteFile(c);
      case StreamCommand::Kind::kStart: return Start(c);
      default: break;
    }
    SLUICE_ASSIGN_OR_RETURN(RunningQuery* q, Find(c.name));
    if (!q->query) return Status::InvalidArgument("query '" + c.name + "' did not start");
    switch (c.kind) {
      case StreamCommand::Kind::kRun: return q->query->processAllAvailable();
      case StreamCommand::Kind::kStop: return q->query->stop();
      case StreamCommand::Kind::kRestart: {
        (void)q->query->stop();
        q->query.reset();
        return StartQuery(c.name, q);
      }
      default: return Status::OK();
    }
  }

  bool Progress(const StreamCommand& c) {
    auto q = Find(c.name);
    if (!q.ok() || !(*q)->query) {
      FailHeader("", Describe(c)) << (q.ok() ? "the query did not start" : q.status().ToString()) << "\n";
      return false;
    }
    std::optional<StreamingQueryProgress> p = (*q)->query->lastProgress();
    for (const auto& a : c.args) {
      std::string k, v;
      if (!SplitOption(a, &k, &v) || k != "batch") {
        FailHeader("", Describe(c)) << "expected batch=<id>, found '" << a << "'\n";
        return false;
      }
      p.reset();
      for (const auto& each : (*q)->query->recentProgress()) {
        if (std::to_string(each.batchId) == v) p = each;
      }
      if (!p) {
        FailHeader("", Describe(c)) << "no progress of batch " << v << " in this run of the query\n";
        return false;
      }
    }
    std::string json = p ? p->json() : "";
    std::vector<std::string> missing;
    for (const auto& s : c.expected) {
      if (json.find(X(s)) == std::string::npos) missing.push_back(X(s));
    }
    if (missing.empty()) return true;
    FailHeader("", Describe(c) + ": the last progress lacks the expected text") << "Missing:\n";
    PrintLines(std::cerr, missing);
    std::cerr << "Last progress:\n" << (p ? json : "(none)") << "\n";
    return false;
  }

  bool Execute(const StreamCommand& c) {
    if (c.kind == StreamCommand::Kind::kProgress) return Progress(c);
    return Expect(c, RunCommand(c));
  }

  const TestFile& file_;
  std::map<std::string, std::string> vars_;
  std::map<std::string, std::shared_ptr<MemoryStream>> memory_sources_;
  std::map<std::string, RunningQuery> queries_;
  std::shared_ptr<Session> session_;
  const Record* record_ = nullptr;
  int passed_ = 0;
  int failed_ = 0;
};

int Main(int argc, char** argv) {
  std::string path;
  fs::path root = fs::current_path();
  std::vector<std::pair<std::string, std::string>> confs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--conf" && i + 1 < argc) || a.rfind("--conf=", 0) == 0) {
      std::string kv = a == "--conf" ? argv[++i] : a.substr(7);
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "sqllogictest: expected --conf KEY=VALUE, found '" << kv << "'\n";
        return 2;
      }
      confs.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (a == "--root" && i + 1 < argc) {
      root = argv[++i];
    } else if (a.rfind("--root=", 0) == 0) {
      root = a.substr(7);
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: sqllogictest FILE.test [--root DIR] [--conf KEY=VALUE]...\n";
      return 0;
    } else if (path.empty() && a.rfind("--", 0) != 0) {
      path = a;
    } else {
      std::cerr << "sqllogictest: unexpected argument '" << a << "'\n"
                << "usage: sqllogictest FILE.test [--root DIR] [--conf KEY=VALUE]...\n";
      return 2;
    }
  }
  if (path.empty()) {
    std::cerr << "usage: sqllogictest FILE.test [--root DIR] [--conf KEY=VALUE]...\n";
    return 2;
  }
  // The runner's per-batch info lines would bury the failures.
  SetLogLevel(LogLevel::kWarn);
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
    for (const auto& [k, v] : confs) {
      Status st = runner.SetConf(k, v);
      if (!st.ok()) {
        std::cerr << "sqllogictest: --conf " << k << "=" << v << ": " << st.ToString() << "\n";
        fs::remove_all(tmp, ec);
        return 2;
      }
    }
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
