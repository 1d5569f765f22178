#include "connectors/file_stream/file_stream_sink.h"

#include <cstdio>

#include "checkpoint/checkpoint_metadata.h"
#include "connectors/file/file_checksum_check.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/partitioned_file_writer.h"
#include "env/kill_point.h"

namespace sluice {

Result<std::shared_ptr<FileStreamSink>> FileStreamSink::Make(const std::string& format, const SourceOptions& options) {
  auto s = std::make_shared<FileStreamSink>();
  s->format_ = ToLower(format);
  if (s->format_ != "json" && s->format_ != "csv" && s->format_ != "parquet") {
    return Status::InvalidArgument("file sink format must be json, csv or parquet, got '" + format + "'");
  }
  auto path = options.Get("path");
  if (!path) return Status::InvalidArgument("file sink (" + format + ") needs option 'path' (or start(path))");
  s->dir_ = *path;
  if (auto cols = options.Get("partitionBy")) {
    // Comma-separated (DataStreamWriter::partitionBy joins its list so).
    SLUICE_ASSIGN_OR_RETURN(s->partition_by_, ParsePartitionByOption(*cols));
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
  if (ctx.output_schema) SLUICE_RETURN_NOT_OK(ResolvePartitionColumns(*ctx.output_schema, partition_by_).status());
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

// One batch: each partition of the query appends its rows to part files of
// its own (PartitionedFileWriter: one per partition directory it meets);
// Commit makes the files (and new directories) durable, then records them
// in the manifest. A writer dropped before Commit deletes its files (a
// crash leaves them, but they are not in the manifest, so they are not
// data).
class FileSinkWriter final : public SinkWriter {
 public:
  FileSinkWriter(Env* env, FileSinkManifest* manifest, SinkBatchInfo batch,
                 std::unique_ptr<PartitionedFileWriter> files)
      : env_(env), manifest_(manifest), batch_id_(batch.id), offsets_digest_(std::move(batch.offsets_digest)),
        files_(std::move(files)) {}

  Status Write(int partition, Batch batch) override {
    if (!files_) return Status::OK();  // a replay of a committed batch
    return files_->Write(partition, batch);
  }

  Status Commit() override {
    if (!files_) return Status::OK();
    SLUICE_ASSIGN_OR_RETURN(auto written, files_->Finish());  // durable files and directories
    std::vector<SinkFileEntry> entries;
    for (const auto& f : written) {
      SinkFileEntry e;
      e.path = f.path;
      e.size = f.size;
      e.crc32 = f.crc32;
      auto mt = env_->GetFileModificationTimeMs(f.absolute_path);
      e.modification_time_ms = mt.ok() ? *mt : 0;
      entries.push_back(std::move(e));
    }
    SLUICE_KILL_POINT("file_sink:before_manifest");
    return manifest_->AddBatch(batch_id_, entries, offsets_digest_);
  }

 private:
  Env* env_;
  FileSinkManifest* manifest_;
  int64_t batch_id_;
  std::string offsets_digest_;
  std::unique_ptr<PartitionedFileWriter> files_;  // null: a replay of a batch already in the manifest
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
  std::unique_ptr<PartitionedFileWriter> files;
  if (!replay) {
    char prefix[32];
    std::snprintf(prefix, sizeof(prefix), "part-%05lld-", static_cast<long long>(batch.id));
    SLUICE_ASSIGN_OR_RETURN(FileFormat f, ParseFileFormat(format_));
    SLUICE_ASSIGN_OR_RETURN(files, PartitionedFileWriter::Make(env_, dir_, f, write_options_, schema, partition_by_,
                                                               num_partitions, prefix));
  } else {
    SLUICE_RETURN_NOT_OK(ResolvePartitionColumns(schema, partition_by_).status());
  }
  return std::unique_ptr<SinkWriter>(std::make_unique<FileSinkWriter>(env_, &*manifest_, batch, std::move(files)));
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
  auto parsed = ParseFileFormat(format);
  FileFormat f = parsed.ok() ? *parsed : FileFormat::kJson;
  ConnectorSpec spec;
  spec.name = FileFormatName(f);
  spec.kind = ConnectorKind::kSink;
  spec.description = std::string(f == FileFormat::kJson ? "JSON-lines" : f == FileFormat::kCsv ? "CSV" : "Parquet") +
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
