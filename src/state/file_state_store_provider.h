// FileStateStoreProvider: state held in memory (a hash map per version) and
// made durable as files, as Spark's HDFSBackedStateStoreProvider:
//
//   <dir>/<v>.delta      the puts and removes that turn version v-1 into v
//   <dir>/<v>.snapshot   the whole map at version v
//
// where <dir> is `<checkpoint>/state/<operatorId>/<partitionId>`
// (StateStoreDir). Loading version v reads the newest snapshot <= v and
// replays the deltas after it. Every file is written with
// WriteFileAtomically; the binary format is in state/state_file.h and
// docs/checkpoint-format.md.
//
// Maintenance (after each commit unless disabled, or by DoMaintenance()):
// write a snapshot of the newest version once `snapshot_interval` deltas
// have accumulated since the last snapshot, then delete files not needed to
// load any of the newest `min_versions_to_retain` versions.
//
// One provider per (operator, partition) directory and process; stores from
// one provider are used one at a time (the batch that owns the partition).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "env/env.h"
#include "state/state_file.h"
#include "state/state_store.h"

namespace sluice {

struct FileStateStoreOptions {
  // A snapshot after this many deltas (Spark's minDeltasForSnapshot: 10).
  int snapshot_interval = 10;
  // Versions kept loadable (spark.sql.streaming.minBatchesToRetain: 100).
  int min_versions_to_retain = 100;
  // zlib-compress the bodies of new files (reading handles both).
  bool compress = false;
  // Run DoMaintenance() after every successful Commit().
  bool maintenance_on_commit = true;
  // For readers of a checkpoint another process may be writing (inspection
  // tools): Open neither creates the directory nor deletes temp files (the
  // writer's in-flight files), Commit fails, DoMaintenance does nothing.
  bool read_only = false;
};

// `<checkpoint_dir>/state/<operator_id>/<partition_id>`.
std::string StateStoreDir(const std::string& checkpoint_dir, int64_t operator_id,
                          int64_t partition_id);

class FileStateStoreProvider final : public StateStoreProvider {
 public:
  // Creates `dir` if needed and deletes temp files left by a crash.
  static Result<std::unique_ptr<FileStateStoreProvider>> Open(Env* env, std::string dir,
                                                              FileStateStoreOptions options = {});

  Result<std::unique_ptr<StateStore>> Load(int64_t version) override;
  Result<std::optional<int64_t>> LatestVersion() override;
  Status DoMaintenance() override;

  // Result of the last maintenance run by Commit().
  Status last_maintenance_status() {
    std::lock_guard<std::mutex> l(mu_);
    return maintenance_status_;
  }

  const std::string& dir() const override { return dir_; }
  std::string DeltaPath(int64_t version) const;
  std::string SnapshotPath(int64_t version) const;

 private:
  friend class FileStateStore;
  struct Files {
    std::vector<int64_t> deltas;     // ascending
    std::vector<int64_t> snapshots;  // ascending
  };

  FileStateStoreProvider(Env* env, std::string dir, FileStateStoreOptions options)
      : env_(env), dir_(std::move(dir)), options_(options) {}

  Result<Files> ListFiles() const;
  Result<StateMap> ReadVersion(int64_t version, const Files& files) const;
  Status ReadInto(const std::string& path, StateFileKind kind, int64_t version,
                  StateMap* map) const;
  // Called by a store's Commit with its new map and delta file bytes.
  Result<int64_t> CommitVersion(int64_t new_version, const std::string& delta, StateMap map,
                                size_t bytes);

  Env* env_;
  std::string dir_;
  FileStateStoreOptions options_;
  std::mutex mu_;
  // The newest committed version, kept so the next batch need not read files;
  // moved into the store that loads it (see Load).
  std::optional<int64_t> cached_version_;  // GUARDED_BY(mu_)
  StateMap cached_map_;                    // GUARDED_BY(mu_)
  size_t cached_bytes_ = 0;                // GUARDED_BY(mu_): MemoryUsedBytes of cached_map_
  Status maintenance_status_;              // GUARDED_BY(mu_)
};

}  // namespace sluice
