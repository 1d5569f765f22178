// Streaming aggregations on each state store provider
// (spark.sql.streaming.stateStore.providerClass): the default file provider
// and RocksDB must give the same answers, across restarts; the provider is
// pinned in the offset log at the first batch. Expected answers are worked
// out by hand from the data added.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "checkpoint/offset_log.h"
#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProviderClass = "spark.sql.streaming.stateStore.providerClass";
constexpr const char* kRocksDBClass = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";
constexpr const char* kHDFSClass = "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";

// The entries of every state partition directory of operator 0, as
// "<partition>/<name>", sorted.
std::vector<std::string> StateFiles(const std::string& ck) {
  std::vector<std::string> out;
  std::string op = ck + "/state/0";
  if (!fs::exists(op)) return out;
  for (const auto& part : fs::directory_iterator(op)) {
    std::string p = part.path().filename().string();
    if (p == "_metadata") continue;
    for (const auto& f : fs::directory_iterator(part.path())) out.push_back(p + "/" + f.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool AnyEndsWith(const std::vector<std::string>& names, const std::string& suffix) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
  });
}

std::string PinnedProvider(const std::string& ck, int64_t batch) {
  auto olog = OffsetLog::Open(Env::Default(), ck);
  EXPECT_TRUE(olog.ok());
  if (!olog.ok()) return "";
  auto seq = olog->Get(batch);
  EXPECT_TRUE(seq.ok()) << seq.status().ToString();
  if (!seq.ok()) return "";
  auto it = seq->metadata.conf.find(kProviderClass);
  return it == seq->metadata.conf.end() ? "<none>" : it->second;
}

// The parameter: the value given to spark.sql.streaming.stateStore.providerClass.
class StateStoreProviderStreamTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
  std::string ck() const { return dir.path() + "/ck"; }
  bool rocksdb() const { return GetParam() == "rocksdb" || GetParam() == kRocksDBClass; }
};

INSTANTIATE_TEST_SUITE_P(Providers, StateStoreProviderStreamTest,
                         ::testing::Values(std::string("hdfs"), std::string("rocksdb"), std::string(kRocksDBClass)),
                         [](const auto& info) {
                           return info.param == "hdfs" ? std::string("File")
                                  : info.param == "rocksdb" ? std::string("RocksDB")
                                                            : std::string("RocksDBClassName");
                         });

// StreamTest.AggregationCompleteAndUpdateWithRestart, on each provider.
TEST_P(StateStoreProviderStreamTest, AggregationCompleteAndUpdateWithRestart) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto agg = spark->readStream().source(input).groupBy({"k"}).agg(
      {count(lit(1)).alias("n"), sum(col("v")).alias("s"), min(col("v")).alias("lo"), max(col("v")).alias("hi"),
       avg(col("v")).alias("a")});
  ASSERT_TRUE(agg.status().ok()) << agg.status().ToString();
  auto start = [&] {
    return agg.writeStream().format("memory").queryName("c1").outputMode("complete")
        .option("checkpointLocation", ck()).option(kProviderClass, GetParam()).start();
  };
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"b", 10}, {"a", 3}})).ok());
  {
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    EXPECT_EQ(TableRows(*spark, "c1"), (std::vector<std::string>{"a,2,4,1,3,2.0", "b,1,10,10,10,10.0"}));
    ASSERT_TRUE(q->stop().ok());
  }
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 5}, {"c", 7}})).ok());
  {
    // Restarted: the state of batch 0 is reloaded from the state files.
    auto q = start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    EXPECT_EQ(TableRows(*spark, "c1"),
              (std::vector<std::string>{"a,3,9,1,5,3.0", "b,1,10,10,10,10.0", "c,1,7,7,7,7.0"}));
    auto p = q->lastProgress();
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->stateOperators.size(), 1u);
    EXPECT_EQ(p->stateOperators[0].numRowsTotal, 3);
    EXPECT_EQ(p->stateOperators[0].numRowsUpdated, 2);
    EXPECT_GT(p->stateOperators[0].memoryUsedBytes, 0);
    ASSERT_TRUE(q->stop().ok());
  }
  EXPECT_EQ(PinnedProvider(ck(), 0), rocksdb() ? kRocksDBClass : kHDFSClass);
  EXPECT_EQ(PinnedProvider(ck(), 1), rocksdb() ? kRocksDBClass : kHDFSClass);
  std::vector<std::string> files = StateFiles(ck());
  EXPECT_TRUE(AnyEndsWith(files, "/2.delta")) << ::testing::PrintToString(files);
  EXPECT_EQ(AnyEndsWith(files, "/rocksdb-work"), rocksdb()) << ::testing::PrintToString(files);

  // Update mode on another checkpoint: only the groups touched per batch.
  auto input2 = std::make_shared<MemoryStream>(KV());
  auto counts = spark->readStream().source(input2).groupBy({"k"}).count();
  std::vector<std::pair<int64_t, std::vector<std::string>>> seen;
  std::mutex mu;
  auto q = counts.writeStream()
               .outputMode("update")
               .option("checkpointLocation", dir.path() + "/ck2")
               .option(kProviderClass, GetParam())
               .foreachBatch([&](const QueryResult& r, int64_t id) {
                 std::lock_guard<std::mutex> l(mu);
                 seen.push_back({id, Strings(r.Rows())});
                 return Status::OK();
               })
               .start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(input2->AddRows(KVRows({{"x", 1}, {"y", 1}, {"x", 1}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(input2->AddRows(KVRows({{"y", 1}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].second, (std::vector<std::string>{"x,2", "y,1"}));
  EXPECT_EQ(seen[1].second, (std::vector<std::string>{"y,2"}));
}

// Many batches with a snapshot every 3 versions and restarts in between:
// totals carry on from snapshots plus deltas.
TEST_P(StateStoreProviderStreamTest, TotalsSurviveRestartsAcrossSnapshots) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto agg = spark->readStream().source(input).groupBy({"k"}).agg({sum(col("v")).alias("s")});
  ASSERT_TRUE(agg.status().ok());
  int64_t total_a = 0, total_b = 0;
  for (int round = 0; round < 4; ++round) {
    auto q = agg.writeStream().format("memory").queryName("tot").outputMode("complete")
                 .option("checkpointLocation", ck()).option(kProviderClass, GetParam())
                 .option("spark.sql.streaming.stateStore.minDeltasForSnapshot", "3").start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    for (int b = 0; b < 4; ++b) {
      int64_t v = round * 10 + b;
      ASSERT_TRUE(input->AddRows(KVRows({{"a", v}, {"b", 1}})).ok());
      total_a += v;
      total_b += 1;
      ASSERT_TRUE(q->processAllAvailable().ok());
    }
    EXPECT_EQ(TableRows(*spark, "tot"),
              (std::vector<std::string>{"a," + std::to_string(total_a), "b," + std::to_string(total_b)}))
        << "round " << round;
    ASSERT_TRUE(q->stop().ok());
  }
  // 16 batches: versions 1..16; snapshots every 3 versions.
  std::vector<std::string> files = StateFiles(ck());
  EXPECT_TRUE(AnyEndsWith(files, rocksdb() ? "/15.rocksdb" : "/15.snapshot")) << ::testing::PrintToString(files);
  EXPECT_FALSE(AnyEndsWith(files, rocksdb() ? ".snapshot" : ".rocksdb")) << ::testing::PrintToString(files);
}

// A checkpoint keeps the provider of its first batch, whatever the setting
// of a later run (as Spark pins it).
TEST_P(StateStoreProviderStreamTest, RestartKeepsThePinnedProvider) {
  auto input = std::make_shared<MemoryStream>(KV());
  auto counts = spark->readStream().source(input).groupBy({"k"}).count();
  auto run = [&](const std::string& provider) {
    auto q = counts.writeStream().format("memory").queryName("n").outputMode("complete")
                 .option("checkpointLocation", ck()).option(kProviderClass, provider).start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  };
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"b", 1}})).ok());
  run(GetParam());
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
  run(rocksdb() ? "hdfs" : "rocksdb");  // the other one: ignored
  EXPECT_EQ(TableRows(*spark, "n"), (std::vector<std::string>{"a,2", "b,1"}));
  EXPECT_EQ(PinnedProvider(ck(), 1), rocksdb() ? kRocksDBClass : kHDFSClass);
  std::vector<std::string> files = StateFiles(ck());
  EXPECT_EQ(AnyEndsWith(files, "/rocksdb-work"), rocksdb()) << ::testing::PrintToString(files);
}

// SET in the session is the default of the queries started afterwards.
TEST_P(StateStoreProviderStreamTest, SessionSettingChoosesTheProvider) {
  ASSERT_TRUE(spark->Sql(std::string("SET ") + kProviderClass + " = " + GetParam()).ok());
  auto input = std::make_shared<MemoryStream>(KV());
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}})).ok());
  auto q = spark->readStream().source(input).groupBy({"k"}).count().writeStream().format("memory")
               .queryName("n").outputMode("complete").option("checkpointLocation", ck()).start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->processAllAvailable().ok());
  ASSERT_TRUE(q->stop().ok());
  EXPECT_EQ(PinnedProvider(ck(), 0), rocksdb() ? kRocksDBClass : kHDFSClass);
}

TEST(StateStoreConfStreamTest, BadSettingsFailTheStart) {
  auto spark = Session::Create();
  TempDir dir;
  auto input = std::make_shared<MemoryStream>(KV());
  auto counts = spark->readStream().source(input).groupBy({"k"}).count();
  auto start = [&](const std::string& key, const std::string& value) {
    return counts.writeStream().format("memory").queryName("n").outputMode("complete")
        .option("checkpointLocation", dir.path() + "/ck").option(key, value).start();
  };
  auto q = start(kProviderClass, "leveldb");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("leveldb"), std::string::npos) << q.status().message();
  q = start("spark.sql.streaming.stateStore.rocksdb.writeBufferCacheRatio", "2");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("must be a number in (0, 1], got '2'"), std::string::npos)
      << q.status().message();
  q = start("spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB", "0");
  ASSERT_FALSE(q.ok());
  q = start("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "false");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("always checkpoints through changelog"), std::string::npos)
      << q.status().message();
  auto r = spark->Sql(std::string("SET ") + kProviderClass + " = leveldb");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace sluice
