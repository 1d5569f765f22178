#include "state/state_store_conf.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "env/temp_dir.h"

namespace sluice {
namespace {

TEST(StateStoreConfTest, ProviderClassNames) {
  EXPECT_EQ(*ParseStateStoreProviderClass("rocksdb"), StateStoreProviderKind::kRocksDB);
  EXPECT_EQ(*ParseStateStoreProviderClass("RocksDB"), StateStoreProviderKind::kRocksDB);
  EXPECT_EQ(*ParseStateStoreProviderClass(kRocksDBStateStoreProviderClass), StateStoreProviderKind::kRocksDB);
  EXPECT_EQ(*ParseStateStoreProviderClass(kHDFSStateStoreProviderClass), StateStoreProviderKind::kFile);
  EXPECT_EQ(*ParseStateStoreProviderClass("hdfs"), StateStoreProviderKind::kFile);
  auto bad = ParseStateStoreProviderClass("leveldb");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("got 'leveldb'"), std::string::npos);
  EXPECT_STREQ(StateStoreProviderClassName(StateStoreProviderKind::kRocksDB),
               "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
}

TEST(StateStoreConfTest, ParsesSparksSettings) {
  auto conf = ParseStateStoreConf({{"spark.sql.streaming.stateStore.providerClass", "rocksdb"},
                                   {"spark.sql.streaming.stateStore.minDeltasForSnapshot", "4"},
                                   {"spark.sql.streaming.stateStore.rocksdb.boundedMemoryUsage", "false"},
                                   {"spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB", "64"},
                                   {"spark.sql.streaming.stateStore.rocksdb.writeBufferCacheRatio", "0.25"},
                                   {"Spark.Sql.Streaming.StateStore.RocksDB.BlockSizeKB", "16"},
                                   {"checkpointLocation", "/ck"}});
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->provider, StateStoreProviderKind::kRocksDB);
  EXPECT_EQ(conf->file.snapshot_interval, 4);
  EXPECT_EQ(conf->rocksdb.snapshot_interval, 4);
  EXPECT_FALSE(conf->rocksdb.bounded_memory_usage);
  EXPECT_EQ(conf->rocksdb.max_memory_usage_mb, 64);
  EXPECT_EQ(conf->rocksdb.write_buffer_cache_ratio, 0.25);
  EXPECT_EQ(conf->rocksdb.block_size_kb, 16);
  // Defaults.
  auto def = ParseStateStoreConf({});
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->provider, StateStoreProviderKind::kFile);
  EXPECT_TRUE(def->rocksdb.bounded_memory_usage);
  EXPECT_EQ(def->rocksdb.max_memory_usage_mb, 500);
}

TEST(StateStoreConfTest, BadSettingsNameTheSetting) {
  auto st = ParseStateStoreConf({{"spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB", "lots"}}).status();
  EXPECT_EQ(st.message(),
            "option 'spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB' must be an integer >= 1, got 'lots'");
  st = ParseStateStoreConf({{"spark.sql.streaming.stateStore.rocksdb.highPriorityPoolRatio", "1.5"}}).status();
  EXPECT_EQ(st.message(),
            "option 'spark.sql.streaming.stateStore.rocksdb.highPriorityPoolRatio' must be a number in [0, 1], "
            "got '1.5'");
  st = ParseStateStoreConf({{"spark.sql.streaming.stateStore.rocksdb.cacheSize", "1"}}).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message().rfind("unknown state store option 'spark.sql.streaming.stateStore.rocksdb.cacheSize'", 0),
            0u);
}

TEST(StateStoreConfTest, DetectsTheProviderFromTheFiles) {
  TempDir tmp;
  std::string ck = tmp.path() + "/ck";
  EXPECT_EQ(*DetectStateStoreProvider(Env::Default(), ck), StateStoreProviderKind::kFile);  // no state at all
  {
    FileStateStoreOptions o;
    o.snapshot_interval = 1;
    auto p = FileStateStoreProvider::Open(Env::Default(), StateStoreDir(ck, 0, 0), o);
    ASSERT_TRUE(p.ok());
    auto s = (*p)->Load(0);
    (*s)->Put("k", "v");
    ASSERT_TRUE((*s)->Commit().ok());
  }
  EXPECT_EQ(*DetectStateStoreProvider(Env::Default(), ck), StateStoreProviderKind::kFile);
  {
    // A join's named store of operator 1.
    RocksDBStateStoreOptions o;
    o.snapshot_interval = 1;
    auto p = RocksDBStateStoreProvider::Open(Env::Default(), StateStoreDir(ck, 1, 0) + "/left", o);
    ASSERT_TRUE(p.ok());
    auto s = (*p)->Load(0);
    (*s)->Put("k", "v");
    ASSERT_TRUE((*s)->Commit().ok());
  }
  std::filesystem::remove_all(StateStoreDir(ck, 1, 0) + "/left/rocksdb-work");
  ASSERT_TRUE(std::filesystem::is_directory(StateStoreDir(ck, 1, 0) + "/left/1.rocksdb"));
  EXPECT_EQ(*DetectStateStoreProvider(Env::Default(), ck), StateStoreProviderKind::kRocksDB);
}

// A reader next to a running query: the provider its files show, opened
// read-only, touches nothing in the checkpoint (the writer's in-flight temp
// files stay; RocksDB builds its instance outside the checkpoint).
TEST(StateStoreConfTest, ReadersOpenTheStateReadOnly) {
  for (bool rocksdb : {false, true}) {
    SCOPED_TRACE(rocksdb);
    TempDir tmp;
    std::string ck = tmp.path() + "/ck";
    std::string dir = StateStoreDir(ck, 0, 0);
    {
      StateStoreConf w;
      w.provider = rocksdb ? StateStoreProviderKind::kRocksDB : StateStoreProviderKind::kFile;
      w.file.snapshot_interval = w.rocksdb.snapshot_interval = 2;
      std::unique_ptr<StateStoreProvider> p;
      if (rocksdb) {
        p = RocksDBStateStoreProvider::Open(Env::Default(), dir, w.rocksdb).ValueOrDie();
      } else {
        p = FileStateStoreProvider::Open(Env::Default(), dir, w.file).ValueOrDie();
      }
      for (int64_t v = 0; v < 3; ++v) {
        auto s = p->Load(v).ValueOrDie();
        s->Put("k" + std::to_string(v), "v");
        ASSERT_TRUE(s->Commit().ok());
      }
    }
    std::filesystem::remove_all(dir + "/rocksdb-work");
    ASSERT_TRUE(Env::Default()->WriteFile(dir + "/.4.delta.0123456789abcdef.tmp", "in flight", false).ok());
    auto conf = StateStoreConfForReading(Env::Default(), ck);
    ASSERT_TRUE(conf.ok()) << conf.status().ToString();
    EXPECT_EQ(conf->provider, rocksdb ? StateStoreProviderKind::kRocksDB : StateStoreProviderKind::kFile);
    std::unique_ptr<StateStoreProvider> r;
    if (rocksdb) {
      r = RocksDBStateStoreProvider::Open(Env::Default(), dir, conf->rocksdb).ValueOrDie();
    } else {
      r = FileStateStoreProvider::Open(Env::Default(), dir, conf->file).ValueOrDie();
    }
    EXPECT_EQ(*r->LatestVersion(), std::optional<int64_t>(3));
    auto s = r->Load(3);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->NumKeys(), 3u);
    EXPECT_NE((*s)->Get("k1"), nullptr);
    (*s)->Put("x", "y");
    EXPECT_EQ((*s)->Commit().status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(r->DoMaintenance().ok());
    EXPECT_TRUE(Env::Default()->FileExists(dir + "/.4.delta.0123456789abcdef.tmp"));
    EXPECT_FALSE(Env::Default()->FileExists(dir + "/4.delta"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/rocksdb-work"));
    // A directory that does not exist is not created.
    auto none = FileStateStoreProvider::Open(Env::Default(), StateStoreDir(ck, 5, 0), conf->file);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(std::filesystem::exists(StateStoreDir(ck, 5, 0)));
  }
}

}  // namespace
}  // namespace sluice
