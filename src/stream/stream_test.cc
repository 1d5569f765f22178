// End-to-end tests of the micro-batch runner, StreamTest-style: add data to a
// MemoryStream, process all available, check the sink's answer, stop, restart
// on the same checkpoint, check again. Expected answers are worked out by
// hand from the data added.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>
#include <tuple>

#include "checkpoint/commit_log.h"
#include "checkpoint/offset_log.h"
#include "common/log.h"
#include "connectors/file_stream/file_stream_sink.h"
#include "connectors/memory/memory_sink.h"
#include "connectors/memory/memory_stream.h"
#include "env/clock.h"
#include "env/mem_env.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/state_store_provider_param.h"
#include "stream/micro_batch_execution.h"
#include "stream/stream_test_util.h"
#include "stream/streaming_job.h"
#include "stream/streaming_query_internal.h"

namespace sluice {
namespace {

class StreamTest : public ::testing::Test {
 protected:
  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
  std::string ck() const { return dir.path() + "/ck"; }
};

TEST_F(StreamTest, StatelessAppendExactlyOnceAcrossRestarts) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input).filter("v > 1").selectExpr({"upper(k) AS k", "v * 10 AS v10"});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto start = [&] {
    return df.writeStream().format("memory").queryName("out").outputMode("append").option("checkpointLocation", ck()).start();
  };
  // Restart at every batch boundary: each round adds data, processes, stops.
  std::vector<std::vector<std::pair<std::string, int64_t>>> rounds = {
      {{"a", 1}, {"b", 2}}, {{"c", 3}}, {{"d", 0}, {"e", 5}, {"f", 6}}};
  std::vector<std::vector<std::string>> expected = {
      {"B,20"}, {"B,20", "C,30"}, {"B,20", "C,30", "E,50", "F,60"}};
  for (size_t r = 0; r < rounds.size(); ++r) {
    ASSERT_TRUE(input->AddRows(KVRows(rounds[r])).ok());
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    EXPECT_EQ(TableRows(*spark, "out"), expected[r]) << "round " << r;
    ASSERT_TRUE(q->stop().ok());
    EXPECT_FALSE(q->isActive());
  }
  // Three batches: ids 0, 1, 2, each logged and committed.
  auto olog = OffsetLog::Open(Env::Default(), ck());
  ASSERT_TRUE(olog.ok());
  auto latest = olog->GetLatestBatchId();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ(**latest, 2);
  auto seq = olog->Get(2);
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(seq->offsets[0], std::optional<std::string>("3"));
}

TEST_F(StreamTest, AggregationCompleteAndUpdateWithRestart) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto agg = spark->readStream().source(input).groupBy({"k"}).agg(
      {count(lit(1)).alias("n"), sum(col("v")).alias("s"), min(col("v")).alias("lo"), max(col("v")).alias("hi"),
       avg(col("v")).alias("a")});
  ASSERT_TRUE(agg.status().ok()) << agg.status().ToString();
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"b", 10}, {"a", 3}})).ok());
  {
    auto q = agg.writeStream().format("memory").queryName("c1").outputMode("complete").option("checkpointLocation", ck()).start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    EXPECT_EQ(TableRows(*spark, "c1"), (std::vector<std::string>{"a,2,4,1,3,2.0", "b,1,10,10,10,10.0"}));
    ASSERT_TRUE(q->stop().ok());
  }
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 5}, {"c", 7}})).ok());
  {
    // Restarted: the state of batch 0 is reloaded from the state store.
    auto q = agg.writeStream().format("memory").queryName("c1").outputMode("complete").option("checkpointLocation", ck()).start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    EXPECT_EQ(TableRows(*spark, "c1"), (std::vector<std::string>{"a,3,9,1,5,3.0", "b,1,10,10,10,10.0", "c,1,7,7,7,7.0"}));
    auto p = q->lastProgress();
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->stateOperators.size(), 1u);
    EXPECT_EQ(p->stateOperators[0].numRowsTotal, 3);
    EXPECT_EQ(p->stateOperators[0].numRowsUpdated, 2);
    EXPECT_GT(p->stateOperators[0].memoryUsedBytes, 0);
    ASSERT_TRUE(q->stop().ok());
  }
  // Update mode on another checkpoint: only the groups touched per batch.
  auto input2 = std::make_shared<MemoryStream>(KV());
  auto counts = spark->readStream().source(input2).groupBy({"k"}).count();
  std::vector<std::pair<int64_t, std::vector<std::string>>> seen;
  std::mutex mu;
  auto q = counts.writeStream()
               .outputMode("update")
               .option("checkpointLocation", dir.path() + "/ck2")
               .foreachBatch([&](const QueryResult& r, int64_t id) {
                 std::lock_guard<std::mutex> l(mu);
                 seen.push_back({id, Strings(r.Rows())});
                 return Status::OK();
               })
               .start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(input2->AddRows(KVRows({{"x", 1}, {"y", 1}, {"x", 1}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(input2->AddRows(KVRows({{"y", 1}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, 0);
  EXPECT_EQ(seen[0].second, (std::vector<std::string>{"x,2", "y,1"}));
  EXPECT_EQ(seen[1].first, 1);
  EXPECT_EQ(seen[1].second, (std::vector<std::string>{"y,2"}));
}

TEST_F(StreamTest, OutputModeValidation) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input);
  auto agg = df.groupBy({"k"}).count();
  auto q1 = agg.writeStream().format("memory").queryName("m1").outputMode("append").option("checkpointLocation", ck()).start();
  ASSERT_FALSE(q1.ok());
  EXPECT_EQ(q1.status().code(), StatusCode::kAnalysisError);
  EXPECT_NE(q1.status().message().find("Append output mode not supported when there are streaming aggregations"),
            std::string::npos);
  auto q2 = df.writeStream().format("memory").queryName("m2").outputMode("complete").option("checkpointLocation", ck()).start();
  ASSERT_FALSE(q2.ok());
  EXPECT_NE(q2.status().message().find("Complete output mode not supported when there are no streaming aggregations"),
            std::string::npos);
  auto q3 = df.orderBy({col("v")}).writeStream().format("memory").queryName("m3").option("checkpointLocation", ck()).start();
  ASSERT_FALSE(q3.ok());
  EXPECT_NE(q3.status().message().find("Sorting is not supported"), std::string::npos);
  auto q4 = df.writeStream().format("memory").queryName("m4").outputMode("sideways").start();
  ASSERT_FALSE(q4.ok());
  EXPECT_EQ(q4.status().code(), StatusCode::kInvalidArgument);
  // A batch DataFrame cannot be started.
  auto q5 = spark->sql("SELECT 1 AS x").writeStream().format("memory").queryName("m5").start();
  ASSERT_FALSE(q5.ok());
  // A streaming DataFrame cannot be collected.
  auto r = df.collect();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("writeStream.start()"), std::string::npos);
}

TEST_F(StreamTest, UncommittedBatchIsReplayedWithTheSameOffsets) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input);
  std::vector<std::pair<int64_t, std::vector<std::string>>> seen;
  auto run = [&] {
    auto q = df.writeStream()
                 .option("checkpointLocation", ck())
                 .foreachBatch([&](const QueryResult& r, int64_t id) {
                   seen.push_back({id, Strings(r.Rows())});
                   return Status::OK();
                 })
                 .start();
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    EXPECT_TRUE(q->processAllAvailable().ok());
    EXPECT_TRUE(q->stop().ok());
  };
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
  run();
  ASSERT_TRUE(input->AddRows(KVRows({{"b", 2}})).ok());
  run();
  // Simulate a crash between the sink and the commit of batch 1.
  ASSERT_TRUE(Env::Default()->DeleteFile(ck() + "/commits/1").ok());
  // More data arrived meanwhile: the replay must not take it.
  ASSERT_TRUE(input->AddRows(KVRows({{"c", 3}})).ok());
  run();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[2].first, 1);
  EXPECT_EQ(seen[2].second, (std::vector<std::string>{"b,2"}));  // same data as the first attempt
  EXPECT_EQ(seen[3].first, 2);
  EXPECT_EQ(seen[3].second, (std::vector<std::string>{"c,3"}));
}

// current_timestamp() in a micro-batch is the batch's logged timestamp, so a
// replayed batch computes the same values as its first attempt.
TEST_F(StreamTest, ReplayedBatchSeesItsLoggedTimestamp) {
  ManualClock clock(1700000000000000);  // 2023-11-14 22:13:20 UTC
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input).selectExpr({"k", "CAST(current_timestamp() AS STRING) AS ts"});
  std::vector<std::pair<int64_t, std::vector<std::string>>> seen;
  auto run = [&] {
    auto q = df.writeStream()
                 .option("checkpointLocation", ck())
                 .clock(&clock)
                 .foreachBatch([&](const QueryResult& r, int64_t id) {
                   seen.push_back({id, Strings(r.Rows())});
                   return Status::OK();
                 })
                 .start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  };
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
  run();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].second, (std::vector<std::string>{"a,2023-11-14 22:13:20"}));
  // Batch 0 is replayed an hour later: same timestamp as its first attempt.
  ASSERT_TRUE(Env::Default()->DeleteFile(ck() + "/commits/0").ok());
  clock.AdvanceMicros(3600LL * 1000000);
  run();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].first, 0);
  EXPECT_EQ(seen[1].second, (std::vector<std::string>{"a,2023-11-14 22:13:20"}));
  // A new batch takes the new time.
  ASSERT_TRUE(input->AddRows(KVRows({{"b", 2}})).ok());
  run();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].second, (std::vector<std::string>{"b,2023-11-14 23:13:20"}));
}

TEST_F(StreamTest, CorruptOrGappedLogsFailWithTheFileNamed) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input);
  auto start = [&] {
    return df.writeStream().format("memory").queryName("cc").option("checkpointLocation", ck()).start();
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(input->AddRows(KVRows({{"a", i}})).ok());
    auto q = start();
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  Env* env = Env::Default();
  auto expect_error = [&](const std::string& file, const std::string& contents, const std::string& needle) {
    std::string path = ck() + "/" + file, saved;
    ASSERT_TRUE(env->ReadFileToString(path, &saved).ok());
    ASSERT_TRUE(env->WriteFile(path, contents, false).ok());
    auto q = start();
    ASSERT_FALSE(q.ok()) << file;
    EXPECT_EQ(q.status().code(), StatusCode::kCorruption) << q.status().ToString();
    EXPECT_NE(q.status().message().find(path), std::string::npos) << q.status().ToString();
    EXPECT_NE(q.status().message().find(needle), std::string::npos) << q.status().ToString();
    ASSERT_TRUE(env->WriteFile(path, saved, false).ok());
  };
  expect_error("offsets/2", "", "empty");
  expect_error("offsets/2", "v1\n{\"batchWatermarkMs\":0", "");
  expect_error("commits/2", "garbage\n", "");
  expect_error("commits/2", "v9\n{\"nextBatchWatermarkMs\":0}\n", "");
  // A gap: offsets 0 and 2 without 1.
  std::string saved;
  ASSERT_TRUE(env->ReadFileToString(ck() + "/offsets/1", &saved).ok());
  ASSERT_TRUE(env->DeleteFile(ck() + "/offsets/1").ok());
  auto q = start();
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kCorruption);
  EXPECT_NE(q.status().message().find(ck() + "/offsets"), std::string::npos) << q.status().ToString();
  ASSERT_TRUE(env->WriteFile(ck() + "/offsets/1", saved, true).ok());
  // Commit log ahead of the offset log by more than allowed.
  ASSERT_TRUE(env->DeleteFile(ck() + "/offsets/2").ok());
  auto q2 = start();
  ASSERT_FALSE(q2.ok());
  EXPECT_NE(q2.status().message().find("commit log"), std::string::npos) << q2.status().ToString();
}

TEST_F(StreamTest, SecondQueryOnOneCheckpointFails) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input);
  auto q1 = df.writeStream().format("noop").option("checkpointLocation", ck()).start();
  ASSERT_TRUE(q1.ok());
  auto q2 = df.writeStream().format("noop").option("checkpointLocation", ck()).start();
  ASSERT_FALSE(q2.ok());
  EXPECT_NE(q2.status().message().find("in use"), std::string::npos) << q2.status().ToString();
  ASSERT_TRUE(q1->stop().ok());
  auto q3 = df.writeStream().format("noop").option("checkpointLocation", ck()).start();
  ASSERT_TRUE(q3.ok()) << q3.status().ToString();
  EXPECT_EQ(q3->id(), q1->id());        // same query
  EXPECT_NE(q3->runId(), q1->runId());  // new run
  ASSERT_TRUE(q3->stop().ok());
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
}

TEST_F(StreamTest, FileSourceReadsEveryFileOnceAcrossStopsAndFileSinkManifest) {
  std::string in = dir.path() + "/in", out = dir.path() + "/out";
  ASSERT_TRUE(Env::Default()->CreateDir(in).ok());
  WriteText(in + "/a.json", "{\"id\":1,\"name\":\"x\"}\n{\"id\":2,\"name\":\"y\"}\n");
  auto df = spark->readStream().format("json").schema("id BIGINT, name STRING").option("maxFilesPerTrigger", "1").load(in);
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto start = [&] {
    return df.select({"id"}).writeStream().format("json").option("checkpointLocation", ck()).trigger(Trigger::AvailableNow()).start(out);
  };
  auto read_ids = [&] {
    auto files = ReadFileSinkFiles(Env::Default(), out);
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    std::vector<std::string> ids;
    for (const auto& f : *files) {
      std::ifstream is(f);
      std::string line;
      while (std::getline(is, line)) ids.push_back(line);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  {
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->awaitTermination().ok());
  }
  EXPECT_EQ(read_ids(), (std::vector<std::string>{"{\"id\":1}", "{\"id\":2}"}));
  // Two files arrive while the query is stopped; maxFilesPerTrigger 1 -> two batches.
  WriteText(in + "/b.json", "{\"id\":3}\n");
  WriteText(in + "/c.json", "{\"id\":4}\nnot json\n");
  {
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->awaitTermination().ok());
    EXPECT_EQ(q->recentProgress().size(), 2u);
  }
  // The malformed line is a row of NULLs in PERMISSIVE mode ({}).
  EXPECT_EQ(read_ids(), (std::vector<std::string>{"{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":4}", "{}"}));
  // A stray part file (a crashed attempt) is not in the manifest: ignored.
  WriteText(out + "/part-99999-stray.json", "{\"id\":999}\n");
  EXPECT_EQ(read_ids().size(), 5u);
  // Nothing new: no batch.
  {
    auto q = start();
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE(q->awaitTermination().ok());
    EXPECT_EQ(q->recentProgress().size(), 0u);
  }
}

// The file source lists and reads its files, and the file sink writes its
// part files and manifest, through the query's Env: here a MemEnv, so none of
// the files exists on disk.
TEST_F(StreamTest, FileSourceAndSinkGoThroughTheQuerysEnv) {
  MemEnv mem;
  ASSERT_TRUE(mem.CreateDirRecursive("/stream/in").ok());
  ASSERT_TRUE(mem.WriteFile("/stream/in/a.json", "{\"id\":1}\n{\"id\":2}\n", false).ok());
  ASSERT_TRUE(mem.WriteFile("/stream/in/b.json", "{\"id\":3}\n", false).ok());
  ASSERT_TRUE(mem.CreateDir("/stream/in/subdir").ok());  // not a file: ignored
  auto df = spark->readStream().format("json").schema("id BIGINT").load("/stream/in");
  auto start = [&] {
    return df.writeStream().format("json").option("checkpointLocation", "/stream/ck").env(&mem)
        .trigger(Trigger::AvailableNow()).start("/stream/out");
  };
  auto read_ids = [&] {
    auto files = ReadFileSinkFiles(&mem, "/stream/out");
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    std::vector<std::string> ids;
    for (const auto& f : *files) {
      std::string text;
      EXPECT_TRUE(mem.ReadFileToString(f, &text).ok());
      for (size_t pos = 0, nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1) {
        ids.push_back(text.substr(pos, nl - pos));
      }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  {
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    Status st = q->awaitTermination();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_EQ(read_ids(), (std::vector<std::string>{"{\"id\":1}", "{\"id\":2}", "{\"id\":3}"}));
  EXPECT_FALSE(Env::Default()->FileExists("/stream/in/a.json"));
  // A new file is picked up by the next run, the old ones are not read again.
  ASSERT_TRUE(mem.WriteFile("/stream/in/c.json", "{\"id\":4}\n", false).ok());
  {
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    Status st = q->awaitTermination();
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(q->recentProgress().size(), 1u);
  }
  EXPECT_EQ(read_ids(), (std::vector<std::string>{"{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":4}"}));
}

// The file source's seen-files log (sources/0) must cover the offset the
// offset log records for it. With its newest entry deleted, files that
// arrived since were folded into a re-created entry at the committed offset
// and never read (lost); with its oldest entry deleted, those files would be
// read again (duplicated). Both fail the start naming both logs.
TEST_F(StreamTest, FileSourceLogBehindTheOffsetLogFailsNamingBoth) {
  MemEnv mem;
  ASSERT_TRUE(mem.CreateDirRecursive("/s/in").ok());
  auto df = spark->readStream().format("json").schema("id BIGINT").load("/s/in");
  auto start = [&] {
    return df.writeStream().format("json").option("checkpointLocation", "/s/ck").env(&mem)
        .trigger(Trigger::AvailableNow()).start("/s/out");
  };
  for (const char* file : {"a", "b"}) {  // batch 0 takes a.json (entry 0), batch 1 b.json (entry 1)
    ASSERT_TRUE(mem.WriteFile(std::string("/s/in/") + file + ".json", "{\"id\":1}\n", false).ok());
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    Status st = q->awaitTermination();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  ASSERT_TRUE(mem.WriteFile("/s/in/c.json", "{\"id\":3}\n", false).ok());
  for (const char* entry : {"1", "0"}) {
    std::string path = std::string("/s/ck/sources/0/") + entry, saved;
    ASSERT_TRUE(mem.ReadFileToString(path, &saved).ok());
    ASSERT_TRUE(mem.DeleteFile(path).ok());
    auto q = start();
    ASSERT_FALSE(q.ok()) << "sources/0/" << entry << " deleted, yet the query started";
    EXPECT_EQ(q.status().code(), StatusCode::kCorruption) << q.status().ToString();
    EXPECT_NE(q.status().message().find("/s/ck/sources/0"), std::string::npos) << q.status().ToString();
    EXPECT_NE(q.status().message().find(path), std::string::npos) << q.status().ToString();
    if (std::string(entry) == "1") {
      EXPECT_NE(q.status().message().find("/s/ck/offsets/1"), std::string::npos) << q.status().ToString();
    }
    ASSERT_TRUE(mem.WriteFile(path, saved, false).ok());
  }
  // Restored: c.json is read by the next batch.
  auto q = start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  Status st = q->awaitTermination();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(q->recentProgress().size(), 1u);
}

// The file sink reads its whole manifest when the query starts: a damaged
// manifest file fails the start naming it, instead of the run appending
// batches and the error surfacing only when the output is read or
// compacted. A manifest behind the commit log (its newest file deleted) fails
// too: the batches it lost are committed, so they would never be rewritten.
TEST_F(StreamTest, FileSinkValidatesItsManifestAtStart) {
  MemEnv mem;
  ASSERT_TRUE(mem.CreateDirRecursive("/m/in").ok());
  auto df = spark->readStream().format("json").schema("id BIGINT").option("maxFilesPerTrigger", "1").load("/m/in");
  auto start = [&] {
    return df.writeStream().format("json").option("checkpointLocation", "/m/ck").env(&mem)
        .trigger(Trigger::AvailableNow()).start("/m/out");
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(mem.WriteFile("/m/in/f" + std::to_string(i) + ".json", "{\"id\":" + std::to_string(i) + "}\n", false).ok());
  }
  {
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    Status st = q->awaitTermination();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  ASSERT_TRUE(mem.WriteFile("/m/in/f3.json", "{\"id\":3}\n", false).ok());
  const std::string manifest = "/m/out/_sluice_metadata/";
  std::string saved;
  ASSERT_TRUE(mem.ReadFileToString(manifest + "1", &saved).ok());
  std::string flipped = saved;
  flipped[flipped.size() / 2] ^= 0x01;
  const std::pair<std::string, std::string> damages[] = {
      {flipped, "fails its checksum"},
      {saved.substr(0, saved.size() / 2), "is truncated"},
      {"", "is empty"},
      {"v7" + saved.substr(2), "has version v7"},
  };
  for (const auto& [contents, needle] : damages) {
    ASSERT_TRUE(mem.WriteFile(manifest + "1", contents, false).ok());
    auto q = start();
    ASSERT_FALSE(q.ok()) << needle << ": the query started on a damaged manifest";
    EXPECT_EQ(q.status().code(), StatusCode::kCorruption) << q.status().ToString();
    EXPECT_NE(q.status().message().find(manifest + "1"), std::string::npos) << q.status().ToString();
    EXPECT_NE(q.status().message().find(needle), std::string::npos) << q.status().ToString();
    EXPECT_FALSE(mem.FileExists("/m/ck/offsets/3")) << needle << ": a batch was planned";
  }
  ASSERT_TRUE(mem.WriteFile(manifest + "1", saved, false).ok());
  // The newest manifest file deleted: the commit log says batch 2 is done.
  ASSERT_TRUE(mem.ReadFileToString(manifest + "2", &saved).ok());
  ASSERT_TRUE(mem.DeleteFile(manifest + "2").ok());
  auto q = start();
  ASSERT_FALSE(q.ok()) << "the query started with a manifest behind its commit log";
  EXPECT_EQ(q.status().code(), StatusCode::kCorruption) << q.status().ToString();
  EXPECT_NE(q.status().message().find(manifest + "2"), std::string::npos) << q.status().ToString();
  EXPECT_NE(q.status().message().find("/m/ck/commits"), std::string::npos) << q.status().ToString();
  ASSERT_TRUE(mem.WriteFile(manifest + "2", saved, false).ok());
  auto again = start();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  Status st = again->awaitTermination();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(again->recentProgress().size(), 1u);
}

// A job file's queries take the Env and clock of StreamingJob::Options (the
// hooks fuzz/job_fuzzer runs jobs with): its file stream, file sink and
// checkpoint all live in a MemEnv.
TEST_F(StreamTest, JobQueriesUseTheJobsEnvAndClock) {
  MemEnv mem;
  ASSERT_TRUE(mem.CreateDirRecursive("/job/in").ok());
  ASSERT_TRUE(mem.WriteFile("/job/in/a.json", "{\"id\":1}\n{\"id\":2}\n", false).ok());
  ManualClock clock(1700000000000000);
  StreamingJob::Options options;
  options.env = &mem;
  options.clock = &clock;
  auto job = StreamingJob::Start(spark,
                                 "CREATE STREAM s (id BIGINT) USING json OPTIONS (path '/job/in');\n"
                                 "CREATE SINK out USING json OPTIONS (path '/job/out');\n"
                                 "START STREAMING QUERY q INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '/job/ck'\n"
                                 "  AS SELECT id * 10 AS x FROM s",
                                 options);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  ASSERT_EQ((*job)->queries().size(), 1u);
  Status st = (*job)->queries()[0].awaitTermination();
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto progress = (*job)->queries()[0].recentProgress();
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(progress[0].timestamp, "2023-11-14T22:13:20.000Z");  // the manual clock's time
  EXPECT_TRUE(mem.FileExists("/job/ck/offsets/0"));
  EXPECT_TRUE(mem.FileExists("/job/ck/commits/0"));
  EXPECT_TRUE(mem.FileExists("/job/out/_sluice_metadata/0"));
  EXPECT_FALSE(Env::Default()->FileExists("/job/ck"));
  EXPECT_FALSE(Env::Default()->FileExists("/job/out"));
}

// A job starts whole or not at all: when a later statement fails, the
// queries already started are stopped before Start returns the error (they
// ran on, with the caller's Env and clock, after it had given up on the job;
// found by fuzz/job_fuzzer as a use of the clock after it was freed).
TEST_F(StreamTest, FailedJobStopsTheQueriesItStarted) {
  MemEnv mem;
  ManualClock clock;
  StreamingJob::Options options;
  options.env = &mem;
  options.clock = &clock;
  auto job = StreamingJob::Start(spark,
                                 "CREATE STREAM ticks USING rate-micro-batch OPTIONS (rowsPerBatch '5');\n"
                                 "CREATE SINK a USING noop;\n"
                                 "START STREAMING QUERY qa INTO a TRIGGER PROCESSING TIME '1 second' "
                                 "CHECKPOINT LOCATION '/ck/a' AS SELECT * FROM ticks;\n"
                                 "START STREAMING QUERY qb INTO a CHECKPOINT LOCATION '/ck/b' AS SELECT nope FROM ticks",
                                 options);
  ASSERT_FALSE(job.ok());
  EXPECT_NE(job.status().message().find("nope"), std::string::npos) << job.status().ToString();
  EXPECT_TRUE(spark->streams().active().empty()) << spark->streams().active().size() << " queries still run";
}

// The file sink writes each partition's rows to a part file of its own as
// they come (three input files: three partitions, three part files in
// batch 0's manifest entry), and a CSV header opens every part file.
TEST_F(StreamTest, FileSinkWritesAPartFilePerPartition) {
  std::string in = dir.path() + "/in", out = dir.path() + "/out";
  ASSERT_TRUE(Env::Default()->CreateDir(in).ok());
  WriteText(in + "/a.json", "{\"id\":1}\n{\"id\":2}\n");
  WriteText(in + "/b.json", "{\"id\":3}\n");
  WriteText(in + "/c.json", "{\"id\":4}\n{\"id\":5}\n");
  auto q = spark->readStream().format("json").schema("id BIGINT").load(in).writeStream().format("csv")
               .option("header", "true").option("checkpointLocation", ck()).trigger(Trigger::Once()).start(out);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->awaitTermination().ok());
  auto files = ReadFileSinkFiles(Env::Default(), out);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  std::vector<std::string> contents;
  for (const auto& f : *files) {
    EXPECT_NE(f.find("/part-00000-"), std::string::npos) << f;
    std::ifstream is(f);
    contents.push_back(std::string(std::istreambuf_iterator<char>(is), {}));
  }
  std::sort(contents.begin(), contents.end());
  EXPECT_EQ(contents, (std::vector<std::string>{"id\n1\n2\n", "id\n3\n", "id\n4\n5\n"}));
}

// A streaming aggregation over several input partitions (three files in the
// first batch, one per partition): each partition folds its rows into a
// table of its own, and the tables merge before the state is updated.
TEST_F(StreamTest, AggregationMergesThePartialsOfEveryInputPartition) {
  std::string in = dir.path() + "/in";
  ASSERT_TRUE(Env::Default()->CreateDir(in).ok());
  WriteText(in + "/a.json", "{\"k\":\"a\",\"v\":1}\n{\"k\":\"b\",\"v\":2}\n");
  WriteText(in + "/b.json", "{\"k\":\"a\",\"v\":3}\n{\"k\":\"c\",\"v\":4}\n");
  WriteText(in + "/c.json", "{\"k\":\"a\",\"v\":5}\n");
  auto df = spark->readStream().format("json").schema("k STRING, v BIGINT").load(in).groupBy({"k"}).agg(
      {count(lit(1)).alias("n"), sum(col("v")).alias("s")});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto run = [&] {
    auto q = df.writeStream().format("memory").queryName("agg3").outputMode("complete")
                 .option("checkpointLocation", ck()).trigger(Trigger::AvailableNow()).start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->awaitTermination().ok());
  };
  run();
  EXPECT_EQ(TableRows(*spark, "agg3"), (std::vector<std::string>{"a,3,9", "b,1,2", "c,1,4"}));
  WriteText(in + "/d.json", "{\"k\":\"b\",\"v\":10}\n");
  run();
  EXPECT_EQ(TableRows(*spark, "agg3"), (std::vector<std::string>{"a,3,9", "b,2,12", "c,1,4"}));
}

// 25 batches into the file sink: the manifest compacts every 10 batches, so
// its directory stays small, and a batch read of the output (which trusts the
// manifest) sees every row once, also after a restart in the middle.
TEST_F(StreamTest, FileSinkManifestStaysBoundedOverManyBatches) {
  auto input = std::make_shared<MemoryStream>(KV());
  std::string out = dir.path() + "/out";
  auto df = spark->readStream().source(input).select({"k", "v"});
  auto start = [&] {
    return df.writeStream().format("json").option("checkpointLocation", ck()).start(out);
  };
  int64_t expected_sum = 0;
  for (int round = 0; round < 2; ++round) {
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    for (int b = 0; b < (round == 0 ? 12 : 13); ++b) {
      int64_t v = round * 100 + b;
      expected_sum += v;
      ASSERT_TRUE(input->AddRows(KVRows({{"k" + std::to_string(v), v}})).ok());
      ASSERT_TRUE(q->processAllAvailable().ok());
    }
    ASSERT_TRUE(q->stop().ok());
  }
  // Compaction at batches 9 and 19 replaces the earlier entries: what is left
  // is 19.compact plus the batches after it (20..24), and `checksums`.
  auto listed = Env::Default()->ListDir(out + "/_sluice_metadata");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> names = *listed;
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"19.compact", "20", "21", "22", "23", "24", "checksums"}));
  auto r = spark->read().format("json").schema("k STRING, v BIGINT").load(out).agg({count(lit(1)), sum(col("v"))}).collect();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Strings(r->Rows()), (std::vector<std::string>{"25," + std::to_string(expected_sum)}));
}

// File names that need escaping in the seen-files log (a quote, a
// backslash, non-ASCII) are still recognized after a restart: no file is
// read twice.
TEST_F(StreamTest, FileSourceSeenFilesWithOddNames) {
  std::string in = dir.path() + "/in";
  ASSERT_TRUE(Env::Default()->CreateDir(in).ok());
  WriteText(in + "/we\"ird\\name.json", "{\"id\":1}\n");
  WriteText(in + "/caf\xc3\xa9.json", "{\"id\":2}\n");
  auto df = spark->readStream().format("json").schema("id BIGINT").load(in);
  for (int run = 0; run < 2; ++run) {
    auto q = df.writeStream().format("memory").queryName("odd").option("checkpointLocation", ck())
                 .trigger(Trigger::AvailableNow()).start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->awaitTermination().ok()) << "run " << run;
    EXPECT_EQ(TableRows(*spark, "odd"), (std::vector<std::string>{"1", "2"})) << "run " << run;
  }
}

TEST_F(StreamTest, ProcessingTimeTriggerWithManualClock) {
  ManualClock clock(1'000'000'000);  // 1000 s after the epoch, in micros
  auto input = std::make_shared<MemoryStream>(KV());
  auto q = spark->readStream().source(input).writeStream().format("memory").queryName("pt")
               .option("checkpointLocation", ck()).trigger(Trigger::ProcessingTime(1000)).clock(&clock).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  auto wait_batches = [&](size_t n) {
    for (int i = 0; i < 2000 && q->recentProgress().size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return q->recentProgress().size();
  };
  auto settle = [] { std::this_thread::sleep_for(std::chrono::milliseconds(60)); };
  // The first trigger (t = 1000 s) must have found no data before the row
  // comes; on a loaded machine the query's start can take longer than a
  // fixed sleep.
  for (int i = 0; i < 2000 && q->status().message != "Waiting for data to arrive"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(q->status().message, "Waiting for data to arrive");
  settle();
  EXPECT_EQ(q->recentProgress().size(), 0u);  // no data: no batch
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
  settle();
  EXPECT_EQ(q->recentProgress().size(), 0u);  // the next trigger is at t=1001 s
  clock.AdvanceMillis(1000);
  ASSERT_EQ(wait_batches(1), 1u);
  EXPECT_EQ(q->recentProgress()[0].timestamp, "1970-01-01T00:16:41.000Z");
  // The batch "took" 2.5 intervals: the missed trigger fires at once, once.
  ASSERT_TRUE(input->AddRows(KVRows({{"b", 2}})).ok());
  clock.AdvanceMillis(2500);  // t = 1003.5 s
  ASSERT_EQ(wait_batches(2), 2u);
  EXPECT_EQ(q->recentProgress()[1].timestamp, "1970-01-01T00:16:43.500Z");
  ASSERT_TRUE(input->AddRows(KVRows({{"c", 3}})).ok());
  settle();
  EXPECT_EQ(q->recentProgress().size(), 2u);  // next trigger at 1004 s, not before
  clock.AdvanceMillis(500);
  ASSERT_EQ(wait_batches(3), 3u);
  EXPECT_EQ(q->recentProgress()[2].timestamp, "1970-01-01T00:16:44.000Z");
  ASSERT_TRUE(q->stop().ok());
}

struct RecordingListener : StreamingQueryListener {
  std::mutex mu;
  std::vector<std::string> events;
  void onQueryStarted(const QueryStartedEvent& e) override {
    std::lock_guard<std::mutex> l(mu);
    events.push_back("started " + e.name);
  }
  void onQueryProgress(const StreamingQueryProgress& p) override {
    std::lock_guard<std::mutex> l(mu);
    events.push_back("progress " + std::to_string(p.batchId));
  }
  void onQueryTerminated(const QueryTerminatedEvent& e) override {
    std::lock_guard<std::mutex> l(mu);
    events.push_back(e.exception ? "failed" : "terminated");
  }
};

TEST_F(StreamTest, ProgressJsonAndListener) {
  auto listener = std::make_shared<RecordingListener>();
  spark->streams().addListener(listener);
  auto q = spark->readStream().format("rate-micro-batch").option("rowsPerBatch", "100").load()
               .selectExpr({"value % 3 AS k"}).groupBy({"k"}).count()
               .writeStream().format("memory").queryName("prog").outputMode("complete")
               .option("checkpointLocation", ck()).trigger(Trigger::AvailableNow()).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->awaitTermination().ok());
  // values 0..99: k=0 34 times, k=1 33, k=2 33.
  EXPECT_EQ(TableRows(*spark, "prog"), (std::vector<std::string>{"0,34", "1,33", "2,33"}));
  auto p = q->lastProgress();
  ASSERT_TRUE(p.has_value());
  std::string j = p->json();
  for (const char* f : {"\"id\":", "\"runId\":", "\"name\":\"prog\"", "\"timestamp\":", "\"batchId\":0",
                        "\"numInputRows\":100", "\"inputRowsPerSecond\":", "\"processedRowsPerSecond\":",
                        "\"durationMs\":{", "\"latestOffset\":", "\"getBatch\":", "\"queryPlanning\":",
                        "\"addBatch\":", "\"walCommit\":", "\"commitOffsets\":", "\"triggerExecution\":",
                        "\"stateOperators\":[{", "\"numRowsTotal\":3", "\"sources\":[{", "\"startOffset\":null",
                        "\"endOffset\":100", "\"sink\":{\"description\":\"MemorySink\",\"numOutputRows\":3}"}) {
    EXPECT_NE(j.find(f), std::string::npos) << f << " in " << j;
  }
  std::lock_guard<std::mutex> l(listener->mu);
  EXPECT_EQ(listener->events, (std::vector<std::string>{"started prog", "progress 0", "terminated"}));
}

// A sink that writes rows as they come (it overrides BeginBatch): records
// every Write with its partition, and the Commits. AddBatch must not be used.
class StreamingRecordingSink : public CollectingSink {
 public:
  struct Log {
    std::mutex mu;
    std::vector<std::pair<int64_t, int>> begun;  // batch id, partitions
    std::vector<std::string> rows;               // "batch:partition:row"
    std::vector<int64_t> committed;
    int add_batch_calls = 0;
    std::string fail_write_with;  // non-empty: every Write fails with it
  };
  explicit StreamingRecordingSink(std::shared_ptr<Log> log) : log_(std::move(log)) {}
  std::string description() const override { return "StreamingRecordingSink"; }
  Status AddBatch(int64_t, const Schema&, const std::vector<Batch>&, OutputMode) override {
    std::lock_guard<std::mutex> l(log_->mu);
    ++log_->add_batch_calls;
    return Status::OK();
  }
  Result<std::unique_ptr<SinkWriter>> BeginBatch(const SinkBatchInfo& batch, const Schema&, OutputMode,
                                                 int num_partitions) override {
    std::lock_guard<std::mutex> l(log_->mu);
    log_->begun.push_back({batch.id, num_partitions});
    return std::unique_ptr<SinkWriter>(std::make_unique<Writer>(log_, batch.id, num_partitions));
  }

 private:
  class Writer : public SinkWriter {
   public:
    Writer(std::shared_ptr<Log> log, int64_t id, int parts) : log_(std::move(log)), id_(id), parts_(parts) {}
    Status Write(int partition, Batch batch) override {
      std::lock_guard<std::mutex> l(log_->mu);
      if (!log_->fail_write_with.empty()) return Status::IOError(log_->fail_write_with);
      if (partition < 0 || partition >= parts_) return Status::Internal("partition out of range");
      for (size_t i = 0; i < batch.num_rows; ++i) {
        std::string r;
        for (const auto& v : batch.Row(i)) r += (r.empty() ? "" : ",") + v.ToString();
        log_->rows.push_back(std::to_string(id_) + ":" + std::to_string(partition) + ":" + r);
      }
      return Status::OK();
    }
    Status Commit() override {
      std::lock_guard<std::mutex> l(log_->mu);
      log_->committed.push_back(id_);
      return Status::OK();
    }

   private:
    std::shared_ptr<Log> log_;
    int64_t id_;
    int parts_;
  };
  std::shared_ptr<Log> log_;
};

// The rows of a micro-batch stream from each partition of the plan into the
// sink's writer (never collected first), then the writer commits; a failed
// Write fails the batch, which is not committed and is replayed whole.
TEST_F(StreamTest, SinkWriterGetsEachPartitionsRowsThenCommitsAndAFailedWriteIsReplayed) {
  // Three files: the file scan reads each as its own partition.
  std::string in = dir.path() + "/in";
  ASSERT_TRUE(Env::Default()->CreateDir(in).ok());
  WriteText(in + "/a.json", "{\"id\":1}\n{\"id\":2}\n");
  WriteText(in + "/b.json", "{\"id\":3}\n{\"id\":4}\n{\"id\":5}\n");
  WriteText(in + "/c.json", "{\"id\":6}\n");
  auto df = spark->readStream().format("json").schema("id BIGINT").load(in).filter("id <> 4");
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto log = std::make_shared<StreamingRecordingSink::Log>();
  auto run_once = [&]() -> Status {
    StreamingQueryConfig config;
    config.checkpoint_dir = ck();
    config.trigger = Trigger::Once();
    auto exec = std::make_shared<MicroBatchExecution>(df.session(), df.plan(),
                                                      std::make_shared<StreamingRecordingSink>(log), config, nullptr);
    SLUICE_RETURN_NOT_OK(exec->Start());
    return exec->RunLoop();
  };
  log->fail_write_with = "disk full";
  Status st = run_once();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("disk full"), std::string::npos) << st.ToString();
  EXPECT_NE(st.ToString().find("sink StreamingRecordingSink"), std::string::npos) << st.ToString();
  EXPECT_TRUE(log->committed.empty());
  EXPECT_FALSE(Env::Default()->FileExists(ck() + "/commits/0"));

  log->fail_write_with.clear();
  ASSERT_TRUE(run_once().ok());
  // Batch 0 again (the replay), with all three files: the rows of each file
  // came from one partition of their own.
  ASSERT_EQ(log->begun.size(), 2u);
  EXPECT_EQ(log->begun[1], (std::pair<int64_t, int>{0, 3}));
  std::map<std::string, std::vector<std::string>> by_partition;
  for (const auto& r : log->rows) {
    size_t a = r.find(':'), b = r.find(':', a + 1);
    EXPECT_EQ(r.substr(0, a), "0") << r;  // batch 0
    by_partition[r.substr(a + 1, b - a - 1)].push_back(r.substr(b + 1));
  }
  std::vector<std::vector<std::string>> groups;
  for (auto& [p, rows] : by_partition) {
    std::sort(rows.begin(), rows.end());
    groups.push_back(rows);
  }
  std::sort(groups.begin(), groups.end());
  EXPECT_EQ(groups, (std::vector<std::vector<std::string>>{{"1", "2"}, {"3", "5"}, {"6"}}));
  EXPECT_EQ(log->committed, (std::vector<int64_t>{0}));
  EXPECT_EQ(log->add_batch_calls, 0);
  EXPECT_TRUE(Env::Default()->FileExists(ck() + "/commits/0"));
}

// `SET spark.sql.shuffle.partitions` in the session is the default of the
// queries it starts afterwards (Spark's behaviour); the query's own option
// wins over it.
TEST_F(StreamTest, SessionSetShufflePartitionsIsTheQueriesDefault) {
  auto input = std::make_shared<MemoryStream>(KV());
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"b", 2}})).ok());
  ASSERT_TRUE(spark->Sql("SET spark.sql.shuffle.partitions = 3").ok());
  auto run = [&](const std::string& checkpoint, std::optional<std::string> option) -> int64_t {
    auto w = spark->readStream().source(input).groupBy({"k"}).count().writeStream().format("memory")
                 .queryName("counts").outputMode("complete").option("checkpointLocation", checkpoint);
    if (option) w.option("spark.sql.shuffle.partitions", *option);
    auto q = w.start();
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    if (!q.ok()) return -1;
    EXPECT_TRUE(q->processAllAvailable().ok());
    auto p = q->lastProgress();
    EXPECT_TRUE(q->stop().ok());
    if (!p || p->stateOperators.size() != 1) return -1;
    return p->stateOperators[0].numShufflePartitions;
  };
  EXPECT_EQ(run(ck(), std::nullopt), 3);
  EXPECT_EQ(run(dir.path() + "/ck2", std::string("5")), 5);
}

// minBatchesToRetain bounds what a checkpoint keeps of the offset and commit
// logs and of the state stores' versions alike, as Spark's
// spark.sql.streaming.minBatchesToRetain does (its state stores keep the
// versions from latest - that value on). Given as the query's option or set
// in the session (SET spark.sql.streaming.minBatchesToRetain = 3). With 3,
// after 15 batches the state keeps versions 12..15, which need snapshot 10
// and deltas 11..15 only; with the default 100 every delta stays. The query
// then restarts from what is left.
TEST_F(StreamTest, MinBatchesToRetainAlsoBoundsTheStateVersions) {
  enum class How { kDefault, kOption, kSession };
  for (How how : {How::kDefault, How::kOption, How::kSession}) {
    SCOPED_TRACE(static_cast<int>(how));
    auto session = Session::Create();
    if (how == How::kSession) {
      ASSERT_TRUE(session->Sql("SET spark.sql.streaming.minBatchesToRetain = 3").ok());
    }
    auto input = std::make_shared<MemoryStream>(KV());
    const std::string checkpoint = dir.path() + "/ck-retain-" + std::to_string(static_cast<int>(how));
    auto start = [&] {
      auto w = session->readStream().source(input).groupBy({"k"}).count().writeStream().format("memory")
                   .queryName("counts").outputMode("complete").option("checkpointLocation", checkpoint)
                   .option("spark.sql.shuffle.partitions", "1");
      if (how == How::kOption) w.option("minBatchesToRetain", "3");
      return w.start();
    };
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    for (int b = 0; b < 15; ++b) {
      ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
      ASSERT_TRUE(q->processAllAvailable().ok());
    }
    ASSERT_TRUE(q->stop().ok());
    Env* env = Env::Default();
    const std::string state = checkpoint + "/state/0/0/";
    EXPECT_TRUE(env->FileExists(state + "15.delta"));
    EXPECT_TRUE(env->FileExists(state + "10.snapshot"));
    const bool bounded = how != How::kDefault;
    EXPECT_EQ(env->FileExists(checkpoint + "/offsets/0"), !bounded);
    EXPECT_EQ(env->FileExists(state + "1.delta"), !bounded);
    EXPECT_EQ(env->FileExists(state + "10.delta"), !bounded);
    ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
    auto again = start();
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    ASSERT_TRUE(again->processAllAvailable().ok());
    EXPECT_EQ(TableRows(*session, "counts"), (std::vector<std::string>{"a,16"}));
    ASSERT_TRUE(again->stop().ok());
  }
}

// With minBatchesToRetain 1 the newest batch must still be replayable: a
// crash after its state version was committed and before commits/<id>
// (simulated by deleting commits/9) makes the restart run batch 9 again from
// state version 9. Version 10 is a snapshot (minDeltasForSnapshot 10), so a
// store keeping only the newest version would have deleted what version 9
// needs; as in Spark, the stores keep the retained batches' versions and the
// one before them.
TEST_F(StreamTest, MinBatchesToRetainOneStillReplaysTheNewestBatch) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto start = [&] {
    return spark->readStream().source(input).groupBy({"k"}).count().writeStream().format("memory")
        .queryName("counts").outputMode("complete").option("checkpointLocation", ck())
        .option("spark.sql.shuffle.partitions", "1").option("minBatchesToRetain", "1").start();
  };
  auto q = start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  for (int b = 0; b < 10; ++b) {
    ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
    ASSERT_TRUE(q->processAllAvailable().ok());
  }
  ASSERT_TRUE(q->stop().ok());
  Env* env = Env::Default();
  ASSERT_TRUE(env->FileExists(ck() + "/state/0/0/10.snapshot"));
  ASSERT_TRUE(env->FileExists(ck() + "/commits/9"));
  ASSERT_TRUE(env->DeleteFile(ck() + "/commits/9").ok());
  auto again = start();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  Status processed = again->processAllAvailable();
  ASSERT_TRUE(processed.ok()) << processed.ToString();
  EXPECT_EQ(TableRows(*spark, "counts"), (std::vector<std::string>{"a,10"}));
  EXPECT_TRUE(env->FileExists(ck() + "/commits/9"));
  ASSERT_TRUE(again->stop().ok());
}

// The stateful aggregation is a physical operator whose partitions are the
// state's shuffle partitions: a Limit above it in complete mode opens only
// the first, yet every partition commits its state version each batch (the
// runner finishes the stateful operators), so the next batch loads them all.
TEST_F(StreamTest, StatefulAggregateCommitsEveryStatePartitionUnderALimit) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input).groupBy({"k"}).count().orderBy({col("k")}).limit(2);
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto top = spark->readStream().source(input).groupBy({"k"}).count().limit(1);
  ASSERT_TRUE(top.status().ok()) << top.status().ToString();
  auto run = [&](const DataFrame& d, const std::string& name, const std::string& checkpoint) {
    auto q = d.writeStream().format("memory").queryName(name).outputMode("complete")
                 .option("checkpointLocation", checkpoint).option("spark.sql.shuffle.partitions", "4").start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    auto p = q->lastProgress();
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->stateOperators.size(), 1u);
    EXPECT_EQ(p->stateOperators[0].numShufflePartitions, 4);
    ASSERT_TRUE(q->stop().ok());
  };
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}, {"e", 1}, {"f", 1}})).ok());
    run(df, "sorted", ck());
    run(top, "top", dir.path() + "/ck2");
  }
  EXPECT_EQ(TableRows(*spark, "sorted"), (std::vector<std::string>{"a,3", "b,3"}));
  auto rows = TableRows(*spark, "top");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].substr(1), ",3");
  for (const std::string& c : {ck(), dir.path() + "/ck2"}) {
    for (int p = 0; p < 4; ++p) {
      EXPECT_TRUE(Env::Default()->FileExists(c + "/state/0/" + std::to_string(p) + "/3.delta")) << c << " partition " << p;
    }
  }
}

// --- State schema: a stateful operator records its key and value columns in
// <checkpoint>/state/<op>/_metadata/schema at its first batch; a restarted
// query whose state would not fit fails at start with an error that names the
// operator and the change, before any new batch is logged.

Schema Clicks() {
  return Schema({{"user_id", DataType::String()}, {"ad_id", DataType::String()}, {"x", DataType::Bigint()}});
}

std::vector<std::vector<Value>> ClickRows(std::vector<std::tuple<std::string, std::string, int64_t>> rows) {
  std::vector<std::vector<Value>> out;
  for (auto& [u, a, x] : rows) out.push_back({Value::String(u), Value::String(a), Value::Bigint(x)});
  return out;
}

// On each state store provider (the parameter, state_store_provider_param.h).
class StateSchemaTest : public StreamTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void TearDown() override { ExpectStateWrittenBy(dir.path(), GetParam()); }
  std::shared_ptr<MemoryStream> input = std::make_shared<MemoryStream>(Clicks());
  DataFrame clicks() { return spark->readStream().source(input); }
  Result<StreamingQuery> Start(const DataFrame& df, const std::string& mode = "complete") {
    return df.writeStream().format("memory").queryName("agg").outputMode(mode).option("checkpointLocation", ck())
        .option(kStateStoreProviderClass, GetParam()).start();
  }
  // Runs `df` over what was added so far, then stops.
  void RunToEnd(const DataFrame& df, const std::string& mode = "complete") {
    ASSERT_TRUE(df.status().ok()) << df.status().ToString();
    auto q = Start(df, mode);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  // Starting `df` fails with a state-schema error holding every needle; no
  // batch was logged for the data added meanwhile.
  void ExpectIncompatible(const DataFrame& df, const std::vector<std::string>& needles,
                          const std::string& mode = "complete") {
    ASSERT_TRUE(df.status().ok()) << df.status().ToString();
    auto before = OffsetLog::Open(Env::Default(), ck());
    ASSERT_TRUE(before.ok());
    auto latest_before = before->GetLatestBatchId();
    ASSERT_TRUE(latest_before.ok());
    ASSERT_TRUE(input->AddRows(ClickRows({{"u9", "a9", 100}})).ok());
    auto q = Start(df, mode);
    if (q.ok()) {
      // It must not run a batch either.
      Status st = q->processAllAvailable();
      ASSERT_TRUE(q->stop().ok());
      FAIL() << "the changed query started; processAllAvailable: " << st.ToString()
             << "; rows: " << ::testing::PrintToString(TableRows(*spark, "agg"));
    }
    EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument) << q.status().ToString();
    for (const auto& n : needles) {
      EXPECT_NE(q.status().message().find(n), std::string::npos) << "missing \"" << n << "\" in " << q.status().ToString();
    }
    auto after = OffsetLog::Open(Env::Default(), ck());
    ASSERT_TRUE(after.ok());
    auto latest_after = after->GetLatestBatchId();
    ASSERT_TRUE(latest_after.ok());
    EXPECT_EQ(*latest_after, *latest_before) << "a batch was logged by the failed start";
  }
  std::string SchemaPath() const { return ck() + "/state/0/_metadata/schema"; }
};

SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS(StateSchemaTest);

TEST_P(StateSchemaTest, ChangedGroupingKeyFailsNamingTheKeyColumns) {
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 1}, {"u2", "a1", 2}})).ok());
  RunToEnd(clicks().groupBy({"user_id"}).agg({count(lit(1)).alias("n"), sum(col("x")).alias("s")}));
  EXPECT_EQ(TableRows(*spark, "agg"), (std::vector<std::string>{"u1,1,1", "u2,1,2"}));
  ExpectIncompatible(clicks().groupBy({"ad_id"}).agg({count(lit(1)).alias("n"), sum(col("x")).alias("s")}),
                     {"StatefulAggregate (operator 0): the query's state schema is not compatible with the checkpoint " +
                          ck(),
                      "key columns changed from (user_id STRING) to (ad_id STRING)",
                      "[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]"});
  // A key of another type, and a second key column.
  ExpectIncompatible(clicks().groupBy({expr("length(user_id)").alias("user_id")}).agg(
                         {count(lit(1)).alias("n"), sum(col("x")).alias("s")}),
                     {"key columns changed from (user_id STRING) to (length(user_id) INT)",
                      "[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]"});
  ExpectIncompatible(clicks().groupBy({"user_id", "ad_id"}).agg({count(lit(1)).alias("n"), sum(col("x")).alias("s")}),
                     {"key columns changed from (user_id STRING) to (user_id STRING, ad_id STRING)",
                      "[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]"});
}

TEST_P(StateSchemaTest, SwappedAggregatesFailNamingTheValueColumns) {
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 5}, {"u1", "a2", 7}})).ok());
  RunToEnd(clicks().groupBy({"user_id"}).agg({count(lit(1)).alias("n"), sum(col("x")).alias("s")}));
  EXPECT_EQ(TableRows(*spark, "agg"), (std::vector<std::string>{"u1,2,12"}));
  ExpectIncompatible(clicks().groupBy({"user_id"}).agg({sum(col("x")).alias("s"), count(lit(1)).alias("n")}),
                     {"StatefulAggregate (operator 0): the query's state schema is not compatible with the checkpoint " +
                          ck(),
                      "value columns changed: column 0 was count(1) AS n BIGINT, is now sum(x) AS s BIGINT",
                      "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]"});
}

TEST_P(StateSchemaTest, AddedOrRemovedAggregateFails) {
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 5}})).ok());
  RunToEnd(clicks().groupBy({"user_id"}).agg({count(lit(1)).alias("n"), sum(col("x")).alias("s")}));
  ExpectIncompatible(clicks().groupBy({"user_id"}).agg(
                         {count(lit(1)).alias("n"), sum(col("x")).alias("s"), max(col("x")).alias("hi")}),
                     {"value columns changed: column 2 max(x) AS hi BIGINT was added",
                      "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]"});
  ExpectIncompatible(clicks().groupBy({"user_id"}).agg({count(lit(1)).alias("n")}),
                     {"value columns changed: column 1 sum(x) AS s BIGINT was removed",
                      "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]"});
  // The same function over an argument of another type: its result and its
  // stored state have another type.
  ExpectIncompatible(clicks().groupBy({"user_id"}).agg(
                         {count(lit(1)).alias("n"), sum(expr("CAST(x AS DOUBLE)")).alias("s")}),
                     {"value columns changed: column 1 was sum(x) AS s BIGINT, is now sum(CAST(x AS DOUBLE)) AS s DOUBLE",
                      "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]"});
}

TEST_P(StateSchemaTest, SameQueryRestartsAndContinuesItsTotals) {
  auto make = [&] { return clicks().groupBy({"user_id"}).agg({count(lit(1)).alias("n"), sum(col("x")).alias("s")}); };
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 5}, {"u2", "a1", 1}})).ok());
  RunToEnd(make());
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a2", 7}})).ok());
  RunToEnd(make());  // a new DataFrame, the same query
  EXPECT_EQ(TableRows(*spark, "agg"), (std::vector<std::string>{"u1,2,12", "u2,1,1"}));
  // Renaming the source columns' case does not change the state.
  ASSERT_TRUE(input->AddRows(ClickRows({{"u2", "a2", 3}})).ok());
  RunToEnd(clicks().groupBy({"USER_ID"}).agg({count(lit(1)).alias("n"), sum(col("x")).alias("s")}));
  EXPECT_EQ(TableRows(*spark, "agg"), (std::vector<std::string>{"u1,2,12", "u2,2,4"}));
}

TEST_P(StateSchemaTest, SchemaFileRecordsKeysAndValues) {
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 5}})).ok());
  RunToEnd(clicks().groupBy({"user_id"}).agg(
      {count(lit(1)).alias("n"), sum(col("x")).alias("s"), avg(col("x")).alias("a")}));
  std::string text;
  ASSERT_TRUE(Env::Default()->ReadFileToString(SchemaPath(), &text).ok());
  EXPECT_EQ(text,
            "v1\n"
            "{\"operator\":\"StatefulAggregate\","
            "\"keyColumns\":[{\"name\":\"user_id\",\"type\":\"STRING\"}],"
            "\"valueColumns\":["
            "{\"name\":\"n\",\"function\":\"count\",\"sql\":\"count(1)\",\"argumentType\":null,"
            "\"resultType\":\"BIGINT\",\"stateTypes\":[\"BIGINT\"]},"
            "{\"name\":\"s\",\"function\":\"sum\",\"sql\":\"sum(x)\",\"argumentType\":\"BIGINT\","
            "\"resultType\":\"BIGINT\",\"stateTypes\":[\"BIGINT\"]},"
            "{\"name\":\"a\",\"function\":\"avg\",\"sql\":\"avg(x)\",\"argumentType\":\"BIGINT\","
            "\"resultType\":\"DOUBLE\",\"stateTypes\":[\"DOUBLE\",\"BIGINT\"]}]}\n");
}

// A checkpoint written before state schemas existed (state files, no schema
// file) keeps working; its next batch writes the schema, which from then on
// guards it.
TEST_P(StateSchemaTest, CheckpointWithoutSchemaFileGetsOneAtItsNextBatch) {
  auto make = [&] { return clicks().groupBy({"user_id"}).agg({count(lit(1)).alias("n"), sum(col("x")).alias("s")}); };
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 5}})).ok());
  RunToEnd(make());
  ASSERT_TRUE(Env::Default()->DeleteFile(SchemaPath()).ok());
  ASSERT_TRUE(Env::Default()->DeleteDir(ck() + "/state/0/_metadata").ok());
  RunToEnd(make());  // no new data: no batch, no schema yet
  EXPECT_FALSE(Env::Default()->FileExists(SchemaPath()));
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 2}})).ok());
  RunToEnd(make());
  EXPECT_EQ(TableRows(*spark, "agg"), (std::vector<std::string>{"u1,2,7"}));
  EXPECT_TRUE(Env::Default()->FileExists(SchemaPath()));
  ExpectIncompatible(clicks().groupBy({"user_id"}).agg({sum(col("x")).alias("s"), count(lit(1)).alias("n")}),
                     {"[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]"});
}

TEST_P(StateSchemaTest, DamagedSchemaFileIsCorruptionNamingIt) {
  auto make = [&] { return clicks().groupBy({"user_id"}).agg({count(lit(1)).alias("n")}); };
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 5}})).ok());
  RunToEnd(make());
  for (std::string bad : {std::string(""), std::string("v1\n{\"operator\":"), std::string("v1\n{\"operator\":\"x\"}\n"),
                          std::string("v7\n{}\n")}) {
    ASSERT_TRUE(Env::Default()->WriteFile(SchemaPath(), bad, false).ok());
    auto q = Start(make());
    ASSERT_FALSE(q.ok()) << "schema file: " << bad;
    EXPECT_EQ(q.status().code(), StatusCode::kCorruption) << q.status().ToString();
    EXPECT_NE(q.status().message().find(SchemaPath()), std::string::npos) << q.status().ToString();
  }
}

// The other stateful operators record their schemas too: a deduplication
// on other columns, or another kind of operator at the same id, fails the
// restart naming the change.
TEST_P(StateSchemaTest, ChangedDeduplicationKeysFailNamingThem) {
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 1}, {"u1", "a2", 2}})).ok());
  RunToEnd(clicks().dropDuplicates({"user_id"}), "append");
  EXPECT_EQ(TableRows(*spark, "agg"), (std::vector<std::string>{"u1,a1,1"}));
  ExpectIncompatible(clicks().dropDuplicates({"ad_id"}),
                     {"dedupe (operator 0): the query's state schema is not compatible with the checkpoint " + ck(),
                      "key columns changed from (user_id STRING) to (ad_id STRING)",
                      "[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]"},
                     "append");
}

TEST_P(StateSchemaTest, AnotherOperatorKindAtTheSameIdFailsNamingBoth) {
  ASSERT_TRUE(input->AddRows(ClickRows({{"u1", "a1", 1}})).ok());
  RunToEnd(clicks().dropDuplicates({"user_id"}), "append");
  ExpectIncompatible(clicks().groupBy({"user_id"}).agg({count(lit(1)).alias("n")}),
                     {"the checkpoint's operator 0 is a dedupe, the query's is a StatefulAggregate",
                      "[STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA]"});
}

TEST_F(StreamTest, RateMicroBatchIsDeterministicPerBatch) {
  auto q = spark->readStream().format("rate-micro-batch").option("rowsPerBatch", "5").option("startTimestamp", "1000")
               .load().writeStream().format("memory").queryName("rmb").option("checkpointLocation", ck())
               .trigger(Trigger::Once()).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->awaitTermination().ok());
  auto r = spark->Sql("SELECT count(*), min(value), max(value), min(timestamp) = max(timestamp) FROM rmb");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Strings(r->Rows()), (std::vector<std::string>{"5,0,4,true"}));
}

TEST_F(StreamTest, LogsALinePerBatchAndWarnsWhileADirectoryIsMissing) {
  LogCapture capture;
  std::string in = dir.path() + "/not-yet";
  auto q = spark->readStream().format("json").schema("id BIGINT").load(in).writeStream().format("memory")
               .queryName("waits").option("checkpointLocation", ck()).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  // Warned at once, not at every poll (the next one is 5 s later).
  auto warnings = [&] {
    int n = 0;
    for (const auto& line : capture.lines()) {
      n += line.rfind("warn [FileStreamSource[" + in + "]] directory " + in + " does not exist", 0) == 0;
    }
    return n;
  };
  EXPECT_EQ(warnings(), 1) << capture.text();
  ASSERT_TRUE(Env::Default()->CreateDir(in).ok());
  WriteText(in + "/a.json", "{\"id\":1}\n{\"id\":2}\n");
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  EXPECT_EQ(TableRows(*spark, "waits"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(warnings(), 1) << capture.text();
  std::string text = capture.text();
  EXPECT_NE(text.find("info [stream] query 'waits' batch 0: 2 input rows in "), std::string::npos) << text;
  EXPECT_NE(text.find(" ms, 0 state rows"), std::string::npos) << text;
}

TEST_F(StreamTest, AFailedQueryLogsAnErrorWithItsContext) {
  LogCapture capture;
  auto input = std::make_shared<MemoryStream>(KV());
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
  auto q = spark->readStream().source(input).selectExpr({"1 / (v - 1) AS x"}).writeStream().format("memory")
               .queryName("fails").option("checkpointLocation", ck()).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_FALSE(q->awaitTermination().ok());
  std::string text = capture.text();
  EXPECT_NE(text.find("error [stream] query 'fails' (id=" + q->id()), std::string::npos) << text;
  EXPECT_NE(text.find("failed in batch 0: "), std::string::npos) << text;
  EXPECT_NE(text.find("DIVIDE_BY_ZERO"), std::string::npos) << text;
}

// Spark's QueryIdleEvent: a trigger without new data posts one when the last
// batch or idle event is at least noDataProgressEventInterval old (the
// query's clock), so an idle query reports once per interval.
struct IdleListener : StreamingQueryListener {
  std::mutex mu;
  std::vector<std::string> idle;  // timestamps
  int progress = 0;
  void onQueryProgress(const StreamingQueryProgress&) override {
    std::lock_guard<std::mutex> l(mu);
    ++progress;
  }
  void onQueryIdle(const QueryIdleEvent& e) override {
    std::lock_guard<std::mutex> l(mu);
    idle.push_back(e.timestamp);
  }
  size_t Idle() {
    std::lock_guard<std::mutex> l(mu);
    return idle.size();
  }
};

TEST_F(StreamTest, IdleEventsOncePerIntervalOfTheQueryClock) {
  ManualClock clock(1'000'000'000);  // t = 1000 s
  auto listener = std::make_shared<IdleListener>();
  spark->streams().addListener(listener);
  auto input = std::make_shared<MemoryStream>(KV());
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
  auto q = spark->readStream().source(input).writeStream().format("memory").queryName("idle")
               .option("checkpointLocation", ck()).option("spark.sql.streaming.noDataProgressEventInterval", "1000")
               .clock(&clock).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  auto settle = [] { std::this_thread::sleep_for(std::chrono::milliseconds(80)); };
  auto wait_idle = [&](size_t n) {
    for (int i = 0; i < 2000 && listener->Idle() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return listener->Idle();
  };
  settle();
  EXPECT_EQ(listener->Idle(), 0u);  // idle triggers, but the batch was less than 1 s ago
  clock.AdvanceMillis(999);
  settle();
  EXPECT_EQ(listener->Idle(), 0u);
  clock.AdvanceMillis(1);
  ASSERT_EQ(wait_idle(1), 1u);
  clock.AdvanceMillis(500);
  settle();
  EXPECT_EQ(listener->Idle(), 1u);  // once per interval
  clock.AdvanceMillis(500);
  ASSERT_EQ(wait_idle(2), 2u);
  {
    std::lock_guard<std::mutex> l(listener->mu);
    EXPECT_EQ(listener->idle[0], "1970-01-01T00:16:41.000Z");
    EXPECT_EQ(listener->idle[1], "1970-01-01T00:16:42.000Z");
    EXPECT_EQ(listener->progress, 1);  // idle triggers post no progress
  }
  ASSERT_TRUE(q->stop().ok());
  spark->streams().removeListener(listener);
}

// Before any batch: the first idle trigger posts nothing, the next idle
// event comes an interval later (Spark 4.3 does the same: with a 2 s
// interval over an empty source, its first QueryIdleEvent came at 2.4 s).
TEST_F(StreamTest, FirstIdleEventAnIntervalAfterStart) {
  ManualClock clock(1'000'000'000);
  auto listener = std::make_shared<IdleListener>();
  spark->streams().addListener(listener);
  auto input = std::make_shared<MemoryStream>(KV());
  auto q = spark->readStream().source(input).writeStream().format("memory").queryName("idle0")
               .option("checkpointLocation", ck()).option("spark.sql.streaming.noDataProgressEventInterval", "1000")
               .clock(&clock).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  EXPECT_EQ(listener->Idle(), 0u);
  clock.AdvanceMillis(1000);
  for (int i = 0; i < 2000 && listener->Idle() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(listener->Idle(), 1u);
  ASSERT_TRUE(q->stop().ok());
  spark->streams().removeListener(listener);
}

TEST_F(StreamTest, TerminatedEventCarriesTheErrorClass) {
  struct Rec : StreamingQueryListener {
    std::mutex mu;
    std::optional<QueryTerminatedEvent> ev;
    void onQueryTerminated(const QueryTerminatedEvent& e) override {
      std::lock_guard<std::mutex> l(mu);
      ev = e;
    }
  };
  auto rec = std::make_shared<Rec>();
  spark->streams().addListener(rec);
  auto q = spark->readStream().format("rate-micro-batch").option("rowsPerBatch", "1").load().writeStream()
               .foreachBatch([](const QueryResult&, int64_t) { return Status::ExecutionError("[MY_ERROR.SUB] no"); })
               .option("checkpointLocation", ck()).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_FALSE(q->awaitTermination().ok());
  spark->streams().removeListener(rec);
  std::lock_guard<std::mutex> l(rec->mu);
  ASSERT_TRUE(rec->ev.has_value());
  ASSERT_TRUE(rec->ev->exception.has_value());
  EXPECT_NE(rec->ev->exception->find("[MY_ERROR.SUB] no"), std::string::npos) << *rec->ev->exception;
  EXPECT_EQ(rec->ev->errorClassOnException, std::optional<std::string>("MY_ERROR.SUB"));
}

TEST(ErrorClassOfTest, FindsTheClassAfterContextPrefixes) {
  EXPECT_EQ(ErrorClassOf("[A_B] x"), std::optional<std::string>("A_B"));
  EXPECT_EQ(ErrorClassOf("sink S: batch 3: [X.Y_2] z"), std::optional<std::string>("X.Y_2"));
  EXPECT_EQ(ErrorClassOf("no class here"), std::nullopt);
  EXPECT_EQ(ErrorClassOf("ctx: [lower] x"), std::nullopt);
  EXPECT_EQ(ErrorClassOf("ctx: [] x"), std::nullopt);
  EXPECT_EQ(ErrorClassOf("[UNCLOSED"), std::nullopt);
  EXPECT_EQ(ErrorClassOf(""), std::nullopt);
}

TEST_F(StreamTest, AwaitAnyTerminationAndResetTerminated) {
  StreamingQueryManager& m = spark->streams();
  // A session at the address of an earlier test's inherits its manager
  // (see Session::streams): start from a clean slate.
  m.resetTerminated();
  auto start = [&](const std::string& name) {
    return spark->readStream().format("rate").load().writeStream().format("noop").queryName(name).start();
  };
  auto none = m.awaitAnyTermination(30);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  auto a = start("a");
  auto b = start("b");
  ASSERT_TRUE(a.ok() && b.ok());
  auto r = m.awaitAnyTermination(30);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  ASSERT_TRUE(a->stop().ok());
  r = m.awaitAnyTermination(5000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_TRUE(m.awaitAnyTermination().ok());  // stays terminated until reset
  m.resetTerminated();
  r = m.awaitAnyTermination(30);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  auto c = spark->readStream().format("rate-micro-batch").option("rowsPerBatch", "1").load().writeStream()
               .foreachBatch([](const QueryResult&, int64_t) { return Status::ExecutionError("boom"); })
               .option("checkpointLocation", ck()).start();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  r = m.awaitAnyTermination(10000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kExecutionError);
  EXPECT_EQ(r.status().message().rfind("Query [id = " + c->id() + ", runId = " + c->runId() +
                                           "] terminated with exception: ", 0), 0u)
      << r.status().message();
  EXPECT_NE(r.status().message().find("boom"), std::string::npos);
  EXPECT_FALSE(m.awaitAnyTermination().ok());
  m.resetTerminated();
  r = m.awaitAnyTermination(30);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_FALSE(m.awaitAnyTermination(-1).ok());  // a negative timeout is an error
  ASSERT_TRUE(b->stop().ok());
}

TEST_F(StreamTest, ProcessAllInSlices) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto q = spark->readStream().source(input).writeStream().format("memory").queryName("slices")
               .option("checkpointLocation", ck()).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"b", 2}})).ok());
  auto& exec = *StreamingQueryAccess::Execution(*q);
  int64_t gen = exec.RequestProcessAll();
  bool done = false;
  for (int i = 0; i < 500 && !done; ++i) {
    auto r = exec.AwaitProcessedAll(gen, 10);
    ASSERT_TRUE(r.ok());
    done = *r;
  }
  ASSERT_TRUE(done);
  EXPECT_EQ(TableRows(*spark, "slices"), (std::vector<std::string>{"a,1", "b,2"}));
  ASSERT_TRUE(q->stop().ok());
}

}  // namespace
}  // namespace sluice
