#include "state/file_state_store_provider.h"

#include <algorithm>

#include "common/check.h"
#include "env/atomic_file.h"

namespace sluice {

std::string StateStoreDir(const std::string& checkpoint_dir, int64_t operator_id,
                          int64_t partition_id) {
  return JoinPath(JoinPath(JoinPath(checkpoint_dir, "state"), std::to_string(operator_id)),
                  std::to_string(partition_id));
}

// Per-entry memory beyond the key and value bytes: two std::string headers
// plus the hash node (next pointer, cached hash) and its bucket slot.
constexpr size_t kEntryOverhead = 2 * sizeof(std::string) + 3 * sizeof(void*);

size_t MapBytes(const StateMap& map) {
  size_t bytes = 0;
  for (const auto& [k, v] : map) bytes += k.size() + v.size() + kEntryOverhead;
  return bytes;
}

class FileStateStore final : public StateStore {
 public:
  FileStateStore(FileStateStoreProvider* provider, int64_t version, StateMap map, size_t bytes)
      : provider_(provider), version_(version), map_(std::move(map)), bytes_(bytes) {}

  int64_t version() const override { return version_; }

  const std::string* Get(std::string_view key) const override {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }

  void Put(std::string_view key, std::string_view value) override {
    SLUICE_DCHECK(!finished_);
    auto it = map_.find(key);
    if (it == map_.end()) {
      map_.emplace(std::string(key), std::string(value));
      bytes_ += key.size() + value.size() + kEntryOverhead;
    } else {
      bytes_ = bytes_ - it->second.size() + value.size();
      it->second.assign(value);
    }
    delta_.Put(key, value);
  }

  void Remove(std::string_view key) override {
    SLUICE_DCHECK(!finished_);
    auto it = map_.find(key);
    if (it == map_.end()) return;
    bytes_ -= it->first.size() + it->second.size() + kEntryOverhead;
    map_.erase(it);
    delta_.Remove(key);
  }

  void ForEach(const std::function<void(std::string_view, std::string_view)>& fn)
      const override {
    for (const auto& [k, v] : map_) fn(k, v);
  }

  size_t NumKeys() const override { return map_.size(); }
  size_t MemoryUsedBytes() const override { return bytes_; }

  Result<int64_t> Commit() override {
    if (finished_) {
      return Status::Internal("state store version " + std::to_string(version_) + " of " +
                              provider_->dir() + " was already committed or aborted");
    }
    finished_ = true;
    if (provider_->options_.read_only) {
      return Status::InvalidArgument("state store " + provider_->dir() + " was opened read-only");
    }
    std::string bytes =
        delta_.Finish(StateFileKind::kDelta, version_ + 1, provider_->options_.compress);
    return provider_->CommitVersion(version_ + 1, bytes, std::move(map_), bytes_);
  }

  void Abort() override {
    finished_ = true;
    map_.clear();
  }

  bool finished() const override { return finished_; }

 private:
  FileStateStoreProvider* provider_;
  int64_t version_;
  StateMap map_;
  size_t bytes_;
  StateFileBuilder delta_;
  bool finished_ = false;
};

Result<std::unique_ptr<FileStateStoreProvider>> FileStateStoreProvider::Open(
    Env* env, std::string dir, FileStateStoreOptions options) {
  if (options.snapshot_interval < 1 || options.min_versions_to_retain < 1) {
    return Status::InvalidArgument(
        "state store snapshot interval and versions to retain must be >= 1");
  }
  if (!options.read_only) {
    SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(dir));
    SLUICE_RETURN_NOT_OK(CleanTempFiles(env, dir));
  }
  return std::unique_ptr<FileStateStoreProvider>(
      new FileStateStoreProvider(env, std::move(dir), options));
}

std::string FileStateStoreProvider::DeltaPath(int64_t version) const {
  return JoinPath(dir_, std::to_string(version) + ".delta");
}

std::string FileStateStoreProvider::SnapshotPath(int64_t version) const {
  return JoinPath(dir_, std::to_string(version) + ".snapshot");
}

Result<FileStateStoreProvider::Files> FileStateStoreProvider::ListFiles() const {
  SLUICE_ASSIGN_OR_RETURN(auto names, env_->ListDir(dir_));
  Files f;
  for (const auto& n : names) {
    if (IsTempFileName(n)) continue;
    size_t dot = n.find('.');
    std::string_view stem = std::string_view(n).substr(0, dot);
    std::string_view ext = dot == std::string::npos ? "" : std::string_view(n).substr(dot);
    bool digits = !stem.empty() && stem.size() <= 18 &&
                  std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || (ext != ".delta" && ext != ".snapshot")) {
      return Status::Corruption("state directory " + dir_ + " holds an unexpected file \"" + n +
                                "\"; only <version>.delta and <version>.snapshot belong there");
    }
    int64_t v = std::stoll(std::string(stem));
    (ext == ".delta" ? f.deltas : f.snapshots).push_back(v);
  }
  std::sort(f.deltas.begin(), f.deltas.end());
  std::sort(f.snapshots.begin(), f.snapshots.end());
  return f;
}

Status FileStateStoreProvider::ReadInto(const std::string& path, StateFileKind kind,
                                        int64_t version, StateMap* map) const {
  std::string contents;
  SLUICE_RETURN_NOT_OK(env_->ReadFileToString(path, &contents));
  return ApplyStateFile(path, contents, kind, version, map);
}

Result<StateMap> FileStateStoreProvider::ReadVersion(int64_t version, const Files& files) const {
  int64_t base = 0;
  for (int64_t s : files.snapshots) {
    if (s <= version) base = s;
  }
  StateMap map;
  if (base > 0) {
    SLUICE_RETURN_NOT_OK(ReadInto(SnapshotPath(base), StateFileKind::kSnapshot, base, &map));
  }
  for (int64_t v = base + 1; v <= version; ++v) {
    if (!std::binary_search(files.deltas.begin(), files.deltas.end(), v)) {
      return Status::Corruption(
          "cannot load state version " + std::to_string(version) + " from " + dir_ + ": " +
          DeltaPath(v) + " is missing (loading replays " +
          (base > 0 ? "snapshot " + std::to_string(base) + " and " : std::string()) + "deltas " +
          std::to_string(base + 1) + ".." + std::to_string(version) + ")");
    }
    SLUICE_RETURN_NOT_OK(ReadInto(DeltaPath(v), StateFileKind::kDelta, v, &map));
  }
  return map;
}

Result<std::optional<int64_t>> FileStateStoreProvider::LatestVersion() {
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles());
  std::optional<int64_t> latest;
  if (!files.deltas.empty()) latest = files.deltas.back();
  if (!files.snapshots.empty()) latest = std::max(latest.value_or(0), files.snapshots.back());
  return latest;
}

Result<std::unique_ptr<StateStore>> FileStateStoreProvider::Load(int64_t version) {
  if (version < 0) {
    return Status::InvalidArgument("state version must be >= 0, got " + std::to_string(version));
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    if (cached_version_ == version) {
      // Hand the cached map to the store instead of copying it: loading the
      // latest version then costs O(1), not O(state), per micro-batch. The
      // store's Commit gives the (updated) map back; after an Abort, the next
      // Load reads the files.
      cached_version_.reset();
      return std::unique_ptr<StateStore>(new FileStateStore(this, version, std::move(cached_map_), cached_bytes_));
    }
  }
  if (version == 0) return std::unique_ptr<StateStore>(new FileStateStore(this, 0, StateMap(), 0));
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles());
  bool exists = std::binary_search(files.deltas.begin(), files.deltas.end(), version) ||
                std::binary_search(files.snapshots.begin(), files.snapshots.end(), version);
  if (!exists) {
    return Status::NotFound("state version " + std::to_string(version) + " does not exist in " +
                            dir_ + " (no " + DeltaPath(version) + " or " + SnapshotPath(version) + ")");
  }
  SLUICE_ASSIGN_OR_RETURN(auto map, ReadVersion(version, files));
  size_t bytes = MapBytes(map);
  return std::unique_ptr<StateStore>(new FileStateStore(this, version, std::move(map), bytes));
}

Result<int64_t> FileStateStoreProvider::CommitVersion(int64_t new_version, const std::string& delta,
                                                      StateMap map, size_t bytes) {
  // A re-run batch (after a crash between state commit and commit log)
  // rewrites the same delta: the atomic rename replaces it.
  SLUICE_RETURN_NOT_OK(WriteFileAtomically(env_, DeltaPath(new_version), delta));
  {
    std::lock_guard<std::mutex> l(mu_);
    cached_version_ = new_version;
    cached_map_ = std::move(map);
    cached_bytes_ = bytes;
  }
  if (options_.maintenance_on_commit) {
    // The version is committed whatever happens here; a failed snapshot or
    // cleanup is retried next time and reported by last_maintenance_status().
    Status s = DoMaintenance();
    std::lock_guard<std::mutex> l(mu_);
    maintenance_status_ = s;
  }
  return new_version;
}

Status FileStateStoreProvider::DoMaintenance() {
  if (options_.read_only) return Status::OK();
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles());
  if (files.deltas.empty() && files.snapshots.empty()) return Status::OK();
  int64_t latest = std::max(files.deltas.empty() ? 0 : files.deltas.back(),
                            files.snapshots.empty() ? 0 : files.snapshots.back());
  int64_t last_snapshot = files.snapshots.empty() ? 0 : files.snapshots.back();
  // 1. Snapshot the newest version once enough deltas piled up.
  if (latest - last_snapshot >= options_.snapshot_interval) {
    std::string bytes;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (cached_version_ == latest) bytes = EncodeSnapshot(cached_map_, latest, options_.compress);
    }
    if (bytes.empty()) {
      SLUICE_ASSIGN_OR_RETURN(auto map, ReadVersion(latest, files));
      bytes = EncodeSnapshot(map, latest, options_.compress);
    }
    SLUICE_RETURN_NOT_OK(WriteFileAtomically(env_, SnapshotPath(latest), bytes));
    files.snapshots.push_back(latest);
  }
  // 2. Delete what no retained version needs: everything older than the
  // newest snapshot at or below the oldest retained version.
  int64_t keep_from = OldestSnapshotToKeep(files.snapshots, latest, options_.min_versions_to_retain);
  if (keep_from == 0) return Status::OK();
  for (int64_t v : files.deltas) {
    if (v <= keep_from) SLUICE_RETURN_NOT_OK(env_->DeleteFile(DeltaPath(v)));
  }
  for (int64_t s : files.snapshots) {
    if (s < keep_from) SLUICE_RETURN_NOT_OK(env_->DeleteFile(SnapshotPath(s)));
  }
  return Status::OK();
}

}  // namespace sluice
