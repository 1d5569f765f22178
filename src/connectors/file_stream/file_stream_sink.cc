#include "connectors/file_stream/file_stream_sink.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "checkpoint/checkpoint_metadata.h"
#include "connectors/file/file_checksum_check.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/partitioning.h"
#include "env/kill_point.h"
#include "render/csv_writer.h"
#include "render/json_lines_writer.h"

namespace sluice {

Result<std::shared_ptr<FileStreamSink>> FileStreamSink::Make(const std::string& format, const SourceOptions& options) {
  auto s = std::make_shared<FileStreamSink>();
  s->format_ = ToLower(format);
  if (s->format_ != "json" && s->format_ != "csv") {
    return Status::InvalidArgument("file sink format must be json or csv, got '" + format + "'");
  }
  auto path = options.Get("path");
  if (!path) return Status::InvalidArgument("file sink (" + format + ") needs option 'path' (or start(path))");
  s->dir_ = *path;
  if (auto cols = options.Get("partitionBy")) {
    // Comma-separated (DataStreamWriter::partitionBy joins its list so).
    for (size_t pos = 0; pos <= cols->size();) {
      size_t comma = cols->find(',', pos);
      if (comma == std::string::npos) comma = cols->size();
      std::string name = cols->substr(pos, comma - pos);
      name.erase(0, name.find_first_not_of(" \t"));
      name.erase(name.find_last_not_of(" \t") + 1);
      if (name.empty()) {
        return Status::InvalidArgument("file sink option partitionBy '" + *cols +
                                       "' has an empty column name: give column names separated by commas");
      }
      s->partition_by_.push_back(std::move(name));
      pos = comma + 1;
    }
  }
  std::map<std::string, std::string> format_options;
  for (const auto& [k, v] : options.map()) {
    if (k != "path" && k != "partitionby") format_options[k] = v;
  }
  SLUICE_ASSIGN_OR_RETURN(FileFormat f, ParseFileFormat(format));
  SLUICE_ASSIGN_OR_RETURN(s->write_options_, FileFormatOptions::Parse(f, format_options));
  return s;
}

Status FileStreamSink::Open(const SinkContext& ctx) {
  // Bad partition columns fail the start, before anything is written (as
  // Spark's start() fails); BeginBatch checks again for callers that do
  // not give the schema.
  if (ctx.output_schema) SLUICE_RETURN_NOT_OK(ResolvePartitionColumns(*ctx.output_schema).status());
  env_ = ctx.env;
  checkpoint_dir_ = ctx.checkpoint_dir;
  SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(dir_));
  SLUICE_ASSIGN_OR_RETURN(auto m, FileSinkManifest::Open(env_, dir_));
  manifest_.emplace(std::move(m));
  // The whole manifest is read now: a damaged file fails the start, before
  // any batch is planned or appended.
  SLUICE_RETURN_NOT_OK(manifest_->Validate());
  SLUICE_ASSIGN_OR_RETURN(auto latest, manifest_->GetLatestBatchId());
  // A batch in the commit log went through this sink, so a manifest that
  // ends before it lost the files of the batches after its end: those
  // batches are done as far as the checkpoint knows and are never written
  // again. (An empty manifest is a new output directory: allowed.)
  if (latest && *latest < ctx.last_committed_batch_id) {
    return Status::Corruption(
        "file sink manifest " + manifest_->dir() + " ends at batch " + std::to_string(*latest) +
        " but the checkpoint's commit log " + JoinPath(ctx.checkpoint_dir, "commits") + " holds batch " +
        std::to_string(ctx.last_committed_batch_id) + ": " + manifest_->PathFor(*latest + 1) +
        " is missing, so the data files of the batches after " + std::to_string(*latest) +
        " are no longer listed (readers would not see them) and would never be written again. Restore the "
        "missing manifest files, or write to a new output directory with a new checkpoint location");
  }
  return manifest_->CleanTempFiles();
}

namespace {

// One batch: each partition appends its rows to a part file of its own as
// they come (with partitionBy: one per partition directory it meets);
// Commit makes the files (and new directories) durable, then records them
// in the manifest. A writer dropped before Commit deletes its files (a
// crash leaves them, but they are not in the manifest, so they are not
// data).
class FileSinkWriter final : public SinkWriter {
 public:
  FileSinkWriter(FileStreamSink* sink, Env* env, FileSinkManifest* manifest, SinkBatchInfo batch, Schema schema,
                 std::vector<int> partition_columns, int num_partitions, bool skip)
      : sink_(sink), env_(env), manifest_(manifest), batch_id_(batch.id),
        offsets_digest_(std::move(batch.offsets_digest)), partition_columns_(std::move(partition_columns)),
        parts_(static_cast<size_t>(num_partitions)), skip_(skip) {
    for (size_t i = 0; i < schema.size(); ++i) {
      if (std::find(partition_columns_.begin(), partition_columns_.end(), static_cast<int>(i)) ==
          partition_columns_.end()) {
        data_columns_.push_back(static_cast<int>(i));
        data_schema_.Add(schema.field(i));
      }
    }
    for (int c : partition_columns_) partition_names_.push_back(schema.field(static_cast<size_t>(c)).name);
  }
  ~FileSinkWriter() override {
    if (committed_ || skip_) return;
    for (auto& files : parts_) {
      for (auto& [dir, p] : files) {
        if (!p.file) continue;
        (void)p.file->Close();
        (void)env_->DeleteFile(p.file->path());
      }
    }
  }

  Status Write(int partition, Batch batch) override {
    if (skip_ || batch.num_rows == 0) return Status::OK();
    auto& files = parts_[static_cast<size_t>(partition)];
    if (partition_columns_.empty()) return WriteTo(files[""], "", batch);
    // Rows grouped by their partition directory, in order of first
    // appearance; runs of equal values (the common case) cost one lookup.
    std::vector<std::string> dirs;
    std::map<std::string, SelectionVector> groups;
    std::vector<Value> prev;
    SelectionVector* current = nullptr;
    for (size_t r = 0; r < batch.num_rows; ++r) {
      std::vector<Value> key;
      key.reserve(partition_columns_.size());
      for (int c : partition_columns_) key.push_back(batch.columns[static_cast<size_t>(c)].GetValue(r));
      if (current == nullptr || key != prev) {
        std::string dir;
        for (size_t k = 0; k < key.size(); ++k) {
          dir += (k ? "/" : "") + PartitionDirectoryName(partition_names_[k], key[k]);
        }
        auto [it, inserted] = groups.try_emplace(dir);
        if (inserted) dirs.push_back(dir);
        current = &it->second;
        prev = std::move(key);
      }
      current->push_back(static_cast<uint32_t>(r));
    }
    for (const auto& dir : dirs) {
      const SelectionVector& sel = groups[dir];
      Batch data;
      data.num_rows = sel.size();
      for (int c : data_columns_) data.columns.push_back(batch.columns[static_cast<size_t>(c)].Gather(sel));
      SLUICE_RETURN_NOT_OK(WriteTo(files[dir], dir, data));
    }
    return Status::OK();
  }

  Status Commit() override {
    if (skip_) return Status::OK();
    std::vector<SinkFileEntry> entries;
    std::set<std::string> dirs;  // relative directories holding new files, and their parents
    for (auto& files : parts_) {
      for (auto& [dir, p] : files) {
        if (!p.file) continue;
        SLUICE_RETURN_NOT_OK(p.file->Sync());
        SLUICE_RETURN_NOT_OK(p.file->Close());
        SinkFileEntry e;
        e.path = p.name;
        e.size = p.size;
        e.crc32 = p.crc32;
        auto mt = env_->GetFileModificationTimeMs(p.file->path());
        e.modification_time_ms = mt.ok() ? *mt : 0;
        entries.push_back(std::move(e));
        for (std::string d = dir; !d.empty();) {
          dirs.insert(d);
          size_t slash = d.rfind('/');
          d = slash == std::string::npos ? "" : d.substr(0, slash);
        }
      }
    }
    // Deepest first, so that each directory's entry in its parent is synced
    // after the directory itself.
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      SLUICE_RETURN_NOT_OK(env_->SyncDir(JoinPath(sink_->dir(), *it)));
    }
    if (!entries.empty()) SLUICE_RETURN_NOT_OK(env_->SyncDir(sink_->dir()));
    committed_ = true;  // durable files: from here on, a failure leaves them to the manifest
    SLUICE_KILL_POINT("file_sink:before_manifest");
    return manifest_->AddBatch(batch_id_, entries, offsets_digest_);
  }

 private:
  struct Part {
    std::unique_ptr<WritableFile> file;
    std::string name;  // relative to the sink's directory
    int64_t size = 0;
    uint32_t crc32 = 0;  // of the bytes appended so far (zlib's crc32)
  };

  // Appends `batch` (data columns only) to the part file of directory `dir`
  // (relative; "" for the output directory itself).
  Status WriteTo(Part& p, const std::string& dir, const Batch& batch) {
    if (!p.file) {
      char prefix[32];
      std::snprintf(prefix, sizeof(prefix), "part-%05lld-", static_cast<long long>(batch_id_));
      p.name = (dir.empty() ? "" : dir + "/") + prefix + NewUuidV4() + "." + sink_->format();
      if (!dir.empty()) SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(JoinPath(sink_->dir(), dir)));
      SLUICE_ASSIGN_OR_RETURN(p.file, env_->NewWritableFile(JoinPath(sink_->dir(), p.name)));
    }
    std::string data;
    if (sink_->format() == "json") {
      SLUICE_RETURN_NOT_OK(
          JsonLinesWriter(data_schema_, sink_->write_options().json_write_options()).Write(batch, &data));
    } else {
      CsvWriter writer(data_schema_, sink_->write_options().csv_write_options());
      if (p.size == 0) writer.WriteHeader(&data);  // a header opens the file only
      SLUICE_RETURN_NOT_OK(writer.Write(batch, &data));
    }
    SLUICE_RETURN_NOT_OK(p.file->Append(data));
    p.size += static_cast<int64_t>(data.size());
    p.crc32 = FileChecksumCheck::Extend(p.crc32, data.data(), data.size());
    return Status::OK();
  }

  FileStreamSink* sink_;
  Env* env_;
  FileSinkManifest* manifest_;
  int64_t batch_id_;
  std::string offsets_digest_;
  std::vector<int> partition_columns_;  // indices into the batch's schema, in partitionBy order
  std::vector<std::string> partition_names_;
  std::vector<int> data_columns_;  // the others, in schema order: what the files hold
  Schema data_schema_;
  // Per partition of the query, its part files by relative directory; each
  // touched by its partition's thread only.
  std::vector<std::map<std::string, Part>> parts_;
  bool skip_;  // a replay of a batch already in the manifest
  bool committed_ = false;
};

}  // namespace

Result<std::unique_ptr<SinkWriter>> FileStreamSink::BeginBatch(const SinkBatchInfo& batch, const Schema& schema,
                                                               OutputMode mode, int num_partitions) {
  if (mode != OutputMode::kAppend) {
    return Status::AnalysisError("Data source " + format_ + " does not support " + OutputModeName(mode) +
                                 " output mode");
  }
  SLUICE_ASSIGN_OR_RETURN(auto latest, manifest_->GetLatestBatchId());
  bool replay = latest && batch.id <= *latest;  // a replay of a committed batch
  if (replay && !batch.offsets_digest.empty()) {
    // Skipping the batch is right only if it covers what the committed one
    // covered.
    SLUICE_ASSIGN_OR_RETURN(auto recorded, manifest_->GetOffsetsDigest(batch.id));
    if (recorded && *recorded != batch.offsets_digest) {
      return Status::Corruption(
          "batch " + std::to_string(batch.id) + " is already committed in the file sink " + dir_ +
          " (manifest " + manifest_->dir() + ") for other source offsets: the manifest recorded the offsets digest " +
          *recorded + ", the batch now covers " + batch.offsets_digest + ". The checkpoint " + checkpoint_dir_ +
          " no longer matches the output (its offsets/" + std::to_string(batch.id) +
          " was deleted, edited or re-planned with other options, e.g. a changed maxOffsetsPerTrigger or "
          "maxFilesPerTrigger); skipping the batch would lose its rows and writing it would duplicate rows. "
          "Restore the checkpoint's offsets/ and commits/ files as they were, or write to a new output "
          "directory with a new checkpoint");
    }
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<int> partition_columns, ResolvePartitionColumns(schema));
  return std::unique_ptr<SinkWriter>(std::make_unique<FileSinkWriter>(this, env_, &*manifest_, batch, schema,
                                                                      std::move(partition_columns),
                                                                      num_partitions, replay));
}

Result<std::vector<int>> FileStreamSink::ResolvePartitionColumns(const Schema& schema) const {
  std::vector<int> out;
  for (const auto& name : partition_by_) {
    int idx = schema.IndexOf(name);
    if (idx < 0) {
      std::string cols;
      for (const auto& f : schema.fields()) cols += (cols.empty() ? "" : ", ") + f.name;
      return Status::AnalysisError("Partition column " + name + " not found in existing columns (" + cols +
                                   ") (the file sink's option partitionBy)");
    }
    if (std::find(out.begin(), out.end(), idx) != out.end()) {
      return Status::AnalysisError("Found duplicate column(s) in the partition schema: " + name +
                                   " (the file sink's option partitionBy)");
    }
    const DataType& t = schema.field(static_cast<size_t>(idx)).type;
    if (t.is_nested() || t.id() == TypeId::kBinary) {
      return Status::AnalysisError("Cannot use " + t.ToString() + " for partition column " +
                                   schema.field(static_cast<size_t>(idx)).name +
                                   " (a partition value is a directory name: use an atomic type)");
    }
    out.push_back(idx);
  }
  if (!out.empty() && out.size() == schema.size()) {
    return Status::AnalysisError(
        "[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for partition columns (the file sink's "
        "option partitionBy names every column, so the part files would hold nothing)");
  }
  return out;
}

Result<std::vector<std::string>> ReadFileSinkFiles(Env* env, const std::string& dir) {
  if (!env->FileExists(JoinPath(dir, "_sluice_metadata"))) {
    return Status::NotFound(dir + " has no file sink manifest (_sluice_metadata)");
  }
  // The listing checks each file's size against the manifest.
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles(env, {dir}));
  std::vector<std::string> out;
  std::vector<char> buf(size_t{1} << 20);
  for (const auto& f : files) {
    if (f.crc32) {  // read the whole file once: its bytes must give the recorded CRC-32
      SLUICE_ASSIGN_OR_RETURN(auto file, env->NewRandomAccessFile(f.path));
      uint32_t crc = 0;
      int64_t pos = 0;
      for (size_t n = 0;; pos += static_cast<int64_t>(n)) {
        SLUICE_RETURN_NOT_OK(file->Read(static_cast<uint64_t>(pos), buf.size(), buf.data(), &n));
        if (n == 0) break;
        crc = FileChecksumCheck::Extend(crc, buf.data(), n);
      }
      FileChecksumCheck check(f.path, f.size, *f.crc32, 1, f.manifest_dir);
      SLUICE_RETURN_NOT_OK(check.SplitDone(0, crc, pos));
    }
    out.push_back(f.path);
  }
  return out;
}

ConnectorSpec FileStreamSink::Spec(const std::string& format) {
  FileFormat f = EqualsIgnoreCase(format, "csv") ? FileFormat::kCsv : FileFormat::kJson;
  ConnectorSpec spec;
  spec.name = FileFormatName(f);
  spec.kind = ConnectorKind::kSink;
  spec.description = std::string(f == FileFormat::kJson ? "JSON-lines" : "CSV") +
                     " part files in a directory, with a manifest of committed batches (exactly-once)";
  spec.output_modes = {OutputMode::kAppend};
  spec.options.Add(OptionSpec::String("path", "", "the output directory (or start(path))").Required())
      .Add(OptionSpec::String("partitionBy", "",
                              "comma-separated columns: rows go to <path>/<col>=<value>/... directories (Hive "
                              "style, as Spark writes them), without those columns in the files"))
      .Add(FileFormatOptions::WriteOptionSet(f));
  spec.make_sink = [f](const SourceOptions& options, const SinkCreateContext&) -> Result<SinkPtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, FileStreamSink::Make(FileFormatName(f), options));
    return SinkPtr(s);
  };
  return spec;
}

}  // namespace sluice
