#include "checkpoint/metadata_log.h"

#include <gtest/gtest.h>

#include "checkpoint/commit_log.h"
#include "checkpoint/log_file_for_test.h"
#include "checkpoint/offset_log.h"
#include "env/fault_injection_env.h"
#include "env/mem_env.h"

namespace sluice {
namespace {

class MetadataLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = MetadataLog::Open(&env_, "/ckpt/offsets");
    ASSERT_TRUE(l.ok());
    log_.emplace(std::move(l).value());
  }
  void Write(const std::string& name, const std::string& contents) {
    ASSERT_TRUE(env_.WriteFile("/ckpt/offsets/" + name, contents, false).ok());
  }

  MemEnv env_;
  std::optional<MetadataLog> log_;
};

TEST_F(MetadataLogTest, AddGetLatest) {
  EXPECT_FALSE(log_->GetLatest()->has_value());
  ASSERT_TRUE(log_->Add(0, {"a", "b"}).ok());
  ASSERT_TRUE(log_->Add(1, {"c"}).ok());
  std::string raw;
  ASSERT_TRUE(env_.ReadFileToString("/ckpt/offsets/0", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum("v1\na\nb\n"));
  EXPECT_EQ(raw.substr(0, 18), "v1 crc32=" + raw.substr(9, 8) + "\n");
  EXPECT_EQ(*log_->Get(0), (std::vector<std::string>{"a", "b"}));
  auto latest = log_->GetLatest();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->first, 1);
  EXPECT_EQ((*latest)->second, std::vector<std::string>{"c"});
  EXPECT_EQ(*log_->ListBatchIds(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(log_->Get(7).status().code(), StatusCode::kNotFound);
}

TEST_F(MetadataLogTest, RefusesOverwriteAndNonContiguousAdd) {
  ASSERT_TRUE(log_->Add(0, {"a"}).ok());
  Status s = log_->Add(0, {"other"});
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(),
            "batch 0 already exists in /ckpt/offsets (/ckpt/offsets/0); log entries are never "
            "overwritten");
  EXPECT_EQ(*log_->Get(0), std::vector<std::string>{"a"});
  s = log_->Add(2, {"x"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "cannot add batch 2 to /ckpt/offsets: the latest batch is 0, so the next must be 1");
  EXPECT_EQ(log_->Add(1, {"x\ny"}).code(), StatusCode::kInvalidArgument);
}

TEST_F(MetadataLogTest, GapIsCorruption) {
  Write("3", "v1\nx\n");
  Write("4", "v1\nx\n");
  Write("6", "v1\nx\n");
  auto ids = log_->ListBatchIds();
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ids.status().message(),
            "log directory /ckpt/offsets is missing batch 5 (it has batches 3..6); batch ids must "
            "be contiguous");
  EXPECT_FALSE(log_->GetLatest().ok());
}

TEST_F(MetadataLogTest, StrayFileIsCorruption) {
  Write("0", "v1\nx\n");
  Write("007", "v1\nx\n");
  auto ids = log_->ListBatchIds();
  EXPECT_EQ(ids.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ids.status().message(),
            "log directory /ckpt/offsets holds an unexpected file \"007\"; only batch files named "
            "by their batch id belong there");
}

TEST_F(MetadataLogTest, TempFilesAreIgnoredAndCleaned) {
  ASSERT_TRUE(log_->Add(0, {"a"}).ok());
  Write(".1.0123456789abcdef.tmp", "v1\npartial");
  EXPECT_EQ(*log_->ListBatchIds(), std::vector<int64_t>{0});
  ASSERT_TRUE(log_->CleanTempFiles().ok());
  EXPECT_FALSE(env_.FileExists("/ckpt/offsets/.1.0123456789abcdef.tmp"));
  ASSERT_TRUE(log_->Add(1, {"b"}).ok());
}

struct CorruptCase {
  const char* contents;
  const char* message;
};

TEST_F(MetadataLogTest, CorruptFilesNameTheFileAndTheProblem) {
  const CorruptCase cases[] = {
      {"", "log file /ckpt/offsets/0 is empty"},
      {"v1\n{\"a\":1}",
       "log file /ckpt/offsets/0 is truncated: its last line does not end with a newline"},
      {"v1", "log file /ckpt/offsets/0 is truncated: its last line does not end with a newline"},
      {"\x01\x02garbage\n",
       "log file /ckpt/offsets/0 is malformed: the first line must be a version and checksum such as "
       "\"v1 crc32=1a2b3c4d\", found \"\\u0001\\u0002garbage\""},
      {"v0\nx\n",
       "log file /ckpt/offsets/0 is malformed: the first line must be a version and checksum such as "
       "\"v1 crc32=1a2b3c4d\", found \"v0\""},
      {"v2\nx\n",
       "log file /ckpt/offsets/0 has version v2 but this Sluice supports up to v1; upgrade "
       "Sluice"},
      // A newer version is refused before its checksum is looked at.
      {"v2 crc32=00000000\nx\n",
       "log file /ckpt/offsets/0 has version v2 but this Sluice supports up to v1; upgrade "
       "Sluice"},
      {"v1 crc32=1234\nx\n",
       "log file /ckpt/offsets/0 is malformed: the first line must be a version and checksum such as "
       "\"v1 crc32=1a2b3c4d\", found \"v1 crc32=1234\""},
      {"v1 crc32=0000000G\nx\n",
       "log file /ckpt/offsets/0 is malformed: the first line must be a version and checksum such as "
       "\"v1 crc32=1a2b3c4d\", found \"v1 crc32=0000000G\""},
      {"v1 sha=00000000\nx\n",
       "log file /ckpt/offsets/0 is malformed: the first line must be a version and checksum such as "
       "\"v1 crc32=1a2b3c4d\", found \"v1 sha=00000000\""},
      {"v1\nx\n",
       "log file /ckpt/offsets/0 has no checksum (its first line is \"v1\", not \"v1 crc32=<8 hex digits>\"), "
       "but every file of /ckpt/offsets carries one: it was edited or replaced after it was written; restore it "
       "from a backup, or run the query with a new checkpoint location"},
  };
  for (const auto& c : cases) {
    Write("0", c.contents);
    auto r = log_->Get(0);
    ASSERT_FALSE(r.ok()) << c.contents;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

// One digit changed in a log file (a replayed or skipped batch if it were
// believed) fails its checksum, naming the file.
// Found by fuzz/checkpoint_log_fuzzer: a file whose first line is empty
// ("\n", "\n\n") threw std::out_of_range out of the version parse and
// aborted the process.
TEST_F(MetadataLogTest, AnEmptyFirstLineIsMalformedNotACrash) {
  for (const char* contents : {"\n", "\n\n", "\n{}\n"}) {
    auto parsed = MetadataLog::ParseFile("/ckpt/offsets/1", contents, 1, "offset log file");
    ASSERT_FALSE(parsed.ok()) << "'" << contents << "' parsed";
    EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
    EXPECT_NE(parsed.status().message().find("/ckpt/offsets/1 is malformed"), std::string::npos)
        << parsed.status().ToString();
  }
}

TEST_F(MetadataLogTest, AnEditedFileFailsItsChecksum) {
  ASSERT_TRUE(log_->Add(0, {"{\"logOffset\":41}"}).ok());
  std::string raw;
  ASSERT_TRUE(env_.ReadFileToString("/ckpt/offsets/0", &raw).ok());
  size_t digit = raw.find("41");
  ASSERT_NE(digit, std::string::npos);
  std::string one_digit = raw;
  one_digit.replace(digit, 2, "42");
  for (const std::string& edited : {one_digit, raw.substr(0, raw.size() / 2) + "\n"}) {
    Write("0", edited);
    auto r = log_->Get(0);
    ASSERT_FALSE(r.ok()) << edited;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(r.status().message().rfind("log file /ckpt/offsets/0 fails its checksum (stored crc32=", 0), 0u)
        << r.status().message();
  }
  // The checksum field itself damaged: the stored value no longer matches.
  std::string bad = raw;
  bad[9] = bad[9] == '0' ? '1' : '0';
  Write("0", bad);
  EXPECT_NE(log_->Get(0).status().message().find("fails its checksum"), std::string::npos);
}

// A checkpoint written before checksums: files below checksums_from may
// lack one (and are read as before); from there on one is required, so a
// checksum stripped from a newer file is caught. A checksum present is
// checked everywhere.
TEST(MetadataLogMigrationTest, FilesBelowChecksumsFromMayLackOne) {
  MemEnv env;
  auto log = MetadataLog::Open(&env, "/ckpt/offsets", 1, 2);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(env.WriteFile("/ckpt/offsets/0", "v1\nold zero\n", false).ok());
  ASSERT_TRUE(env.WriteFile("/ckpt/offsets/1", "v1\nold one\n", false).ok());
  ASSERT_TRUE(log->Add(2, {"new two"}).ok());
  EXPECT_EQ(*log->Get(0), std::vector<std::string>{"old zero"});
  EXPECT_EQ(*log->Get(1), std::vector<std::string>{"old one"});
  EXPECT_EQ(*log->Get(2), std::vector<std::string>{"new two"});
  // Stripped from batch 2.
  ASSERT_TRUE(env.WriteFile("/ckpt/offsets/2", "v1\nnew tw0\n", false).ok());
  auto r = log->Get(2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "log file /ckpt/offsets/2 has no checksum (its first line is \"v1\", not \"v1 crc32=<8 hex digits>\"), "
            "but every file of /ckpt/offsets from batch 2 on carries one (the checkpoint's metadata file records "
            "where checksums began): it was edited or replaced after it was written; restore it from a backup, or "
            "run the query with a new checkpoint location");
  // An old file with a (wrong) checksum is checked too.
  ASSERT_TRUE(env.WriteFile("/ckpt/offsets/1", "v1 crc32=00000000\nold one\n", false).ok());
  EXPECT_NE(log->Get(1).status().message().find("fails its checksum"), std::string::npos);
}

TEST_F(MetadataLogTest, Purge) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log_->Add(i, {std::to_string(i)}).ok());
  ASSERT_TRUE(log_->PurgeBefore(3).ok());
  EXPECT_EQ(log_->ListBatchIds()->front(), 3);
  ASSERT_TRUE(log_->PurgeKeepLast(4).ok());
  EXPECT_EQ(*log_->ListBatchIds(), (std::vector<int64_t>{6, 7, 8, 9}));
  ASSERT_TRUE(log_->Add(10, {"10"}).ok());
  EXPECT_EQ(log_->GetLatestBatchId()->value(), 10);
}

// A stream adds to two logs and purges both every batch. The writer lists
// a log's directory once, then keeps its newest and oldest ids itself;
// before, every Add and every PurgeBefore listed it (four listings a batch).
TEST_F(MetadataLogTest, TheWriterListsTheDirectoryOnce) {
  FaultInjectionEnv fenv(&env_);
  auto log = MetadataLog::Open(&fenv, "/ckpt/commits");
  ASSERT_TRUE(log.ok());
  constexpr int kRetain = 3;
  for (int64_t id = 0; id < 40; ++id) {
    ASSERT_TRUE(log->Add(id, {std::to_string(id)}).ok()) << id;
    if (id + 1 > kRetain) {
      ASSERT_TRUE(log->PurgeBefore(id + 1 - kRetain).ok()) << id;
    }
    ASSERT_TRUE(log->PurgeKeepLast(kRetain + 1).ok()) << id;
  }
  EXPECT_EQ(fenv.Count(FaultInjectionEnv::Op::kListDir), 1);
  EXPECT_EQ(*log->ListBatchIds(), (std::vector<int64_t>{37, 38, 39}));
  // What it keeps follows the files: the next id is still checked.
  EXPECT_EQ(log->Add(41, {"x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Add(39, {"x"}).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(log->Add(40, {"40"}).ok());
  EXPECT_EQ(*log->ListBatchIds(), (std::vector<int64_t>{37, 38, 39, 40}));
}

// Purged past its newest batch, the log is empty and, as when it was
// listed empty, takes any id next.
TEST_F(MetadataLogTest, PurgedEmptyTakesAnyIdNext) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(log_->Add(i, {"x"}).ok());
  ASSERT_TRUE(log_->PurgeBefore(10).ok());
  EXPECT_TRUE(log_->ListBatchIds()->empty());
  ASSERT_TRUE(log_->PurgeBefore(20).ok());
  ASSERT_TRUE(log_->Add(7, {"seven"}).ok());
  EXPECT_EQ(log_->Add(9, {"x"}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(log_->Add(8, {"eight"}).ok());
  ASSERT_TRUE(log_->PurgeBefore(8).ok());
  EXPECT_EQ(*log_->ListBatchIds(), std::vector<int64_t>{8});
}

// A failed write or delete leaves the writer unsure of the files: it lists
// them again, and goes on from what is there.
TEST_F(MetadataLogTest, AfterAFailureTheWriterListsAgain) {
  FaultInjectionEnv fenv(&env_);
  auto log = MetadataLog::Open(&fenv, "/ckpt/commits");
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Add(i, {"x"}).ok());
  // The rename lands but the directory sync fails: batch 5 is there.
  fenv.FailNth(FaultInjectionEnv::Op::kSyncDir, 1);
  EXPECT_FALSE(log->Add(5, {"five"}).ok());
  EXPECT_EQ(log->Add(5, {"again"}).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(log->Add(6, {"six"}).ok());
  // The second delete fails: batch 0 is gone, 1 stays.
  fenv.FailNth(FaultInjectionEnv::Op::kDelete, 2);
  EXPECT_FALSE(log->PurgeBefore(3).ok());
  EXPECT_EQ(log->ListBatchIds()->front(), 1);
  ASSERT_TRUE(log->PurgeBefore(3).ok());
  EXPECT_EQ(*log->ListBatchIds(), (std::vector<int64_t>{3, 4, 5, 6}));
  ASSERT_TRUE(log->Add(7, {"seven"}).ok());
}

TEST_F(MetadataLogTest, AddIsAtomicUnderCrash) {
  FaultInjectionEnv fenv(&env_);
  auto log = MetadataLog::Open(&fenv, "/ckpt/commits");
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->Add(0, {"zero"}).ok());
  fenv.FailNth(FaultInjectionEnv::Op::kRename, 1);
  EXPECT_FALSE(log->Add(1, {"one"}).ok());
  ASSERT_TRUE(fenv.SimulateCrash().ok());
  EXPECT_EQ(*log->ListBatchIds(), std::vector<int64_t>{0});
  // The unsynced dir op of a successful add is undone by a crash before the
  // dir sync -- but Add syncs the dir, so after success it survives.
  ASSERT_TRUE(log->Add(1, {"one"}).ok());
  ASSERT_TRUE(fenv.SimulateCrash().ok());
  EXPECT_EQ(*log->Get(1), std::vector<std::string>{"one"});
}

TEST(ParseBatchIdTest, Canonical) {
  EXPECT_EQ(MetadataLog::ParseBatchId("0"), 0);
  EXPECT_EQ(MetadataLog::ParseBatchId("123"), 123);
  EXPECT_FALSE(MetadataLog::ParseBatchId("01"));
  EXPECT_FALSE(MetadataLog::ParseBatchId("-1"));
  EXPECT_FALSE(MetadataLog::ParseBatchId("1a"));
  EXPECT_FALSE(MetadataLog::ParseBatchId(""));
  EXPECT_FALSE(MetadataLog::ParseBatchId("1234567890123456789"));
}

// --- OffsetLog / CommitLog ---

TEST(OffsetLogTest, RoundTripAndExactBytes) {
  MemEnv env;
  auto log = OffsetLog::Open(&env, "/ckpt");
  ASSERT_TRUE(log.ok());
  OffsetSeq seq;
  seq.metadata.batch_watermark_ms = 5000;
  seq.metadata.batch_timestamp_ms = 1700000000123;
  seq.metadata.conf = {{"spark.sql.shuffle.partitions", "200"}, {"q\"uote", "a\\b"}};
  seq.offsets = {std::string(R"({"topic":{"0":42,"1":7}})"), std::nullopt};
  ASSERT_TRUE(log->Add(0, seq).ok());
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/ckpt/offsets/0", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum(
                     "v1\n"
                     R"({"batchWatermarkMs":5000,"batchTimestampMs":1700000000123,"conf":{"q\"uote":"a\\b","spark.sql.shuffle.partitions":"200"}})"
                     "\n"
                     R"({"topic":{"0":42,"1":7}})"
                     "\n-\n"));
  auto back = log->Get(0);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, seq);
  auto latest = log->GetLatest();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->first, 0);
  EXPECT_EQ((*latest)->second, seq);
}

TEST(OffsetLogTest, ReadsSparkStyleMetadataWithoutConf) {
  MemEnv env;
  auto log = OffsetLog::Open(&env, "/ckpt");
  ASSERT_TRUE(env.WriteFile("/ckpt/offsets/0",
                            LogFileWithChecksum("v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1,\"x\":true}\n51\n"),
                            false)
                  .ok());
  auto seq = log->Get(0);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_TRUE(seq->metadata.conf.empty());
  ASSERT_EQ(seq->offsets.size(), 1u);
  EXPECT_EQ(*seq->offsets[0], "51");
}

TEST(OffsetLogTest, CorruptEntries) {
  MemEnv env;
  auto log = OffsetLog::Open(&env, "/ckpt");
  const CorruptCase cases[] = {
      {"v1\n", "log file /ckpt/offsets/0 is truncated: the batch metadata line after the version is missing"},
      {"v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\n",
       "log file /ckpt/offsets/0 line 2 is not valid JSON: "},
      {"v1\n[1]\n", "log file /ckpt/offsets/0 line 2 must be a JSON object"},
      {"v1\n{\"batchTimestampMs\":1}\n",
       "log file /ckpt/offsets/0 line 2 lacks the field \"batchWatermarkMs\""},
      {"v1\n{\"batchWatermarkMs\":\"x\",\"batchTimestampMs\":1}\n",
       "log file /ckpt/offsets/0 line 2: field \"batchWatermarkMs\" must be a 64-bit integer"},
      {"v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1,\"conf\":{\"a\":1}}\n",
       "log file /ckpt/offsets/0 line 2: conf value of \"a\" must be a string"},
      {"v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1}\n-\n{\"t\":{\"0\":\n",
       "log file /ckpt/offsets/0 line 4 is not valid JSON: "},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(env.WriteFile("/ckpt/offsets/0", LogFileWithChecksum(c.contents), false).ok());
    auto r = log->Get(0);
    ASSERT_FALSE(r.ok()) << c.contents;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(r.status().message().substr(0, std::string(c.message).size()), c.message)
        << r.status().message();
  }
}

TEST(OffsetLogTest, RejectsMultiLineOffsets) {
  MemEnv env;
  auto log = OffsetLog::Open(&env, "/ckpt");
  OffsetSeq seq;
  seq.offsets = {std::string("{\n}")};
  EXPECT_EQ(log->Add(0, seq).code(), StatusCode::kInvalidArgument);
}

TEST(CommitLogTest, RoundTripAndCorruption) {
  MemEnv env;
  auto log = CommitLog::Open(&env, "/ckpt");
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->Add(0, CommitMetadata{0}).ok());
  ASSERT_TRUE(log->Add(1, CommitMetadata{12345}).ok());
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/ckpt/commits/1", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum("v1\n{\"nextBatchWatermarkMs\":12345}\n"));
  EXPECT_EQ(log->Get(1)->next_batch_watermark_ms, 12345);
  EXPECT_EQ((*log->GetLatest())->first, 1);

  const CorruptCase cases[] = {
      {"v1\n", "log file /ckpt/commits/1 is truncated: the commit metadata line after the version is missing"},
      {"v1\n{}\n", "log file /ckpt/commits/1 line 2 lacks the field \"nextBatchWatermarkMs\""},
      {"v1\n{}\n{}\n", "log file /ckpt/commits/1 has 3 lines; a commit log file has exactly 2"},
      {"v3\n{}\n",
       "log file /ckpt/commits/1 has version v3 but this Sluice supports up to v1; upgrade Sluice"},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(env.WriteFile("/ckpt/commits/1", LogFileWithChecksum(c.contents), false).ok());
    auto r = log->Get(1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

// The recovery rule from DESIGN.md section 1, on real logs.
TEST(RecoveryRuleTest, LastOffsetsVersusLastCommit) {
  MemEnv env;
  auto offsets = OffsetLog::Open(&env, "/ckpt");
  auto commits = CommitLog::Open(&env, "/ckpt");
  OffsetSeq seq;
  seq.offsets = {std::string("1")};
  ASSERT_TRUE(offsets->Add(0, seq).ok());
  ASSERT_TRUE(commits->Add(0, {}).ok());
  seq.offsets = {std::string("2")};
  ASSERT_TRUE(offsets->Add(1, seq).ok());
  // Crash before commits/1: N = 1, M = 0 -> batch 1 is re-run with offset "2".
  int64_t n = offsets->GetLatestBatchId()->value();
  int64_t m = commits->GetLatestBatchId()->value();
  EXPECT_EQ(n, 1);
  EXPECT_EQ(m, n - 1);
  EXPECT_EQ(*offsets->Get(n)->offsets[0], "2");
}

}  // namespace
}  // namespace sluice
