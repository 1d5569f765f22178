// RocksDBStateStoreProvider: state held in a RocksDB instance instead of a
// hash map in memory, for state larger than memory (Spark's
// RocksDBStateStoreProvider with changelog checkpointing). Files under the
// store directory `<checkpoint>/state/<operatorId>/<partitionId>[/<storeName>]`:
//
//   <dir>/<v>.delta       the puts and removes that turn version v-1 into v,
//                         in the file provider's format (state/state_file.h):
//                         the durable record of every commit
//   <dir>/<v>.rocksdb/    a RocksDB checkpoint (rocksdb::Checkpoint) of
//                         version v, with `SLUICE-SNAPSHOT` inside it: the
//                         list of its files with sizes and CRC-32s and the
//                         exact key count (docs/checkpoint-format.md)
//   <dir>/rocksdb-work/<pid>-<n>/   the working instances; never read
//                         back: a provider opening the directory deletes
//                         those of dead processes and those no provider of
//                         its own process has open, so a SIGKILL leaves
//                         nothing that a restart trusts
//
// Loading version v copies (SST files: hard-links) the newest snapshot <= v
// into a fresh working instance and replays the deltas after it. A commit
// writes `<v+1>.delta` atomically, then applies the same changes to the
// working instance (without RocksDB's WAL: the delta is the log), which then
// holds version v+1 for the next batch. Every `snapshot_interval` versions a
// snapshot directory is built under a temp name and renamed into place once
// its manifest is written, so it exists completely or not at all.
// Maintenance deletes the files no retained version needs, as the file
// provider does.
//
// Memory: with `bounded_memory_usage` (the default) every instance of the
// process shares one LRU block cache of `max_memory_usage_mb` that also
// accounts the memtables (a WriteBufferManager charging the cache), index
// and filter blocks included, so many partitions stay within one budget.
//
// The directory must be on the local file system (RocksDB does its own IO):
// `env` must reach the same files as the POSIX environment.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "env/env.h"
#include "state/state_store.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace sluice {

struct RocksDBStateStoreOptions {
  // A snapshot after this many deltas (Spark's minDeltasForSnapshot: 10).
  int snapshot_interval = 10;
  // Versions kept loadable (spark.sql.streaming.minBatchesToRetain: 100).
  int min_versions_to_retain = 100;
  // zlib-compress the bodies of delta files (reading handles both).
  bool compress = false;
  // Run DoMaintenance() after every successful Commit().
  bool maintenance_on_commit = true;
  // spark.sql.streaming.stateStore.rocksdb.* (Spark's names and meanings).
  bool bounded_memory_usage = true;       // boundedMemoryUsage (Spark: false)
  int64_t max_memory_usage_mb = 500;      // maxMemoryUsageMB: the shared budget
  double write_buffer_cache_ratio = 0.5;  // writeBufferCacheRatio: memtables' share
  double high_priority_pool_ratio = 0.1;  // highPriorityPoolRatio: index/filter share
  int64_t block_cache_size_mb = 8;        // blockCacheSizeMB: per instance when unbounded
  int64_t block_size_kb = 4;              // blockSizeKB
  int64_t write_buffer_size_mb = -1;      // writeBufferSizeMB (-1: RocksDB's 64)
  int max_write_buffer_number = -1;       // maxWriteBufferNumber (-1: RocksDB's 2)
  bool compact_on_commit = false;         // compactOnCommit
  // For readers of a checkpoint another process may be writing (inspection
  // tools): Open neither creates nor cleans the directory, working
  // instances live in a private directory under $TMPDIR (or /tmp) instead
  // of rocksdb-work/, Commit fails, DoMaintenance does nothing.
  bool read_only = false;
};

class RocksDBStateStoreProvider final : public StateStoreProvider {
 public:
  // Creates `dir` if needed, deletes temp files and directories left by a
  // crash and the working instances of dead processes.
  static Result<std::unique_ptr<RocksDBStateStoreProvider>> Open(
      Env* env, std::string dir, RocksDBStateStoreOptions options = {});
  ~RocksDBStateStoreProvider() override;

  Result<std::unique_ptr<StateStore>> Load(int64_t version) override;
  Result<std::optional<int64_t>> LatestVersion() override;
  Status DoMaintenance() override;
  const std::string& dir() const override { return dir_; }

  // Result of the last maintenance run by Commit().
  Status last_maintenance_status();

  std::string DeltaPath(int64_t version) const;
  std::string SnapshotPath(int64_t version) const;  // the `<v>.rocksdb` directory
  std::string WorkDir() const;  // `<dir>/rocksdb-work` (read-only: a private temp directory)

  // Name of the manifest file inside a snapshot directory.
  static constexpr const char* kSnapshotManifest = "SLUICE-SNAPSHOT";

  struct Instance;  // an open working RocksDB (rocksdb_state_store_provider.cc)

 private:
  friend class RocksDBStateStore;
  struct Files {
    std::vector<int64_t> deltas;     // ascending
    std::vector<int64_t> snapshots;  // ascending
  };

  RocksDBStateStoreProvider(Env* env, std::string dir, RocksDBStateStoreOptions options);

  Result<Files> ListFiles() const;
  // A new working instance holding `version` (0: empty), built from files.
  Result<std::shared_ptr<Instance>> BuildInstance(int64_t version, const Files& files);
  Result<std::shared_ptr<Instance>> NewInstance();
  Status RestoreSnapshot(int64_t version, Instance* inst, int64_t* num_keys);
  Status ReplayDelta(int64_t version, Instance* inst, int64_t* num_keys);
  Status WriteSnapshot(Instance* inst);
  // Called by a store's Commit: writes the delta, applies the batch.
  Result<int64_t> CommitVersion(const std::shared_ptr<Instance>& inst, int64_t new_version,
                                const std::string& delta, rocksdb::WriteBatch* batch,
                                int64_t num_keys);

  Env* env_;
  std::string dir_;
  RocksDBStateStoreOptions options_;
  std::string work_dir_;
  std::mutex mu_;
  // The working instance at the newest version this provider committed or
  // loaded; stores of that version read it (each through a RocksDB snapshot).
  std::shared_ptr<Instance> current_;  // GUARDED_BY(mu_)
  Status maintenance_status_;         // GUARDED_BY(mu_)
};

}  // namespace sluice
