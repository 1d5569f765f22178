#include "checkpoint/metadata_log.h"

#include <algorithm>

#include "common/json_writer.h"
#include "env/atomic_file.h"

namespace sluice {
namespace {

std::string Excerpt(std::string_view s) {
  constexpr size_t kMax = 40;
  if (s.size() <= kMax) return JsonQuote(s);
  return JsonQuote(s.substr(0, kMax)) + "...";
}

}  // namespace

Result<MetadataLog> MetadataLog::Open(Env* env, std::string dir, int version) {
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(dir));
  return MetadataLog(env, std::move(dir), version);
}

std::string MetadataLog::PathFor(int64_t batch_id) const {
  return JoinPath(dir_, std::to_string(batch_id));
}

std::optional<int64_t> MetadataLog::ParseBatchId(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string MetadataLog::Serialize(int version, const std::vector<std::string>& lines) {
  std::string out = "v" + std::to_string(version) + "\n";
  for (const auto& l : lines) {
    out.append(l);
    out.push_back('\n');
  }
  return out;
}

Result<std::vector<std::string>> MetadataLog::Parse(const std::string& path,
                                                    std::string_view contents, int max_version) {
  if (contents.empty()) return Status::Corruption("log file " + path + " is empty");
  if (contents.back() != '\n') {
    return Status::Corruption("log file " + path +
                              " is truncated: its last line does not end with a newline");
  }
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < contents.size()) {
    size_t nl = contents.find('\n', pos);
    lines.emplace_back(contents.substr(pos, nl - pos));
    pos = nl + 1;
  }
  const std::string& first = lines.front();
  bool digits = first.size() >= 2 && first.size() <= 10 && first[0] == 'v' &&
                std::all_of(first.begin() + 1, first.end(), [](char c) { return c >= '0' && c <= '9'; });
  int version = digits ? std::stoi(first.substr(1)) : 0;
  if (version <= 0) {
    return Status::Corruption("log file " + path +
                              " is malformed: the first line must be a version such as \"v1\", "
                              "found " + Excerpt(first));
  }
  if (version > max_version) {
    return Status::Corruption("log file " + path + " has version v" + std::to_string(version) +
                              " but this Sluice supports up to v" + std::to_string(max_version) +
                              "; upgrade Sluice");
  }
  lines.erase(lines.begin());
  return lines;
}

Status MetadataLog::Add(int64_t batch_id, const std::vector<std::string>& lines) {
  if (batch_id < 0) {
    return Status::InvalidArgument("batch id " + std::to_string(batch_id) + " is negative");
  }
  for (const auto& l : lines) {
    if (l.find('\n') != std::string::npos) {
      return Status::InvalidArgument("a line of batch " + std::to_string(batch_id) + " for " +
                                     dir_ + " contains a newline");
    }
  }
  std::string path = PathFor(batch_id);
  if (env_->FileExists(path)) {
    return Status::AlreadyExists("batch " + std::to_string(batch_id) + " already exists in " +
                                 dir_ + " (" + path + "); log entries are never overwritten");
  }
  SLUICE_ASSIGN_OR_RETURN(auto latest, GetLatestBatchId());
  if (latest && batch_id != *latest + 1) {
    return Status::InvalidArgument("cannot add batch " + std::to_string(batch_id) + " to " + dir_ +
                                   ": the latest batch is " + std::to_string(*latest) +
                                   ", so the next must be " + std::to_string(*latest + 1));
  }
  return WriteFileAtomically(env_, path, Serialize(version_, lines));
}

Result<std::vector<std::string>> MetadataLog::Get(int64_t batch_id) const {
  std::string path = PathFor(batch_id);
  std::string contents;
  Status s = env_->ReadFileToString(path, &contents);
  if (s.code() == StatusCode::kNotFound) {
    return Status::NotFound("batch " + std::to_string(batch_id) + " is not in " + dir_ + " (" +
                            path + " does not exist)");
  }
  SLUICE_RETURN_NOT_OK(s);
  return Parse(path, contents, version_);
}

Result<std::vector<int64_t>> MetadataLog::ListBatchIds() const {
  SLUICE_ASSIGN_OR_RETURN(auto names, env_->ListDir(dir_));
  std::vector<int64_t> ids;
  for (const auto& n : names) {
    if (IsTempFileName(n)) continue;
    auto id = ParseBatchId(n);
    if (!id) {
      return Status::Corruption("log directory " + dir_ + " holds an unexpected file " +
                                JsonQuote(n) + "; only batch files named by their batch id belong there");
    }
    ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] != ids[i - 1] + 1) {
      return Status::Corruption("log directory " + dir_ + " is missing batch " +
                                std::to_string(ids[i - 1] + 1) + " (it has batches " +
                                std::to_string(ids.front()) + ".." + std::to_string(ids.back()) +
                                "); batch ids must be contiguous");
    }
  }
  return ids;
}

Result<std::optional<int64_t>> MetadataLog::GetLatestBatchId() const {
  SLUICE_ASSIGN_OR_RETURN(auto ids, ListBatchIds());
  if (ids.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(ids.back());
}

Result<std::optional<std::pair<int64_t, std::vector<std::string>>>> MetadataLog::GetLatest()
    const {
  using Out = std::optional<std::pair<int64_t, std::vector<std::string>>>;
  SLUICE_ASSIGN_OR_RETURN(auto latest, GetLatestBatchId());
  if (!latest) return Out();
  SLUICE_ASSIGN_OR_RETURN(auto lines, Get(*latest));
  return Out(std::make_pair(*latest, std::move(lines)));
}

Status MetadataLog::PurgeBefore(int64_t threshold) {
  SLUICE_ASSIGN_OR_RETURN(auto ids, ListBatchIds());
  for (int64_t id : ids) {
    if (id >= threshold) break;
    SLUICE_RETURN_NOT_OK(env_->DeleteFile(PathFor(id)));
  }
  return Status::OK();
}

Status MetadataLog::PurgeKeepLast(int64_t keep) {
  if (keep < 1) return Status::InvalidArgument("PurgeKeepLast needs keep >= 1");
  SLUICE_ASSIGN_OR_RETURN(auto latest, GetLatestBatchId());
  if (!latest) return Status::OK();
  return PurgeBefore(*latest - keep + 1);
}

Status MetadataLog::CleanTempFiles() { return sluice::CleanTempFiles(env_, dir_); }

}  // namespace sluice
