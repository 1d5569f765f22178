// What only the RocksDB provider has: its snapshot directories and their
// manifests, the working instance, the file provider's files refused. The
// behaviour it shares with the file provider is in
// state_store_provider_conformance_test.cc.
#include "state/rocksdb_state_store_provider.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "env/temp_dir.h"
#include "state/file_state_store_provider.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<RocksDBStateStoreProvider> OpenProvider(const std::string& dir, RocksDBStateStoreOptions o = {}) {
  auto p = RocksDBStateStoreProvider::Open(Env::Default(), dir, o);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(p).value();
}

RocksDBStateStoreOptions Interval(int n) {
  RocksDBStateStoreOptions o;
  o.snapshot_interval = n;
  return o;
}

// Version v + 1 = version v with keys "a<v>" and "b<v>" added and "a<v-1>" removed.
void RunBatch(StateStoreProvider* p, int64_t v) {
  auto s = p->Load(v);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  (*s)->Put("a" + std::to_string(v), std::string(100, 'x'));
  (*s)->Put("b" + std::to_string(v), std::to_string(v));
  (*s)->Remove("a" + std::to_string(v - 1));
  ASSERT_TRUE((*s)->Commit().ok());
}

std::string ReadAll(const std::string& path) {
  std::string s;
  EXPECT_TRUE(Env::Default()->ReadFileToString(path, &s).ok()) << path;
  return s;
}

TEST(RocksDBStateStoreTest, SnapshotDirectoryHoldsACheckpointAndItsManifest) {
  TempDir tmp;
  std::string dir = tmp.path() + "/st";
  auto p = OpenProvider(dir, Interval(2));
  for (int64_t v = 0; v < 2; ++v) RunBatch(p.get(), v);
  ASSERT_TRUE(p->last_maintenance_status().ok()) << p->last_maintenance_status().ToString();
  std::string snap = dir + "/2.rocksdb";
  ASSERT_TRUE(fs::is_directory(snap));
  std::string manifest = ReadAll(snap + "/SLUICE-SNAPSHOT");
  // Header, version, exact key count (a0 removed: a1, b0, b1), the files.
  EXPECT_EQ(manifest.rfind("sluice-rocksdb-snapshot 1\nversion 2\nkeys 3\nfile ", 0), 0u) << manifest;
  EXPECT_NE(manifest.find("\nfile CURRENT "), std::string::npos) << manifest;
  EXPECT_NE(manifest.find(".sst "), std::string::npos) << manifest;
  // Every file of the directory but the manifest is listed in it.
  for (const auto& e : fs::directory_iterator(snap)) {
    std::string name = e.path().filename().string();
    if (name == "SLUICE-SNAPSHOT") continue;
    EXPECT_NE(manifest.find("\nfile " + name + " " + std::to_string(e.file_size()) + " "), std::string::npos)
        << name;
  }
  // The working instance lives under rocksdb-work/ and is gone after a restart.
  EXPECT_TRUE(fs::is_directory(dir + "/rocksdb-work"));
  p.reset();
  fs::create_directories(dir + "/rocksdb-work/99999999-7");
  ASSERT_TRUE(Env::Default()->WriteFile(dir + "/rocksdb-work/99999999-7/000001.log", "left by a crash", false).ok());
  fs::create_directories(dir + "/.3.rocksdb.0123456789abcdef.tmp");  // a half-built snapshot
  auto fresh = OpenProvider(dir, Interval(2));
  EXPECT_FALSE(fs::exists(dir + "/rocksdb-work/99999999-7"));
  EXPECT_FALSE(fs::exists(dir + "/.3.rocksdb.0123456789abcdef.tmp"));
  auto s = fresh->Load(2);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->NumKeys(), 3u);
  EXPECT_EQ(*(*s)->Get("b1"), "1");
  EXPECT_EQ((*s)->Get("a0"), nullptr);
}

TEST(RocksDBStateStoreTest, DamagedSnapshotsAreReportedByName) {
  TempDir tmp;
  std::string dir = tmp.path() + "/st";
  {
    auto p = OpenProvider(dir, Interval(2));
    for (int64_t v = 0; v < 2; ++v) RunBatch(p.get(), v);
  }
  std::string snap = dir + "/2.rocksdb";
  std::string manifest_path = snap + "/SLUICE-SNAPSHOT";
  std::string manifest = ReadAll(manifest_path);

  // An edited manifest fails its own checksum.
  std::string edited = manifest;
  edited.replace(edited.find("keys 3"), 6, "keys 4");
  ASSERT_TRUE(Env::Default()->WriteFile(manifest_path, edited, false).ok());
  auto s = OpenProvider(dir, Interval(2))->Load(2);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.status().message().rfind("state snapshot manifest " + manifest_path + " fails its checksum", 0), 0u)
      << s.status().message();

  // A truncated one.
  ASSERT_TRUE(Env::Default()->WriteFile(manifest_path, manifest.substr(0, manifest.size() - 3), false).ok());
  s = OpenProvider(dir, Interval(2))->Load(2);
  EXPECT_EQ(s.status().message(), "state snapshot manifest " + manifest_path +
                                      " is truncated (its last line has no newline)");

  // None at all.
  ASSERT_TRUE(Env::Default()->DeleteFile(manifest_path).ok());
  s = OpenProvider(dir, Interval(2))->Load(2);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.status().message(),
            "state snapshot " + snap + " has no manifest " + manifest_path + " (the snapshot is damaged)");
  ASSERT_TRUE(Env::Default()->WriteFile(manifest_path, manifest, false).ok());

  // A file the manifest lists is missing.
  ASSERT_TRUE(Env::Default()->RenameFile(snap + "/CURRENT", dir + "/../CURRENT.saved").ok());
  s = OpenProvider(dir, Interval(2))->Load(2);
  EXPECT_EQ(s.status().message(),
            "state snapshot file " + snap + "/CURRENT is missing (listed in " + manifest_path + ")");
  ASSERT_TRUE(Env::Default()->RenameFile(dir + "/../CURRENT.saved", snap + "/CURRENT").ok());

  // A file it does not list.
  ASSERT_TRUE(Env::Default()->WriteFile(snap + "/extra.sst", "x", false).ok());
  s = OpenProvider(dir, Interval(2))->Load(2);
  EXPECT_EQ(s.status().message(),
            "state snapshot " + snap + " holds a file its manifest does not list: " + snap + "/extra.sst");
  ASSERT_TRUE(Env::Default()->DeleteFile(snap + "/extra.sst").ok());

  // Restored, it loads again.
  s = OpenProvider(dir, Interval(2))->Load(2);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->NumKeys(), 3u);
}

TEST(RocksDBStateStoreTest, RefusesTheFileProvidersSnapshots) {
  TempDir tmp;
  std::string dir = tmp.path() + "/st";
  {
    FileStateStoreOptions o;
    o.snapshot_interval = 1;
    auto p = FileStateStoreProvider::Open(Env::Default(), dir, o);
    ASSERT_TRUE(p.ok());
    RunBatch(p->get(), 0);
  }
  auto latest = OpenProvider(dir)->LatestVersion();
  EXPECT_EQ(latest.status().code(), StatusCode::kCorruption);
  EXPECT_NE(latest.status().message().find("holds \"1.snapshot\", a snapshot of the file state store provider"),
            std::string::npos)
      << latest.status().message();
}

// The working instance writes no WAL and never becomes the durable record:
// killing the provider without closing anything loses nothing committed.
TEST(RocksDBStateStoreTest, DeltasAloneRestoreEveryVersion) {
  TempDir tmp;
  std::string dir = tmp.path() + "/st";
  {
    auto p = OpenProvider(dir, Interval(100));
    for (int64_t v = 0; v < 5; ++v) RunBatch(p.get(), v);
    // The provider is destroyed with the instance open; its directory goes.
  }
  fs::remove_all(dir + "/rocksdb-work");
  auto p = OpenProvider(dir, Interval(100));
  auto s = p->Load(5);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  std::map<std::string, std::string> got;
  (*s)->ForEach([&](std::string_view k, std::string_view v) { got.emplace(k, v); });
  std::map<std::string, std::string> want = {{"a4", std::string(100, 'x')}, {"b0", "0"}, {"b1", "1"},
                                             {"b2", "2"}, {"b3", "3"}, {"b4", "4"}};
  EXPECT_EQ(got, want);
  EXPECT_EQ((*s)->NumKeys(), 6u);
}

TEST(RocksDBStateStoreTest, MemoryUsedBytesCountsTheMemtable) {
  TempDir tmp;
  auto p = OpenProvider(tmp.path() + "/st");
  auto s = p->Load(0);
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 1000; ++i) (*s)->Put("key" + std::to_string(i), std::string(200, 'v'));
  ASSERT_TRUE((*s)->Commit().ok());
  auto s1 = p->Load(1);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ((*s1)->NumKeys(), 1000u);
  // The 1000 committed rows (over 200 KB) sit in the memtable.
  EXPECT_GT((*s1)->MemoryUsedBytes(), 200u * 1000u);
}

TEST(RocksDBStateStoreTest, BadMemoryOptionsAreRefused) {
  TempDir tmp;
  RocksDBStateStoreOptions o;
  o.write_buffer_cache_ratio = 1.5;
  auto p = RocksDBStateStoreProvider::Open(Env::Default(), tmp.path() + "/st", o);
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
}

// A working instance of another live process (a reader next to the running
// query) is left alone; a dead process's is deleted.
TEST(RocksDBStateStoreTest, OpenLeavesLiveProcessesWorkingInstances) {
  TempDir tmp;
  std::string dir = tmp.path() + "/st";
  std::string live = dir + "/rocksdb-work/" + std::to_string(getppid()) + "-0";
  std::string dead = dir + "/rocksdb-work/1073741823-5";
  std::filesystem::create_directories(live);
  std::filesystem::create_directories(dead);
  auto p = RocksDBStateStoreProvider::Open(Env::Default(), dir);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_FALSE(std::filesystem::exists(dead));
}

// Each snapshot flushes the memtable into a new SST; a later snapshot must
// still hold the earlier SSTs' keys (none is rewritten here).
TEST(RocksDBStateStoreTest, SnapshotsHoldEveryEarlierFlush) {
  TempDir tmp;
  std::string dir = tmp.path() + "/st";
  {
    auto p = OpenProvider(dir, Interval(1));
    for (int64_t v = 0; v < 6; ++v) {
      auto s = p->Load(v);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      (*s)->Put("key" + std::to_string(v), "value" + std::to_string(v));
      ASSERT_TRUE((*s)->Commit().ok());
      ASSERT_TRUE(p->last_maintenance_status().ok()) << p->last_maintenance_status().ToString();
    }
  }
  for (int64_t v : {3, 6}) {
    fs::remove_all(dir + "/rocksdb-work");
    auto s = OpenProvider(dir, Interval(1))->Load(v);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    std::map<std::string, std::string> got;
    (*s)->ForEach([&](std::string_view k, std::string_view val) { got.emplace(k, val); });
    std::map<std::string, std::string> want;
    for (int64_t i = 0; i < v; ++i) want["key" + std::to_string(i)] = "value" + std::to_string(i);
    EXPECT_EQ(got, want) << "version " << v;
    EXPECT_EQ((*s)->NumKeys(), static_cast<size_t>(v));
  }
}

}  // namespace
}  // namespace sluice
