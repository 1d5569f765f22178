// StateStoreConf: which state store provider a query's stateful operators
// use and its options, from Spark's settings:
//
//   spark.sql.streaming.stateStore.providerClass
//       org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider
//       (the default, or `hdfs`): FileStateStoreProvider;
//       org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider
//       (or `rocksdb`): RocksDBStateStoreProvider.
//       Pinned in the offset log at a checkpoint's first batch.
//   spark.sql.streaming.stateStore.minDeltasForSnapshot   (both providers)
//   spark.sql.streaming.stateStore.rocksdb.<option>       (RocksDBStateStoreOptions)
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "state/file_state_store_provider.h"
#include "state/rocksdb_state_store_provider.h"

namespace sluice {

enum class StateStoreProviderKind { kFile, kRocksDB };

inline constexpr const char* kStateStoreProviderClassConf = "spark.sql.streaming.stateStore.providerClass";
inline constexpr const char* kHDFSStateStoreProviderClass =
    "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";
inline constexpr const char* kRocksDBStateStoreProviderClass =
    "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";
inline constexpr const char* kStateStoreConfPrefix = "spark.sql.streaming.stateStore.";

struct StateStoreConf {
  StateStoreProviderKind provider = StateStoreProviderKind::kFile;
  FileStateStoreOptions file;
  RocksDBStateStoreOptions rocksdb;
};

// The conf a reader of an existing checkpoint (an inspection tool, possibly
// next to the running query) opens its state with: the provider its files
// show (DetectStateStoreProvider), both providers read-only.
Result<StateStoreConf> StateStoreConfForReading(Env* env, const std::string& checkpoint_dir);

// A provider class name (Spark's, or the short `rocksdb` / `hdfs`; case
// insensitive) -> its kind; InvalidArgument naming the accepted values.
Result<StateStoreProviderKind> ParseStateStoreProviderClass(std::string_view name);
// The Spark class name of a kind (what the offset log pins).
const char* StateStoreProviderClassName(StateStoreProviderKind kind);

// The provider whose files the checkpoint's state directory holds, for
// readers of a checkpoint (inspection tools): kRocksDB if any store
// directory `state/<op>/<p>[/<store>]` holds a `<v>.rocksdb` snapshot or a
// `rocksdb-work`, else kFile. (Before its first snapshot a RocksDB store
// holds only deltas, which the file provider reads the same.)
Result<StateStoreProviderKind> DetectStateStoreProvider(Env* env, const std::string& checkpoint_dir);

// The settings among `options` whose names start with
// "spark.sql.streaming.stateStore." (case-insensitive), others ignored.
// An unknown setting under that prefix or a bad value is InvalidArgument.
Result<StateStoreConf> ParseStateStoreConf(const std::map<std::string, std::string>& options);

}  // namespace sluice
