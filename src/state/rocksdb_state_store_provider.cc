#include "state/rocksdb_state_store_provider.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <atomic>
#include <unordered_map>

#include "common/check.h"
#include "env/atomic_file.h"
#include "env/kill_point.h"
#include "state/state_file.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWorkDirName = "rocksdb-work";
constexpr const char* kSnapshotSuffix = ".rocksdb";
constexpr const char* kManifestHeader = "sluice-rocksdb-snapshot 1";

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  return Status::IOError("RocksDB state store: " + what + ": " + s.ToString());
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08x", v);
  return buf;
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Status::IOError("cannot delete " + path + ": " + ec.message());
  return Status::OK();
}

// Size and CRC-32 of a file, read front to back through env.
Status FileCrc(Env* env, const std::string& path, uint64_t* size, uint32_t* crc) {
  SLUICE_ASSIGN_OR_RETURN(auto f, env->NewSequentialFile(path));
  uLong c = crc32(0L, Z_NULL, 0);
  uint64_t n = 0;
  std::string buf;
  for (;;) {
    buf.clear();
    SLUICE_RETURN_NOT_OK(f->Read(1 << 20, &buf));
    if (buf.empty()) break;
    c = crc32(c, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(buf.size()));
    n += buf.size();
  }
  *size = n;
  *crc = static_cast<uint32_t>(c);
  return Status::OK();
}

uint32_t StringCrc(std::string_view s) {
  uLong c = crc32(0L, Z_NULL, 0);
  return static_cast<uint32_t>(
      crc32(c, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// The process-wide block cache and write buffer manager of bounded mode
// (Spark's RocksDBMemoryManager): created by the first instance, with its
// options; later instances share them.
struct SharedMemory {
  std::shared_ptr<rocksdb::Cache> cache;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;
};

const SharedMemory& Shared(const RocksDBStateStoreOptions& o) {
  static std::mutex mu;
  static SharedMemory* shared = nullptr;
  std::lock_guard<std::mutex> l(mu);
  if (shared == nullptr) {
    size_t total = static_cast<size_t>(o.max_memory_usage_mb) << 20;
    auto* s = new SharedMemory();
    s->cache = rocksdb::NewLRUCache(total, -1, /*strict_capacity_limit=*/false, o.high_priority_pool_ratio);
    s->write_buffers = std::make_shared<rocksdb::WriteBufferManager>(
        static_cast<size_t>(static_cast<double>(total) * o.write_buffer_cache_ratio), s->cache);
    shared = s;
  }
  return *shared;
}

rocksdb::Options MakeOptions(const RocksDBStateStoreOptions& o) {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.error_if_exists = true;  // a working instance always starts in a new directory
  opts.avoid_flush_during_shutdown = true;  // the directory is deleted after close
  opts.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  opts.keep_log_file_num = 2;
  rocksdb::BlockBasedTableOptions table;
  table.block_size = static_cast<size_t>(o.block_size_kb) * 1024;
  table.format_version = 5;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Most lookups of a streaming aggregation are of new keys: a bloom filter
  // over the memtable too answers them without a search.
  opts.memtable_prefix_bloom_size_ratio = 0.1;
  opts.memtable_whole_key_filtering = true;
  if (o.bounded_memory_usage) {
    const SharedMemory& shared = Shared(o);
    table.block_cache = shared.cache;
    table.cache_index_and_filter_blocks = true;
    table.cache_index_and_filter_blocks_with_high_priority = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    // Index and filter in small partitions: a lookup loads a few KB into
    // the shared cache, not a whole file's filter, so a tight budget does
    // not turn every lookup into a reload of a large block.
    table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    table.partition_filters = true;
    table.pin_top_level_index_and_filter = true;
    opts.write_buffer_manager = shared.write_buffers;
  } else {
    table.block_cache = rocksdb::NewLRUCache(static_cast<size_t>(o.block_cache_size_mb) << 20);
  }
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (o.write_buffer_size_mb > 0) opts.write_buffer_size = static_cast<size_t>(o.write_buffer_size_mb) << 20;
  if (o.max_write_buffer_number > 0) opts.max_write_buffer_number = o.max_write_buffer_number;
  // Spark's default codec (spark.sql.streaming.stateStore.rocksdb.compression).
  auto supported = rocksdb::GetSupportedCompressions();
  if (std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end()) {
    opts.compression = rocksdb::kLZ4Compression;
  }
  return opts;
}

// The manifest of a snapshot directory (docs/checkpoint-format.md).
struct SnapshotManifest {
  int64_t version = 0;
  int64_t num_keys = 0;
  struct File {
    std::string name;
    uint64_t size = 0;
    uint32_t crc = 0;
  };
  std::vector<File> files;
};

std::string EncodeManifest(const SnapshotManifest& m) {
  std::string out = std::string(kManifestHeader) + "\n";
  out += "version " + std::to_string(m.version) + "\n";
  out += "keys " + std::to_string(m.num_keys) + "\n";
  for (const auto& f : m.files) {
    out += "file " + f.name + " " + std::to_string(f.size) + " " + Hex32(f.crc) + "\n";
  }
  out += "crc " + Hex32(StringCrc(out)) + "\n";
  return out;
}

Result<SnapshotManifest> DecodeManifest(const std::string& path, std::string_view text,
                                        int64_t version) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption("state snapshot manifest " + path + " " + what);
  };
  if (text.empty()) return corrupt("is empty");
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return corrupt("is truncated (its last line has no newline)");
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (lines.size() < 4 || lines.back().substr(0, 4) != "crc ") {
    return corrupt("is truncated (no final crc line)");
  }
  size_t body_len = text.size() - lines.back().size() - 1;
  std::string stored(lines.back().substr(4));
  std::string computed = Hex32(StringCrc(text.substr(0, body_len)));
  if (stored != computed) {
    return corrupt("fails its checksum (stored " + stored + ", computed " + computed + ")");
  }
  if (lines[0] != kManifestHeader) {
    return corrupt("has an unknown header \"" + std::string(lines[0]) + "\" (expected \"" +
                   kManifestHeader + "\")");
  }
  SnapshotManifest m;
  if (lines[1].substr(0, 8) != "version " || !ParseInt64(lines[1].substr(8), &m.version)) {
    return corrupt("is corrupt: bad version line");
  }
  if (m.version != version) {
    return corrupt("holds version " + std::to_string(m.version) + ", expected " + std::to_string(version));
  }
  if (lines[2].substr(0, 5) != "keys " || !ParseInt64(lines[2].substr(5), &m.num_keys)) {
    return corrupt("is corrupt: bad keys line");
  }
  for (size_t i = 3; i + 1 < lines.size(); ++i) {
    std::string_view l = lines[i];
    size_t a = l.find(' '), b = l.find(' ', a + 1), c = l.find(' ', b + 1);
    int64_t size = 0;
    if (l.substr(0, 5) != "file " || a == std::string_view::npos || b == std::string_view::npos ||
        c == std::string_view::npos || !ParseInt64(l.substr(b + 1, c - b - 1), &size) ||
        l.size() - c - 1 != 8) {
      return corrupt("is corrupt: bad line " + std::to_string(i + 1));
    }
    SnapshotManifest::File f;
    f.name = std::string(l.substr(a + 1, b - a - 1));
    f.size = static_cast<uint64_t>(size);
    f.crc = static_cast<uint32_t>(std::stoul(std::string(l.substr(c + 1)), nullptr, 16));
    if (f.name.empty() || f.name.find('/') != std::string::npos || f.name == "." || f.name == "..") {
      return corrupt("is corrupt: bad file name on line " + std::to_string(i + 1));
    }
    m.files.push_back(std::move(f));
  }
  return m;
}

// The working instances open in this process, by directory: a provider
// opening a store directory deletes the instances a crashed process left in
// its rocksdb-work/, but not those of another provider of this process on
// the same directory (a query restarted before the old run was destroyed).
std::mutex live_mu;
std::set<std::string>& LiveInstances() {
  static auto* live = new std::set<std::string>();
  return *live;
}
std::atomic<int64_t> next_instance_id{0};

// True if working instance `name` ("<pid>-<n>") may belong to another live
// process (a reader of the checkpoint such as `sluice checkpoint`, next to
// the running query): its files are left alone. Ours are judged by
// LiveInstances().
bool OwnerAlive(const std::string& name) {
  size_t dash = name.find('-');
  int64_t pid = 0;
  if (dash == std::string::npos || !ParseInt64(std::string_view(name).substr(0, dash), &pid) || pid <= 0 ||
      pid > 0x3fffffff) {
    return false;
  }
  if (pid == getpid()) return false;
  return !(kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH);
}

// Per-entry overhead of the store's overlay (a hash node with two strings).
constexpr size_t kEntryOverhead = 2 * sizeof(std::string) + 4 * sizeof(void*);

}  // namespace

struct RocksDBStateStoreProvider::Instance {
  std::string path;
  std::unique_ptr<rocksdb::DB> db;
  int64_t version = 0;   // GUARDED_BY(provider mu_)
  int64_t num_keys = 0;  // GUARDED_BY(provider mu_): exact (RocksDB's estimate is not)

  ~Instance() {
    if (db) {
      db->Close().PermitUncheckedError();
      db.reset();
    }
    (void)RemoveTree(path);  // best effort: the next Open deletes what is left
    std::lock_guard<std::mutex> l(live_mu);
    LiveInstances().erase(path);
  }
};

class RocksDBStateStore final : public StateStore {
 public:
  using Instance = RocksDBStateStoreProvider::Instance;

  RocksDBStateStore(RocksDBStateStoreProvider* provider, std::shared_ptr<Instance> inst,
                    int64_t version, int64_t num_keys)
      : provider_(provider), inst_(std::move(inst)), version_(version), num_keys_(num_keys) {
    snapshot_ = inst_->db->GetSnapshot();
  }
  ~RocksDBStateStore() override { ReleaseSnapshot(); }

  int64_t version() const override { return version_; }

  const std::string* Get(std::string_view key) const override {
    const Entry& e = Lookup(key);
    return e.present ? &e.value : nullptr;
  }

  void Put(std::string_view key, std::string_view value) override {
    SLUICE_DCHECK(!finished_);
    Entry& e = Lookup(key);
    if (!e.present) {
      ++num_keys_;
    } else {
      overlay_bytes_ -= e.value.size();
    }
    e.value.assign(value);
    overlay_bytes_ += e.value.size();
    e.present = true;
    e.dirty = true;
  }

  void Remove(std::string_view key) override {
    SLUICE_DCHECK(!finished_);
    Entry& e = Lookup(key);
    if (!e.present) return;
    --num_keys_;
    overlay_bytes_ -= e.value.size();
    e.value.clear();
    e.present = false;
    e.dirty = true;
  }

  void ForEach(const std::function<void(std::string_view, std::string_view)>& fn) const override {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    std::unique_ptr<rocksdb::Iterator> it(inst_->db->NewIterator(ro));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      auto e = entries_.find(k);
      if (e != entries_.end() && e->second.dirty) continue;  // the overlay's value comes below
      fn(k, std::string_view(it->value().data(), it->value().size()));
    }
    if (!it->status().ok() && read_error_.ok()) {
      read_error_ = FromRocks(it->status(), "reading " + inst_->path);
    }
    for (const auto& [k, e] : entries_) {
      if (e.dirty && e.present) fn(k, e.value);
    }
  }

  size_t NumKeys() const override { return static_cast<size_t>(num_keys_); }

  size_t MemoryUsedBytes() const override {
    uint64_t memtables = 0, readers = 0;
    if (inst_->db) {
      inst_->db->GetIntProperty("rocksdb.cur-size-all-mem-tables", &memtables);
      inst_->db->GetIntProperty("rocksdb.estimate-table-readers-mem", &readers);
    }
    return static_cast<size_t>(memtables + readers) + overlay_bytes_;
  }

  Result<int64_t> Commit() override {
    if (finished_) {
      return Status::Internal("state store version " + std::to_string(version_) + " of " +
                              provider_->dir() + " was already committed or aborted");
    }
    finished_ = true;
    ReleaseSnapshot();
    if (!read_error_.ok()) return read_error_;
    std::vector<const std::pair<const std::string, Entry>*> changed;
    for (const auto& kv : entries_) {
      if (kv.second.dirty && (kv.second.present || kv.second.base_present)) changed.push_back(&kv);
    }
    // Sorted: the same batch writes the same delta bytes.
    std::sort(changed.begin(), changed.end(), [](auto* a, auto* b) { return a->first < b->first; });
    StateFileBuilder delta;
    rocksdb::WriteBatch batch;
    for (const auto* kv : changed) {
      if (kv->second.present) {
        delta.Put(kv->first, kv->second.value);
        batch.Put(kv->first, kv->second.value).PermitUncheckedError();
      } else {
        delta.Remove(kv->first);
        batch.Delete(kv->first).PermitUncheckedError();
      }
    }
    entries_.clear();
    overlay_bytes_ = 0;
    if (provider_->options_.read_only) {
      return Status::InvalidArgument("state store " + provider_->dir() + " was opened read-only");
    }
    std::string bytes = delta.Finish(StateFileKind::kDelta, version_ + 1, provider_->options_.compress);
    return provider_->CommitVersion(inst_, version_ + 1, bytes, &batch, num_keys_);
  }

  void Abort() override {
    finished_ = true;
    ReleaseSnapshot();
    entries_.clear();
    overlay_bytes_ = 0;
  }

  bool finished() const override { return finished_; }

 private:
  // A key this store read or wrote: its value in this version, as changed.
  struct Entry {
    std::string value;
    bool present = false;       // the key exists (now)
    bool base_present = false;  // the key exists in the loaded version
    bool dirty = false;         // Put or Remove touched it
  };

  Entry& Lookup(std::string_view key) const {
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
    Entry e;
    if (snapshot_ != nullptr) {
      rocksdb::ReadOptions ro;
      ro.snapshot = snapshot_;
      rocksdb::Status s = inst_->db->Get(ro, rocksdb::Slice(key.data(), key.size()), &e.value);
      if (s.ok()) {
        e.present = e.base_present = true;
      } else if (!s.IsNotFound() && read_error_.ok()) {
        read_error_ = FromRocks(s, "reading " + inst_->path);
      }
    }
    overlay_bytes_ += key.size() + e.value.size() + kEntryOverhead;
    return entries_.emplace(std::string(key), std::move(e)).first->second;
  }

  void ReleaseSnapshot() {
    if (snapshot_ != nullptr) {
      inst_->db->ReleaseSnapshot(snapshot_);
      snapshot_ = nullptr;
    }
  }

  RocksDBStateStoreProvider* provider_;
  std::shared_ptr<Instance> inst_;
  int64_t version_;
  int64_t num_keys_;
  const rocksdb::Snapshot* snapshot_ = nullptr;
  mutable std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries_;
  mutable size_t overlay_bytes_ = 0;
  mutable Status read_error_;
  bool finished_ = false;
};

RocksDBStateStoreProvider::RocksDBStateStoreProvider(Env* env, std::string dir,
                                                     RocksDBStateStoreOptions options)
    : env_(env), dir_(std::move(dir)), options_(options) {
  if (options_.read_only) {
    const char* tmp = std::getenv("TMPDIR");
    work_dir_ = JoinPath(tmp && *tmp ? tmp : "/tmp",
                         "sluice-rocksdb-reader-" + std::to_string(getpid()) + "-" +
                             std::to_string(next_instance_id++));
  } else {
    work_dir_ = JoinPath(dir_, kWorkDirName);
  }
}

RocksDBStateStoreProvider::~RocksDBStateStoreProvider() {
  std::lock_guard<std::mutex> l(mu_);
  current_.reset();
  if (options_.read_only) (void)RemoveTree(work_dir_);
}

Result<std::unique_ptr<RocksDBStateStoreProvider>> RocksDBStateStoreProvider::Open(
    Env* env, std::string dir, RocksDBStateStoreOptions options) {
  if (options.snapshot_interval < 1 || options.min_versions_to_retain < 1) {
    return Status::InvalidArgument("state store snapshot interval and versions to retain must be >= 1");
  }
  if (options.max_memory_usage_mb < 1 || options.block_cache_size_mb < 1 || options.block_size_kb < 1 ||
      options.write_buffer_cache_ratio <= 0 || options.write_buffer_cache_ratio > 1 ||
      options.high_priority_pool_ratio < 0 || options.high_priority_pool_ratio > 1) {
    return Status::InvalidArgument(
        "RocksDB state store: maxMemoryUsageMB, blockCacheSizeMB and blockSizeKB must be >= 1, "
        "writeBufferCacheRatio in (0, 1] and highPriorityPoolRatio in [0, 1]");
  }
  if (options.read_only) {
    return std::unique_ptr<RocksDBStateStoreProvider>(new RocksDBStateStoreProvider(env, std::move(dir), options));
  }
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(dir));
  // Temp files and half-built snapshot directories of a crashed process,
  // and its working instances: nothing in them is trusted.
  SLUICE_ASSIGN_OR_RETURN(auto names, env->ListDir(dir));
  for (const auto& n : names) {
    if (IsTempFileName(n)) SLUICE_RETURN_NOT_OK(RemoveTree(JoinPath(dir, n)));
  }
  std::string work = JoinPath(dir, kWorkDirName);
  if (env->FileExists(work)) {
    SLUICE_ASSIGN_OR_RETURN(auto instances, env->ListDir(work));
    std::lock_guard<std::mutex> l(live_mu);
    for (const auto& n : instances) {
      std::string path = JoinPath(work, n);
      if (!LiveInstances().count(path) && !OwnerAlive(n)) SLUICE_RETURN_NOT_OK(RemoveTree(path));
    }
  }
  return std::unique_ptr<RocksDBStateStoreProvider>(
      new RocksDBStateStoreProvider(env, std::move(dir), options));
}

std::string RocksDBStateStoreProvider::DeltaPath(int64_t version) const {
  return JoinPath(dir_, std::to_string(version) + ".delta");
}

std::string RocksDBStateStoreProvider::SnapshotPath(int64_t version) const {
  return JoinPath(dir_, std::to_string(version) + kSnapshotSuffix);
}

std::string RocksDBStateStoreProvider::WorkDir() const { return work_dir_; }

Status RocksDBStateStoreProvider::last_maintenance_status() {
  std::lock_guard<std::mutex> l(mu_);
  return maintenance_status_;
}

Result<RocksDBStateStoreProvider::Files> RocksDBStateStoreProvider::ListFiles() const {
  SLUICE_ASSIGN_OR_RETURN(auto names, env_->ListDir(dir_));
  Files f;
  for (const auto& n : names) {
    if (IsTempFileName(n) || n == kWorkDirName) continue;
    size_t dot = n.find('.');
    std::string_view stem = std::string_view(n).substr(0, dot);
    std::string_view ext = dot == std::string::npos ? "" : std::string_view(n).substr(dot);
    int64_t v = 0;
    bool digits = ParseInt64(stem, &v);
    if (digits && ext == ".snapshot") {
      return Status::Corruption("state directory " + dir_ + " holds \"" + n +
                                "\", a snapshot of the file state store provider (HDFSBackedStateStoreProvider), "
                                "but is read with the RocksDB provider; a checkpoint keeps the provider of its "
                                "first batch (spark.sql.streaming.stateStore.providerClass in its offset log)");
    }
    if (!digits || (ext != ".delta" && ext != kSnapshotSuffix)) {
      return Status::Corruption("state directory " + dir_ + " holds an unexpected file \"" + n +
                                "\"; only <version>.delta, <version>.rocksdb/ and rocksdb-work/ belong there");
    }
    (ext == ".delta" ? f.deltas : f.snapshots).push_back(v);
  }
  std::sort(f.deltas.begin(), f.deltas.end());
  std::sort(f.snapshots.begin(), f.snapshots.end());
  return f;
}

Result<std::optional<int64_t>> RocksDBStateStoreProvider::LatestVersion() {
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles());
  std::optional<int64_t> latest;
  if (!files.deltas.empty()) latest = files.deltas.back();
  if (!files.snapshots.empty()) latest = std::max(latest.value_or(0), files.snapshots.back());
  return latest;
}

Result<std::shared_ptr<RocksDBStateStoreProvider::Instance>> RocksDBStateStoreProvider::NewInstance() {
  auto inst = std::make_shared<Instance>();
  inst->path = JoinPath(WorkDir(), std::to_string(getpid()) + "-" + std::to_string(next_instance_id++));
  SLUICE_RETURN_NOT_OK(RemoveTree(inst->path));
  SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(WorkDir()));
  std::lock_guard<std::mutex> l(live_mu);
  LiveInstances().insert(inst->path);
  return inst;
}

Status RocksDBStateStoreProvider::RestoreSnapshot(int64_t version, Instance* inst, int64_t* num_keys) {
  std::string snap = SnapshotPath(version);
  std::string manifest_path = JoinPath(snap, kSnapshotManifest);
  if (!env_->FileExists(manifest_path)) {
    return Status::Corruption("state snapshot " + snap + " has no manifest " + manifest_path +
                              " (the snapshot is damaged)");
  }
  std::string text;
  SLUICE_RETURN_NOT_OK(env_->ReadFileToString(manifest_path, &text));
  SLUICE_ASSIGN_OR_RETURN(auto manifest, DecodeManifest(manifest_path, text, version));
  SLUICE_ASSIGN_OR_RETURN(auto present, env_->ListDir(snap));
  for (const auto& n : present) {
    if (n == kSnapshotManifest) continue;
    bool listed = std::any_of(manifest.files.begin(), manifest.files.end(),
                              [&](const SnapshotManifest::File& f) { return f.name == n; });
    if (!listed) {
      return Status::Corruption("state snapshot " + snap + " holds a file its manifest does not list: " +
                                JoinPath(snap, n));
    }
  }
  std::error_code ec;
  fs::create_directories(inst->path, ec);
  if (ec) return Status::IOError("cannot create " + inst->path + ": " + ec.message());
  for (const auto& f : manifest.files) {
    std::string src = JoinPath(snap, f.name);
    if (!env_->FileExists(src)) {
      return Status::Corruption("state snapshot file " + src + " is missing (listed in " + manifest_path + ")");
    }
    uint64_t size = 0;
    uint32_t crc = 0;
    SLUICE_RETURN_NOT_OK(FileCrc(env_, src, &size, &crc));
    if (size != f.size) {
      return Status::Corruption("state snapshot file " + src + " has " + std::to_string(size) +
                                " bytes but " + manifest_path + " says " + std::to_string(f.size));
    }
    if (crc != f.crc) {
      return Status::Corruption("state snapshot file " + src + " fails its checksum (" + manifest_path +
                                " says " + Hex32(f.crc) + ", computed " + Hex32(crc) + ")");
    }
    std::string dst = JoinPath(inst->path, f.name);
    // SST files are immutable: a hard link is enough (RocksDB only ever
    // deletes them). The rest (MANIFEST, CURRENT, OPTIONS) is copied.
    bool linked = false;
    if (f.name.size() > 4 && f.name.substr(f.name.size() - 4) == ".sst") {
      fs::create_hard_link(src, dst, ec);
      linked = !ec;
    }
    if (!linked) {
      fs::copy_file(src, dst, fs::copy_options::overwrite_existing, ec);
      if (ec) return Status::IOError("cannot copy " + src + " to " + dst + ": " + ec.message());
    }
  }
  *num_keys = manifest.num_keys;
  return Status::OK();
}

Status RocksDBStateStoreProvider::ReplayDelta(int64_t version, Instance* inst, int64_t* num_keys) {
  std::string path = DeltaPath(version);
  std::string contents;
  SLUICE_RETURN_NOT_OK(env_->ReadFileToString(path, &contents));
  // The last record of a key wins (the file provider logs each operation).
  std::unordered_map<std::string, std::optional<std::string>, StringHash, std::equal_to<>> last;
  SLUICE_RETURN_NOT_OK(VisitStateFile(path, contents, StateFileKind::kDelta, version,
                                      [&](StateFileOp op, std::string_view key, std::string_view value) {
                                        auto& slot = last[std::string(key)];
                                        if (op == StateFileOp::kPut) {
                                          slot = std::string(value);
                                        } else {
                                          slot.reset();
                                        }
                                      }));
  rocksdb::WriteBatch batch;
  std::string old;
  // An empty instance (no snapshot, first delta) needs no lookups.
  const bool empty = *num_keys == 0 && inst->version == 0;
  for (const auto& [k, v] : last) {
    bool existed = false;
    if (!empty) {
      rocksdb::Status s = inst->db->Get(rocksdb::ReadOptions(), k, &old);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading " + inst->path);
      existed = s.ok();
    }
    if (v) {
      if (!existed) ++*num_keys;
      SLUICE_RETURN_NOT_OK(FromRocks(batch.Put(k, *v), "replaying " + path));
    } else if (existed) {
      --*num_keys;
      SLUICE_RETURN_NOT_OK(FromRocks(batch.Delete(k), "replaying " + path));
    }
  }
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  SLUICE_RETURN_NOT_OK(FromRocks(inst->db->Write(wo, &batch), "replaying " + path + " into " + inst->path));
  inst->version = version;
  return Status::OK();
}

Result<std::shared_ptr<RocksDBStateStoreProvider::Instance>> RocksDBStateStoreProvider::BuildInstance(
    int64_t version, const Files& files) {
  int64_t base = 0;
  if (version > 0) {
    for (int64_t s : files.snapshots) {
      if (s <= version) base = s;
    }
    for (int64_t v = base + 1; v <= version; ++v) {
      if (!std::binary_search(files.deltas.begin(), files.deltas.end(), v)) {
        return Status::Corruption(
            "cannot load state version " + std::to_string(version) + " from " + dir_ + ": " + DeltaPath(v) +
            " is missing (loading replays " +
            (base > 0 ? "snapshot " + SnapshotPath(base) + " and " : std::string()) + "deltas " +
            std::to_string(base + 1) + ".." + std::to_string(version) + ")");
      }
    }
  }
  SLUICE_ASSIGN_OR_RETURN(auto inst, NewInstance());
  int64_t num_keys = 0;
  if (base > 0) SLUICE_RETURN_NOT_OK(RestoreSnapshot(base, inst.get(), &num_keys));
  rocksdb::Options opts = MakeOptions(options_);
  if (base > 0) opts.error_if_exists = false;
  rocksdb::DB* db = nullptr;
  SLUICE_RETURN_NOT_OK(FromRocks(rocksdb::DB::Open(opts, inst->path, &db),
                                 base > 0 ? "opening snapshot " + SnapshotPath(base) + " (copied to " +
                                                inst->path + ")"
                                          : "creating " + inst->path));
  inst->db.reset(db);
  inst->version = base;
  for (int64_t v = base + 1; v <= version; ++v) SLUICE_RETURN_NOT_OK(ReplayDelta(v, inst.get(), &num_keys));
  inst->num_keys = num_keys;
  return inst;
}

Result<std::unique_ptr<StateStore>> RocksDBStateStoreProvider::Load(int64_t version) {
  if (version < 0) {
    return Status::InvalidArgument("state version must be >= 0, got " + std::to_string(version));
  }
  std::lock_guard<std::mutex> l(mu_);
  if (!current_ || current_->version != version) {
    Files files;
    if (version > 0) {
      SLUICE_ASSIGN_OR_RETURN(files, ListFiles());
      bool exists = std::binary_search(files.deltas.begin(), files.deltas.end(), version) ||
                    std::binary_search(files.snapshots.begin(), files.snapshots.end(), version);
      if (!exists) {
        return Status::NotFound("state version " + std::to_string(version) + " does not exist in " + dir_ +
                                " (no " + DeltaPath(version) + " or " + SnapshotPath(version) + ")");
      }
    }
    // The old instance lives on while stores of it are open.
    SLUICE_ASSIGN_OR_RETURN(current_, BuildInstance(version, files));
  }
  return std::unique_ptr<StateStore>(new RocksDBStateStore(this, current_, version, current_->num_keys));
}

Result<int64_t> RocksDBStateStoreProvider::CommitVersion(const std::shared_ptr<Instance>& inst,
                                                         int64_t new_version, const std::string& delta,
                                                         rocksdb::WriteBatch* batch, int64_t num_keys) {
  // The delta is the durable record: once it is renamed into place the
  // version exists, whatever happens to the working instance. A re-run
  // batch (after a crash before its commit log entry) rewrites it.
  SLUICE_RETURN_NOT_OK(WriteFileAtomically(env_, DeltaPath(new_version), delta));
  SLUICE_KILL_POINT("rocksdb_state:after_delta");
  {
    std::lock_guard<std::mutex> l(mu_);
    if (current_ == inst && inst->version == new_version - 1) {
      rocksdb::WriteOptions wo;
      wo.disableWAL = true;
      rocksdb::Status s = inst->db->Write(wo, batch);
      if (s.ok()) {
        inst->version = new_version;
        inst->num_keys = num_keys;
        if (options_.compact_on_commit) {
          inst->db->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr).PermitUncheckedError();
        }
      } else {
        current_.reset();  // the next Load rebuilds it from the files
      }
    } else if (current_ && current_->version >= new_version) {
      current_.reset();  // it may hold the version this commit replaced
    }
  }
  if (options_.maintenance_on_commit) {
    Status s = DoMaintenance();
    std::lock_guard<std::mutex> l(mu_);
    maintenance_status_ = s;
  }
  return new_version;
}

Status RocksDBStateStoreProvider::WriteSnapshot(Instance* inst) {
  std::string target = SnapshotPath(inst->version);
  if (env_->FileExists(target)) return Status::OK();
  std::random_device rd;
  char suffix[24];
  std::snprintf(suffix, sizeof(suffix), "%08x%08x", rd(), rd());
  std::string tmp = JoinPath(dir_, "." + std::to_string(inst->version) + kSnapshotSuffix + "." + suffix + ".tmp");
  rocksdb::Checkpoint* cp_raw = nullptr;
  SLUICE_RETURN_NOT_OK(FromRocks(rocksdb::Checkpoint::Create(inst->db.get(), &cp_raw), "checkpoint of " + inst->path));
  std::unique_ptr<rocksdb::Checkpoint> cp(cp_raw);
  // log_size_for_flush 0: the memtable is flushed first, so the checkpoint
  // needs no WAL (the instance writes none).
  SLUICE_RETURN_NOT_OK(FromRocks(cp->CreateCheckpoint(tmp, 0), "creating snapshot " + tmp));
  SnapshotManifest m;
  m.version = inst->version;
  m.num_keys = inst->num_keys;
  SLUICE_ASSIGN_OR_RETURN(auto names, env_->ListDir(tmp));
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    std::string path = JoinPath(tmp, n);
    SnapshotManifest::File f;
    f.name = n;
    SLUICE_RETURN_NOT_OK(FileCrc(env_, path, &f.size, &f.crc));
    // Durable before the manifest vouches for it (RocksDB syncs what it
    // writes; a hard-linked SST was synced when it was written).
    SLUICE_ASSIGN_OR_RETURN(auto file, env_->NewAppendableFile(path));
    SLUICE_RETURN_NOT_OK(file->Sync());
    SLUICE_RETURN_NOT_OK(file->Close());
    m.files.push_back(std::move(f));
  }
  SLUICE_RETURN_NOT_OK(WriteFileAtomically(env_, JoinPath(tmp, kSnapshotManifest), EncodeManifest(m)));
  SLUICE_KILL_POINT("rocksdb_state:snapshot_before_rename");
  SLUICE_RETURN_NOT_OK(env_->RenameFile(tmp, target));
  return env_->SyncDir(dir_);
}

Status RocksDBStateStoreProvider::DoMaintenance() {
  if (options_.read_only) return Status::OK();
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles());
  if (files.deltas.empty() && files.snapshots.empty()) return Status::OK();
  int64_t latest = std::max(files.deltas.empty() ? 0 : files.deltas.back(),
                            files.snapshots.empty() ? 0 : files.snapshots.back());
  int64_t last_snapshot = files.snapshots.empty() ? 0 : files.snapshots.back();
  // 1. Snapshot the newest version once enough deltas piled up.
  if (latest - last_snapshot >= options_.snapshot_interval) {
    std::lock_guard<std::mutex> l(mu_);
    if (!current_ || current_->version != latest) {
      SLUICE_ASSIGN_OR_RETURN(current_, BuildInstance(latest, files));
    }
    SLUICE_RETURN_NOT_OK(WriteSnapshot(current_.get()));
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
    if (s < keep_from) SLUICE_RETURN_NOT_OK(RemoveTree(SnapshotPath(s)));
  }
  return Status::OK();
}

}  // namespace sluice
