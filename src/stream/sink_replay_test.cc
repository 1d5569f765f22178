// Exactly-once sinks against a rolled-back checkpoint: a batch id the sink
// already holds is skipped on replay only if it covers the same offsets as
// when it was written (the offsets digest the sink recorded with it); a batch
// id re-planned over other offsets fails, naming the batch and both digests,
// instead of losing rows. Expected rows are worked out from the data added.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "checkpoint/file_sink_manifest.h"
#include "checkpoint/offset_log.h"
#include "connectors/file_stream/file_stream_sink.h"
#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

class SinkReplayTest : public ::testing::Test {
 protected:
  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
  std::string ck() const { return dir.path() + "/ck"; }
  std::string out() const { return dir.path() + "/out"; }

  void Add(const std::string& k, int64_t v) {
    ASSERT_TRUE(input->AddRows({{Value::String(k), Value::Bigint(v)}}).ok());
  }
  Result<StreamingQuery> Start() {
    return spark->readStream().source(input).writeStream().format("json").option("checkpointLocation", ck())
        .start(out());
  }
  // Every line of every part file the manifest lists, sorted.
  std::vector<std::string> OutputLines() {
    std::vector<std::string> lines;
    auto files = ReadFileSinkFiles(Env::Default(), out());
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    if (!files.ok()) return lines;
    for (const auto& f : *files) {
      std::ifstream is(f);
      for (std::string l; std::getline(is, l);) lines.push_back(l);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }
  // Batch 0 writes row a, batch 1 row b; then the query stops.
  void RunTwoBatches() {
    auto q = Start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    Add("a", 1);
    ASSERT_TRUE(q->processAllAvailable().ok());
    Add("b", 2);
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  void Delete(const std::string& rel) { ASSERT_TRUE(Env::Default()->DeleteFile(ck() + "/" + rel).ok()) << rel; }

  std::shared_ptr<MemoryStream> input = std::make_shared<MemoryStream>(KV());
};

// A crash after the sink committed batch 1 and before commits/1: the replay
// covers the same offsets, so the sink skips it (nothing written twice).
TEST_F(SinkReplayTest, FileSinkSkipsAReplayOfTheSameOffsets) {
  ASSERT_NO_FATAL_FAILURE(RunTwoBatches());
  Delete("commits/1");
  auto q = Start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  Status st = q->processAllAvailable();
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(q->stop().ok());
  EXPECT_EQ(OutputLines(), (std::vector<std::string>{"{\"k\":\"a\",\"v\":1}", "{\"k\":\"b\",\"v\":2}"}));
}

// The case: offsets/1 and commits/1 deleted while more data arrived,
// so batch 1 is planned again over a wider range (blocks b and c). The sink
// holds batch 1 (block b only): skipping it would lose c, writing it would
// duplicate b. The query fails instead, naming the batch and both digests.
TEST_F(SinkReplayTest, FileSinkFailsWhenAHeldBatchIsReplannedOverOtherOffsets) {
  ASSERT_NO_FATAL_FAILURE(RunTwoBatches());
  auto offsets = OffsetLog::Open(Env::Default(), ck());
  ASSERT_TRUE(offsets.ok());
  auto batch0 = offsets->Get(0), batch1 = offsets->Get(1);
  ASSERT_TRUE(batch0.ok() && batch1.ok());
  const std::string written = SourceOffsetsDigest(batch0->offsets, batch1->offsets);
  Delete("offsets/1");
  Delete("commits/1");
  Add("c", 3);
  auto q = Start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  Status st = q->processAllAvailable();
  ASSERT_FALSE(st.ok()) << "batch 1 was re-planned wider and skipped: row c is lost";
  auto replanned = offsets->Get(1);
  ASSERT_TRUE(replanned.ok());
  const std::string now = SourceOffsetsDigest(batch0->offsets, replanned->offsets);
  ASSERT_NE(written, now);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  for (const std::string& part : {std::string("batch 1 is already committed in the file sink ") + out(),
                                  "recorded the offsets digest " + written, "the batch now covers " + now,
                                  "checkpoint " + ck(), std::string("offsets/1")}) {
    EXPECT_NE(st.ToString().find(part), std::string::npos) << part << " in " << st.ToString();
  }
  (void)q->stop();
  // Nothing was written twice, and nothing claims to hold c.
  EXPECT_EQ(OutputLines(), (std::vector<std::string>{"{\"k\":\"a\",\"v\":1}", "{\"k\":\"b\",\"v\":2}"}));
}

// A manifest written before digests existed (version 1, no digest lines)
// keeps working: a replayed batch is skipped as before.
TEST_F(SinkReplayTest, FileSinkManifestWithoutDigestsStillSkipsReplays) {
  ASSERT_NO_FATAL_FAILURE(RunTwoBatches());
  // Rewrite the manifest as a version 1 writer left it (no checksums either).
  ASSERT_TRUE(Env::Default()->DeleteFile(out() + "/_sluice_metadata/checksums").ok());
  for (const char* b : {"0", "1"}) {
    std::string path = out() + "/_sluice_metadata/" + b, text, v1 = "v1\n";
    ASSERT_TRUE(Env::Default()->ReadFileToString(path, &text).ok());
    ASSERT_EQ(text.rfind("v2 crc32=", 0), 0u) << text;
    for (size_t pos = text.find('\n') + 1, nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1) {
      std::string line = text.substr(pos, nl - pos);
      if (line.find("\"batchId\"") == std::string::npos) v1 += line + "\n";
    }
    ASSERT_NE(v1, text);
    ASSERT_TRUE(Env::Default()->WriteFile(path, v1, false).ok());
  }
  Delete("commits/1");
  Add("c", 3);
  auto q = Start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  Status st = q->processAllAvailable();
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(q->stop().ok());
  EXPECT_EQ(OutputLines(), (std::vector<std::string>{"{\"k\":\"a\",\"v\":1}", "{\"k\":\"b\",\"v\":2}",
                                                     "{\"k\":\"c\",\"v\":3}"}));
}

}  // namespace
}  // namespace sluice
