#include "connectors/file_stream/file_stream_sink.h"

#include <cstdio>

#include "checkpoint/checkpoint_metadata.h"
#include "connectors/file/file_checksum_check.h"
#include "connectors/file/file_listing.h"
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
  std::map<std::string, std::string> format_options;
  for (const auto& [k, v] : options.map()) {
    if (k != "path") format_options[k] = v;
  }
  SLUICE_ASSIGN_OR_RETURN(FileFormat f, ParseFileFormat(format));
  SLUICE_ASSIGN_OR_RETURN(s->write_options_, FileFormatOptions::Parse(f, format_options));
  return s;
}

Status FileStreamSink::Open(const SinkContext& ctx) {
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
// they come; Commit makes the files durable, then records them in the
// manifest. A writer dropped before Commit deletes its files (a crash
// leaves them, but they are not in the manifest, so they are not data).
class FileSinkWriter final : public SinkWriter {
 public:
  FileSinkWriter(FileStreamSink* sink, Env* env, FileSinkManifest* manifest, SinkBatchInfo batch, Schema schema,
                 int num_partitions, bool skip)
      : sink_(sink), env_(env), manifest_(manifest), batch_id_(batch.id),
        offsets_digest_(std::move(batch.offsets_digest)), schema_(std::move(schema)),
        parts_(static_cast<size_t>(num_partitions)), skip_(skip) {}
  ~FileSinkWriter() override {
    if (committed_ || skip_) return;
    for (auto& p : parts_) {
      if (!p.file) continue;
      (void)p.file->Close();
      (void)env_->DeleteFile(p.file->path());
    }
  }

  Status Write(int partition, Batch batch) override {
    if (skip_ || batch.num_rows == 0) return Status::OK();
    Part& p = parts_[static_cast<size_t>(partition)];
    if (!p.file) {
      char prefix[32];
      std::snprintf(prefix, sizeof(prefix), "part-%05lld-", static_cast<long long>(batch_id_));
      p.name = prefix + NewUuidV4() + "." + sink_->format();
      SLUICE_ASSIGN_OR_RETURN(p.file, env_->NewWritableFile(JoinPath(sink_->dir(), p.name)));
    }
    std::string data;
    if (sink_->format() == "json") {
      SLUICE_RETURN_NOT_OK(JsonLinesWriter(schema_, sink_->write_options().json_write_options()).Write(batch, &data));
    } else {
      CsvWriter writer(schema_, sink_->write_options().csv_write_options());
      if (p.size == 0) writer.WriteHeader(&data);  // a header opens the file only
      SLUICE_RETURN_NOT_OK(writer.Write(batch, &data));
    }
    SLUICE_RETURN_NOT_OK(p.file->Append(data));
    p.size += static_cast<int64_t>(data.size());
    p.crc32 = FileChecksumCheck::Extend(p.crc32, data.data(), data.size());
    return Status::OK();
  }

  Status Commit() override {
    if (skip_) return Status::OK();
    std::vector<SinkFileEntry> entries;
    for (auto& p : parts_) {
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
  FileStreamSink* sink_;
  Env* env_;
  FileSinkManifest* manifest_;
  int64_t batch_id_;
  std::string offsets_digest_;
  Schema schema_;
  std::vector<Part> parts_;  // per partition; each touched by its partition's thread only
  bool skip_;                // a replay of a batch already in the manifest
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
  return std::unique_ptr<SinkWriter>(
      std::make_unique<FileSinkWriter>(this, env_, &*manifest_, batch, schema, num_partitions, replay));
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
      .Add(FileFormatOptions::WriteOptionSet(f))
      .Unsupported("partitionBy", "part files are not partitioned by column");
  spec.make_sink = [f](const SourceOptions& options, const SinkCreateContext&) -> Result<SinkPtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, FileStreamSink::Make(FileFormatName(f), options));
    return SinkPtr(s);
  };
  return spec;
}

}  // namespace sluice
