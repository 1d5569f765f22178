// The output of the streaming file sink, read back as a batch table after a
// part file was changed behind the sink's back: the read fails naming the
// file instead of returning fewer rows. Expected rows come from the data
// added.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "connectors/file_stream/file_stream_sink.h"
#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"

namespace sluice {
namespace {

class FileSinkOutputTest : public ::testing::Test {
 protected:
  // Writes ids 0..n-1 through the file sink in one batch; returns its part files.
  std::vector<std::string> WriteIds(int n) {
    auto input = std::make_shared<MemoryStream>(Schema({{"id", DataType::Bigint()}}));
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < n; ++i) rows.push_back({Value::Bigint(i)});
    EXPECT_TRUE(input->AddRows(rows).ok());
    auto q = spark->readStream().source(input).writeStream().format("json")
                 .option("checkpointLocation", dir.path() + "/ck").start(out());
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    EXPECT_TRUE(q->processAllAvailable().ok());
    EXPECT_TRUE(q->stop().ok());
    auto files = ReadFileSinkFiles(Env::Default(), out());
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return files.ok() ? *files : std::vector<std::string>{};
  }
  Result<QueryResult> CountRows() {
    return spark->read().format("json").schema("id BIGINT").load(out()).agg({count(lit(1))}).collect();
  }
  std::string out() const { return dir.path() + "/out"; }

  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
};

// The case: a part file truncated after commit made batch reads
// return fewer rows, silently.
TEST_F(FileSinkOutputTest, ATruncatedPartFileFailsTheReadNamingIt) {
  auto files = WriteIds(100);
  ASSERT_EQ(files.size(), 1u);
  auto r = CountRows();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->Rows()[0][0].ToString(), "100");
  auto size = Env::Default()->GetFileSize(files[0]);
  ASSERT_TRUE(size.ok());
  ASSERT_EQ(::truncate(files[0].c_str(), static_cast<off_t>(*size / 2)), 0);
  r = CountRows();
  ASSERT_FALSE(r.ok()) << "read " << r->Rows()[0][0].ToString() << " rows of a truncated file";
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  EXPECT_NE(r.status().message().find("file " + files[0] + " has " + std::to_string(*size / 2) + " bytes"),
            std::string::npos)
      << r.status().ToString();
  auto listed = ReadFileSinkFiles(Env::Default(), out());
  EXPECT_EQ(listed.status().code(), StatusCode::kCorruption);
}

// A byte changed in place (same size): the checksum recorded in the
// manifest catches it, in batch reads and in ReadFileSinkFiles.
TEST_F(FileSinkOutputTest, APartFileChangedInPlaceFailsItsChecksum) {
  auto files = WriteIds(100);
  ASSERT_EQ(files.size(), 1u);
  std::string text;
  ASSERT_TRUE(Env::Default()->ReadFileToString(files[0], &text).ok());
  size_t digit = text.find("42");
  ASSERT_NE(digit, std::string::npos);
  text[digit] = '5';  // {"id":42} -> {"id":52}: valid JSON, a wrong row
  {
    std::ofstream f(files[0], std::ios::binary | std::ios::trunc);
    f << text;
  }
  auto r = spark->read().format("json").schema("id BIGINT").load(out()).collect();
  ASSERT_FALSE(r.ok()) << "read a changed file without noticing";
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  EXPECT_NE(r.status().message().find("file " + files[0] + " fails its checksum"), std::string::npos)
      << r.status().ToString();
  auto listed = ReadFileSinkFiles(Env::Default(), out());
  EXPECT_EQ(listed.status().code(), StatusCode::kCorruption);
  EXPECT_NE(listed.status().message().find("fails its checksum"), std::string::npos) << listed.status().ToString();
}

}  // namespace
}  // namespace sluice
