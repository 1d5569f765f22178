// StateStore: the versioned key-value state of one stateful operator on one
// partition (Spark's StateStore). Batch N loads version N, applies its
// updates and commits version N + 1. Keys and values are byte strings; the
// operator encodes its rows.
//
// StateStoreProvider: owns the storage of one (operator, partition) and
// hands out stores. FileStateStoreProvider (in-memory maps + delta and
// snapshot files, as Spark's HDFSBackedStateStoreProvider) is the first
// implementation; a RocksDB provider can be added behind the same interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"

namespace sluice {

class StateStore {
 public:
  virtual ~StateStore() = default;

  // The version this store was loaded at; Commit() produces version() + 1.
  virtual int64_t version() const = 0;

  // The value of `key`, or nullptr. The pointer stays valid until the next
  // Put/Remove of that key, Commit() or Abort().
  virtual const std::string* Get(std::string_view key) const = 0;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Remove(std::string_view key) = 0;
  // Calls fn for every key in no particular order. fn must not modify the store.
  virtual void ForEach(
      const std::function<void(std::string_view key, std::string_view value)>& fn) const = 0;
  virtual size_t NumKeys() const = 0;
  // Approximate bytes the store's data takes in memory (keys, values and
  // per-entry overhead), for progress reports (stateOperators.memoryUsedBytes).
  virtual size_t MemoryUsedBytes() const { return 0; }

  // Makes the updates durable as version() + 1 and returns that version.
  // Afterwards the store is finished: only destroy it.
  virtual Result<int64_t> Commit() = 0;
  // Discards the updates. Afterwards the store is finished.
  virtual void Abort() = 0;
  virtual bool finished() const = 0;
};

// The maintenance rule both providers share: with `snapshots` ascending and
// `latest` the newest version, the newest snapshot at or below the oldest
// version that must stay loadable (latest - min_versions_to_retain + 1).
// Deltas up to it and snapshots older than it are no longer needed; 0 when
// nothing may be deleted yet.
inline int64_t OldestSnapshotToKeep(const std::vector<int64_t>& snapshots, int64_t latest,
                                    int64_t min_versions_to_retain) {
  int64_t earliest_retained = latest - min_versions_to_retain + 1;
  if (earliest_retained <= 1) return 0;
  int64_t keep_from = 0;
  for (int64_t s : snapshots) {
    if (s <= earliest_retained) keep_from = s;
  }
  return keep_from;
}

class StateStoreProvider {
 public:
  virtual ~StateStoreProvider() = default;

  // A store holding state version `version` (0: empty state). NotFound if the
  // version was never committed (or was cleaned up); Corruption if a file
  // needed for it is damaged or missing.
  virtual Result<std::unique_ptr<StateStore>> Load(int64_t version) = 0;
  // Newest committed version on disk, if any.
  virtual Result<std::optional<int64_t>> LatestVersion() = 0;
  // Writes a snapshot if due and deletes files no longer needed.
  virtual Status DoMaintenance() = 0;
  // The directory holding the state's files (for error messages).
  virtual const std::string& dir() const = 0;
};

}  // namespace sluice
