// An input file of the file stream source deleted after the source logged
// it for a batch: the batch (replayed after a crash) cannot read it. Without
// ignoreMissingFiles every restart fails with an error that names the file
// and the option; with it the file is skipped and counted in the progress
// (numFilesMissing). Expected rows come from the files written.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <utime.h>

#include <algorithm>
#include <fstream>

#include "connectors/file_stream/file_stream_sink.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"

namespace sluice {
namespace {

class MissingInputFileTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Env::Default()->CreateDir(in()).ok()); }
  // Writes `text` to in/<name> with modification time `t` (seconds).
  void WriteInput(const std::string& name, const std::string& text, int64_t t) {
    std::ofstream(in() + "/" + name) << text;
    struct utimbuf times{static_cast<time_t>(t), static_cast<time_t>(t)};
    ASSERT_EQ(::utime((in() + "/" + name).c_str(), &times), 0);
  }
  Result<StreamingQuery> Start(bool ignore_missing) {
    DataStreamReader r = spark->readStream();
    r.format("json").schema("id BIGINT").option("maxFilesPerTrigger", "1");
    if (ignore_missing) r.option("ignoreMissingFiles", "true");
    return r.load(in()).writeStream().format("json").option("checkpointLocation", ck())
        .trigger(Trigger::AvailableNow()).start(out());
  }
  std::vector<std::string> OutputIds() {
    std::vector<std::string> ids;
    auto files = ReadFileSinkFiles(Env::Default(), out());
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    if (!files.ok()) return ids;
    for (const auto& f : *files) {
      std::ifstream is(f);
      for (std::string l; std::getline(is, l);) ids.push_back(l);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  std::string in() const { return dir.path() + "/in"; }
  std::string out() const { return dir.path() + "/out"; }
  std::string ck() const { return dir.path() + "/ck"; }

  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
};

TEST_F(MissingInputFileTest, ADeletedLoggedFileFailsNamingItOrIsSkippedAndCounted) {
  WriteInput("a.json", "{\"id\":1}\n{\"id\":2}\n", 1700000000);
  WriteInput("b.json", "{\"id\":3}\n", 1700000001);
  {
    auto q = Start(false);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->awaitTermination().ok());
  }
  // As if the process died after logging batch 1 (b.json), before its sink
  // committed: the restart replays batch 1. Then b.json is deleted.
  ASSERT_TRUE(Env::Default()->DeleteFile(ck() + "/commits/1").ok());
  ASSERT_TRUE(Env::Default()->DeleteFile(out() + "/_sluice_metadata/1").ok());
  ASSERT_TRUE(Env::Default()->DeleteFile(in() + "/b.json").ok());
  WriteInput("c.json", "{\"id\":5}\n", 1700000002);
  for (int attempt = 0; attempt < 2; ++attempt) {  // every restart: the same clear error
    auto q = Start(false);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    Status st = q->awaitTermination();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
    for (const std::string& part : {"file " + in() + "/b.json", ck() + "/sources/0/1",
                                    std::string("no longer exists"), std::string("ignoreMissingFiles")}) {
      EXPECT_NE(st.ToString().find(part), std::string::npos) << part << " in " << st.ToString();
    }
  }
  auto q = Start(true);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  Status st = q->awaitTermination();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(OutputIds(), (std::vector<std::string>{"{\"id\":1}", "{\"id\":2}", "{\"id\":5}"}));
  auto progress = q->recentProgress();
  ASSERT_EQ(progress.size(), 2u);  // batch 1 (b.json, gone) and batch 2 (c.json)
  EXPECT_EQ(progress[0].batchId, 1);
  EXPECT_EQ(progress[0].sources[0].metrics["numFilesMissing"], "1");
  EXPECT_EQ(progress[0].numInputRows, 0);
  EXPECT_EQ(progress[1].sources[0].metrics["numFilesMissing"], "0");
  EXPECT_EQ(progress[1].numInputRows, 1);
}

// Batch reads take the option too: a file deleted between the listing and
// the read gives no rows instead of failing the query.
TEST_F(MissingInputFileTest, BatchReadsAcceptTheOption) {
  WriteInput("a.json", "{\"id\":1}\n", 1700000000);
  auto df = spark->read().format("json").schema("id BIGINT").option("ignoreMissingFiles", "true").load(in());
  auto r = df.collect();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Rows().size(), 1u);
  auto bad = spark->read().format("json").schema("id BIGINT").option("ignoreMissingFiles", "maybe").load(in())
                 .collect();
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace sluice
