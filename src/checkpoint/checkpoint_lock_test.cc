#include "checkpoint/checkpoint_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint/checkpoint_metadata.h"
#include "checkpoint/log_file_for_test.h"
#include "common/json_writer.h"
#include "env/mem_env.h"
#include "env/temp_dir.h"

namespace sluice {
namespace {

TEST(CheckpointLockTest, SecondQueryInSameProcessFails) {
  MemEnv env;
  auto first = CheckpointLock::Acquire(&env, "/ckpt");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = CheckpointLock::Acquire(&env, "/ckpt");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kIOError);
  EXPECT_EQ(second.status().message().rfind(
                "checkpoint /ckpt is in use by another query (lock held on /ckpt/LOCK)", 0),
            0u)
      << second.status().message();
  ASSERT_TRUE((*first)->Release().ok());
  EXPECT_TRUE(CheckpointLock::Acquire(&env, "/ckpt").ok());
}

TEST(CheckpointLockTest, LockDiesWithTheObject) {
  MemEnv env;
  { auto l = CheckpointLock::Acquire(&env, "/ckpt"); ASSERT_TRUE(l.ok()); }
  EXPECT_TRUE(CheckpointLock::Acquire(&env, "/ckpt").ok());
}

TEST(CheckpointLockTest, SecondProcessFails) {
  TempDir tmp;
  std::string ckpt = tmp.path() + "/ckpt";
  auto mine = CheckpointLock::Acquire(Env::Default(), ckpt);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto theirs = CheckpointLock::Acquire(Env::Default(), ckpt);
    bool ok = !theirs.ok() &&
              theirs.status().message().find("is in use by another query (lock held on " + ckpt +
                                             "/LOCK)") != std::string::npos &&
              theirs.status().message().find("another process") != std::string::npos;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Deleting LOCK while a query runs must not let a second process in: the
// lock is held on the checkpoint directory's descriptor, not only on the file.
TEST(CheckpointLockTest, DeletingLockFileDoesNotLetAnotherProcessIn) {
  TempDir tmp;
  std::string ckpt = tmp.path() + "/ckpt";
  auto mine = CheckpointLock::Acquire(Env::Default(), ckpt);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  ASSERT_TRUE(Env::Default()->DeleteFile(ckpt + "/LOCK").ok());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto theirs = CheckpointLock::Acquire(Env::Default(), ckpt);
    bool ok = !theirs.ok() && theirs.status().code() == StatusCode::kIOError &&
              theirs.status().message().rfind("checkpoint " + ckpt + " is in use by another query", 0) == 0 &&
              theirs.status().message().find("another process") != std::string::npos;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Released: the next query gets it (and a LOCK file again).
  ASSERT_TRUE((*mine)->Release().ok());
  EXPECT_TRUE(CheckpointLock::Acquire(Env::Default(), ckpt).ok());
  EXPECT_TRUE(Env::Default()->FileExists(ckpt + "/LOCK"));
}

TEST(CheckpointLockTest, DeletingLockFileInMemEnv) {
  MemEnv env;
  auto first = CheckpointLock::Acquire(&env, "/ckpt");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(env.DeleteFile("/ckpt/LOCK").ok());
  auto second = CheckpointLock::Acquire(&env, "/ckpt");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message().rfind("checkpoint /ckpt is in use by another query", 0), 0u)
      << second.status().message();
}

TEST(CheckpointMetadataTest, QueryIdStableRunIdFresh) {
  MemEnv env;
  auto a = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(a->query_id, b->query_id);
  EXPECT_NE(a->run_id, b->run_id);
  EXPECT_TRUE(IsUuid(a->query_id));
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/ckpt/metadata", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum("v1\n{\"id\":\"" + a->query_id + "\"}\n"));
  EXPECT_TRUE(a->checksums_from.empty());
}

// A flipped hex digit in the query id would be a valid UUID, i.e. another
// query (and another Kafka transactional id): the checksum catches it.
TEST(CheckpointMetadataTest, EditedQueryIdFailsTheChecksum) {
  MemEnv env;
  auto a = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/ckpt/metadata", &raw).ok());
  size_t at = raw.find(a->query_id);
  ASSERT_NE(at, std::string::npos);
  raw[at] = raw[at] == 'a' ? 'b' : 'a';
  ASSERT_TRUE(env.WriteFile("/ckpt/metadata", raw, false).ok());
  auto b = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(b.status().message().rfind("checkpoint metadata file /ckpt/metadata fails its checksum", 0), 0u)
      << b.status().message();
}

// The first start on a checkpoint from before checksums records, per log
// directory, the first batch whose file will carry one; the old files stay
// readable (only they).
TEST(CheckpointMetadataTest, CheckpointFromBeforeChecksumsIsUpgraded) {
  MemEnv env;
  const std::string id = "6f1c1f9e-2f0b-4a53-9c43-6c6f2b0b8a11";
  ASSERT_TRUE(env.CreateDirRecursive("/ckpt/offsets").ok());
  ASSERT_TRUE(env.CreateDirRecursive("/ckpt/commits").ok());
  ASSERT_TRUE(env.CreateDirRecursive("/ckpt/sources/0").ok());
  ASSERT_TRUE(env.CreateDirRecursive("/ckpt/sources/1").ok());
  ASSERT_TRUE(env.WriteFile("/ckpt/metadata", "{\"id\":\"" + id + "\"}\n", false).ok());
  for (const char* f : {"offsets/0", "offsets/1", "offsets/2", "commits/0", "commits/1", "sources/0/0",
                        "sources/0/1", "sources/0/2", "sources/0/3", "sources/1/0"}) {
    ASSERT_TRUE(env.WriteFile(std::string("/ckpt/") + f, "v1\n{}\n", false).ok());
  }
  auto md = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->query_id, id);
  const std::map<std::string, int64_t> expected = {
      {"commits", 2}, {"offsets", 3}, {"sources/0", 4}, {"sources/1", 1}};
  EXPECT_EQ(md->checksums_from, expected);
  EXPECT_EQ(md->ChecksumsFrom("offsets"), 3);
  EXPECT_EQ(md->ChecksumsFrom("sources/7"), 0);
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/ckpt/metadata", &raw).ok());
  EXPECT_EQ(raw, LogFileWithChecksum("v1\n{\"id\":\"" + id +
                                     "\",\"checksumsFrom\":{\"commits\":2,\"offsets\":3,\"sources/0\":4,"
                                     "\"sources/1\":1}}\n"));
  // Read back as is on the next start (no second upgrade).
  ASSERT_TRUE(env.WriteFile("/ckpt/offsets/3", LogFileWithChecksum("v1\n{}\n"), false).ok());
  auto again = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->query_id, id);
  EXPECT_EQ(again->checksums_from, expected);
}

// Stripping the metadata file back to the old format would mark every file
// as old: refused when a log file already carries a checksum.
TEST(CheckpointMetadataTest, OldFormatMetadataNextToChecksummedLogsFails) {
  MemEnv env;
  const std::string id = "6f1c1f9e-2f0b-4a53-9c43-6c6f2b0b8a11";
  ASSERT_TRUE(env.CreateDirRecursive("/ckpt/commits").ok());
  ASSERT_TRUE(env.WriteFile("/ckpt/metadata", "{\"id\":\"" + id + "\"}\n", false).ok());
  ASSERT_TRUE(env.WriteFile("/ckpt/commits/0", "v1\n{}\n", false).ok());
  ASSERT_TRUE(env.WriteFile("/ckpt/commits/1", LogFileWithChecksum("v1\n{}\n"), false).ok());
  auto md = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(md.status().message().rfind("checkpoint metadata file /ckpt/metadata has the format of a Sluice from "
                                        "before checksums (one JSON line), but /ckpt/commits/1 carries a checksum",
                                        0),
            0u)
      << md.status().message();
  std::string raw;
  ASSERT_TRUE(env.ReadFileToString("/ckpt/metadata", &raw).ok());
  EXPECT_EQ(raw, "{\"id\":\"" + id + "\"}\n");  // left as it was
}

TEST(CheckpointMetadataTest, Corruption) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDir("/ckpt").ok());
  const std::pair<const char*, const char*> cases[] = {
      {"", "checkpoint metadata file /ckpt/metadata is empty"},
      {"{\"id\":\"abc", "checkpoint metadata file /ckpt/metadata is truncated: it does not end with a newline"},
      {"{\"id\":\n", "checkpoint metadata file /ckpt/metadata is not valid JSON: "},
      {"{\"name\":\"x\"}\n",
       "checkpoint metadata file /ckpt/metadata lacks the string field \"id\" (the query id)"},
      {"{\"id\":\"not-a-uuid\"}\n",
       "checkpoint metadata file /ckpt/metadata: query id \"not-a-uuid\" is not a UUID"},
  };
  const std::string good = "{\"id\":\"6f1c1f9e-2f0b-4a53-9c43-6c6f2b0b8a11\"}";
  const std::pair<std::string, std::string> current_format[] = {
      {"v1\n" + good + "\n",
       "checkpoint metadata file /ckpt/metadata has no checksum (its first line is \"v1\", not "
       "\"v1 crc32=<8 hex digits>\")"},
      {LogFileWithChecksum("v1\n" + good + "\n" + good + "\n"),
       "checkpoint metadata file /ckpt/metadata has 3 lines; it has exactly 2 (the version and one JSON object)"},
      {LogFileWithChecksum("v2\n" + good + "\n"),
       "checkpoint metadata file /ckpt/metadata has version v2 but this Sluice supports up to v1; upgrade Sluice"},
      {LogFileWithChecksum("v1\n{\"id\":\"6f1c1f9e-2f0b-4a53-9c43-6c6f2b0b8a11\",\"checksumsFrom\":{\"offsets\":-1}}\n"),
       "checkpoint metadata file /ckpt/metadata: checksumsFrom of \"offsets\" must be a non-negative batch id"},
  };
  for (const auto& [contents, message] : current_format) {
    ASSERT_TRUE(env.WriteFile("/ckpt/metadata", contents, false).ok());
    auto r = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
    ASSERT_FALSE(r.ok()) << contents;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(r.status().message().substr(0, message.size()), message) << r.status().message();
  }
  for (const auto& [contents, message] : cases) {
    ASSERT_TRUE(env.WriteFile("/ckpt/metadata", contents, false).ok());
    auto r = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
    ASSERT_FALSE(r.ok()) << contents;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(r.status().message().substr(0, std::string(message).size()), message)
        << r.status().message();
  }
}

// A checkpoint whose logs hold batches but whose metadata is gone must not
// get a new query id (the exactly-once Kafka sink's transactional id comes
// from it: a new one replays committed batches as new output).
TEST(CheckpointMetadataTest, MissingWhileLogsHoldBatchesFails) {
  for (const char* log : {"offsets", "commits"}) {
    MemEnv env;
    ASSERT_TRUE(env.CreateDirRecursive(std::string("/ckpt/") + log).ok());
    ASSERT_TRUE(env.WriteFile(std::string("/ckpt/") + log + "/0", "v1\n{}\n", false).ok());
    ASSERT_TRUE(env.WriteFile(std::string("/ckpt/") + log + "/1", "v1\n{}\n", false).ok());
    auto r = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
    ASSERT_FALSE(r.ok()) << log;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    const std::string& m = r.status().message();
    EXPECT_EQ(m.rfind("checkpoint metadata file /ckpt/metadata is missing, but ", 0), 0u) << m;
    EXPECT_NE(m.find(std::string("/ckpt/") + log + " holds batches up to 1"), std::string::npos) << m;
    EXPECT_NE(m.find("new checkpoint location"), std::string::npos) << m;
    EXPECT_FALSE(env.FileExists("/ckpt/metadata")) << "a new query id was written";
  }
}

// Only temp files of interrupted writes (or empty log directories, as a
// start that crashed before its first batch leaves them): a fresh query.
TEST(CheckpointMetadataTest, MissingWithEmptyLogsCreatesIt) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirRecursive("/ckpt/offsets").ok());
  ASSERT_TRUE(env.CreateDirRecursive("/ckpt/commits").ok());
  ASSERT_TRUE(env.WriteFile("/ckpt/offsets/.0.0123456789abcdef.tmp", "v1\n", false).ok());
  ASSERT_TRUE(env.WriteFile("/ckpt/.metadata.0123456789abcdef.tmp", "{\"id\":", false).ok());
  auto r = CheckpointMetadata::LoadOrCreate(&env, "/ckpt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(env.FileExists("/ckpt/metadata"));
  // The leftover of an interrupted write of `metadata` is removed.
  EXPECT_FALSE(env.FileExists("/ckpt/.metadata.0123456789abcdef.tmp"));
}

TEST(UuidTest, Version4Format) {
  for (int i = 0; i < 100; ++i) {
    std::string u = NewUuidV4();
    ASSERT_TRUE(IsUuid(u)) << u;
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
  }
  EXPECT_NE(NewUuidV4(), NewUuidV4());
  EXPECT_FALSE(IsUuid("6f1c1f9e-2f0b-4a53-9c43-6c6f2b0b8a1"));
  EXPECT_FALSE(IsUuid("6f1c1f9e_2f0b-4a53-9c43-6c6f2b0b8a11"));
}

// JsonWriter lives in src/common; it is tested here, where it is used.
TEST(JsonWriterTest, EscapingAndStructure) {
  JsonWriter w;
  w.BeginObject()
      .Key("s")
      .String(std::string("a\"b\\c\n\t\x01\xc3\xa9", 10))
      .Key("n")
      .Int(-5)
      .Key("arr")
      .BeginArray()
      .Bool(true)
      .Null()
      .Double(1.5)
      .Uint(7)
      .EndArray()
      .Key("raw")
      .Raw("{\"x\":1}")
      .Key("e")
      .BeginObject()
      .EndObject()
      .EndObject();
  EXPECT_EQ(w.str(),
            "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\xc3\xa9\",\"n\":-5,\"arr\":[true,null,1.5,7],"
            "\"raw\":{\"x\":1},\"e\":{}}");
  EXPECT_EQ(JsonQuote("x"), "\"x\"");
}

}  // namespace
}  // namespace sluice
