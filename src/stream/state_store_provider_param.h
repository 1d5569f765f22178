// Test helper: the state store providers a StreamTest-style suite runs on,
// as the value of spark.sql.streaming.stateStore.providerClass. A suite
// derives from ::testing::TestWithParam<std::string>, sets
// .option(kStateStoreProviderClass, GetParam()) on every query it starts and
// instantiates itself with SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS;
// its TearDown calls ExpectStateWrittenBy(dir, GetParam()) so that a
// provider option that did not reach the operators fails the suite.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace sluice {

inline constexpr const char* kStateStoreProviderClass = "spark.sql.streaming.stateStore.providerClass";

// "hdfs" -> File, "rocksdb" -> RocksDB (the test name suffix).
inline std::string StateStoreProviderTestName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param == "rocksdb" ? std::string("RocksDB") : std::string("File");
}

// Every state store directory under `dir` (any checkpoint in it) was
// written by `provider`: a RocksDB store keeps its working instance in
// `rocksdb-work` next to its `<v>.delta` files, a file store never has one.
inline void ExpectStateWrittenBy(const std::string& dir, const std::string& provider) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".delta" || p.filename() != "1.delta") continue;
    bool rocksdb = fs::exists(p.parent_path() / "rocksdb-work");
    EXPECT_EQ(rocksdb, provider == "rocksdb") << p.parent_path().string() << " was written by the "
                                              << (rocksdb ? "RocksDB" : "file") << " provider, not " << provider;
  }
}

}  // namespace sluice

#define SLUICE_INSTANTIATE_FOR_STATE_STORE_PROVIDERS(suite)                                                  \
  INSTANTIATE_TEST_SUITE_P(Providers, suite, ::testing::Values(std::string("hdfs"), std::string("rocksdb")), \
                           ::sluice::StateStoreProviderTestName)
