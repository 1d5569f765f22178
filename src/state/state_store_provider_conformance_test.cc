// The StateStoreProvider contract, run against every provider: the file
// provider (FileStateStoreProvider) and the RocksDB provider
// (RocksDBStateStoreProvider) must behave the same through the interface —
// versions, load/commit/abort, snapshots and cleanup, reload by a new
// provider (a restarted process), missing and corrupt files named.
// Provider-specific file layouts are checked through each kind's names.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "env/env.h"
#include "env/temp_dir.h"
#include "state/file_state_store_provider.h"
#include "state/rocksdb_state_store_provider.h"
#include "state/state_store_test_util.h"

namespace sluice {
namespace {

struct FileKind {
  static constexpr const char* kSnapshotSuffix = ".snapshot";
  static std::unique_ptr<StateStoreProvider> Open(const std::string& dir, int interval, int retain) {
    FileStateStoreOptions o;
    o.snapshot_interval = interval;
    o.min_versions_to_retain = retain;
    auto p = FileStateStoreProvider::Open(Env::Default(), dir, o);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(p).value() : nullptr;
  }
  // A file of snapshot `v` to damage.
  static std::string SnapshotDataFile(const std::string& dir, int64_t v) {
    return dir + "/" + std::to_string(v) + ".snapshot";
  }
};

struct RocksDBKind {
  static constexpr const char* kSnapshotSuffix = ".rocksdb";
  static std::unique_ptr<StateStoreProvider> Open(const std::string& dir, int interval, int retain) {
    RocksDBStateStoreOptions o;
    o.snapshot_interval = interval;
    o.min_versions_to_retain = retain;
    auto p = RocksDBStateStoreProvider::Open(Env::Default(), dir, o);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(p).value() : nullptr;
  }
  // The largest SST file of snapshot `v` (the data, not RocksDB's metadata).
  static std::string SnapshotDataFile(const std::string& dir, int64_t v) {
    std::string best;
    uintmax_t best_size = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir + "/" + std::to_string(v) + ".rocksdb")) {
      if (e.path().extension() == ".sst" && e.file_size() >= best_size) {
        best = e.path().string();
        best_size = e.file_size();
      }
    }
    return best;
  }
};

struct KindNames {
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, FileKind> ? "File" : "RocksDB";
  }
};

template <typename Kind>
class StateStoreProviderConformanceTest : public ::testing::Test {
 protected:
  std::string Dir() const { return tmp_.path() + "/state/0/0"; }
  std::unique_ptr<StateStoreProvider> Open(int interval = 10, int retain = 100) {
    return Kind::Open(Dir(), interval, retain);
  }
  static std::string Snap(int64_t v) { return std::to_string(v) + Kind::kSnapshotSuffix; }
  // The entries of the store directory that are versions, by version.
  std::vector<std::string> Listing() const {
    auto v = Env::Default()->ListDir(Dir());
    EXPECT_TRUE(v.ok());
    std::vector<std::string> out;
    for (const auto& n : *v) {
      if (n != "rocksdb-work") out.push_back(n);
    }
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
      return std::stoll(a) != std::stoll(b) ? std::stoll(a) < std::stoll(b) : a < b;
    });
    return out;
  }
  TempDir tmp_;
};
using ProviderKinds = ::testing::Types<FileKind, RocksDBKind>;
TYPED_TEST_SUITE(StateStoreProviderConformanceTest, ProviderKinds, KindNames);

TYPED_TEST(StateStoreProviderConformanceTest, GetPutRemoveCommitAbort) {
  auto p = this->Open();
  auto s0 = p->Load(0);
  ASSERT_TRUE(s0.ok()) << s0.status().ToString();
  EXPECT_EQ((*s0)->version(), 0);
  EXPECT_EQ((*s0)->Get("a"), nullptr);
  EXPECT_EQ((*s0)->NumKeys(), 0u);
  (*s0)->Put("a", "1");
  (*s0)->Put("b", "2");
  (*s0)->Remove("b");
  (*s0)->Remove("never-there");
  ASSERT_NE((*s0)->Get("a"), nullptr);
  EXPECT_EQ(*(*s0)->Get("a"), "1");
  EXPECT_EQ((*s0)->Get("b"), nullptr);
  EXPECT_EQ((*s0)->NumKeys(), 1u);
  EXPECT_GT((*s0)->MemoryUsedBytes(), 0u);
  EXPECT_EQ(Contents(**s0), (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_EQ(*(*s0)->Commit(), 1);
  EXPECT_TRUE((*s0)->finished());
  EXPECT_EQ((*s0)->Commit().status().code(), StatusCode::kInternal);

  auto s1 = p->Load(1);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ((*s1)->version(), 1);
  (*s1)->Put("a", "changed");
  (*s1)->Put("c", "3");
  (*s1)->Abort();
  EXPECT_TRUE((*s1)->finished());
  auto again = p->Load(1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Contents(**again), (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_EQ((*again)->NumKeys(), 1u);
  EXPECT_FALSE(Env::Default()->FileExists(this->Dir() + "/2.delta"));
  auto missing = p->Load(2);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "state version 2 does not exist in " + this->Dir() + " (no " +
                                            this->Dir() + "/2.delta or " + this->Dir() + "/" + this->Snap(2) + ")");
  EXPECT_EQ(p->Load(-1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*p->LatestVersion(), std::optional<int64_t>(1));
}

TYPED_TEST(StateStoreProviderConformanceTest, EmptyDirectoryHasNoVersion) {
  auto p = this->Open();
  EXPECT_EQ(*p->LatestVersion(), std::nullopt);
  EXPECT_TRUE(p->DoMaintenance().ok());
  EXPECT_EQ(p->Load(1).status().code(), StatusCode::kNotFound);
}

// Two stores of the same version open at once see the same data and not
// each other's uncommitted changes.
TYPED_TEST(StateStoreProviderConformanceTest, TwoStoresOfTheSameVersion) {
  auto p = this->Open();
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

TYPED_TEST(StateStoreProviderConformanceTest, ReloadAcrossRestartWithSnapshotsAndDeltas) {
  {
    auto p = this->Open(/*interval=*/4);
    for (int64_t v = 0; v < 11; ++v) RunCountingBatch(p.get(), v);
  }
  // Snapshots once 4 deltas piled up: at 4 and 8.
  EXPECT_EQ(this->Listing(), (std::vector<std::string>{"1.delta", "2.delta", "3.delta", "4.delta", this->Snap(4),
                                                        "5.delta", "6.delta", "7.delta", "8.delta", this->Snap(8),
                                                        "9.delta", "10.delta", "11.delta"}));
  // A new provider (a restarted process) reads the files.
  auto p = this->Open(4);
  EXPECT_EQ(p->LatestVersion()->value(), 11);
  for (int64_t v : {0, 1, 3, 4, 5, 8, 11, 2, 9}) {
    auto s = p->Load(v);
    ASSERT_TRUE(s.ok()) << v << ": " << s.status().ToString();
    EXPECT_EQ(Contents(**s), CountingState(v)) << "version " << v;
    EXPECT_EQ((*s)->NumKeys(), CountingState(v).size()) << "version " << v;
    (*s)->Abort();
  }
  // And carries on.
  RunCountingBatch(p.get(), 11);
  auto s = p->Load(12);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Contents(**s), CountingState(12));
}

TYPED_TEST(StateStoreProviderConformanceTest, ReRunBatchRewritesItsDelta) {
  {
    auto p = this->Open();
    for (int64_t v = 0; v < 3; ++v) RunCountingBatch(p.get(), v);
  }
  // The runner re-runs batch 2 after a crash before its commit log entry.
  auto restarted = this->Open();
  RunCountingBatch(restarted.get(), 2);
  EXPECT_EQ(Contents(**restarted->Load(3)), CountingState(3));
  auto fresh = this->Open();
  EXPECT_EQ(Contents(**fresh->Load(3)), CountingState(3));
}

TYPED_TEST(StateStoreProviderConformanceTest, CleanupKeepsRetainedVersionsLoadable) {
  auto p = this->Open(/*interval=*/3, /*retain=*/4);
  for (int64_t v = 0; v < 14; ++v) RunCountingBatch(p.get(), v);
  // Latest 14, retain 11..14: the newest snapshot <= 11 is 9; older files go.
  EXPECT_EQ(this->Listing(), (std::vector<std::string>{this->Snap(9), "10.delta", "11.delta", "12.delta",
                                                        this->Snap(12), "13.delta", "14.delta"}));
  auto fresh = this->Open(3, 4);
  for (int64_t v = 11; v <= 14; ++v) {
    auto s = fresh->Load(v);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(Contents(**s), CountingState(v));
  }
  auto gone = fresh->Load(5);
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
}

TYPED_TEST(StateStoreProviderConformanceTest, MissingDeltaIsCorruptionNamingIt) {
  {
    auto p = this->Open();
    for (int64_t v = 0; v < 4; ++v) RunCountingBatch(p.get(), v);
  }
  ASSERT_TRUE(Env::Default()->DeleteFile(this->Dir() + "/2.delta").ok());
  auto s = this->Open()->Load(4);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.status().message(), "cannot load state version 4 from " + this->Dir() + ": " + this->Dir() +
                                      "/2.delta is missing (loading replays deltas 1..4)");
}

TYPED_TEST(StateStoreProviderConformanceTest, MissingSnapshotIsCorruptionNamingADelta) {
  {
    auto p = this->Open(/*interval=*/2, /*retain=*/2);
    for (int64_t v = 0; v < 7; ++v) RunCountingBatch(p.get(), v);
  }
  // Latest 7, retain 6..7: snapshot 6 and delta 7 are what is left.
  EXPECT_EQ(this->Listing(), (std::vector<std::string>{this->Snap(6), "7.delta"}));
  std::filesystem::remove_all(this->Dir() + "/" + this->Snap(6));
  auto s = this->Open(2, 2)->Load(7);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_NE(s.status().message().find(this->Dir() + "/1.delta is missing"), std::string::npos)
      << s.status().message();
}

TYPED_TEST(StateStoreProviderConformanceTest, CorruptFilesAreReportedByName) {
  {
    auto p = this->Open(/*interval=*/2);
    for (int64_t v = 0; v < 3; ++v) RunCountingBatch(p.get(), v);  // deltas 1..3, snapshot 2
  }
  std::string delta_path = this->Dir() + "/3.delta";
  std::string delta;
  ASSERT_TRUE(Env::Default()->ReadFileToString(delta_path, &delta).ok());
  ASSERT_TRUE(Env::Default()->WriteFile(delta_path, delta.substr(0, delta.size() - 1), false).ok());
  auto s = this->Open(2)->Load(3);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.status().message().rfind("state file " + delta_path + " is truncated", 0), 0u)
      << s.status().message();

  std::string snap_file = TypeParam::SnapshotDataFile(this->Dir(), 2);
  ASSERT_FALSE(snap_file.empty());
  std::string snap;
  ASSERT_TRUE(Env::Default()->ReadFileToString(snap_file, &snap).ok());
  snap[snap.size() - 20] ^= 1;  // in the body (file) or the footer (SST)
  // A hard-linked SST may be shared with a working instance: write a new file.
  ASSERT_TRUE(Env::Default()->DeleteFile(snap_file).ok());
  ASSERT_TRUE(Env::Default()->WriteFile(snap_file, snap, false).ok());
  s = this->Open(2)->Load(2);
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_NE(s.status().message().find(snap_file + " fails its checksum"), std::string::npos)
      << s.status().message();

  ASSERT_TRUE(Env::Default()->WriteFile(this->Dir() + "/notes.txt", "", false).ok());
  auto latest = this->Open(2)->LatestVersion();
  EXPECT_EQ(latest.status().code(), StatusCode::kCorruption);
  EXPECT_NE(latest.status().message().find("state directory " + this->Dir() +
                                           " holds an unexpected file \"notes.txt\""),
            std::string::npos)
      << latest.status().message();
}

// Random puts and removes over many versions, reloads from random versions
// by fresh providers, against a model kept in a std::map.
TYPED_TEST(StateStoreProviderConformanceTest, RandomOperationsMatchAModel) {
  std::mt19937 rng(12);
  std::vector<std::map<std::string, std::string>> model(1);  // model[v]: the state at version v
  auto p = this->Open(/*interval=*/3, /*retain=*/100);
  for (int64_t v = 0; v < 25; ++v) {
    // Now and then a restart, or a batch re-run from an older version.
    if (v % 7 == 6) p = this->Open(3, 100);
    auto store = p->Load(v);
    ASSERT_TRUE(store.ok()) << v << ": " << store.status().ToString();
    std::map<std::string, std::string> m = model[v];
    ASSERT_EQ((*store)->NumKeys(), m.size()) << "version " << v;
    for (int i = 0; i < 40; ++i) {
      std::string key = "key" + std::to_string(rng() % 30);
      switch (rng() % 4) {
        case 0:
        case 1: {
          std::string value(rng() % 50, static_cast<char>('a' + rng() % 26));
          (*store)->Put(key, value);
          m[key] = value;
          break;
        }
        case 2:
          (*store)->Remove(key);
          m.erase(key);
          break;
        default: {
          const std::string* got = (*store)->Get(key);
          auto it = m.find(key);
          ASSERT_EQ(got != nullptr, it != m.end()) << key;
          if (got) {
            EXPECT_EQ(*got, it->second);
          }
        }
      }
    }
    EXPECT_EQ((*store)->NumKeys(), m.size());
    EXPECT_EQ(Contents(**store), m);
    if (v % 5 == 4) {
      (*store)->Abort();  // then the batch runs again
      store = p->Load(v);
      ASSERT_TRUE(store.ok());
      EXPECT_EQ(Contents(**store), model[v]);
      for (const auto& [k, _] : model[v]) (*store)->Remove(k);
      for (const auto& [k, val] : m) (*store)->Put(k, val);
    }
    ASSERT_EQ(*(*store)->Commit(), v + 1);
    model.push_back(m);
  }
  auto fresh = this->Open(3, 100);
  for (int64_t v : {25, 3, 17, 0, 24, 12}) {
    auto s = fresh->Load(v);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(Contents(**s), model[v]) << "version " << v;
    EXPECT_EQ((*s)->NumKeys(), model[v].size()) << "version " << v;
  }
}

}  // namespace
}  // namespace sluice
