#include "checkpoint/metadata_log.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>

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

Result<MetadataLog> MetadataLog::Open(Env* env, std::string dir, int version, int64_t checksums_from) {
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(dir));
  return MetadataLog(env, std::move(dir), version, std::max<int64_t>(0, checksums_from));
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

uint32_t MetadataLog::Crc32(std::string_view data, uint32_t crc) {
  uLong c = crc;
  while (!data.empty()) {
    uInt n = static_cast<uInt>(std::min<size_t>(data.size(), 1u << 30));
    c = crc32(c, reinterpret_cast<const Bytef*>(data.data()), n);
    data.remove_prefix(n);
  }
  return static_cast<uint32_t>(c);
}

std::string MetadataLog::Serialize(int version, const std::vector<std::string>& lines) {
  // The checksum covers the file as it reads without the " crc32=..." field.
  std::string body = "v" + std::to_string(version) + "\n";
  for (const auto& l : lines) {
    body.append(l);
    body.push_back('\n');
  }
  char field[16];
  std::snprintf(field, sizeof(field), " crc32=%08x", Crc32(body));
  size_t nl = body.find('\n');
  return body.insert(nl, field);
}

namespace {

constexpr std::string_view kCrcField = " crc32=";
constexpr size_t kCrcDigits = 8;

std::optional<uint32_t> ParseCrcDigits(std::string_view s) {
  if (s.size() != kCrcDigits) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = v * 16 + static_cast<uint32_t>(d);
  }
  return v;
}

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08x", v);
  return buf;
}

}  // namespace

Result<MetadataLog::ParsedFile> MetadataLog::ParseFile(const std::string& path, std::string_view contents,
                                                       int max_version, std::string_view what) {
  const std::string file = std::string(what) + " " + path;
  if (contents.empty()) return Status::Corruption(file + " is empty");
  if (contents.back() != '\n') {
    return Status::Corruption(file + " is truncated: its last line does not end with a newline");
  }
  size_t first_nl = contents.find('\n');
  std::string_view first = contents.substr(0, first_nl);
  // "v<digits>", optionally followed by " crc32=<8 hex>".
  size_t digits_end = std::min<size_t>(1, first.size());  // after the 'v', if there is one
  while (digits_end < first.size() && first[digits_end] >= '0' && first[digits_end] <= '9') ++digits_end;
  std::string_view version_text = first.substr(0, digits_end);
  std::string_view rest = first.substr(digits_end);
  bool version_ok = first.size() >= 2 && first[0] == 'v' && digits_end >= 2 && digits_end <= 10;
  int version = version_ok ? std::stoi(std::string(version_text.substr(1))) : 0;
  if (version <= 0 || (!rest.empty() && rest[0] != ' ')) {
    return Status::Corruption(file +
                              " is malformed: the first line must be a version and checksum such as "
                              "\"v1 crc32=1a2b3c4d\", found " +
                              Excerpt(first));
  }
  // A newer version may checksum differently: refuse it before reading on.
  if (version > max_version) {
    return Status::Corruption(file + " has version v" + std::to_string(version) +
                              " but this Sluice supports up to v" + std::to_string(max_version) +
                              "; upgrade Sluice");
  }
  ParsedFile out;
  out.version = version;
  if (!rest.empty()) {
    std::optional<uint32_t> stored;
    if (rest.substr(0, kCrcField.size()) == kCrcField) stored = ParseCrcDigits(rest.substr(kCrcField.size()));
    if (!stored) {
      return Status::Corruption(file +
                                " is malformed: the first line must be a version and checksum such as "
                                "\"v1 crc32=1a2b3c4d\", found " +
                                Excerpt(first));
    }
    uint32_t computed = Crc32(contents.substr(first_nl), Crc32(version_text));
    if (computed != *stored) {
      return Status::Corruption(file + " fails its checksum (stored crc32=" + Hex(*stored) + ", computed " +
                                Hex(computed) +
                                "): it was damaged or edited after it was written; restore it from a backup, "
                                "or run the query with a new checkpoint location");
    }
    out.has_checksum = true;
  }
  size_t pos = first_nl + 1;
  while (pos < contents.size()) {
    size_t nl = contents.find('\n', pos);
    out.lines.emplace_back(contents.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

Status MetadataLog::MissingChecksum(const std::string& path, std::string_view what, std::string_view first_line,
                                    const std::string& rule) {
  return Status::Corruption(std::string(what) + " " + path + " has no checksum (its first line is " +
                            Excerpt(first_line) + ", not \"" + std::string(first_line) +
                            " crc32=<8 hex digits>\"), but " + rule +
                            ": it was edited or replaced after it was written; restore it from a backup, or run "
                            "the query with a new checkpoint location");
}

Result<std::vector<std::string>> MetadataLog::Parse(const std::string& path, std::string_view contents,
                                                    int max_version, std::string_view what) {
  SLUICE_ASSIGN_OR_RETURN(auto parsed, ParseFile(path, contents, max_version, what));
  if (!parsed.has_checksum) {
    return MissingChecksum(path, what, "v" + std::to_string(parsed.version), "every such file carries one");
  }
  return std::move(parsed.lines);
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
  SLUICE_ASSIGN_OR_RETURN(Known known, KnownIds());
  if (known.latest && batch_id != *known.latest + 1) {
    return Status::InvalidArgument("cannot add batch " + std::to_string(batch_id) + " to " + dir_ +
                                   ": the latest batch is " + std::to_string(*known.latest) +
                                   ", so the next must be " + std::to_string(*known.latest + 1));
  }
  // Whether a failed write left the file or not, the next call lists again.
  known_.reset();
  SLUICE_RETURN_NOT_OK(WriteFileAtomically(env_, path, Serialize(version_, lines)));
  if (!known.latest) known.oldest = batch_id;
  known.latest = batch_id;
  known_ = known;
  return Status::OK();
}

Result<MetadataLog::Known> MetadataLog::KnownIds() {
  if (known_) return *known_;
  SLUICE_ASSIGN_OR_RETURN(auto ids, ListBatchIds());
  Known k;
  if (!ids.empty()) {
    k.latest = ids.back();
    k.oldest = ids.front();
  }
  known_ = k;
  return k;
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
  SLUICE_ASSIGN_OR_RETURN(auto parsed, ParseFile(path, contents, version_));
  if (!parsed.has_checksum && batch_id >= checksums_from_) {
    std::string rule = checksums_from_ == 0
                           ? "every file of " + dir_ + " carries one"
                           : "every file of " + dir_ + " from batch " + std::to_string(checksums_from_) +
                                 " on carries one (the checkpoint's metadata file records where checksums began)";
    return MissingChecksum(path, "log file", "v" + std::to_string(parsed.version), rule);
  }
  return std::move(parsed.lines);
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
  SLUICE_ASSIGN_OR_RETURN(Known known, KnownIds());
  if (!known.latest) return Status::OK();
  const int64_t end = std::min(threshold, *known.latest + 1);
  if (end <= known.oldest) return Status::OK();
  known_.reset();
  // Oldest first, as a crash part way leaves the ids contiguous.
  for (int64_t id = known.oldest; id < end; ++id) {
    Status s = env_->DeleteFile(PathFor(id));
    // Gone already is what a purge wants.
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
  }
  known.oldest = end;
  if (end > *known.latest) known.latest.reset();
  known_ = known;
  return Status::OK();
}

Status MetadataLog::PurgeKeepLast(int64_t keep) {
  if (keep < 1) return Status::InvalidArgument("PurgeKeepLast needs keep >= 1");
  SLUICE_ASSIGN_OR_RETURN(Known known, KnownIds());
  if (!known.latest) return Status::OK();
  return PurgeBefore(*known.latest - keep + 1);
}

Status MetadataLog::CleanTempFiles() { return sluice::CleanTempFiles(env_, dir_); }

}  // namespace sluice
