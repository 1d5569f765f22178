// Fuzz target: a whole streaming job file, as `sluice run job.sql` runs it
// (StreamingJob::Start): CREATE STREAM / CREATE SINK with their connectors'
// option checks, START STREAMING QUERY's binding, streaming planning and
// output-mode checks, then up to two micro-batches of every query, then a
// stop. Issue 10's "a mutated job file aborted the process" is this path.
//
// Sandbox:
//  * every query's checkpoint, file sources and file sinks go through a
//    MemEnv made per input (StreamingJob::Options::env); it holds JSON and
//    CSV files in /in/json and /in/csv for file streams to read;
//  * batch statements that read files (CREATE TABLE ... USING json|csv)
//    may only name files of a private copy of test/data (the working
//    directory), as in sql_session_fuzzer;
//  * inputs are skipped when a stream or sink uses Kafka (the network), a
//    query has no CHECKPOINT LOCATION (its temporary checkpoint would be
//    made on disk), or a rate source asks for more than 10000 rows per
//    second or batch (unbounded generators are issue 10's item 7, fixed
//    apart; this target keeps its executions fast);
//  * triggers read a manual clock the target moves by 1 s three times
//    before it stops the queries (so a job runs at most a fraction of a
//    second of real time, whatever its trigger).

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "env/clock.h"
#include "env/mem_env.h"
#include "fuzz_util.h"
#include "sluice/log.h"
#include "sluice/session.h"
#include "sluice/streaming.h"
#include "sql/ast.h"
#include "sql/parser.h"
#include "stream/streaming_job.h"

namespace sluice {
namespace {

bool Init() {
  SetLogLevel(LogLevel::kOff);
  fuzz::EnterSandbox("job-fuzz", SLUICE_FUZZ_DATA_DIR);
  return true;
}

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}


bool SmallNumber(const std::string& v) {
  if (v.empty() || v.size() > 5) return false;
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return std::stoi(v) <= 10000;
}

bool Allowed(const std::vector<ast::StatementPtr>& statements) {
  for (const auto& st : statements) {
    switch (st->kind) {
      case ast::StatementKind::kCreateTable: {
        const auto& ct = st->As<ast::CreateTableStatement>();
        if (ct.location_path && !fuzz::SandboxedPath(*ct.location_path)) return false;
        for (const auto& [k, v] : ct.options) {
          if (Lower(k).find("path") != std::string::npos && !fuzz::SandboxedPath(v)) return false;
        }
        break;
      }
      case ast::StatementKind::kCreateStream: {
        const auto& cs = st->As<ast::CreateStreamStatement>();
        if (Lower(cs.format).find("kafka") != std::string::npos) return false;
        for (const auto& [k, v] : cs.options) {
          const std::string key = Lower(k);
          if ((key.find("rows") != std::string::npos || key.find("partitions") != std::string::npos) &&
              !SmallNumber(v)) {
            return false;
          }
        }
        break;
      }
      case ast::StatementKind::kCreateSink:
        if (Lower(st->As<ast::CreateSinkStatement>().format).find("kafka") != std::string::npos) return false;
        break;
      case ast::StatementKind::kStartStreamingQuery:
        if (!st->As<ast::StartStreamingQueryStatement>().checkpoint_location) return false;
        break;
      default:
        break;
    }
  }
  return true;
}

}  // namespace
}  // namespace sluice

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  static const bool initialized = Init();
  (void)initialized;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto statements = ParseStatements(text);
  if (!statements.ok() || !Allowed(*statements)) return 0;

  MemEnv env;
  fuzz::PutFile(&env, "/in/json/a.json", "{\"id\": 1, \"name\": \"a\", \"v\": 1.5}\n{\"id\": 2, \"name\": \"b\"}\n");
  fuzz::PutFile(&env, "/in/json/b.json", "{\"id\": 3, \"name\": \"c\", \"v\": null}\n{\"id\": \"x\"}\n");
  fuzz::PutFile(&env, "/in/csv/a.csv", "id,name,v\n1,a,1.5\n2,b,\n");
  ManualClock clock;
  StreamingJob::Options options;
  options.max_batches = 2;
  options.env = &env;
  options.clock = &clock;
  auto session = Session::Create();
  // SLUICE_FUZZ_VERBOSE=1: what each input did (to check the seeds run).
  static const bool verbose = std::getenv("SLUICE_FUZZ_VERBOSE") != nullptr;
  auto job = StreamingJob::Start(session, text, options);
  if (!job.ok()) {
    if (verbose) std::fprintf(stderr, "job_fuzzer: %s\n", job.status().ToString().c_str());
    return 0;
  }
  // Time moves 1 s per step, so processing-time triggers fire and the rate
  // source has rows; a query that has not ended after its steps is stopped.
  for (int step = 0; step < 3; ++step) {
    clock.AdvanceMillis(1000);
    for (const StreamingQuery& q : (*job)->queries()) (void)q.awaitTermination(20);
  }
  for (const StreamingQuery& q : (*job)->queries()) {
    Status stopped = q.stop();
    if (verbose) {
      std::fprintf(stderr, "job_fuzzer: query ran %zu batches; stop: %s; error: %s\n", q.recentProgress().size(),
                   stopped.ToString().c_str(), q.exception() ? q.exception()->ToString().c_str() : "none");
    }
  }
  return 0;
}
