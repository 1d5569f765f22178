#include "connectors/file_stream/file_stream_sink.h"

#include <cstdio>

#include "checkpoint/checkpoint_metadata.h"
#include "env/kill_point.h"
#include "sluice/session.h"

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
  SLUICE_ASSIGN_OR_RETURN(s->header_, options.GetBool("header", false));
  return s;
}

Status FileStreamSink::Open(const SinkContext& ctx) {
  env_ = ctx.env;
  SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(dir_));
  SLUICE_ASSIGN_OR_RETURN(auto m, FileSinkManifest::Open(env_, dir_));
  manifest_.emplace(std::move(m));
  return manifest_->CleanTempFiles();
}

Status FileStreamSink::AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                                OutputMode mode) {
  if (mode != OutputMode::kAppend) {
    return Status::AnalysisError("Data source " + format_ + " does not support " + OutputModeName(mode) +
                                 " output mode");
  }
  SLUICE_ASSIGN_OR_RETURN(auto latest, manifest_->GetLatestBatchId());
  if (latest && batch_id <= *latest) return Status::OK();  // replay of a committed batch
  std::vector<SinkFileEntry> entries;
  QueryResult r(schema, batches);
  if (r.num_rows() > 0) {
    std::string data = format_ == "json" ? r.ToJsonLines() : r.ToCsv();
    if (format_ == "csv" && !header_) {
      size_t nl = data.find('\n');
      data = nl == std::string::npos ? std::string() : data.substr(nl + 1);
    }
    char prefix[32];
    std::snprintf(prefix, sizeof(prefix), "part-%05lld-", static_cast<long long>(batch_id));
    std::string name = prefix + NewUuidV4() + "." + format_;
    std::string path = JoinPath(dir_, name);
    SLUICE_ASSIGN_OR_RETURN(auto f, env_->NewWritableFile(path));
    SLUICE_RETURN_NOT_OK(f->Append(data));
    SLUICE_RETURN_NOT_OK(f->Sync());
    SLUICE_RETURN_NOT_OK(f->Close());
    SLUICE_RETURN_NOT_OK(env_->SyncDir(dir_));
    SinkFileEntry e;
    e.path = name;
    e.size = static_cast<int64_t>(data.size());
    auto mt = env_->GetFileModificationTimeMs(path);
    e.modification_time_ms = mt.ok() ? *mt : 0;
    entries.push_back(std::move(e));
  }
  SLUICE_KILL_POINT("file_sink:before_manifest");
  return manifest_->AddBatch(batch_id, entries);
}

Result<std::vector<std::string>> ReadFileSinkFiles(Env* env, const std::string& dir) {
  if (!env->FileExists(JoinPath(dir, "_sluice_metadata"))) {
    return Status::NotFound(dir + " has no file sink manifest (_sluice_metadata)");
  }
  SLUICE_ASSIGN_OR_RETURN(auto m, FileSinkManifest::Open(env, dir));
  SLUICE_ASSIGN_OR_RETURN(auto files, m.AllFiles());
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path.empty() || f.path[0] == '/' ? f.path : JoinPath(dir, f.path));
  return out;
}

}  // namespace sluice
