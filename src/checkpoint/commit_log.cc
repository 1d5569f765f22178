#include "checkpoint/commit_log.h"

#include "checkpoint/json_fields.h"
#include "common/json_writer.h"

namespace sluice {

using checkpoint_json::Where;

Result<CommitLog> CommitLog::Open(Env* env, const std::string& checkpoint_dir, int64_t checksums_from) {
  SLUICE_ASSIGN_OR_RETURN(auto log, MetadataLog::Open(env, JoinPath(checkpoint_dir, "commits"),
                                                      kVersion, checksums_from));
  return CommitLog(std::move(log));
}

Status CommitLog::Add(int64_t batch_id, const CommitMetadata& entry) {
  JsonWriter w;
  w.BeginObject().Key("nextBatchWatermarkMs").Int(entry.next_batch_watermark_ms).EndObject();
  return log_.Add(batch_id, {w.Take()});
}

Result<CommitMetadata> CommitLog::Parse(const std::string& path,
                                        const std::vector<std::string>& lines) {
  if (lines.empty()) {
    return Status::Corruption("log file " + path +
                              " is truncated: the commit metadata line after the version is missing");
  }
  if (lines.size() > 1) {
    return Status::Corruption("log file " + path + " has " + std::to_string(lines.size() + 1) +
                              " lines; a commit log file has exactly 2");
  }
  simdjson::dom::parser parser;
  Where where{path, 2};
  simdjson::dom::element doc;
  SLUICE_RETURN_NOT_OK(checkpoint_json::ParseLine(parser, where, lines[0], &doc));
  simdjson::dom::object obj;
  SLUICE_RETURN_NOT_OK(checkpoint_json::GetObject(doc, where, &obj));
  CommitMetadata out;
  SLUICE_RETURN_NOT_OK(
      checkpoint_json::GetInt64Field(obj, where, "nextBatchWatermarkMs", &out.next_batch_watermark_ms));
  return out;
}

Result<CommitMetadata> CommitLog::Get(int64_t batch_id) const {
  SLUICE_ASSIGN_OR_RETURN(auto lines, log_.Get(batch_id));
  return Parse(log_.PathFor(batch_id), lines);
}

Result<std::optional<std::pair<int64_t, CommitMetadata>>> CommitLog::GetLatest() const {
  using Out = std::optional<std::pair<int64_t, CommitMetadata>>;
  SLUICE_ASSIGN_OR_RETURN(auto latest, log_.GetLatest());
  if (!latest) return Out();
  SLUICE_ASSIGN_OR_RETURN(auto c, Parse(log_.PathFor(latest->first), latest->second));
  return Out(std::make_pair(latest->first, c));
}

}  // namespace sluice
