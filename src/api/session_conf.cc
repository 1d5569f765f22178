#include "api/session_conf.h"

#include <cstdint>
#include <limits>

namespace sluice {

const OptionSet& SessionConfOptions() {
  static const OptionSet* set = [] {
    auto* s = new OptionSet();
    s->Add(OptionSpec::Int("spark.sql.shuffle.partitions", "2", 1, 10000,
                           "state partitions of a stateful query (pinned at its first batch)"));
    // The state store (src/state/state_store_conf.h checks the values again
    // when a query starts, with the ratios).
    s->Add(OptionSpec::Enum("spark.sql.streaming.stateStore.providerClass",
                            "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                            {"org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                             "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider", "hdfs",
                             "rocksdb"},
                            "the state store of stateful streaming queries: files and memory (default) or "
                            "RocksDB (pinned at a checkpoint's first batch)"));
    s->Add(OptionSpec::Int("spark.sql.streaming.stateStore.minDeltasForSnapshot", "10", 1, 1 << 30,
                           "state deltas between two state snapshots"));
    s->Add(OptionSpec::Bool("spark.sql.streaming.stateStore.rocksdb.boundedMemoryUsage", "true",
                            "all RocksDB state stores of the process share one memory budget (maxMemoryUsageMB)"));
    s->Add(OptionSpec::Int("spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB", "500", 1, 1 << 30,
                           "the shared RocksDB memory budget (block cache and memtables), in MB"));
    s->Add(OptionSpec::String("spark.sql.streaming.stateStore.rocksdb.writeBufferCacheRatio", "0.5",
                              "share of the budget the memtables may take, in (0, 1]"));
    s->Add(OptionSpec::String("spark.sql.streaming.stateStore.rocksdb.highPriorityPoolRatio", "0.1",
                              "share of the block cache for index and filter blocks, in [0, 1]"));
    s->Add(OptionSpec::Int("spark.sql.streaming.stateStore.rocksdb.blockCacheSizeMB", "8", 1, 1 << 30,
                           "block cache of each RocksDB instance when memory is not bounded, in MB"));
    s->Add(OptionSpec::Int("spark.sql.streaming.stateStore.rocksdb.blockSizeKB", "4", 1, 1 << 20,
                           "RocksDB block size, in KB"));
    s->Add(OptionSpec::Int("spark.sql.streaming.stateStore.rocksdb.writeBufferSizeMB", "-1", -1, 1 << 20,
                           "RocksDB memtable size in MB (-1: RocksDB's default)"));
    s->Add(OptionSpec::Int("spark.sql.streaming.stateStore.rocksdb.maxWriteBufferNumber", "-1", -1, 1000,
                           "RocksDB memtables per instance (-1: RocksDB's default)"));
    s->Add(OptionSpec::Bool("spark.sql.streaming.stateStore.rocksdb.compactOnCommit", "false",
                            "compact the RocksDB instance after every commit"));
    s->Add(OptionSpec::Bool("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true",
                            "always true in Sluice: commits write changelog (delta) files"));
    s->Add(OptionSpec::Enum("spark.sql.streaming.multipleWatermarkPolicy", "min", {"min", "max"},
                            "global watermark of a query with several watermarks: the min (default) or "
                            "the max over them (pinned at its first batch)"));
    s->Add(OptionSpec::Int("spark.sql.streaming.minBatchesToRetain", "100", 1, std::numeric_limits<int32_t>::max(),
                           "batches a checkpoint keeps recoverable: older offset and commit log entries and "
                           "state versions are deleted (the default of a query's minBatchesToRetain)"));
    s->Add(OptionSpec::Int("spark.sql.streaming.numRecentProgressUpdates", "100", 1, 1000000,
                           "progress records a query keeps for recentProgress and the monitoring API"));
    s->Add(OptionSpec::Bool("spark.sql.streaming.noDataMicroBatches.enabled", "true",
                            "run a batch without new data when the watermark moved, so that stateful "
                            "operators emit closed windows and evict state"));
    // Settings Sluice has one value of: SET to it is fine, anything else an
    // error saying why, never silently ignored.
    s->Add(OptionSpec::Enum("spark.sql.ansi.enabled", "true", {"true"},
                            "Sluice always runs in ANSI mode (Spark 4's default): invalid casts, overflow "
                            "and division by zero are errors; use try_cast, try_divide, try_add, ... to get "
                            "NULL instead"));
    s->Add(OptionSpec::Enum("spark.sql.session.timeZone", "UTC",
                            {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Zulu", "Z", "+00:00", "-00:00",
                             "UTC+0", "GMT+0", "+00", "+0"},
                            "the session time zone is always UTC in Sluice (timestamps are rendered, parsed "
                            "and split into dates and hours in UTC); where local time is needed, shift with `+ INTERVAL n HOURS` in the query"));
    return s;
  }();
  return *set;
}

std::vector<const OptionSpec*> StateStoreConfOptions() {
  std::vector<const OptionSpec*> out;
  for (const OptionSpec& o : SessionConfOptions().options) {
    if (o.name.rfind("spark.sql.streaming.stateStore.", 0) == 0) out.push_back(&o);
  }
  return out;
}

}  // namespace sluice
