#include "connectors/file_stream/file_stream_source.h"

#include <algorithm>

#include "checkpoint/json_fields.h"
#include "common/json_writer.h"
#include "connectors/file/file_format_options.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/file_table.h"
#include "connectors/file/parquet_reader.h"
#include "connectors/file/partitioning.h"
#include "exec/operators/memory_table.h"

namespace sluice {

namespace {

// Spark's rule for the files a directory listing skips: '.' names, and '_'
// names that are not partition directories (_c=1).
bool IsHiddenFileName(const std::string& n) {
  return n.empty() || n[0] == '.' || (n[0] == '_' && n.find('=') == std::string::npos);
}

// The partition columns of the files under the source's directory (none if
// it does not exist yet), typed by `schema` where it names them.
Result<Schema> StreamPartitionColumns(Env* env, const SourceOptions& options, const Schema& schema) {
  auto path = options.Get("path");
  if (!path || !env->FileExists(*path)) return Schema();
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles(env, {*path}));
  std::string base = options.GetOr("basePath", "");
  SLUICE_ASSIGN_OR_RETURN(DiscoveredPartitions parts, DiscoverFilePartitions(files, &schema, base));
  return parts.schema;
}

// Parquet without a schema: the columns of the first data file's footer
// (files in partition directories when there are any), as Spark reads a
// Parquet directory's schema. Needs a file there when the query starts.
Result<Schema> ParquetStreamSchema(Env* env, const SourceOptions& options) {
  auto path = options.Get("path");
  std::string where = path ? *path : std::string("(no path)");
  auto no_files = [&] {
    return Status::InvalidArgument("no Parquet file at " + where +
                                   " to take the stream's schema from: give the schema (readStream().schema(...)) "
                                   "or start the query once a file is there");
  };
  if (!path || !env->FileExists(*path)) return no_files();
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles(env, {*path}));
  SLUICE_ASSIGN_OR_RETURN(DiscoveredPartitions parts, DiscoverFilePartitions(files, nullptr, options.GetOr("basePath", "")));
  for (size_t i = 0; i < files.size(); ++i) {
    if (parts.schema.size() > 0 && parts.excluded[i]) continue;
    SLUICE_ASSIGN_OR_RETURN(Schema data, ReadParquetSchema(env, files[i].path));
    // The partition columns come from the directories (StreamPartitionColumns).
    Schema out;
    for (const auto& f : data.fields()) {
      if (parts.schema.IndexOf(f.name) < 0) out.Add(f);
    }
    for (const auto& f : parts.schema.fields()) out.Add(f);
    return out;
  }
  return no_files();
}

}  // namespace

Result<std::shared_ptr<FileStreamSource>> FileStreamSource::Make(const std::string& format,
                                                                 const SourceOptions& options, Schema schema) {
  auto s = std::make_shared<FileStreamSource>();
  s->format_ = ToLower(format);
  auto path = options.Get("path");
  if (!path) return Status::InvalidArgument("file stream source (" + format + ") needs a path: load(\"/dir\")");
  s->dir_ = *path;
  // Which of the schema's columns come from partition directories (the
  // schema is source_schema's: they are at its end).
  SLUICE_ASSIGN_OR_RETURN(Schema parts, StreamPartitionColumns(Env::Default(), options, schema));
  for (const auto& f : parts.fields()) {
    int idx = schema.IndexOf(f.name);
    if (idx >= 0) s->partition_schema_.Add(schema.field(static_cast<size_t>(idx)));
  }
  s->schema_ = std::move(schema);
  SLUICE_ASSIGN_OR_RETURN(s->max_files_, options.GetInt("maxFilesPerTrigger", -1, true));
  if (!options.Get("maxFilesPerTrigger")) s->max_files_ = -1;
  SLUICE_ASSIGN_OR_RETURN(s->ignore_missing_files_, options.GetBool("ignoreMissingFiles", false));
  for (const auto& [k, v] : options.map()) {
    if (k != "path" && k != "maxfilespertrigger") s->scan_options_[k] = v;
  }
  return s;
}

std::string FileStreamSource::OffsetJson(int64_t log_offset) {
  return "{\"logOffset\":" + std::to_string(log_offset) + "}";
}

Result<int64_t> FileStreamSource::ParseOffset(const std::string& json) {
  const std::string prefix = "{\"logOffset\":";
  if (json.size() < prefix.size() + 2 || json.compare(0, prefix.size(), prefix) != 0 || json.back() != '}') {
    return Status::Corruption("file source offset '" + json + "' is not {\"logOffset\":N}");
  }
  return ParseLongOffset(json.substr(prefix.size(), json.size() - prefix.size() - 1), "file source offset");
}

ReadLimit FileStreamSource::DefaultReadLimit() const {
  ReadLimit l;
  l.max_files = max_files_;
  return l;
}

Status FileStreamSource::Open(const SourceContext& ctx) {
  env_ = ctx.env;
  SLUICE_ASSIGN_OR_RETURN(auto log, MetadataLog::Open(env_, ctx.metadata_dir, 1, ctx.log_checksums_from));
  log_.emplace(std::move(log));
  SLUICE_ASSIGN_OR_RETURN(auto ids, log_->ListBatchIds());
  if (!ids.empty() && ids.front() != 0) {
    return Status::Corruption("file source log " + log_->dir() + " starts at entry " + std::to_string(ids.front()) +
                              ": " + log_->PathFor(0) +
                              " is missing (this log is never purged, so it holds every entry from 0); the files "
                              "the lost entries listed would be read again. Restore the missing files, or run the "
                              "query with a new checkpoint location");
  }
  simdjson::dom::parser parser;
  for (int64_t id : ids) {
    SLUICE_ASSIGN_OR_RETURN(auto lines, log_->Get(id));
    auto& files = entries_[id];
    const std::string path_of_log = log_->PathFor(id);
    for (size_t i = 0; i < lines.size(); ++i) {
      // {"path":"<JSON-escaped path>","timestamp":ms,"batchId":id}; line 1 is
      // the version line.
      checkpoint_json::Where where{path_of_log, static_cast<int>(i) + 2};
      simdjson::dom::element e;
      simdjson::dom::object obj;
      std::string path;
      SLUICE_RETURN_NOT_OK(checkpoint_json::ParseLine(parser, where, lines[i], &e));
      SLUICE_RETURN_NOT_OK(checkpoint_json::GetObject(e, where, &obj));
      SLUICE_RETURN_NOT_OK(checkpoint_json::GetStringField(obj, where, "path", &path));
      files.push_back(path);
      seen_.insert(path);
    }
  }
  return Status::OK();
}

Status FileStreamSource::CheckRecoveredOffset(const std::optional<std::string>& offset,
                                              const std::string& offset_log_file) {
  if (!offset) return Status::OK();
  SLUICE_ASSIGN_OR_RETURN(int64_t logged, ParseOffset(*offset));
  std::optional<int64_t> latest;
  if (!entries_.empty()) latest = entries_.rbegin()->first;
  if (latest && *latest >= logged) return Status::OK();
  // Entries after the offset are fine: written by LatestOffset for a batch
  // whose offsets/ entry a crash kept from being written.
  return Status::Corruption(
      "file source log " + log_->dir() + (latest ? " ends at entry " + std::to_string(*latest) : " is empty") +
      " but the offset log " + offset_log_file + " records this source at " + *offset + ": " +
      log_->PathFor(latest ? *latest + 1 : 0) +
      " is missing, so the source log is behind the offset log (the files of the lost entries would never be "
      "read, or be read twice). Restore the missing files, or run the query with a new checkpoint location");
}

Result<std::vector<FileStreamSource::FileEntry>> FileStreamSource::ListNewFiles() {
  std::vector<FileEntry> out;
  if (!env_->FileExists(dir_)) {
    if (missing_dir_warning_.Ready()) {
      LogWarn(description(), "directory {} does not exist; waiting for it to be created", dir_);
    }
    return out;
  }
  missing_dir_warning_.Reset();
  const bool sink_output = env_->FileExists(JoinPath(dir_, "_sluice_metadata"));
  if (sink_output) {
    // A file sink's output: the files its manifest lists (ListFiles checks
    // them against it), never a crashed attempt's.
    SLUICE_ASSIGN_OR_RETURN(auto listed, ListFiles(env_, {dir_}));
    for (const auto& f : listed) {
      if (seen_.count(f.path)) continue;
      if (available_now_files_ && !available_now_files_->count(f.path)) continue;
      SLUICE_ASSIGN_OR_RETURN(auto attrs, env_->GetFileAttributes(f.path));
      out.push_back({f.path, attrs.mtime_ms});
    }
  }
  // Subdirectories (partition directories col=value) are walked too, as
  // Spark lists a directory's leaf files.
  std::vector<std::string> dirs;
  if (!sink_output) dirs.push_back(dir_);
  while (!dirs.empty()) {
    std::string dir = std::move(dirs.back());
    dirs.pop_back();
    auto names = env_->ListDir(dir);
    if (!names.ok()) {
      if (names.status().code() == StatusCode::kNotFound && dir != dir_) continue;  // deleted meanwhile
      return names.status();
    }
    for (const auto& n : *names) {
      if (IsHiddenFileName(n)) continue;
      std::string p = JoinPath(dir, n);
      if (seen_.count(p)) continue;
      // Only new names are looked at: a directory of many old files costs one
      // listing per trigger, not one stat per file.
      auto attrs = env_->GetFileAttributes(p);
      if (!attrs.ok()) {
        if (attrs.status().code() == StatusCode::kNotFound) continue;  // deleted meanwhile
        return attrs.status();
      }
      if (attrs->type == FileType::kDirectory) {
        dirs.push_back(p);
        continue;
      }
      if (available_now_files_ && !available_now_files_->count(p)) continue;
      out.push_back({p, attrs->mtime_ms});
    }
  }
  std::sort(out.begin(), out.end(), [](const FileEntry& a, const FileEntry& b) {
    return a.mtime_ms != b.mtime_ms ? a.mtime_ms < b.mtime_ms : a.path < b.path;
  });
  return out;
}

Status FileStreamSource::PrepareForAvailableNow() {
  available_now_files_.reset();
  SLUICE_ASSIGN_OR_RETURN(auto files, ListNewFiles());
  available_now_files_.emplace();
  for (const auto& f : files) available_now_files_->insert(f.path);
  return Status::OK();
}

std::map<std::string, std::string> FileStreamSource::Metrics() const {
  if (!ignore_missing_files_) return {};
  return {{"numFilesMissing", std::to_string(files_missing_)}};
}

Result<std::optional<std::string>> FileStreamSource::LatestOffset(const std::optional<std::string>& start,
                                                                  const ReadLimit& limit) {
  files_missing_ = 0;  // a batch without data from this source reads no file
  SLUICE_ASSIGN_OR_RETURN(auto files, ListNewFiles());
  std::optional<int64_t> latest;
  if (!entries_.empty()) latest = entries_.rbegin()->first;
  // A log entry written by an earlier call (or run) but not yet in a batch
  // is used first, so that entries map to batches in order.
  int64_t from = -1;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, ParseOffset(*start));
  }
  if (latest && *latest > from) {
    return std::optional<std::string>(OffsetJson(limit.max_files > 0 ? from + 1 : *latest));
  }
  if (files.empty()) {
    if (!latest) return std::optional<std::string>();
    return std::optional<std::string>(OffsetJson(*latest));
  }
  if (limit.max_files > 0 && static_cast<int64_t>(files.size()) > limit.max_files) {
    files.resize(static_cast<size_t>(limit.max_files));
  }
  int64_t id = latest ? *latest + 1 : 0;
  std::vector<std::string> lines;
  std::vector<std::string> paths;
  for (const auto& f : files) {
    JsonWriter w;
    w.BeginObject().Key("path").String(f.path).Key("timestamp").Int(f.mtime_ms).Key("batchId").Int(id).EndObject();
    lines.push_back(w.Take());
    paths.push_back(f.path);
  }
  SLUICE_RETURN_NOT_OK(log_->Add(id, lines));
  for (const auto& p : paths) seen_.insert(p);
  entries_[id] = std::move(paths);
  return std::optional<std::string>(OffsetJson(id));
}

Result<SourceBatch> FileStreamSource::GetBatch(const std::optional<std::string>& start, const std::string& end) {
  int64_t from = -1;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, ParseOffset(*start));
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t to, ParseOffset(end));
  files_missing_ = 0;
  std::vector<std::string> paths;
  for (int64_t id = from + 1; id <= to; ++id) {
    auto it = entries_.find(id);
    if (it == entries_.end()) {
      return Status::Corruption("file source log " + log_->dir() + " has no entry " + std::to_string(id) +
                                " needed by the batch (" + (start ? *start : "null") + ", " + end + "]");
    }
    for (const auto& p : it->second) {
      // A logged file must still be there: the batch is defined by it.
      auto attrs = env_->GetFileAttributes(p);
      if (attrs.ok() || attrs.status().code() != StatusCode::kNotFound) {
        if (!attrs.ok()) return attrs.status();
        paths.push_back(p);
        continue;
      }
      if (!ignore_missing_files_) {
        return Status::NotFound("file " + p + ", logged by the file source in " + log_->PathFor(id) +
                                " for the batch (" + (start ? *start : "null") + ", " + end +
                                "], no longer exists: restore it, or set the option ignoreMissingFiles 'true' to "
                                "skip it (counted in the progress as numFilesMissing)");
      }
      LogWarn(description(), "skipping {} (logged in {}): it no longer exists (ignoreMissingFiles)", p,
              log_->PathFor(id));
      ++files_missing_;
    }
  }
  if (paths.empty()) {
    return SourceBatch{std::make_shared<MemoryTable>(schema_, std::vector<Batch>{}, "empty"), 0, nullptr};
  }
  auto options = scan_options_;
  if (partition_schema_.size() > 0 && !options.count("basepath")) options["basepath"] = dir_;
  SLUICE_ASSIGN_OR_RETURN(auto table, MakeFileTable(format_, paths, schema_, options, env_,
                                                    partition_schema_.size() > 0 ? &partition_schema_ : nullptr));
  return SourceBatch{table, -1, nullptr};
}

ConnectorSpec FileStreamSource::Spec(const std::string& format) {
  auto parsed = ParseFileFormat(format);
  FileFormat f = parsed.ok() ? *parsed : FileFormat::kJson;
  ConnectorSpec spec;
  spec.name = FileFormatName(f);
  spec.kind = ConnectorKind::kSource;
  spec.description = std::string("new ") +
                     (f == FileFormat::kJson ? "JSON-lines" : f == FileFormat::kCsv ? "CSV" : "Parquet") +
                     " files in a directory, oldest first" +
                     (f == FileFormat::kParquet ? " (schema from the first file's footer when not given)" : "");
  // Parquet files carry their schema: taken from a footer when not given.
  spec.schema_policy = f == FileFormat::kParquet ? SchemaPolicy::kOptional : SchemaPolicy::kRequired;
  spec.options.Add(OptionSpec::String("path", "", "the directory to watch (or load(path))").Required())
      .Add(OptionSpec::Int("maxFilesPerTrigger", "", 1, std::numeric_limits<int64_t>::max(),
                           "at most this many new files per micro-batch (default: all)"))
      .Add(FileFormatOptions::ReadOptionSet(f))
      .Unsupported("latestFirst", "files are always taken oldest first")
      .Unsupported("maxFileAge", "every file in the directory is taken, whatever its age")
      .Unsupported("fileNameOnly", "files are told apart by their full path")
      .Unsupported("maxBytesPerTrigger", "use maxFilesPerTrigger")
      .Unsupported("maxCachedFiles", "the seen-files log is read whole")
      .Unsupported("cleanSource", "source files are left in place")
      .Unsupported("sourceArchiveDir", "source files are left in place");
  spec.source_schema = [](const SourceOptions& options, const std::optional<Schema>& schema) -> Result<Schema> {
    if (!schema) return ParquetStreamSchema(Env::Default(), options);
    // Partition columns found in the directory now go after the user's
    // columns (Spark's FileStreamSource).
    SLUICE_ASSIGN_OR_RETURN(Schema parts, StreamPartitionColumns(Env::Default(), options, *schema));
    Schema out;
    for (const auto& f : schema->fields()) {
      if (parts.IndexOf(f.name) < 0) out.Add(f);
    }
    for (const auto& f : parts.fields()) out.Add(f);
    return out;
  };
  spec.make_source = [f](const SourceOptions& options, const Schema& schema) -> Result<SourcePtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, FileStreamSource::Make(FileFormatName(f), options, schema));
    return SourcePtr(s);
  };
  return spec;
}

}  // namespace sluice
