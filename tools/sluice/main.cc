// The sluice command line.
//
//   sluice sql -e "SELECT ..."        run statements, print the last result
//   sluice sql -f script.sql          the same from a file ("-" for stdin)
//       --format table|csv|json       aligned table (default), CSV, JSON lines
//       --each-statement              run each statement on its own, print
//                                     one JSON line per statement (columns
//                                     with types, rows, or the error; see
//                                     statement_results.h); exit 0
//   sluice run job.sql                run a streaming job (docs/streaming.md)
//       --progress-file path          append every batch's progress JSON
//       --max-batches N               stop after N batches (demos, tests)
//       --progress / --quiet          one line rewritten per batch on stderr
//                                     (default on a terminal) / never
//       --ui-port N / --ui-host H     the monitoring server (docs/ui.md; default
//                                     127.0.0.1:4040, the next free port when
//                                     taken); --ui-token T or $SLUICE_UI_TOKEN
//                                     requires a bearer token; --no-ui: none
//   both: --threads N                 threads that run a query's parallel
//                                     steps (default: $SLUICE_THREADS, else
//                                     the machine's cores)
//     SIGINT/SIGTERM finish the batch in flight, commit it and exit 0.
//   --log-level trace|debug|info|warn|error|off   the log on stderr
//       (default: $SLUICE_LOG_LEVEL, else info for run, a line per batch;
//       warn for sql)
//   sluice checkpoint <dir>           what a streaming checkpoint holds: query
//                                     id, batches (offsets, watermark,
//                                     committed), stateful operators (schema,
//                                     partitions, versions, state size)
//   sluice checkpoint <dir> state <op> [--partition p] [--batch b] [--store s]
//                                     the state rows of operator <op> as a table
//                                     (docs/checkpoint-inspection.md)
//   sluice --version                  "sluice <version> (<git commit>)", then "librdkafka <version>"
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>

#include "common/log.h"
#include "common/thread_pool.h"
#include "env/env.h"
#include "sluice/session.h"
#include "sluice/streaming.h"
#include "connectors/builtin/builtin_connectors.h"
#include "connectors/kafka/kafka_config.h"
#include "monitor/monitor_server.h"
#include "monitor/progress_line.h"
#include "stream/micro_batch_execution.h"
#include "sluice/version.h"
#include "checkpoint_command.h"
#include "statement_results.h"
#include "stream/streaming_job.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <thread>

namespace {

int RunSql(const std::string& text, const std::string& format, size_t max_rows) {
  auto session = sluice::Session::Create();
  auto result = session->Sql(text);
  if (!result.ok()) {
    std::fprintf(stderr, "error: %s\n", result.status().message().c_str());
    return result.status().IsUserError() ? 1 : 2;
  }
  if (result->schema().size() == 0) return 0;
  sluice::Result<std::string> out = std::string();
  if (format == "csv") {
    out = result->ToCsv();
  } else if (format == "json") {
    out = result->ToJsonLines();
  } else {
    out = result->ToTable(max_rows);
  }
  // Rendered whole before anything is printed: an error leaves stdout empty.
  if (!out.ok()) {
    std::fprintf(stderr, "error: %s\n", out.status().message().c_str());
    return out.status().IsUserError() ? 1 : 2;
  }
  std::fwrite(out->data(), 1, out->size(), stdout);
  return 0;
}

// Every statement in one session, each on its own: a failing statement is
// reported on its line and the next ones still run.
int RunEachStatement(const std::string& text) {
  auto session = sluice::Session::Create();
  for (std::string_view statement : sluice::SplitStatements(text)) {
    std::string line = sluice::StatementResultJson(session->Sql(statement)) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

std::atomic<bool> g_stop{false};
sluice::CancellationToken* g_shutdown = nullptr;  // set before the handlers are installed
// Both are single atomic stores (async-signal-safe): the queries see the
// shutdown token within CancellationToken::kPollMs, even while starting.
extern "C" void OnSignal(int) {
  g_stop.store(true);
  if (g_shutdown != nullptr) g_shutdown->Cancel();
}

class ProgressWriter : public sluice::StreamingQueryListener {
 public:
  explicit ProgressWriter(std::string path) : path_(std::move(path)) {}
  void onQueryProgress(const sluice::StreamingQueryProgress& p) override {
    if (path_.empty()) return;
    std::lock_guard<std::mutex> l(mu_);
    // Opened and closed per record, so that readers see each line at once.
    sluice::Status st = Append(p.json() + "\n");
    if (!st.ok() && !reported_) {
      std::fprintf(stderr, "warning: cannot write progress: %s\n", st.message().c_str());
      reported_ = true;
    }
  }

 private:
  sluice::Status Append(const std::string& line) {
    SLUICE_ASSIGN_OR_RETURN(auto f, sluice::Env::Default()->NewAppendableFile(path_));
    SLUICE_RETURN_NOT_OK(f->Append(line));
    return f->Close();
  }

  std::string path_;
  std::mutex mu_;
  bool reported_ = false;  // GUARDED_BY(mu_)
};

// The whole of `file`, or an error message on stderr and false.
bool ReadScript(const std::string& file, std::string* text) {
  sluice::Status st = sluice::Env::Default()->ReadFileToString(file, text);
  if (!st.ok()) std::fprintf(stderr, "error: cannot read %s: %s\n", file.c_str(), st.message().c_str());
  return st.ok();
}

struct UiFlags {
  bool enabled = true;
  std::string host = "127.0.0.1";
  int port = 4040;
  std::string token;  // "" : no token
  bool progress_line = false;  // the one-line progress on stderr
};

int RunJob(const std::string& file, const std::string& progress_file, int64_t max_batches, const UiFlags& ui) {
  std::string text;
  if (!ReadScript(file, &text)) return 1;
  g_shutdown = sluice::ProcessShutdownToken().get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  auto session = sluice::Session::Create();
  auto progress = std::make_shared<ProgressWriter>(progress_file);
  session->streams().addListener(progress);
  // The server's page and API show up to 1000 batches: the queries keep that
  // many records (recentProgress is the one source of truth); a SET in the
  // job overrides it.
  (void)session->Sql("SET spark.sql.streaming.numRecentProgressUpdates = 1000");
  std::unique_ptr<sluice::monitor::MonitorServer> server;
  if (ui.enabled) {
    sluice::monitor::MonitorServer::Options o;
    o.host = ui.host;
    o.port = ui.port;
    o.token = ui.token;
    o.version = std::string(SLUICE_VERSION) + " (" + SLUICE_GIT_COMMIT + ")";
    o.environment = {{"job", file},
                     {"progressFile", progress_file},
                     {"maxBatches", std::to_string(max_batches)},
                     {"threads", std::to_string(sluice::ThreadPool::DefaultNumThreads())},
                     {"librdkafka", sluice::kafka::LibraryVersion()},
                     {"ui.host", ui.host}};
    if (!ui.token.empty()) o.environment["ui.token"] = ui.token;  // shown redacted
    server = std::make_unique<sluice::monitor::MonitorServer>(&session->streams(), o);
    sluice::Status st = server->Start();
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.message().c_str());
      return 1;
    }
    sluice::LogInfo("monitor", "UI at {}", server->url());
  }
  sluice::StreamingJob::Options options;
  options.max_batches = max_batches;
  std::shared_ptr<sluice::monitor::ProgressLine> line;
  if (ui.progress_line) {
    line = std::make_shared<sluice::monitor::ProgressLine>(stderr);
    session->streams().addListener(line);
    // The line replaces the log's line per batch (now at debug); every other
    // log line keeps its level and prints above the line (Keep).
    sluice::SetBatchLogLevel(sluice::LogLevel::kDebug);
    line->Keep();
  }
  auto job = sluice::StreamingJob::Start(session, text, options);
  if (server != nullptr && job.ok()) {
    std::vector<sluice::StreamingQuery> queries = (*job)->queries();
    server->SetQueries([queries] { return queries; });
  }
  if (!job.ok() && g_stop.load() && job.status().code() == sluice::StatusCode::kCancelled) {
    std::fprintf(stderr, "stopped while starting: %s\n", job.status().message().c_str());
    return 0;
  }
  if (!job.ok()) {
    std::fprintf(stderr, "error: %s\n", job.status().message().c_str());
    return job.status().IsUserError() ? 1 : 2;
  }
  // Wait for the queries to end (available-now / once, or each query's
  // batch budget, --max-batches) or a signal.
  while (true) {
    bool any_active = false;
    for (const auto& q : (*job)->queries()) any_active |= q.isActive();
    if (!any_active) break;
    if (g_stop.load()) {
      session->streams().StopAll();
      for (const auto& q : (*job)->queries()) (void)q.stop();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int rc = 0;
  for (const auto& q : (*job)->queries()) {
    sluice::Status st = q.awaitTermination();
    if (line != nullptr) line->Finish();
    if (!st.ok()) {
      std::fprintf(stderr, "error: query %s failed: %s\n", q.name().c_str(), st.ToString().c_str());
      rc = st.IsUserError() ? 1 : 2;
    }
  }
  return rc;
}

// The log level of `sluice run` and `sluice sql`: --log-level when given,
// else $SLUICE_LOG_LEVEL when it names a level (the log starts at it), else
// the command's own default (`value` as the flag left it).
void SetCommandLogLevel(const CLI::Option* flag, const std::string& value) {
  if (flag->count() == 0 && sluice::LogLevelFromEnvironment()) return;
  sluice::SetLogLevel(*sluice::ParseLogLevel(value));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sluice: micro-batch stream processing, Spark Structured Streaming's model in C++"};
  app.set_version_flag("--version", std::string("sluice ") + SLUICE_VERSION + " (" + SLUICE_GIT_COMMIT +
                                        ")\nlibrdkafka " + sluice::kafka::LibraryVersion());
  app.require_subcommand(1);
  const std::vector<std::string> kLevels = {"trace", "debug", "info", "warn", "warning", "error", "off"};

  auto* sql = app.add_subcommand("sql", "Run SQL statements and print the result of the last one");
  std::string statements, file, format = "table";
  size_t max_rows = 1000;
  auto* e = sql->add_option("-e,--execute", statements, "SQL statements separated by ';'");
  auto* f = sql->add_option("-f,--file", file, "a SQL script ('-' for standard input)");
  e->excludes(f);
  sql->add_option("--format", format, "output format")->check(CLI::IsMember({"table", "csv", "json"}));
  sql->add_option("--max-rows", max_rows, "rows printed in table format");
  bool each_statement = false;
  sql->add_flag("--each-statement", each_statement,
                "run each statement on its own and print one JSON line per statement: its columns "
                "and their types, its rows, or its error")
      ->excludes("--format");
  std::string sql_log_level = "warn";
  CLI::Option* sql_log_flag =
      sql->add_option("--log-level", sql_log_level, "log level on stderr (default: $SLUICE_LOG_LEVEL, else warn)")
          ->check(CLI::IsMember(kLevels));
  int threads = 0;
  const std::string threads_help =
      "threads that run the parallel steps of a query (default: $SLUICE_THREADS, else the cores)";
  sql->add_option("--threads", threads, threads_help)->check(CLI::Range(1, 4096));

  auto* run = app.add_subcommand("run", "Run a streaming job written in SQL (see docs/streaming.md)");
  std::string job_file, progress_file;
  int64_t max_batches = 0;
  run->add_option("job", job_file, "the job's SQL file")->required();
  run->add_option("--threads", threads, threads_help)->check(CLI::Range(1, 4096));
  // Runs once the command line is parsed, before any query: the pool's size
  // is fixed from its first use on.
  for (auto* cmd : {sql, run}) {
    cmd->callback([&threads] {
      if (threads == 0) return;
      sluice::Status st = sluice::ThreadPool::SetDefaultNumThreads(threads);
      if (!st.ok()) throw CLI::ValidationError("--threads", st.message());
    });
  }
  run->add_option("--progress-file", progress_file, "append each batch's progress JSON to this file");
  run->add_option("--max-batches", max_batches, "stop after this many batches (0: no limit)");
  bool no_ui = false;
  std::string ui_host = "127.0.0.1", ui_token;
  int ui_port = 4040;
  run->add_option("--ui-port", ui_port, "port of the monitoring server (docs/ui.md); the next free one when taken")
      ->check(CLI::Range(0, 65535));
  run->add_option("--ui-host", ui_host, "address the monitoring server binds (default: loopback only)");
  run->add_option("--ui-token", ui_token, "bearer token every UI/API request needs (or $SLUICE_UI_TOKEN)");
  run->add_flag("--no-ui", no_ui, "no monitoring server");
  bool progress_flag = false, quiet = false;
  run->add_flag("--progress", progress_flag,
                "one progress line on stderr rewritten at every batch (the default on a terminal)");
  run->add_flag("--quiet", quiet, "no progress line, even on a terminal");
  std::string run_log_level = "info";
  CLI::Option* run_log_flag =
      run->add_option("--log-level", run_log_level,
                      "log level on stderr (default: $SLUICE_LOG_LEVEL, else info: a line per batch)")
          ->check(CLI::IsMember(kLevels));

  auto* connectors = app.add_subcommand("connectors", "List the sources, sinks and table formats with their options");
  bool markdown = false;
  connectors->add_flag("--markdown", markdown, "as the Markdown tables of docs/streaming.md");

  auto* checkpoint = app.add_subcommand(
      "checkpoint", "Show what a streaming checkpoint holds; `<dir> state <op>` prints an operator's state rows");
  std::vector<std::string> checkpoint_args;
  checkpoint->add_option("args", checkpoint_args, "<dir> [state <operator id>]")->required()->expected(1, 3);
  int state_partition = -1;
  int64_t state_batch = -1;
  std::string state_store;
  size_t state_max_rows = 1000;
  checkpoint->add_option("--partition", state_partition, "state: only this partition")->check(CLI::NonNegativeNumber);
  checkpoint->add_option("--batch", state_batch, "state: the state of this committed batch (default: the newest)")
      ->check(CLI::NonNegativeNumber);
  checkpoint->add_option("--store", state_store, "state: the store of an operator with several (join: left, right)");
  checkpoint->add_option("--max-rows", state_max_rows, "state: rows printed");

  CLI11_PARSE(app, argc, argv);

  if (checkpoint->parsed()) {
    sluice::SetLogLevel(sluice::LogLevel::kWarn);
    sluice::Result<std::string> text = std::string();
    if (checkpoint_args.size() == 1) {
      text = sluice::DescribeCheckpoint(sluice::Env::Default(), checkpoint_args[0]);
    } else if (checkpoint_args.size() == 3 && checkpoint_args[1] == "state") {
      sluice::StateDumpOptions o;
      o.checkpoint_dir = checkpoint_args[0];
      try {
        size_t used = 0;
        o.operator_id = std::stoi(checkpoint_args[2], &used);
        if (used != checkpoint_args[2].size() || o.operator_id < 0) throw std::invalid_argument("");
      } catch (const std::exception&) {
        std::fprintf(stderr, "error: the operator id must be a number >= 0, got '%s'\n", checkpoint_args[2].c_str());
        return 1;
      }
      if (state_partition >= 0) o.partition = state_partition;
      if (state_batch >= 0) o.batch_id = state_batch;
      o.store_name = state_store;
      o.max_rows = state_max_rows;
      text = sluice::DescribeState(sluice::Env::Default(), o);
    } else {
      std::fprintf(stderr, "usage: sluice checkpoint <dir> [state <operator id>]\n");
      return 1;
    }
    if (!text.ok()) {
      std::fprintf(stderr, "error: %s\n", text.status().ToString().c_str());
      // A missing or damaged checkpoint is the input's problem, as a wrong argument.
      auto code = text.status().code();
      bool input = text.status().IsUserError() || code == sluice::StatusCode::kNotFound ||
                   code == sluice::StatusCode::kCorruption;
      return input ? 1 : 2;
    }
    std::fwrite(text->data(), 1, text->size(), stdout);
    return 0;
  }

  if (connectors->parsed()) {
    const auto& registry = sluice::BuiltinConnectors();
    std::string text = markdown ? sluice::DescribeConnectorsMarkdown(registry) : sluice::DescribeConnectors(registry);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }

  if (run->parsed()) {
    SetCommandLogLevel(run_log_flag, run_log_level);
    if (ui_token.empty()) {
      const char* env_token = std::getenv("SLUICE_UI_TOKEN");
      if (env_token != nullptr) ui_token = env_token;
    }
    UiFlags ui{!no_ui, ui_host, ui_port, ui_token, !quiet && (progress_flag || isatty(STDERR_FILENO) == 1)};
    return RunJob(job_file, progress_file, max_batches, ui);
  }

  if (sql->parsed()) {
    SetCommandLogLevel(sql_log_flag, sql_log_level);
    std::string text = statements;
    if (file == "-") {
      std::stringstream ss;
      ss << std::cin.rdbuf();
      text = ss.str();
    } else if (!file.empty() && !ReadScript(file, &text)) {
      return 1;
    }
    if (text.empty()) {
      std::fprintf(stderr, "error: give statements with -e or a script with -f\n");
      return 1;
    }
    if (each_statement) return RunEachStatement(text);
    return RunSql(text, format, max_rows);
  }
  return 0;
}
