// Pipelined commits (MicroBatchExecution, Sink::PipelinesCommits): batch N+1
// is read, run and written while batch N's sink commit runs, and the
// checkpoint protocol keeps its order: offsets/<N+1> is written only after
// commits/<N>, and N+1 commits only after N did.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/memory/memory_stream.h"
#include "env/env.h"
#include "env/fault_injection_env.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/micro_batch_execution.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

// A sink that records what its writers are asked, in order ("begin 1",
// "write 1", "flush 1", "commit 1 start", "commit 1 end", "abort 1" for a
// writer dropped without a successful Commit), and calls the test's hooks
// when a batch flushes and when its commit starts (on the thread that
// commits).
class ProbeSink : public Sink {
 public:
  struct Log {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> events;
    std::vector<std::string> committed_rows;  // "batch:k,v" of committed batches
    std::function<void(int64_t)> on_flush_or_commit;  // first of the two, per batch
    std::function<Status(int64_t)> on_commit;         // at Commit's start; an error fails it

    void Add(const std::string& e) {
      std::lock_guard<std::mutex> l(mu);
      events.push_back(e);
      cv.notify_all();
    }
    bool Has(const std::string& e) {
      std::lock_guard<std::mutex> l(mu);
      return std::find(events.begin(), events.end(), e) != events.end();
    }
    // Waits up to `ms` for event `e`.
    bool WaitFor(const std::string& e, int ms) {
      std::unique_lock<std::mutex> l(mu);
      return cv.wait_for(l, std::chrono::milliseconds(ms),
                         [&] { return std::find(events.begin(), events.end(), e) != events.end(); });
    }
    // Index of `e` in events, -1 when absent.
    int IndexOf(const std::string& e) {
      std::lock_guard<std::mutex> l(mu);
      auto it = std::find(events.begin(), events.end(), e);
      return it == events.end() ? -1 : static_cast<int>(it - events.begin());
    }
  };

  ProbeSink(std::shared_ptr<Log> log, bool pipelines) : log_(std::move(log)), pipelines_(pipelines) {}
  std::string description() const override { return "ProbeSink"; }
  bool PipelinesCommits() const override { return pipelines_; }
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema&, OutputMode,
                                                 int) override {
    log_->Add("begin " + std::to_string(batch.id));
    return std::unique_ptr<SinkWriter>(std::make_unique<Writer>(log_, batch.id));
  }

 private:
  class Writer : public SinkWriter {
   public:
    Writer(std::shared_ptr<Log> log, int64_t id) : log_(std::move(log)), id_(id) {}
    ~Writer() override {
      if (!committed_) log_->Add("abort " + std::to_string(id_));
    }
    Status Write(int, Batch batch) override {
      std::lock_guard<std::mutex> l(mu_);
      for (size_t i = 0; i < batch.num_rows; ++i) {
        std::string r;
        for (const auto& v : batch.Row(i)) r += (r.empty() ? "" : ",") + v.ToString();
        rows_.push_back(std::to_string(id_) + ":" + r);
      }
      if (batch.num_rows > 0) log_->Add("write " + std::to_string(id_));
      return Status::OK();
    }
    Status Flush() override {
      log_->Add("flush " + std::to_string(id_));
      FirstOfFlushOrCommit();
      return Status::OK();
    }
    Status Commit() override {
      FirstOfFlushOrCommit();
      log_->Add("commit " + std::to_string(id_) + " start");
      if (log_->on_commit) SLUICE_RETURN_NOT_OK(log_->on_commit(id_));
      {
        std::lock_guard<std::mutex> l(log_->mu);
        log_->committed_rows.insert(log_->committed_rows.end(), rows_.begin(), rows_.end());
      }
      committed_ = true;
      log_->Add("commit " + std::to_string(id_) + " end");
      return Status::OK();
    }

   private:
    void FirstOfFlushOrCommit() {
      if (hooked_) return;
      hooked_ = true;
      if (log_->on_flush_or_commit) log_->on_flush_or_commit(id_);
    }
    std::shared_ptr<Log> log_;
    int64_t id_;
    std::mutex mu_;
    std::vector<std::string> rows_;
    bool hooked_ = false;
    bool committed_ = false;
  };
  std::shared_ptr<Log> log_;
  bool pipelines_;
};

class PipelinedCommitTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::shared_ptr<Session> spark = Session::Create();
  std::shared_ptr<MemoryStream> input = std::make_shared<MemoryStream>(KV());
  std::string ck() const { return dir.path() + "/ck"; }
  bool Exists(const std::string& rel) const { return Env::Default()->FileExists(ck() + "/" + rel); }

  // Runs `df` into `sink` with the default trigger for `batches` batches of
  // this run, on the calling thread.
  Status Run(const DataFrame& df, std::shared_ptr<ProbeSink> sink, int64_t batches, bool pipelined_commits = true,
             std::shared_ptr<MicroBatchExecution>* out = nullptr) {
    StreamingQueryConfig config;
    config.checkpoint_dir = ck();
    config.mode = OutputMode::kUpdate;
    config.max_batches = batches;
    config.pipelined_commits = pipelined_commits;
    auto exec = std::make_shared<MicroBatchExecution>(df.session(), df.plan(), std::move(sink), config, nullptr);
    if (out) *out = exec;
    SLUICE_RETURN_NOT_OK(exec->Start());
    return exec->RunLoop();
  }
};

// Batch 1 is written while batch 0 commits; offsets/1 is not there before
// commits/0; batch 1 commits after batch 0; every row is committed once.
TEST_F(PipelinedCommitTest, NextBatchIsWrittenWhileThePreviousCommits) {
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"b", 2}})).ok());
  auto log = std::make_shared<ProbeSink::Log>();
  // Batch 1's rows arrive when batch 0 is in the sink (before its commit).
  log->on_flush_or_commit = [&](int64_t id) {
    if (id == 0) {
      ASSERT_TRUE(input->AddRows(KVRows({{"c", 3}})).ok());
    }
  };
  bool wrote_1_during_commit_0 = false;
  bool offsets_1_during_commit_0 = true;
  bool commits_0_during_commit_0 = true;
  log->on_commit = [&](int64_t id) -> Status {
    if (id == 0) {
      wrote_1_during_commit_0 = log->WaitFor("write 1", 10000);
      offsets_1_during_commit_0 = Exists("offsets/1");
      commits_0_during_commit_0 = Exists("commits/0");
    }
    return Status::OK();
  };
  auto df = spark->readStream().source(input).selectExpr({"k", "v"});
  std::shared_ptr<MicroBatchExecution> exec;
  ASSERT_TRUE(Run(df, std::make_shared<ProbeSink>(log, true), 2, true, &exec).ok());

  EXPECT_TRUE(wrote_1_during_commit_0);
  EXPECT_FALSE(offsets_1_during_commit_0) << "offsets/1 was written before commits/0";
  EXPECT_FALSE(commits_0_during_commit_0) << "commits/0 was written before batch 0's sink commit";
  // Batch 0's rows were flushed before batch 1 wrote; batch 1 committed
  // after batch 0 ended.
  EXPECT_LT(log->IndexOf("flush 0"), log->IndexOf("write 1"));
  EXPECT_LT(log->IndexOf("commit 0 end"), log->IndexOf("commit 1 start"));
  EXPECT_GE(log->IndexOf("commit 1 end"), 0);
  EXPECT_FALSE(log->Has("abort 0"));
  EXPECT_FALSE(log->Has("abort 1"));
  EXPECT_TRUE(Exists("commits/0"));
  EXPECT_TRUE(Exists("offsets/1"));
  EXPECT_TRUE(Exists("commits/1"));
  std::vector<std::string> rows = log->committed_rows;
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::string>{"0:a,1", "0:b,2", "1:c,3"}));

  // Both batches' progress records, in order, with the pipelined phases.
  auto progress = exec->recent_progress();
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress[0].batchId, 0);
  EXPECT_EQ(progress[1].batchId, 1);
  EXPECT_EQ(progress[1].numInputRows, 1);
  for (const char* key : {"sinkFlush", "sinkCommit", "addBatch", "previousSinkCommit", "walCommit", "commitLog"}) {
    EXPECT_TRUE(progress[1].durationMs.count(key)) << key;
  }
}

// Without pipelining (the option off, or a stateful query) batch 1 begins
// only after batch 0's commit ended.
TEST_F(PipelinedCommitTest, OffOrStatefulCommitsBeforeTheNextBatchBegins) {
  for (bool stateful : {false, true}) {
    SCOPED_TRACE(stateful ? "stateful query" : "pipelinedCommits false");
    TempDir run_dir;
    input = std::make_shared<MemoryStream>(KV());
    ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
    auto log = std::make_shared<ProbeSink::Log>();
    log->on_flush_or_commit = [&](int64_t id) {
      if (id == 0) {
      ASSERT_TRUE(input->AddRows(KVRows({{"b", 2}})).ok());
    }
    };
    auto df = stateful ? spark->readStream().source(input).groupBy({"k"}).count()
                       : spark->readStream().source(input).selectExpr({"k", "v"});
    StreamingQueryConfig config;
    config.checkpoint_dir = run_dir.path() + "/ck";
    config.mode = OutputMode::kUpdate;
    config.max_batches = 2;
    config.pipelined_commits = stateful;  // the stateful query: on, and not used
    auto exec = std::make_shared<MicroBatchExecution>(df.session(), df.plan(),
                                                      std::make_shared<ProbeSink>(log, true), config, nullptr);
    ASSERT_TRUE(exec->Start().ok());
    ASSERT_TRUE(exec->RunLoop().ok());
    EXPECT_LT(log->IndexOf("flush 0"), log->IndexOf("commit 0 start"));
    ASSERT_GE(log->IndexOf("begin 1"), 0);
    EXPECT_LT(log->IndexOf("commit 0 end"), log->IndexOf("begin 1"));
  }
}

// A stateless batch flushes its rows into the sink while offsets/<id> is
// written (the Kafka sink's produce round trips overlap the log's fsyncs),
// and commits only once offsets/<id> is durable: when that write fails, the
// batch was flushed but is never committed, and its writer aborts.
TEST_F(PipelinedCommitTest, AStatelessBatchFlushesBeforeItsOffsetsAreDurableAndCommitsAfter) {
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
  auto df = spark->readStream().source(input).selectExpr({"k", "v"});
  FaultInjectionEnv env(Env::Default());
  auto log = std::make_shared<ProbeSink::Log>();
  StreamingQueryConfig config;
  config.checkpoint_dir = ck();
  config.mode = OutputMode::kUpdate;
  config.max_batches = 1;
  config.env = &env;
  auto exec =
      std::make_shared<MicroBatchExecution>(df.session(), df.plan(), std::make_shared<ProbeSink>(log, false), config, nullptr);
  ASSERT_TRUE(exec->Start().ok());
  env.FailAll(FaultInjectionEnv::Op::kRename);  // offsets/0 is never written
  Status st = exec->RunLoop();
  env.ClearFaults();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("injected fault"), std::string::npos) << st.ToString();
  EXPECT_TRUE(log->Has("flush 0")) << "the rows were not flushed while offsets/0 was written";
  EXPECT_FALSE(log->Has("commit 0 start")) << "batch 0 committed without its offsets/0";
  EXPECT_TRUE(log->Has("abort 0"));
  EXPECT_FALSE(Exists("offsets/0"));
  EXPECT_TRUE(log->committed_rows.empty());
}

// Batch 0's commit fails while batch 1 is written: batch 1 is dropped
// without a commit, the query fails, and neither commits/0 nor offsets/1
// exists. The next run re-runs batch 0 over its logged offsets, then batch
// 1, and every row is committed once.
TEST_F(PipelinedCommitTest, AFailedCommitDropsTheNextBatchAndTheRestartReplays) {
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"b", 2}})).ok());
  auto df = spark->readStream().source(input).selectExpr({"k", "v"});
  {
    auto log = std::make_shared<ProbeSink::Log>();
    log->on_flush_or_commit = [&](int64_t id) {
      if (id == 0) {
      ASSERT_TRUE(input->AddRows(KVRows({{"c", 3}})).ok());
    }
    };
    log->on_commit = [&](int64_t id) -> Status {
      if (id == 0 && log->WaitFor("write 1", 10000)) return Status::IOError("the broker refused the commit");
      return Status::OK();
    };
    Status st = Run(df, std::make_shared<ProbeSink>(log, true), 5);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.ToString().find("the broker refused the commit"), std::string::npos) << st.ToString();
    EXPECT_NE(st.ToString().find("sink ProbeSink"), std::string::npos) << st.ToString();
    EXPECT_TRUE(log->Has("write 1"));
    EXPECT_TRUE(log->Has("abort 1"));
    EXPECT_FALSE(log->Has("commit 1 start"));
    EXPECT_TRUE(log->committed_rows.empty());
    EXPECT_TRUE(Exists("offsets/0"));
    EXPECT_FALSE(Exists("commits/0"));
    EXPECT_FALSE(Exists("offsets/1"));
  }
  auto log = std::make_shared<ProbeSink::Log>();
  ASSERT_TRUE(Run(df, std::make_shared<ProbeSink>(log, true), 2).ok());
  std::vector<std::string> rows = log->committed_rows;
  std::sort(rows.begin(), rows.end());
  // Batch 0 as logged (a and b), then c in batch 1.
  EXPECT_EQ(rows, (std::vector<std::string>{"0:a,1", "0:b,2", "1:c,3"}));
  EXPECT_TRUE(Exists("commits/1"));
}

}  // namespace
}  // namespace sluice
