#include "state/file_state_store_provider.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "env/fault_injection_env.h"
#include "env/mem_env.h"
#include "env/temp_dir.h"
#include "state/state_store_test_util.h"

namespace sluice {
namespace {

std::vector<std::string> Listing(Env* env, const std::string& dir) {
  auto v = env->ListDir(dir);
  EXPECT_TRUE(v.ok());
  std::sort(v->begin(), v->end(), [](const std::string& a, const std::string& b) {
    return std::stoll(a) != std::stoll(b) ? std::stoll(a) < std::stoll(b) : a < b;
  });
  return *v;
}

std::unique_ptr<FileStateStoreProvider> OpenProvider(Env* env, const std::string& dir,
                                                     FileStateStoreOptions opts = {}) {
  auto p = FileStateStoreProvider::Open(env, dir, opts);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(p).value();
}

TEST(FileStateStoreTest, StoreDirLayout) {
  EXPECT_EQ(StateStoreDir("/ckpt", 0, 3), "/ckpt/state/0/3");
}

TEST(FileStateStoreTest, GetPutRemoveCommitAbort) {
  MemEnv env;
  auto p = OpenProvider(&env, "/ckpt/state/0/0");
  auto s0 = p->Load(0);
  ASSERT_TRUE(s0.ok());
  EXPECT_EQ((*s0)->version(), 0);
  EXPECT_EQ((*s0)->Get("a"), nullptr);
  (*s0)->Put("a", "1");
  (*s0)->Put("b", "2");
  (*s0)->Remove("b");
  (*s0)->Remove("never-there");
  EXPECT_EQ(*(*s0)->Get("a"), "1");
  EXPECT_EQ((*s0)->NumKeys(), 1u);
  // One entry: 1 key byte + 1 value byte + the per-entry overhead.
  const size_t one_entry = (*s0)->MemoryUsedBytes();
  EXPECT_EQ(one_entry, 2 + 2 * sizeof(std::string) + 3 * sizeof(void*));
  (*s0)->Put("a", "12345");
  EXPECT_EQ((*s0)->MemoryUsedBytes(), one_entry + 4);
  (*s0)->Put("a", "1");
  EXPECT_EQ(*(*s0)->Commit(), 1);
  EXPECT_TRUE((*s0)->finished());
  EXPECT_EQ((*s0)->Commit().status().code(), StatusCode::kInternal);

  auto s1 = p->Load(1);
  ASSERT_TRUE(s1.ok());
  (*s1)->Put("a", "changed");
  (*s1)->Abort();
  auto again = p->Load(1);
  EXPECT_EQ(*(*again)->Get("a"), "1");
  EXPECT_FALSE(env.FileExists("/ckpt/state/0/0/2.delta"));
  EXPECT_EQ(p->Load(2).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(p->Load(-1).status().code(), StatusCode::kInvalidArgument);
}

// Load hands the cached latest map to the store (no copy); a second store
// of the same version, open at the same time, reads the files and sees the
// same data, and neither sees the other's uncommitted changes.
TEST(FileStateStoreTest, TwoStoresOfTheSameVersion) {
  MemEnv env;
  auto p = OpenProvider(&env, "/ckpt/state/0/0");
  for (int64_t v = 0; v < 3; ++v) RunCountingBatch(p.get(), v);
  auto a = p->Load(3);
  auto b = p->Load(3);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(Contents(**a), CountingState(3));
  EXPECT_EQ(Contents(**b), CountingState(3));
  (*a)->Put("k9", "x");
  EXPECT_EQ((*b)->Get("k9"), nullptr);
  (*a)->Abort();
  EXPECT_EQ(*(*b)->Commit(), 4);
  auto c = p->Load(4);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Contents(**c), CountingState(3));
}

TEST(FileStateStoreTest, ReloadAcrossRestartWithSnapshotsAndDeltas) {
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress);
    MemEnv env;
    FileStateStoreOptions opts;
    opts.snapshot_interval = 4;
    opts.compress = compress;
    {
      auto p = OpenProvider(&env, "/st", opts);
      for (int64_t v = 0; v < 11; ++v) RunCountingBatch(p.get(), v);
    }
    // Snapshots once 4 deltas piled up: at 4 and 8.
    EXPECT_EQ(Listing(&env, "/st"),
              (std::vector<std::string>{"1.delta", "2.delta", "3.delta", "4.delta", "4.snapshot",
                                        "5.delta", "6.delta", "7.delta", "8.delta", "8.snapshot",
                                        "9.delta", "10.delta", "11.delta"}));
    // A new provider (a restarted process) reads the files.
    auto p = OpenProvider(&env, "/st", opts);
    EXPECT_EQ(p->LatestVersion()->value(), 11);
    for (int64_t v : {0, 1, 3, 4, 5, 8, 11}) {
      auto s = p->Load(v);
      ASSERT_TRUE(s.ok()) << v << ": " << s.status().ToString();
      EXPECT_EQ(Contents(**s), CountingState(v)) << "version " << v;
    }
    // And carries on.
    RunCountingBatch(p.get(), 11);
    auto s = p->Load(12);
    EXPECT_EQ(Contents(**s), CountingState(12));
  }
}

TEST(FileStateStoreTest, ReRunBatchRewritesItsDelta) {
  MemEnv env;
  auto p = OpenProvider(&env, "/st");
  for (int64_t v = 0; v < 3; ++v) RunCountingBatch(p.get(), v);
  // The runner re-runs batch 2 after a crash before its commit log entry.
  auto restarted = OpenProvider(&env, "/st");
  RunCountingBatch(restarted.get(), 2);
  EXPECT_EQ(Contents(**restarted->Load(3)), CountingState(3));
}

TEST(FileStateStoreTest, CleanupKeepsRetainedVersionsLoadable) {
  MemEnv env;
  FileStateStoreOptions opts;
  opts.snapshot_interval = 3;
  opts.min_versions_to_retain = 4;
  auto p = OpenProvider(&env, "/st", opts);
  for (int64_t v = 0; v < 14; ++v) RunCountingBatch(p.get(), v);
  // Latest 14, retain 11..14: the newest snapshot <= 11 is 9; older files go.
  EXPECT_EQ(Listing(&env, "/st"),
            (std::vector<std::string>{"9.snapshot", "10.delta", "11.delta", "12.delta",
                                      "12.snapshot", "13.delta", "14.delta"}));
  auto fresh = OpenProvider(&env, "/st", opts);
  for (int64_t v = 11; v <= 14; ++v) {
    auto s = fresh->Load(v);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(Contents(**s), CountingState(v));
  }
  auto gone = fresh->Load(5);
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(),
            "state version 5 does not exist in /st (no /st/5.delta or /st/5.snapshot)");
}

TEST(FileStateStoreTest, MissingDeltaIsCorruption) {
  MemEnv env;
  auto p = OpenProvider(&env, "/st");
  for (int64_t v = 0; v < 4; ++v) RunCountingBatch(p.get(), v);
  ASSERT_TRUE(env.DeleteFile("/st/2.delta").ok());
  auto fresh = OpenProvider(&env, "/st");
  auto s = fresh->Load(4);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.status().message(),
            "cannot load state version 4 from /st: /st/2.delta is missing (loading replays "
            "deltas 1..4)");
}

TEST(FileStateStoreTest, CorruptFilesAreReportedByName) {
  MemEnv env;
  FileStateStoreOptions opts;
  opts.snapshot_interval = 2;
  auto p = OpenProvider(&env, "/st", opts);
  for (int64_t v = 0; v < 3; ++v) RunCountingBatch(p.get(), v);  // 1,2 deltas, 2.snapshot, 3.delta
  std::string delta;
  ASSERT_TRUE(env.ReadFileToString("/st/3.delta", &delta).ok());
  ASSERT_TRUE(env.WriteFile("/st/3.delta", delta.substr(0, delta.size() - 1), false).ok());
  auto s = OpenProvider(&env, "/st", opts)->Load(3);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.status().message().rfind("state file /st/3.delta is truncated", 0), 0u)
      << s.status().message();

  std::string snap;
  ASSERT_TRUE(env.ReadFileToString("/st/2.snapshot", &snap).ok());
  snap[snap.size() - 20] ^= 1;  // in the body
  ASSERT_TRUE(env.WriteFile("/st/2.snapshot", snap, false).ok());
  s = OpenProvider(&env, "/st", opts)->Load(2);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.status().message().rfind("state file /st/2.snapshot fails its checksum", 0), 0u)
      << s.status().message();

  ASSERT_TRUE(env.WriteFile("/st/notes.txt", "", false).ok());
  EXPECT_EQ(OpenProvider(&env, "/st", opts)->LatestVersion().status().message(),
            "state directory /st holds an unexpected file \"notes.txt\"; only <version>.delta and "
            "<version>.snapshot belong there");
}

TEST(FileStateStoreTest, CommitIsAtomicUnderCrash) {
  MemEnv mem;
  FaultInjectionEnv env(&mem);
  auto p = OpenProvider(&env, "/st");
  RunCountingBatch(p.get(), 0);
  auto s = p->Load(1);
  (*s)->Put("new", "x");
  env.FailNth(FaultInjectionEnv::Op::kSync, 1);
  EXPECT_FALSE((*s)->Commit().ok());
  env.ClearFaults();
  ASSERT_TRUE(env.SimulateCrash().ok());
  auto fresh = OpenProvider(&env, "/st");
  EXPECT_EQ(fresh->LatestVersion()->value(), 1);
  EXPECT_EQ(Contents(**fresh->Load(1)), CountingState(1));
  EXPECT_EQ(fresh->Load(2).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Listing(&mem, "/st"), std::vector<std::string>{"1.delta"});
}

TEST(FileStateStoreTest, WorksOnPosixEnv) {
  TempDir tmp;
  std::string dir = StateStoreDir(tmp.path(), 1, 7);
  {
    auto p = OpenProvider(Env::Default(), dir);
    for (int64_t v = 0; v < 12; ++v) RunCountingBatch(p.get(), v);
  }
  auto p = OpenProvider(Env::Default(), dir);
  EXPECT_EQ(Contents(**p->Load(12)), CountingState(12));
  EXPECT_TRUE(Env::Default()->FileExists(dir + "/10.snapshot"));
}

}  // namespace
}  // namespace sluice
