// The micro-batch runner's ordering and timing with its log writes on the
// log thread (MicroBatchExecution, CheckpointLogWriter):
//   - the protocol: offsets/<id> durable before the sink commits batch id
//     and before any state file of it is written (stateful queries);
//     commits/<id> durable before offsets/<id + 1> is begun;
//   - the progress record names every step of the runner, and the steps
//     that follow one another add up to no more than the step holding them
//     (no timing thresholds: only sums of the reported figures).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connectors/memory/memory_stream.h"
#include "connectors/sink.h"
#include "env/env.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/checkpoint_log_writer.h"
#include "stream/micro_batch_execution.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

// One list of what happened, in order, from every thread.
struct EventLog {
  std::mutex mu;
  std::vector<std::string> events;
  void Add(std::string e) {
    std::lock_guard<std::mutex> l(mu);
    events.push_back(std::move(e));
  }
  std::vector<std::string> Get() {
    std::lock_guard<std::mutex> l(mu);
    return events;
  }
};

std::string LastPart(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }
std::string ParentName(const std::string& path) { return LastPart(path.substr(0, path.find_last_of('/'))); }

// Forwards to the real Env and records, for the checkpoint's offsets/ and
// commits/ directories, when an entry is begun (its temp file created),
// when it is renamed into place and when it is durable (the directory
// synced after the rename); and when a state file is created.
class RecordingEnv final : public Env {
 public:
  RecordingEnv(Env* base, EventLog* log) : base_(base), log_(log) {}
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    const std::string dir = ParentName(path);
    if (dir == "offsets" || dir == "commits") log_->Add("begin " + dir);
    if (path.find("/state/") != std::string::npos) log_->Add("state file");
    return base_->NewWritableFile(path);
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    if (path.find("/state/") != std::string::npos) log_->Add("state file");
    return base_->NewAppendableFile(path);
  }
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    return base_->NewSequentialFile(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    return base_->NewRandomAccessFile(path);
  }
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  Result<uint64_t> GetFileSize(const std::string& path) override { return base_->GetFileSize(path); }
  Result<int64_t> GetFileModificationTimeMs(const std::string& path) override {
    return base_->GetFileModificationTimeMs(path);
  }
  Result<FileAttributes> GetFileAttributes(const std::string& path) override {
    return base_->GetFileAttributes(path);
  }
  Result<std::vector<std::string>> ListDir(const std::string& path) override { return base_->ListDir(path); }
  Status CreateDir(const std::string& path) override { return base_->CreateDir(path); }
  Status DeleteFile(const std::string& path) override { return base_->DeleteFile(path); }
  Status DeleteDir(const std::string& path) override { return base_->DeleteDir(path); }
  Status RenameFile(const std::string& src, const std::string& target) override {
    Status st = base_->RenameFile(src, target);
    const std::string dir = ParentName(target);
    if (st.ok() && (dir == "offsets" || dir == "commits")) {
      std::lock_guard<std::mutex> l(mu_);
      renamed_[dir] = LastPart(target);
    }
    return st;
  }
  Status SyncDir(const std::string& path) override {
    Status st = base_->SyncDir(path);
    const std::string dir = LastPart(path);
    if (st.ok() && (dir == "offsets" || dir == "commits")) {
      std::string name;
      {
        std::lock_guard<std::mutex> l(mu_);
        name = renamed_[dir];
        renamed_.erase(dir);
      }
      if (!name.empty()) log_->Add("durable " + dir + "/" + name);
    }
    return st;
  }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override { return base_->LockFile(path); }
  Result<std::unique_ptr<FileLock>> LockDirectory(const std::string& path) override {
    return base_->LockDirectory(path);
  }
  Status UnlockFile(std::unique_ptr<FileLock> lock) override { return base_->UnlockFile(std::move(lock)); }

 private:
  Env* base_;
  EventLog* log_;
  std::mutex mu_;
  std::map<std::string, std::string> renamed_;
};

// Records "sink <id>" when a batch's output is committed (made visible).
class RecordingSink final : public CollectingSink {
 public:
  explicit RecordingSink(EventLog* log) : log_(log) {}
  std::string description() const override { return "RecordingSink"; }
  Status AddBatch(int64_t batch_id, const Schema&, const std::vector<Batch>&, OutputMode) override {
    log_->Add("sink " + std::to_string(batch_id));
    return Status::OK();
  }

 private:
  EventLog* log_;
};

class BatchLifecycleTest : public ::testing::Test {
 protected:
  // Runs `df` (over `input`) with the default trigger into a RecordingSink
  // while `blocks` blocks of rows are added one by one (so that batches
  // follow each other with their log writes in flight), then processes all
  // and stops. Returns the progress records.
  std::vector<StreamingQueryProgress> Run(const DataFrame& df, const std::shared_ptr<MemoryStream>& input,
                                          OutputMode mode, int blocks) {
    StreamingQueryConfig config;
    config.checkpoint_dir = dir.path() + "/ck";
    config.mode = mode;
    config.env = &env;
    auto exec = std::make_shared<MicroBatchExecution>(df.session(), df.plan(), std::make_shared<RecordingSink>(&log),
                                                      config, nullptr);
    Status started = exec->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    if (!started.ok()) return {};
    exec->StartThread();
    for (int i = 0; i < blocks; ++i) {
      EXPECT_TRUE(input->AddRows({{Value::String("k" + std::to_string(i % 3)), Value::Bigint(i)}}).ok());
      // Some blocks arrive while a batch runs, some while the runner idles.
      if (i % 4 == 3) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    Status processed = exec->ProcessAllAvailable();
    EXPECT_TRUE(processed.ok()) << processed.ToString();
    EXPECT_TRUE(exec->Stop().ok());
    return exec->recent_progress();
  }

  // Checks the protocol's order in the event log for batches 0..n-1.
  void CheckOrder(int64_t n, bool stateful) {
    std::vector<std::string> ev = log.Get();
    auto index = [&](const std::string& e) -> int64_t {
      for (size_t i = 0; i < ev.size(); ++i) {
        if (ev[i] == e) return static_cast<int64_t>(i);
      }
      ADD_FAILURE() << "no event '" << e << "'";
      return -1;
    };
    // The k-th "begin offsets" is the write of offsets/k.
    auto nth_begin = [&](const std::string& what, int64_t k) -> int64_t {
      int64_t seen = 0;
      for (size_t i = 0; i < ev.size(); ++i) {
        if (ev[i] == what && seen++ == k) return static_cast<int64_t>(i);
      }
      return static_cast<int64_t>(ev.size());  // never begun: after everything
    };
    for (int64_t id = 0; id < n; ++id) {
      const std::string b = std::to_string(id);
      int64_t offsets_durable = index("durable offsets/" + b);
      int64_t sink = index("sink " + b);
      int64_t commit_durable = index("durable commits/" + b);
      EXPECT_LT(nth_begin("begin offsets", id), offsets_durable) << "batch " << id;
      EXPECT_LT(offsets_durable, sink) << "batch " << id << ": output visible before offsets/" << id << " was durable";
      EXPECT_LT(sink, commit_durable) << "batch " << id;
      EXPECT_LT(commit_durable, nth_begin("begin offsets", id + 1))
          << "offsets/" << id + 1 << " begun before commits/" << id << " was durable";
      if (stateful) {
        // No state file between the start of offsets/<id> and its durability.
        for (int64_t i = nth_begin("begin offsets", id); i < offsets_durable; ++i) {
          EXPECT_NE(ev[static_cast<size_t>(i)], "state file") << "batch " << id << ": state written before offsets/"
                                                                << id << " was durable";
        }
      }
    }
  }

  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
  EventLog log;
  RecordingEnv env{Env::Default(), &log};
};

TEST_F(BatchLifecycleTest, StatelessQueryKeepsTheLogOrderWithWritesInFlight) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input).filter("v >= 0");
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto progress = Run(df, input, OutputMode::kAppend, 24);
  ASSERT_FALSE(progress.empty());
  int64_t rows = 0;
  for (const auto& p : progress) rows += p.numInputRows;
  EXPECT_EQ(rows, 24);
  CheckOrder(progress.back().batchId + 1, false);
}

TEST_F(BatchLifecycleTest, StatefulQueryWritesNoStateBeforeItsOffsetsAreDurable) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input).groupBy({"k"}).count();
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto progress = Run(df, input, OutputMode::kUpdate, 16);
  ASSERT_FALSE(progress.empty());
  CheckOrder(progress.back().batchId + 1, true);
}

// Every step of the runner is in durationMs. The steps one after another
// on the runner's thread add up to no more than the step that holds them
// (each figure is its own interval rounded down, so the sum of the rounded
// parts cannot exceed the rounded whole).
TEST_F(BatchLifecycleTest, ProgressNamesEveryStepAndTheSequentialStepsFitTheirWhole) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input).groupBy({"k"}).count();
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto progress = Run(df, input, OutputMode::kUpdate, 16);
  ASSERT_FALSE(progress.empty());
  for (const auto& p : progress) {
    const auto& d = p.durationMs;
    auto get = [&](const char* k) -> int64_t {
      auto it = d.find(k);
      EXPECT_NE(it, d.end()) << "batch " << p.batchId << " has no durationMs." << k << " in " << p.json();
      return it == d.end() ? 0 : it->second;
    };
    auto get_or_0 = [&](const char* k) -> int64_t {
      auto it = d.find(k);
      return it == d.end() ? 0 : it->second;
    };
    for (const auto& [k, v] : d) EXPECT_GE(v, 0) << k;
    // Overlapped with other steps (written on the log thread): present, not summed.
    get("walCommit");
    get("commitLog");
    const int64_t whole = get("triggerExecution");
    EXPECT_LE(get("latestOffset") + get("getBatch") + get("queryPlanning") + get("addBatch") + get("commitOffsets"),
              whole)
        << p.json();
    EXPECT_LE(get("sinkBegin") + get("offsetLogWait") + get_or_0("previousCommit") + get("execution") +
                  get("sinkFlush") + get("stateCommit") + get("sinkCommit"),
              get("addBatch"))
        << p.json();
    EXPECT_LE(get("commitLogWait") + get("sourceCommit"), get("commitOffsets")) << p.json();
  }
}

// The log thread runs writes in submission order and hands back each one's
// status; after a failure the later writes do not run (offsets/<id + 1>
// must not follow a commits/<id> that was not written).
TEST(CheckpointLogWriterTest, RunsWritesInOrderAndNoneAfterAFailure) {
  CheckpointLogWriter writer;
  std::vector<int> order;  // only the writer's thread appends
  auto a = writer.Submit([&] {
    order.push_back(1);
    return Status::OK();
  });
  auto b = writer.Submit([&] {
    order.push_back(2);
    return Status::IOError("disk full");
  });
  auto c = writer.Submit([&] {
    order.push_back(3);
    return Status::OK();
  });
  Status skipped = writer.Wait(c);
  EXPECT_EQ(skipped.code(), StatusCode::kIOError);
  EXPECT_NE(skipped.message().find("not written: an earlier checkpoint log write failed: disk full"),
            std::string::npos)
      << skipped.ToString();
  Status failed = writer.Wait(b);
  EXPECT_EQ(failed.code(), StatusCode::kIOError);
  EXPECT_TRUE(writer.Wait(a).ok());
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_LE(a->end_micros(), b->start_micros());
}

}  // namespace
}  // namespace sluice
