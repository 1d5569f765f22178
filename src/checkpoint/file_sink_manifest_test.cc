#include "checkpoint/file_sink_manifest.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "checkpoint/log_file_for_test.h"
#include "env/fault_injection_env.h"
#include "env/mem_env.h"

namespace sluice {
namespace {

SinkFileEntry File(const std::string& path, int64_t size = 10) {
  return SinkFileEntry{path, size, 1700000000000, "add"};
}

std::vector<std::string> Paths(const std::vector<SinkFileEntry>& v) {
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(e.path);
  return out;
}

std::vector<std::string> Listing(Env* env, const std::string& dir) {
  auto v = env->ListDir(dir);
  EXPECT_TRUE(v.ok());
  std::sort(v->begin(), v->end());
  return *v;
}

TEST(FileSinkManifestTest, AddHasBatchAllFiles) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(*m->HasBatch(0));
  ASSERT_TRUE(m->AddBatch(0, {File("part-0-a.json", 123), File("part-0-b.json")}).ok());
  ASSERT_TRUE(m->AddBatch(1, {}).ok());  // an empty batch is recorded too
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/out/_sluice_metadata/0", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum(
                     "v2\n"
                     "{\"path\":\"part-0-a.json\",\"size\":123,\"modificationTime\":1700000000000,\"action\":\"add\"}\n"
                     "{\"path\":\"part-0-b.json\",\"size\":10,\"modificationTime\":1700000000000,\"action\":\"add\"}\n"));
  ASSERT_TRUE(env.ReadFileToString("/out/_sluice_metadata/1", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum("v2\n"));
  // Written before the first batch file: checksums from batch 0 on.
  ASSERT_TRUE(env.ReadFileToString("/out/_sluice_metadata/checksums", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum("v2\n{\"checksumsFromBatch\":0}\n"));
  EXPECT_TRUE(*m->HasBatch(0));
  EXPECT_TRUE(*m->HasBatch(1));
  EXPECT_FALSE(*m->HasBatch(2));
  auto all = m->AllFiles();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Paths(*all), (std::vector<std::string>{"part-0-a.json", "part-0-b.json"}));
  EXPECT_EQ((*all)[0], File("part-0-a.json", 123));
}

TEST(FileSinkManifestTest, ReplayedBatchIsRefused) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out");
  ASSERT_TRUE(m->AddBatch(0, {File("a")}).ok());
  // A sink re-running batch 0 after a crash checks HasBatch and skips it;
  // adding it again is an error, not a silent duplicate.
  EXPECT_TRUE(*m->HasBatch(0));
  Status s = m->AddBatch(0, {File("a-again")});
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "batch 0 is already in the manifest /out/_sluice_metadata (latest batch 0)");
  EXPECT_EQ(m->AddBatch(5, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Paths(*m->AllFiles()), std::vector<std::string>{"a"});
}

TEST(FileSinkManifestTest, CompactionBoundsFilesAndKeepsEntries) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out", 3);
  for (int b = 0; b < 8; ++b) {
    ASSERT_TRUE(m->AddBatch(b, {File("f" + std::to_string(b))}).ok()) << b;
  }
  // Batches 2 and 5 are compaction batches ((b + 1) % 3 == 0).
  EXPECT_EQ(Listing(&env, "/out/_sluice_metadata"),
            (std::vector<std::string>{"5.compact", "6", "7", "checksums"}));
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/out/_sluice_metadata/5.compact", &raw).ok());
  EXPECT_EQ(std::count(raw.begin(), raw.end(), '\n'), 7);  // v2 + f0..f5
  auto all = m->AllFiles();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Paths(*all),
            (std::vector<std::string>{"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"}));
  for (int b = 0; b < 8; ++b) EXPECT_TRUE(*m->HasBatch(b));
  EXPECT_FALSE(*m->HasBatch(8));
  EXPECT_EQ(m->GetLatestBatchId()->value(), 7);
  // Reopen with the default interval: state carries over.
  auto m2 = FileSinkManifest::Open(&env, "/out");
  EXPECT_EQ(Paths(*m2->AllFiles()).size(), 8u);
}

TEST(FileSinkManifestTest, DeleteEntriesAreAppliedAndCompactedAway) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out", 2);
  ASSERT_TRUE(m->AddBatch(0, {File("a"), File("b")}).ok());
  SinkFileEntry del = File("a");
  del.action = "delete";
  ASSERT_TRUE(m->AddBatch(1, {del}).ok());  // compaction batch
  EXPECT_EQ(Paths(*m->AllFiles()), std::vector<std::string>{"b"});
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/out/_sluice_metadata/1.compact", &raw).ok());
  EXPECT_EQ(raw.find("\"a\""), std::string::npos);
}

TEST(FileSinkManifestTest, CrashDuringCompactionLeavesAReadableManifest) {
  MemEnv mem;
  FaultInjectionEnv env(&mem);
  auto m = FileSinkManifest::Open(&env, "/out", 3);
  ASSERT_TRUE(m->AddBatch(0, {File("f0")}).ok());
  ASSERT_TRUE(m->AddBatch(1, {File("f1")}).ok());
  // The compact file is written, then deleting the replaced files fails.
  env.FailNth(FaultInjectionEnv::Op::kDelete, 1);
  EXPECT_FALSE(m->AddBatch(2, {File("f2")}).ok());
  env.ClearFaults();
  EXPECT_EQ(Listing(&mem, "/out/_sluice_metadata"),
            (std::vector<std::string>{"0", "1", "2.compact", "checksums"}));
  EXPECT_EQ(Paths(*m->AllFiles()), (std::vector<std::string>{"f0", "f1", "f2"}));
  EXPECT_TRUE(*m->HasBatch(2));
  for (int b = 3; b < 6; ++b) ASSERT_TRUE(m->AddBatch(b, {File("f" + std::to_string(b))}).ok());
  // The next compaction removed the leftovers.
  EXPECT_EQ(Listing(&mem, "/out/_sluice_metadata"), (std::vector<std::string>{"5.compact", "checksums"}));
  EXPECT_EQ(Paths(*m->AllFiles()).size(), 6u);
}

TEST(FileSinkManifestTest, CorruptionAndGaps) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out");
  const std::string dir = "/out/_sluice_metadata/";
  ASSERT_TRUE(m->AddBatch(0, {File("a")}).ok());

  ASSERT_TRUE(env.WriteFile(dir + "1", "v1\n{\"path\":\"b\",\"size\":1,\"modificationTime\":2,\"action\":\"add\"}", false).ok());
  auto r = m->AllFiles();
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(r.status().message(),
            "log file /out/_sluice_metadata/1 is truncated: its last line does not end with a newline");

  ASSERT_TRUE(env.WriteFile(dir + "1", LogFileWithChecksum("v1\n{\"path\":\"b\",\"size\":1,\"action\":\"add\"}\n"), false).ok());
  r = m->AllFiles();
  EXPECT_EQ(r.status().message(),
            "log file /out/_sluice_metadata/1 line 2 lacks the field \"modificationTime\"");

  ASSERT_TRUE(env.WriteFile(dir + "1", LogFileWithChecksum("v1\n{\"path\":\"b\",\"size\":1,\"modificationTime\":2,\"action\":\"move\"}\n"), false).ok());
  r = m->AllFiles();
  EXPECT_EQ(r.status().message(),
            "log file /out/_sluice_metadata/1 line 2: unknown action \"move\" (expected \"add\" or \"delete\")");

  ASSERT_TRUE(env.WriteFile(dir + "1", "v9\n", false).ok());
  r = m->AllFiles();
  EXPECT_EQ(r.status().message(),
            "log file /out/_sluice_metadata/1 has version v9 but this Sluice supports up to v2; upgrade Sluice");

  ASSERT_TRUE(env.DeleteFile(dir + "1").ok());
  ASSERT_TRUE(env.WriteFile(dir + "2", LogFileWithChecksum("v1\n"), false).ok());
  r = m->AllFiles();
  EXPECT_EQ(r.status().message(),
            "manifest directory /out/_sluice_metadata is missing batch 1 (next file is batch 2); "
            "batch ids must be contiguous");

  ASSERT_TRUE(env.DeleteFile(dir + "2").ok());
  ASSERT_TRUE(env.WriteFile(dir + "x.json", "", false).ok());
  EXPECT_EQ(m->HasBatch(0).status().code(), StatusCode::kCorruption);
  ASSERT_TRUE(env.DeleteFile(dir + "x.json").ok());

  ASSERT_TRUE(env.WriteFile(dir + ".1.00000000000000ff.tmp", "v1\n{", false).ok());
  EXPECT_EQ(Paths(*m->AllFiles()), std::vector<std::string>{"a"});
  ASSERT_TRUE(m->CleanTempFiles().ok());
  EXPECT_EQ(Listing(&env, "/out/_sluice_metadata"), (std::vector<std::string>{"0", "checksums"}));
}

// An edited manifest file fails its checksum; a checksum stripped from a
// file at or after the batch `checksums` records is caught; so is a deleted
// `checksums` next to checksummed files.
TEST(FileSinkManifestTest, ChecksumsAreChecked) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out");
  const std::string dir = "/out/_sluice_metadata/";
  ASSERT_TRUE(m->AddBatch(0, {File("a", 30)}).ok());
  ASSERT_TRUE(m->AddBatch(1, {File("b", 40)}).ok());
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString(dir + "1", &raw).ok());
  std::string edited = raw;
  edited.replace(edited.find("\"size\":40"), 9, "\"size\":41");
  ASSERT_TRUE(env.WriteFile(dir + "1", edited, false).ok());
  auto r = m->AllFiles();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(r.status().message().rfind("log file /out/_sluice_metadata/1 fails its checksum", 0), 0u)
      << r.status().message();
  EXPECT_EQ(m->Validate().code(), StatusCode::kCorruption);
  // Stripped of its checksum.
  ASSERT_TRUE(env.WriteFile(dir + "1", "v1\n" + raw.substr(raw.find('\n') + 1), false).ok());
  r = m->AllFiles();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("log file /out/_sluice_metadata/1 has no checksum", 0), 0u)
      << r.status().message();
  EXPECT_NE(r.status().message().find("every manifest file from batch 0 on carries one (/out/_sluice_metadata/checksums)"),
            std::string::npos)
      << r.status().message();
  ASSERT_TRUE(env.WriteFile(dir + "1", raw, false).ok());
  EXPECT_TRUE(m->Validate().ok());
  // `checksums` deleted.
  std::string checksums;
  ASSERT_TRUE(env.ReadFileToString(dir + "checksums", &checksums).ok());
  ASSERT_TRUE(env.DeleteFile(dir + "checksums").ok());
  r = m->AllFiles();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "log file /out/_sluice_metadata/0 carries a checksum, but /out/_sluice_metadata/checksums, which every "
            "manifest with checksums has, is missing: it was deleted. Restore it from a backup");
  // `checksums` damaged.
  ASSERT_TRUE(env.WriteFile(dir + "checksums", "v1\n{\"checksumsFromBatch\":5}\n", false).ok());
  r = m->AllFiles();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("log file /out/_sluice_metadata/checksums has no checksum", 0), 0u)
      << r.status().message();
}

// A manifest written before checksums: its files stay readable; the writer
// records that checksums begin at its next batch, whose files carry one.
TEST(FileSinkManifestTest, ManifestFromBeforeChecksums) {
  MemEnv env;
  const std::string dir = "/out/_sluice_metadata/";
  ASSERT_TRUE(env.CreateDirRecursive(dir).ok());
  ASSERT_TRUE(env.WriteFile(dir + "0", "v1\n{\"path\":\"a\",\"size\":1,\"modificationTime\":2,\"action\":\"add\"}\n", false).ok());
  ASSERT_TRUE(env.WriteFile(dir + "1", "v1\n{\"path\":\"b\",\"size\":1,\"modificationTime\":2,\"action\":\"add\"}\n", false).ok());
  auto m = FileSinkManifest::Open(&env, "/out", 3);
  EXPECT_EQ(Paths(*m->AllFiles()), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(m->Validate().ok());
  ASSERT_TRUE(m->AddBatch(2, {File("c")}).ok());  // a compaction batch (interval 3)
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString(dir + "checksums", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum("v2\n{\"checksumsFromBatch\":2}\n"));
  EXPECT_EQ(Listing(&env, "/out/_sluice_metadata"), (std::vector<std::string>{"2.compact", "checksums"}));
  ASSERT_TRUE(m->AddBatch(3, {File("d")}).ok());
  EXPECT_EQ(Paths(*m->AllFiles()), (std::vector<std::string>{"a", "b", "c", "d"}));
  // A file at or after batch 2 without its checksum is caught.
  ASSERT_TRUE(env.WriteFile(dir + "3", "v1\n{\"path\":\"e\",\"size\":1,\"modificationTime\":2,\"action\":\"add\"}\n", false).ok());
  auto r = m->AllFiles();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("log file /out/_sluice_metadata/3 has no checksum", 0), 0u)
      << r.status().message();
}

// Each batch records what it covered (the runner's offsets digest) in its
// manifest file, so that a replayed batch id can be checked before the sink
// skips it.
TEST(FileSinkManifestTest, RecordsTheOffsetsDigestOfEachBatch) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out");
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->AddBatch(0, {File("a")}, "fnv1a64:00000000000000aa").ok());
  ASSERT_TRUE(m->AddBatch(1, {}, "fnv1a64:00000000000000bb").ok());
  ASSERT_TRUE(m->AddBatch(2, {File("c")}).ok());  // no digest given
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/out/_sluice_metadata/0", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum(
                     "v2\n"
                     "{\"batchId\":0,\"offsetsDigest\":\"fnv1a64:00000000000000aa\"}\n"
                     "{\"path\":\"a\",\"size\":10,\"modificationTime\":1700000000000,\"action\":\"add\"}\n"));
  ASSERT_TRUE(env.ReadFileToString("/out/_sluice_metadata/1", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum("v2\n{\"batchId\":1,\"offsetsDigest\":\"fnv1a64:00000000000000bb\"}\n"));
  EXPECT_EQ(*m->GetOffsetsDigest(0), std::optional<std::string>("fnv1a64:00000000000000aa"));
  EXPECT_EQ(*m->GetOffsetsDigest(1), std::optional<std::string>("fnv1a64:00000000000000bb"));
  EXPECT_EQ(*m->GetOffsetsDigest(2), std::nullopt);
  EXPECT_EQ(*m->GetOffsetsDigest(3), std::nullopt);  // not recorded
  // The digest lines are not files.
  EXPECT_EQ(Paths(*m->AllFiles()), (std::vector<std::string>{"a", "c"}));
}

TEST(FileSinkManifestTest, CompactFilesKeepTheDigestsOfTheNewestBatches) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out", 3);
  auto digest = [](int64_t b) { return "fnv1a64:" + std::string(15, '0') + std::to_string(b % 10); };
  const int64_t n = FileSinkManifest::kDigestWindow + 21;  // batches 0..120; 119 is the newest compaction
  for (int64_t b = 0; b < n; ++b) ASSERT_TRUE(m->AddBatch(b, {File("f" + std::to_string(b))}, digest(b)).ok());
  const int64_t latest_compact = 119;
  EXPECT_EQ(Listing(&env, "/out/_sluice_metadata"), (std::vector<std::string>{"119.compact", "120", "checksums"}));
  for (int64_t b = n - FileSinkManifest::kDigestWindow + 1; b < n; ++b) {
    EXPECT_EQ(*m->GetOffsetsDigest(b), std::optional<std::string>(digest(b))) << b;
  }
  // Older ones were dropped by a compaction: unknown, not wrong.
  EXPECT_EQ(*m->GetOffsetsDigest(0), std::nullopt);
  EXPECT_EQ(*m->GetOffsetsDigest(latest_compact - FileSinkManifest::kDigestWindow), std::nullopt);
  EXPECT_EQ(Paths(*m->AllFiles()).size(), static_cast<size_t>(n));
}

// Manifests written before digests and checksums (version 1) stay readable:
// their batches have no digest and their files no checksum.
TEST(FileSinkManifestTest, VersionOneManifestsAreStillRead) {
  MemEnv env;
  const std::string dir = "/out/_sluice_metadata/";
  ASSERT_TRUE(env.CreateDirRecursive(dir).ok());
  ASSERT_TRUE(env.WriteFile(dir + "0", "v1\n{\"path\":\"a\",\"size\":3,\"modificationTime\":5,\"action\":\"add\"}\n",
                            false).ok());
  auto m = FileSinkManifest::Open(&env, "/out", 2);
  ASSERT_TRUE(m.ok());
  auto all = m->AllFiles();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0], (SinkFileEntry{"a", 3, 5, "add", std::nullopt}));
  EXPECT_EQ(*m->GetOffsetsDigest(0), std::nullopt);
  // The next batch (a compaction batch) carries the old entry over.
  ASSERT_TRUE(m->AddBatch(1, {File("b")}, "fnv1a64:0000000000000001").ok());
  EXPECT_EQ(Paths(*m->AllFiles()), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*m->GetOffsetsDigest(0), std::nullopt);
  EXPECT_EQ(*m->GetOffsetsDigest(1), std::optional<std::string>("fnv1a64:0000000000000001"));
}

TEST(FileSinkManifestTest, DigestLineOfAnotherBatchIsCorruption) {
  MemEnv env;
  auto m = FileSinkManifest::Open(&env, "/out");
  ASSERT_TRUE(m->AddBatch(0, {}, "fnv1a64:00000000000000aa").ok());
  const std::string dir = "/out/_sluice_metadata/";
  ASSERT_TRUE(env.WriteFile(dir + "1",
                            LogFileWithChecksum("v2\n{\"batchId\":7,\"offsetsDigest\":\"fnv1a64:00000000000000bb\"}\n"),
                            false).ok());
  auto d = m->GetOffsetsDigest(1);
  EXPECT_EQ(d.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(d.status().message(),
            "log file /out/_sluice_metadata/1 line 2: batchId 7 does not match the file's batch 1");
  ASSERT_TRUE(env.WriteFile(dir + "1", LogFileWithChecksum("v2\n{\"batchId\":1}\n"), false).ok());
  EXPECT_EQ(m->AllFiles().status().message(),
            "log file /out/_sluice_metadata/1 line 2 lacks the field \"offsetsDigest\"");
}

}  // namespace
}  // namespace sluice
