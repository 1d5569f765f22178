#include "connectors/delta/delta_sink.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
#include <unordered_map>

#include "checkpoint/checkpoint_metadata.h"
#include "common/json_writer.h"
#include "connectors/delta/delta_checkpoint.h"
#include "connectors/delta/delta_schema.h"
#include "connectors/delta/delta_stats.h"
#include "connectors/file/parquet_writer.h"
#include "connectors/file/partitioned_file_writer.h"
#include "connectors/file/partitioning.h"
#include "types/value.h"
#include "common/log.h"
#include "env/kill_point.h"

namespace sluice {

namespace {

constexpr int kMaxCommitAttempts = 100;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The file name part Spark gives each codec ("part-...-c000.snappy.parquet").
std::string CodecSuffix(ParquetCompression c) {
  switch (c) {
    case ParquetCompression::kNone: return "";
    case ParquetCompression::kSnappy: return ".snappy";
    case ParquetCompression::kGzip: return ".gz";
    case ParquetCompression::kZstd: return ".zstd";
    case ParquetCompression::kLz4Raw: return ".lz4raw";
    case ParquetCompression::kBrotli: return ".br";
  }
  return "";
}

// Writer features whose rules this sink keeps (or that do not concern an
// append or an overwrite of whole files); any other feature of the table is
// refused rather than broken.
const std::set<std::string>& SupportedWriterFeatures() {
  static const std::set<std::string> kFeatures = {"appendOnly", "invariants", "changeDataFeed", "domainMetadata"};
  return kFeatures;
}

// A relative file path as a Delta add/remove path: a URI path, so every
// byte outside the unreserved characters, '/' and '=' is %XX (readers
// decode it; a Hive-escaped "%2F" in a directory name becomes "%252F").
std::string DeltaUriPath(std::string_view rel) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : rel) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '/' || c == '=') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A partition value as the protocol serializes it in partitionValues:
// CAST(v AS STRING) (dates yyyy-MM-dd, timestamps yyyy-MM-dd HH:mm:ss[.f]
// in UTC, numbers and booleans as text); NULL and "" are null.
std::string PartitionValueJson(const Value& v) {
  if (v.is_null()) return "null";
  std::string text = v.ToString();
  if (text.empty()) return "null";
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

// For each of the first n rows of a partition column, a dense id of its
// value (equal values, equal ids; NULL has its own), from the raw values.
void ValueIds(const Vector& v, size_t n, std::vector<uint32_t>* ids) {
  ids->assign(n, 0);
  auto dense = [&](auto get) {
    using K = decltype(get(size_t{0}));
    std::unordered_map<K, uint32_t> seen;
    for (size_t r = 0; r < n; r++) {
      if (v.IsNull(r)) continue;  // id 0
      auto [it, added] = seen.try_emplace(get(r), static_cast<uint32_t>(seen.size() + 1));
      (*ids)[r] = it->second;
    }
  };
  switch (v.type().id()) {
    case TypeId::kBoolean: dense([&](size_t r) { return uint64_t{v.data<uint8_t>()[r]}; }); break;
    case TypeId::kInt:
    case TypeId::kDate: dense([&](size_t r) { return static_cast<int64_t>(v.data<int32_t>()[r]); }); break;
    case TypeId::kBigint:
    case TypeId::kTimestamp: dense([&](size_t r) { return v.data<int64_t>()[r]; }); break;
    case TypeId::kDouble:
      dense([&](size_t r) {
        uint64_t bits;
        std::memcpy(&bits, &v.data<double>()[r], sizeof(bits));
        return bits;
      });
      break;
    case TypeId::kString:
    case TypeId::kBinary: dense([&](size_t r) { return v.GetString(r); }); break;
    default: {
      // DECIMAL and anything else: by the value's text (rare as partition columns).
      dense([&](size_t r) { return v.GetValue(r).ToString(); });
      break;
    }
  }
}

bool SameNames(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (!EqualsIgnoreCase(a[i], b[i])) return false;
  }
  return true;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

// One micro-batch: per query partition, Parquet files at the table's root;
// Commit adds them to the table in one Delta version.
class DeltaBatchWriter final : public SinkWriter {
 public:
  DeltaBatchWriter(DeltaSink* sink, SinkBatchInfo batch, Schema schema, OutputMode mode, int num_partitions,
                   bool skip, ParquetWriteOptions parquet, std::vector<int> partition_cols)
      : sink_(sink), batch_(std::move(batch)), schema_(std::move(schema)), mode_(mode), skip_(skip),
        parquet_(parquet), parts_(static_cast<size_t>(num_partitions)), partition_cols_(std::move(partition_cols)) {
    // The data files hold the other columns; the partition columns live in
    // the directory names and the add actions' partitionValues.
    for (size_t i = 0; i < schema_.size(); i++) {
      if (std::find(partition_cols_.begin(), partition_cols_.end(), static_cast<int>(i)) == partition_cols_.end()) {
        data_cols_.push_back(i);
        data_schema_.Add(schema_.field(i));
      }
    }
    for (int c : partition_cols_) partition_names_.push_back(schema_.field(static_cast<size_t>(c)).name);
  }

  ~DeltaBatchWriter() override {
    if (committed_) return;
    // A failed batch: its files are in no version; delete them (best effort;
    // open writers delete theirs when destroyed).
    for (Part& p : parts_) {
      for (auto& [name, d] : p.dirs) {
        for (const auto& f : d.files) (void)sink_->env_->DeleteFile(f.info.path);
      }
    }
    parts_.clear();
    for (const auto& f : files_) (void)sink_->env_->DeleteFile(f.info.path);
  }

  Status Write(int partition, Batch batch) override {
    if (skip_ || batch.num_rows == 0) return Status::OK();
    Part& part = parts_[static_cast<size_t>(partition)];  // one thread per partition
    if (partition_cols_.empty()) return WriteTo(partition, part.dirs[""], "", batch);
    // Rows by partition value: a dense group id per row from the raw
    // values (one hash lookup per row and column), then the directory
    // name from each group's first row.
    std::vector<uint32_t> group(batch.num_rows, 0);
    size_t num_groups = 1;
    std::vector<uint32_t> ids;
    for (int c : partition_cols_) {
      ValueIds(batch.columns[static_cast<size_t>(c)], batch.num_rows, &ids);
      std::unordered_map<uint64_t, uint32_t> combined;
      for (size_t r = 0; r < batch.num_rows; r++) {
        uint64_t key = (uint64_t{group[r]} << 32) | ids[r];
        auto [it, added] = combined.try_emplace(key, static_cast<uint32_t>(combined.size()));
        group[r] = it->second;
      }
      num_groups = combined.size();
    }
    std::vector<SelectionVector> rows(num_groups);
    for (size_t r = 0; r < batch.num_rows; r++) rows[group[r]].push_back(static_cast<uint32_t>(r));
    for (const SelectionVector& sel : rows) {
      std::string dir;
      std::vector<Value> vs;
      for (int c : partition_cols_) {
        Value v = batch.columns[static_cast<size_t>(c)].GetValue(sel.front());
        if (!dir.empty()) dir += '/';
        dir += PartitionDirectoryName(schema_.field(static_cast<size_t>(c)).name, v);
        vs.push_back(std::move(v));
      }
      std::vector<Vector> cols;
      for (size_t c : data_cols_) cols.push_back(batch.columns[c].Gather(sel));
      Dir& d = part.dirs[dir];
      if (d.partition_values_json.empty()) {
        std::string pv = "{";
        for (size_t i = 0; i < vs.size(); i++) {
          if (i) pv += ',';
          AppendJsonString(&pv, partition_names_[i]);
          pv += ':' + PartitionValueJson(vs[i]);
        }
        d.partition_values_json = pv + "}";
      }
      SLUICE_RETURN_NOT_OK(WriteTo(partition, d, dir, Batch(std::move(cols), sel.size())));
    }
    return Status::OK();
  }

  Status Commit() override {
    if (skip_) {
      committed_ = true;
      return Status::OK();
    }
    {
      PhaseTimes::Scope timed(batch_.phase_times, "deltaWriteFiles");
      std::set<std::string> dirs;
      for (Part& p : parts_) {
        for (auto& [name, d] : p.dirs) {
          if (d.writer) SLUICE_RETURN_NOT_OK(CloseDir(d));
          for (auto& f : d.files) files_.push_back(std::move(f));
          d.files.clear();
          if (!d.partition_values_json.empty() || !name.empty()) dirs.insert(name);
        }
      }
      parts_.clear();
      // Each file was synced when closed; their directory entries now (new
      // partition directories too: their parents' entries).
      for (const std::string& dir : dirs) {
        std::string abs = sink_->options_.path;
        size_t pos = 0;
        while (pos != std::string::npos) {
          size_t next = dir.find('/', pos);
          abs = JoinPath(abs, dir.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
          SLUICE_RETURN_NOT_OK(sink_->env_->SyncDir(abs));
          pos = next == std::string::npos ? next : next + 1;
        }
      }
      if (!files_.empty()) SLUICE_RETURN_NOT_OK(sink_->env_->SyncDir(sink_->options_.path));
    }
    SLUICE_KILL_POINT("delta_sink:before_commit");
    PhaseTimes::Scope timed(batch_.phase_times, "deltaCommit");
    for (int attempt = 1;; attempt++) {
      int64_t version = sink_->snapshot_.version + 1;
      bool creating = version == 0;  // this commit would create the table
      SLUICE_ASSIGN_OR_RETURN(std::string actions, Actions(version));
      bool renamed = false;
      Status s = sink_->log_->WriteCommit(version, actions, &renamed);
      if (renamed) committed_ = true;  // visible to readers: its files must stay, whatever follows
      if (s.ok()) break;
      if (renamed) return s;
      if (s.code() != StatusCode::kAlreadyExists) return s;
      // Another writer has this version: read what it (and any after it) did.
      sink_->commit_retries_++;
      LogInfo("delta", "Delta table {}: version {} was taken by another writer; batch {} reads it and retries",
              sink_->options_.path, version, batch_.id);
      std::vector<DeltaCommitSummary> winners;
      SLUICE_RETURN_NOT_OK(sink_->Refresh(&winners));
      for (const DeltaCommitSummary& w : winners) {
        auto it = w.txns.find(sink_->app_id_);
        if (it != w.txns.end() && it->second >= batch_.id) {
          // Our batch is already in (another run of this query): done.
          for (const auto& f : files_) (void)sink_->env_->DeleteFile(f.info.path);
          files_.clear();
          committed_ = true;
          return Status::OK();
        }
        if (creating && w.version == 0) {
          // Another writer created the table first (two queries starting on
          // a new table at once). Our rows can go into it as an append if it
          // is the table we would have made: its schema and partitioning are
          // checked below; anything else is a conflict.
          const std::vector<std::string>& theirs = sink_->snapshot_.metadata
                                                       ? sink_->snapshot_.metadata->partition_columns
                                                       : std::vector<std::string>{};
          if (!SameNames(theirs, partition_names_)) {
            return Status::ExecutionError(
                "Delta table " + sink_->options_.path + " was created by another writer while batch " +
                std::to_string(batch_.id) + " was creating it, partitioned by (" + Joined(theirs) + ") instead of (" +
                Joined(partition_names_) + "); batch " + std::to_string(batch_.id) +
                " is not committed (a concurrent modification conflict)");
          }
          continue;
        }
        if (w.protocol || w.metadata) {
          return Status::ExecutionError(
              "Delta table " + sink_->options_.path + ": version " + std::to_string(w.version) +
              ", committed by another writer while batch " + std::to_string(batch_.id) + " was being written, " +
              "changed the table's " + (w.protocol ? "protocol" : "metadata (schema, partitioning or properties)") +
              " (operation '" + w.operation + "'); batch " + std::to_string(batch_.id) +
              " is not committed (a concurrent modification conflict). Restart the query to write it against the "
              "new table state");
        }
      }
      SLUICE_RETURN_NOT_OK(sink_->CheckWritable(&schema_, mode_));
      if (attempt >= kMaxCommitAttempts) {
        return Status::ExecutionError("Delta table " + sink_->options_.path + ": batch " + std::to_string(batch_.id) +
                                      " lost the race for a new version " + std::to_string(kMaxCommitAttempts) +
                                      " times in a row to other writers; it is not committed");
      }
    }
    committed_ = true;
    SLUICE_KILL_POINT("delta_sink:after_commit");
    // Our own version: the next BeginBatch reads it back like any other.
    sink_->MaybeCheckpoint(batch_.phase_times);
    return Status::OK();
  }

 private:
  struct File {
    ParquetFileInfo info;
    std::string rel_path;               // under the table, as the add action names it (not yet URI-encoded)
    std::string partition_values_json;  // the add's partitionValues
  };
  // The files one query partition writes into one partition directory ("":
  // the table's root, an unpartitioned table).
  struct Dir {
    std::unique_ptr<ParquetWriter> writer;
    int64_t writer_rows = 0;  // rows given to the open writer
    std::string rel_path;  // of the open writer's file
    std::string partition_values_json;
    std::vector<File> files;
  };
  struct Part {
    std::map<std::string, Dir> dirs;
  };

  Status WriteTo(int partition, Dir& d, const std::string& dir, const Batch& batch) {
    size_t done = 0;
    while (done < batch.num_rows) {
      if (!d.writer) {
        char prefix[32];
        std::snprintf(prefix, sizeof(prefix), "part-%05d-", partition);
        std::string name = prefix + NewUuidV4() + "-c000" + CodecSuffix(parquet_.compression) + ".parquet";
        d.rel_path = dir.empty() ? name : dir + "/" + name;
        std::string abs = JoinPath(sink_->options_.path, d.rel_path);
        if (!dir.empty()) SLUICE_RETURN_NOT_OK(sink_->env_->CreateDirRecursive(DirName(abs)));
        SLUICE_ASSIGN_OR_RETURN(d.writer, ParquetWriter::Open(sink_->env_, abs, data_schema_, parquet_));
      }
      // Rows are counted here: the writer may buffer rows it has not counted.
      size_t take = batch.num_rows - done;
      int64_t limit = sink_->options_.max_records_per_file;
      if (limit > 0) take = std::min<size_t>(take, static_cast<size_t>(limit - d.writer_rows));
      SLUICE_RETURN_NOT_OK(d.writer->Write(done == 0 && take == batch.num_rows ? batch : batch.Slice(done, take)));
      done += take;
      d.writer_rows += static_cast<int64_t>(take);
      if (limit > 0 && d.writer_rows >= limit) SLUICE_RETURN_NOT_OK(CloseDir(d));
    }
    return Status::OK();
  }

  Status CloseDir(Dir& d) {
    std::unique_ptr<ParquetWriter> w = std::move(d.writer);
    d.writer_rows = 0;
    SLUICE_ASSIGN_OR_RETURN(ParquetFileInfo info, w->Close());
    d.files.push_back(File{std::move(info), d.rel_path,
                           d.partition_values_json.empty() ? "{}" : d.partition_values_json});
    return Status::OK();
  }

  Result<std::string> Actions(int64_t version) {
    const DeltaSnapshot& snap = sink_->snapshot_;
    int64_t now = NowMs();
    std::string out;
    int64_t rows = 0, bytes = 0;
    for (const auto& f : files_) {
      rows += f.info.num_rows;
      bytes += f.info.size;
    }
    {
      JsonWriter w;
      w.BeginObject().Key("commitInfo").BeginObject();
      w.Key("timestamp").Int(now).Key("operation").String("STREAMING UPDATE");
      w.Key("operationParameters").BeginObject();
      w.Key("outputMode").String(OutputModeName(mode_)).Key("queryId").String(sink_->app_id_);
      w.Key("epochId").String(std::to_string(batch_.id));
      if (!batch_.offsets_digest.empty()) w.Key("offsetsDigest").String(batch_.offsets_digest);
      w.EndObject();
      if (snap.version >= 0) w.Key("readVersion").Int(snap.version);
      w.Key("isolationLevel").String("Serializable");
      w.Key("isBlindAppend").Bool(mode_ == OutputMode::kAppend);
      w.Key("operationMetrics").BeginObject();
      w.Key("numAddedFiles").String(std::to_string(files_.size()));
      w.Key("numRemovedFiles").String(std::to_string(mode_ == OutputMode::kComplete ? snap.files.size() : 0));
      w.Key("numOutputRows").String(std::to_string(rows)).Key("numOutputBytes").String(std::to_string(bytes));
      w.EndObject();
      w.Key("engineInfo").String("Sluice").Key("txnId").String(NewUuidV4());
      w.EndObject().EndObject();
      out += w.Take() + "\n";
    }
    if (!snap.protocol) {
      out += "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n";
    }
    if (!snap.metadata) {
      SLUICE_ASSIGN_OR_RETURN(std::string schema_string, DeltaSchemaString(schema_));
      JsonWriter w;
      w.BeginObject().Key("metaData").BeginObject();
      w.Key("id").String(NewUuidV4());
      w.Key("format").BeginObject().Key("provider").String("parquet").Key("options").BeginObject().EndObject();
      w.EndObject();
      w.Key("schemaString").String(schema_string);
      w.Key("partitionColumns").BeginArray();
      for (const auto& n : partition_names_) w.String(n);
      w.EndArray();
      w.Key("configuration").BeginObject().EndObject();
      w.Key("createdTime").Int(now);
      w.EndObject().EndObject();
      out += w.Take() + "\n";
    }
    {
      JsonWriter w;
      w.BeginObject().Key("txn").BeginObject().Key("appId").String(sink_->app_id_);
      w.Key("version").Int(batch_.id).Key("lastUpdated").Int(now).EndObject().EndObject();
      out += w.Take() + "\n";
    }
    if (mode_ == OutputMode::kComplete) {
      for (const auto& [path, f] : snap.files) {
        JsonWriter w;
        w.BeginObject().Key("remove").BeginObject().Key("path").String(path);
        w.Key("deletionTimestamp").Int(now).Key("dataChange").Bool(true).Key("extendedFileMetadata").Bool(true);
        w.Key("partitionValues").Raw(f.partition_values_json).Key("size").Int(f.size);
        w.EndObject().EndObject();
        out += w.Take() + "\n";
      }
    }
    for (const auto& f : files_) {
      std::vector<DeltaColumnStats> cols;
      cols.reserve(f.info.stats.size());
      for (const auto& c : f.info.stats) {
        cols.push_back(DeltaColumnStats{c.path, c.type, c.null_count, c.has_min_max, c.min, c.max});
      }
      auto mtime = sink_->env_->GetFileModificationTimeMs(f.info.path);
      JsonWriter w;
      w.BeginObject().Key("add").BeginObject().Key("path").String(DeltaUriPath(f.rel_path));
      w.Key("partitionValues").Raw(f.partition_values_json);
      w.Key("size").Int(f.info.size).Key("modificationTime").Int(mtime.ok() ? *mtime : now);
      w.Key("dataChange").Bool(true).Key("stats").String(DeltaStatsJson(f.info.num_rows, cols));
      w.EndObject().EndObject();
      out += w.Take() + "\n";
    }
    return out;
  }

  DeltaSink* sink_;
  SinkBatchInfo batch_;
  Schema schema_;
  OutputMode mode_;
  bool skip_;  // a replay of a batch the table holds
  ParquetWriteOptions parquet_;
  std::vector<Part> parts_;
  std::vector<int> partition_cols_;  // indices in schema_
  std::vector<std::string> partition_names_;
  std::vector<size_t> data_cols_;  // the other columns: what the files hold
  Schema data_schema_;
  std::vector<File> files_;  // closed files of every partition
  bool committed_ = false;
};

Result<std::shared_ptr<DeltaSink>> DeltaSink::Make(const SourceOptions& options) {
  auto s = std::make_shared<DeltaSink>();
  auto path = options.Get("path");
  if (!path || path->empty()) return Status::InvalidArgument("sink 'delta' needs option 'path' (or start(path))");
  s->options_.path = *path;
  while (s->options_.path.size() > 1 && s->options_.path.back() == '/') s->options_.path.pop_back();
  s->options_.compression = options.GetOr("compression", "snappy");
  SLUICE_RETURN_NOT_OK(ParseParquetCompression(s->options_.compression).status());
  SLUICE_ASSIGN_OR_RETURN(s->options_.max_records_per_file, options.GetInt("maxRecordsPerFile", 0));
  SLUICE_ASSIGN_OR_RETURN(s->options_.checkpoint_interval, options.GetInt("checkpointInterval", 10));
  if (auto cols = options.Get("partitionBy")) {
    SLUICE_ASSIGN_OR_RETURN(s->options_.partition_by, ParsePartitionByOption(*cols));
  }
  return s;
}

void DeltaSink::MaybeCheckpoint(PhaseTimes* phase_times) {
  if (!snapshot_.track_files || !log_) return;
  int64_t interval = options_.checkpoint_interval;
  if (snapshot_.metadata) {
    auto it = snapshot_.metadata->configuration.find("delta.checkpointInterval");
    if (it != snapshot_.metadata->configuration.end()) {
      try {
        interval = std::stoll(it->second);
      } catch (const std::exception&) {
      }
    }
  }
  if (interval <= 0) return;
  // The version just committed is the newest one read back here (or a
  // later one of another writer: then the checkpoint is of that one).
  Status st = Refresh();
  if (st.ok() && (snapshot_.version == 0 || snapshot_.version % interval != 0)) return;
  if (st.ok()) {
    PhaseTimes::Scope timed(phase_times, "deltaCheckpoint");
    constexpr int64_t kTombstoneRetentionMs = int64_t{7} * 24 * 3600 * 1000;  // delta.deletedFileRetentionDuration
    st = WriteDeltaCheckpoint(env_, log_->log_dir(), snapshot_, NowMs() - kTombstoneRetentionMs);
  }
  // A checkpoint only saves readers work: the batch is committed whatever happens here.
  if (!st.ok()) {
    LogWarn("delta", "Delta table {}: no checkpoint of version {}: {}", options_.path, snapshot_.version,
            st.ToString());
  }
}

Status DeltaSink::Refresh(std::vector<DeltaCommitSummary>* summaries) {
  return log_->Update(&snapshot_, summaries);
}

Status DeltaSink::CheckWritable(const Schema* query_schema, OutputMode mode) const {
  const std::string& dir = options_.path;
  if (snapshot_.version < 0) return Status::OK();  // a new table
  if (!snapshot_.protocol || !snapshot_.metadata) {
    return Status::Corruption("Delta table " + dir + ": version " + std::to_string(snapshot_.version) +
                              " has no " + (snapshot_.protocol ? "metaData" : "protocol") + " action in its log");
  }
  const DeltaProtocol& p = *snapshot_.protocol;
  bool reader_ok = p.min_reader_version == 1 || (p.min_reader_version == 3 && p.reader_features.empty());
  if (!reader_ok) {
    return Status::NotImplemented("Delta table " + dir + " needs reader version " +
                                  std::to_string(p.min_reader_version) +
                                  (p.reader_features.empty() ? "" : " (features " + Joined(p.reader_features) + ")") +
                                  "; Sluice's Delta sink writes tables of reader version 1 only");
  }
  if (p.min_writer_version > 7) {
    return Status::NotImplemented("Delta table " + dir + " needs writer version " +
                                  std::to_string(p.min_writer_version) + ", newer than the protocol Sluice knows");
  }
  if (p.min_writer_version == 7) {
    for (const auto& f : p.writer_features) {
      if (!SupportedWriterFeatures().count(f)) {
        return Status::NotImplemented("Delta table " + dir + " uses the writer feature '" + f +
                                      "', which Sluice's Delta sink does not implement");
      }
    }
  } else if (p.min_writer_version >= 5) {
    return Status::NotImplemented("Delta table " + dir + " needs writer version " +
                                  std::to_string(p.min_writer_version) +
                                  " (column mapping or identity columns), which Sluice's Delta sink does not implement");
  }
  const DeltaMetadata& m = *snapshot_.metadata;
  for (const auto& [k, v] : m.configuration) {
    if (k.rfind("delta.constraints.", 0) == 0) {
      return Status::NotImplemented("Delta table " + dir + " has the CHECK constraint '" + k.substr(18) +
                                    "', which Sluice's Delta sink does not enforce");
    }
    if (k == "delta.columnMapping.mode" && !EqualsIgnoreCase(v, "none")) {
      return Status::NotImplemented("Delta table " + dir + " uses column mapping (" + v +
                                    "), which Sluice's Delta sink does not implement");
    }
    if (k == "delta.appendOnly" && EqualsIgnoreCase(v, "true") && mode == OutputMode::kComplete) {
      return Status::AnalysisError("Delta table " + dir +
                                   " is append-only (delta.appendOnly=true): complete mode would remove its files");
    }
  }
  if (!options_.partition_by.empty() && !SameNames(options_.partition_by, m.partition_columns)) {
    return Status::AnalysisError(
        "Delta table " + dir + " is partitioned by (" + Joined(m.partition_columns) + ") but the sink's partitionBy is (" +
        Joined(options_.partition_by) + "); Sluice does not change a table's partitioning (leave partitionBy out to "
        "write with the table's)");
  }
  if (query_schema) {
    SLUICE_ASSIGN_OR_RETURN(Schema table, ParseDeltaSchemaString(m.schema_string, "Delta table " + dir));
    std::string diff = DeltaSchemaMismatch(table, *query_schema);
    if (!diff.empty()) {
      return Status::AnalysisError("A schema mismatch detected when writing to the Delta table " + dir + ": " + diff +
                                   ". Table schema: " + table.ToString() + "; query schema: " +
                                   query_schema->ToString() +
                                   " (Sluice does not merge or overwrite a Delta table's schema)");
    }
  }
  return Status::OK();
}

Status DeltaSink::Open(const SinkContext& ctx) {
  env_ = ctx.env;
  app_id_ = ctx.query_id;
  checkpoint_dir_ = ctx.checkpoint_dir;
  if (app_id_.empty()) return Status::Internal("Delta sink opened without a query id");
  SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(options_.path));
  log_.emplace(env_, options_.path, app_id_);
  snapshot_ = DeltaSnapshot{};
  // The active files are needed to write checkpoints, and by complete mode;
  // without checkpoints an appending sink keeps none.
  snapshot_.track_files = options_.checkpoint_interval > 0;
  SLUICE_RETURN_NOT_OK(Refresh());
  if (ctx.output_schema) {
    SLUICE_RETURN_NOT_OK(DeltaSchemaString(*ctx.output_schema).status());
    // Bad partition columns fail the start, before anything is written.
    if (!options_.partition_by.empty()) {
      SLUICE_RETURN_NOT_OK(ResolvePartitionColumns(*ctx.output_schema, options_.partition_by).status());
    }
  }
  // The mode is checked per batch; here the table's protocol and schema.
  return CheckWritable(ctx.output_schema ? &*ctx.output_schema : nullptr, OutputMode::kAppend);
}

Result<std::unique_ptr<SinkWriter>> DeltaSink::BeginBatch(const SinkBatchInfo& batch, const Schema& schema,
                                                          OutputMode mode, int num_partitions) {
  if (mode == OutputMode::kUpdate) {
    return Status::AnalysisError("Data source delta does not support Update output mode");
  }
  if (mode == OutputMode::kComplete && !snapshot_.track_files) {
    // The first complete-mode batch: replay the log again, keeping the
    // active files this time (their removes are part of the commit).
    snapshot_ = DeltaSnapshot{};
  }
  SLUICE_RETURN_NOT_OK(Refresh());
  bool skip = false;
  auto it = snapshot_.app_versions.find(app_id_);
  if (it != snapshot_.app_versions.end() && it->second >= batch.id) {
    skip = true;  // committed by an earlier run of this query
    auto d = snapshot_.tracked_digests.find(batch.id);
    if (!batch.offsets_digest.empty() && d != snapshot_.tracked_digests.end() && !d->second.empty() &&
        d->second != batch.offsets_digest) {
      return Status::Corruption(
          "batch " + std::to_string(batch.id) + " is already committed in the Delta table " + options_.path +
          " for other source offsets: the commit recorded the offsets digest " + d->second +
          ", the batch now covers " + batch.offsets_digest + ". The checkpoint " + checkpoint_dir_ +
          " no longer matches the table (its offsets/" + std::to_string(batch.id) +
          " was deleted, edited or re-planned with other options); skipping the batch would lose its rows and "
          "writing it would duplicate rows. Restore the checkpoint, or write to a new table with a new checkpoint");
    }
  } else {
    SLUICE_RETURN_NOT_OK(DeltaSchemaString(schema).status());
    SLUICE_RETURN_NOT_OK(CheckWritable(&schema, mode));
  }
  ParquetWriteOptions parquet;
  SLUICE_ASSIGN_OR_RETURN(parquet.compression, ParseParquetCompression(options_.compression));
  // The table's partition columns (an existing table's, else partitionBy's).
  std::vector<int> partition_cols;
  const std::vector<std::string>& names =
      snapshot_.metadata ? snapshot_.metadata->partition_columns : options_.partition_by;
  if (!skip && !names.empty()) {
    SLUICE_ASSIGN_OR_RETURN(partition_cols, ResolvePartitionColumns(schema, names));
  }
  return std::unique_ptr<SinkWriter>(std::make_unique<DeltaBatchWriter>(this, batch, schema, mode, num_partitions,
                                                                        skip, parquet, std::move(partition_cols)));
}

ConnectorSpec DeltaSink::Spec() {
  ConnectorSpec spec;
  spec.name = "delta";
  spec.kind = ConnectorKind::kSink;
  spec.description =
      "a Delta Lake table: Parquet files and a _delta_log commit per batch (txn appId = query id, exactly-once)";
  spec.output_modes = {OutputMode::kAppend, OutputMode::kComplete};
  spec.options.Add(OptionSpec::String("path", "", "the table's directory (or start(path)); created if missing").Required())
      .Add(OptionSpec::Enum("compression", "snappy",
                            {"none", "uncompressed", "snappy", "gzip", "zstd", "lz4", "lz4_raw", "brotli"},
                            "the Parquet codec of the data files"))
      .Add(OptionSpec::Int("maxRecordsPerFile", "0", 0, std::numeric_limits<int64_t>::max(),
                           "rows per data file at most (0: no limit; a query partition writes one file per batch)"))
      .Add(OptionSpec::Int("checkpointInterval", "10", 0, std::numeric_limits<int32_t>::max(),
                           "write a Delta checkpoint after each version that is a multiple of this (the table "
                           "property delta.checkpointInterval wins; 0: none) (Sluice)"))
      .Add(OptionSpec::String("partitionBy", "",
                              "comma-separated columns a new table is partitioned by (<path>/<col>=<value>/ "
                              "directories, as Spark writes them); an existing table keeps its own"))
      .Unsupported("mergeSchema", "Sluice's Delta sink does not change a table's schema: the query's must match it")
      .Unsupported("overwriteSchema", "Sluice's Delta sink does not change a table's schema: the query's must match it")
      .Unsupported("replaceWhere", "Sluice's Delta sink appends, or replaces the whole table in complete mode")
      .Unsupported("txnAppId", "the Delta sink's txn appId is always the query id")
      .Unsupported("txnVersion", "the Delta sink's txn version is always the batch id");
  spec.make_sink = [](const SourceOptions& options, const SinkCreateContext&) -> Result<SinkPtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, DeltaSink::Make(options));
    return SinkPtr(s);
  };
  return spec;
}

}  // namespace sluice
