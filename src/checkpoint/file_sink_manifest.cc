#include "checkpoint/file_sink_manifest.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include <simdjson.h>

#include "checkpoint/json_fields.h"
#include "checkpoint/metadata_log.h"
#include "common/json_writer.h"
#include "env/atomic_file.h"

namespace sluice {
namespace {

constexpr std::string_view kCompactSuffix = ".compact";

std::string EntryJson(const SinkFileEntry& e) {
  JsonWriter w;
  w.BeginObject()
      .Key("path")
      .String(e.path)
      .Key("size")
      .Int(e.size)
      .Key("modificationTime")
      .Int(e.modification_time_ms)
      .Key("action")
      .String(e.action);
  if (e.crc32) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(*e.crc32));
    w.Key("crc32").String(hex);
  }
  w.EndObject();
  return w.Take();
}

std::string DigestJson(int64_t batch_id, const std::string& digest) {
  JsonWriter w;
  w.BeginObject().Key("batchId").Int(batch_id).Key("offsetsDigest").String(digest).EndObject();
  return w.Take();
}

// "cbf43926" (exactly 8 hex digits, as written) -> 0xcbf43926.
std::optional<uint32_t> ParseCrc32(std::string_view hex) {
  if (hex.size() != 8) return std::nullopt;
  uint32_t v = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<uint32_t>(d);
  }
  return v;
}

// Applies adds and deletes in order; returns the live adds in order.
std::vector<SinkFileEntry> Live(std::vector<SinkFileEntry> entries) {
  std::unordered_map<std::string, size_t> last_add;
  std::vector<bool> keep(entries.size(), false);
  for (size_t i = 0; i < entries.size(); ++i) {
    auto it = last_add.find(entries[i].path);
    if (it != last_add.end()) keep[it->second] = false;
    if (entries[i].action == "add") {
      keep[i] = true;
      last_add[entries[i].path] = i;
    } else {
      last_add.erase(entries[i].path);
    }
  }
  std::vector<SinkFileEntry> out;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (keep[i]) out.push_back(std::move(entries[i]));
  }
  return out;
}

}  // namespace

Result<FileSinkManifest> FileSinkManifest::Open(Env* env, const std::string& output_dir,
                                                int compact_interval) {
  if (compact_interval < 1) {
    return Status::InvalidArgument("file sink compact interval must be >= 1, got " +
                                   std::to_string(compact_interval));
  }
  std::string dir = JoinPath(output_dir, "_sluice_metadata");
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(dir));
  return FileSinkManifest(env, std::move(dir), compact_interval);
}

std::string FileSinkManifest::PathFor(int64_t batch_id) const {
  return JoinPath(dir_, std::to_string(batch_id));
}

Result<FileSinkManifest::Listing> FileSinkManifest::List() const {
  SLUICE_ASSIGN_OR_RETURN(auto names, env_->ListDir(dir_));
  std::vector<std::pair<int64_t, bool>> ids;  // (id, is_compact)
  Listing l;
  for (const auto& n : names) {
    if (IsTempFileName(n)) continue;
    if (n == kChecksumsFileName) {
      l.has_checksums_file = true;
      continue;
    }
    std::string_view sv = n;
    bool compact = sv.size() > kCompactSuffix.size() &&
                   sv.substr(sv.size() - kCompactSuffix.size()) == kCompactSuffix;
    if (compact) sv.remove_suffix(kCompactSuffix.size());
    auto id = MetadataLog::ParseBatchId(sv);
    if (!id) {
      return Status::Corruption("manifest directory " + dir_ + " holds an unexpected file " +
                                JsonQuote(n) + "; only \"<batchId>\", \"<batchId>.compact\" and \"" +
                                kChecksumsFileName + "\" belong there");
    }
    ids.emplace_back(*id, compact);
  }
  std::sort(ids.begin(), ids.end());
  for (const auto& [id, compact] : ids) {
    if (compact) l.compact = id;
  }
  for (const auto& [id, compact] : ids) {
    bool after = !l.compact || id > *l.compact;
    if (after && !compact) {
      l.batches.push_back(id);
    } else if (!l.compact || id < *l.compact) {
      l.obsolete.push_back(std::to_string(id) + (compact ? std::string(kCompactSuffix) : ""));
    }
  }
  int64_t expect = l.compact ? *l.compact + 1 : (l.batches.empty() ? 0 : l.batches.front());
  for (int64_t id : l.batches) {
    if (id != expect) {
      return Status::Corruption("manifest directory " + dir_ + " is missing batch " +
                                std::to_string(expect) + " (next file is batch " +
                                std::to_string(id) + "); batch ids must be contiguous");
    }
    ++expect;
  }
  if (!l.batches.empty()) {
    l.latest = l.batches.back();
  } else {
    l.latest = l.compact;
  }
  return l;
}

std::string FileSinkManifest::ChecksumsFilePath() const { return JoinPath(dir_, kChecksumsFileName); }

Result<std::optional<int64_t>> FileSinkManifest::ReadChecksumsFrom(const Listing& l) const {
  if (!l.has_checksums_file) return std::optional<int64_t>();
  std::string path = ChecksumsFilePath(), contents;
  SLUICE_RETURN_NOT_OK(env_->ReadFileToString(path, &contents));
  SLUICE_ASSIGN_OR_RETURN(auto lines, MetadataLog::Parse(path, contents, kVersion));
  checkpoint_json::Where where{path, 2};
  if (lines.size() != 1) {
    return Status::Corruption("log file " + path + " has " + std::to_string(lines.size() + 1) +
                              " lines; it has exactly 2");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  SLUICE_RETURN_NOT_OK(checkpoint_json::ParseLine(parser, where, lines[0], &doc));
  simdjson::dom::object obj;
  SLUICE_RETURN_NOT_OK(checkpoint_json::GetObject(doc, where, &obj));
  int64_t from = 0;
  SLUICE_RETURN_NOT_OK(checkpoint_json::GetInt64Field(obj, where, "checksumsFromBatch", &from));
  return std::optional<int64_t>(from);
}

Result<FileSinkManifest::Contents> FileSinkManifest::ReadFile(const std::string& path, int64_t file_id,
                                                              bool compact,
                                                              std::optional<int64_t> checksums_from) const {
  std::string contents;
  SLUICE_RETURN_NOT_OK(env_->ReadFileToString(path, &contents));
  SLUICE_ASSIGN_OR_RETURN(auto parsed, MetadataLog::ParseFile(path, contents, kVersion));
  if (!parsed.has_checksum && checksums_from && file_id >= *checksums_from) {
    return MetadataLog::MissingChecksum(path, "log file", "v" + std::to_string(parsed.version),
                                        "every manifest file from batch " + std::to_string(*checksums_from) +
                                            " on carries one (" + ChecksumsFilePath() + ")");
  }
  if (parsed.has_checksum && !checksums_from) {
    return Status::Corruption("log file " + path + " carries a checksum, but " + ChecksumsFilePath() +
                              ", which every manifest with checksums has, is missing: it was deleted. Restore it "
                              "from a backup");
  }
  const std::vector<std::string>& lines = parsed.lines;
  simdjson::dom::parser parser;
  Contents out;
  out.files.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    checkpoint_json::Where where{path, static_cast<int>(i) + 2};
    simdjson::dom::element doc;
    SLUICE_RETURN_NOT_OK(checkpoint_json::ParseLine(parser, where, lines[i], &doc));
    simdjson::dom::object obj;
    SLUICE_RETURN_NOT_OK(checkpoint_json::GetObject(doc, where, &obj));
    simdjson::dom::element unused;
    if (!obj.at_key("batchId").get(unused)) {
      // {"batchId":N,"offsetsDigest":"..."}: what batch N covered.
      int64_t id = 0;
      std::string digest;
      SLUICE_RETURN_NOT_OK(checkpoint_json::GetInt64Field(obj, where, "batchId", &id));
      SLUICE_RETURN_NOT_OK(checkpoint_json::GetStringField(obj, where, "offsetsDigest", &digest));
      if (!compact && id != file_id) {
        return Status::Corruption("log file " + where.str() + ": batchId " + std::to_string(id) +
                                  " does not match the file's batch " + std::to_string(file_id));
      }
      out.digests[id] = std::move(digest);
      continue;
    }
    SinkFileEntry e;
    SLUICE_RETURN_NOT_OK(checkpoint_json::GetStringField(obj, where, "path", &e.path));
    SLUICE_RETURN_NOT_OK(checkpoint_json::GetInt64Field(obj, where, "size", &e.size));
    SLUICE_RETURN_NOT_OK(
        checkpoint_json::GetInt64Field(obj, where, "modificationTime", &e.modification_time_ms));
    SLUICE_RETURN_NOT_OK(checkpoint_json::GetStringField(obj, where, "action", &e.action));
    if (e.action != "add" && e.action != "delete") {
      return Status::Corruption("log file " + where.str() + ": unknown action " +
                                JsonQuote(e.action) + " (expected \"add\" or \"delete\")");
    }
    if (!obj.at_key("crc32").get(unused)) {  // optional: absent in version 1
      std::string hex;
      SLUICE_RETURN_NOT_OK(checkpoint_json::GetStringField(obj, where, "crc32", &hex));
      e.crc32 = ParseCrc32(hex);
      if (!e.crc32) {
        return Status::Corruption("log file " + where.str() + ": field \"crc32\" must be 8 lowercase hex digits, "
                                  "found " + JsonQuote(hex));
      }
    }
    out.files.push_back(std::move(e));
  }
  return out;
}

Result<FileSinkManifest::Contents> FileSinkManifest::ReadAll(const Listing& l) const {
  SLUICE_ASSIGN_OR_RETURN(auto checksums_from, ReadChecksumsFrom(l));
  Contents all;
  if (l.compact) {
    SLUICE_ASSIGN_OR_RETURN(all, ReadFile(PathFor(*l.compact) + std::string(kCompactSuffix), *l.compact, true,
                                          checksums_from));
  }
  for (int64_t id : l.batches) {
    SLUICE_ASSIGN_OR_RETURN(auto c, ReadFile(PathFor(id), id, false, checksums_from));
    for (auto& e : c.files) all.files.push_back(std::move(e));
    for (auto& [b, d] : c.digests) all.digests[b] = std::move(d);
  }
  all.files = Live(std::move(all.files));
  return all;
}

Result<std::vector<SinkFileEntry>> FileSinkManifest::AllFilesOnce() const {
  SLUICE_ASSIGN_OR_RETURN(auto l, List());
  SLUICE_ASSIGN_OR_RETURN(auto all, ReadAll(l));
  return std::move(all.files);
}

Result<std::vector<SinkFileEntry>> FileSinkManifest::AllFiles() const {
  // A concurrent compaction may delete a file between listing and reading:
  // list again (the new compact file has the entries).
  for (int attempt = 0;; ++attempt) {
    auto r = AllFilesOnce();
    if (r.ok() || r.status().code() != StatusCode::kNotFound || attempt == 3) return r;
  }
}

Status FileSinkManifest::Validate() const {
  for (int attempt = 0;; ++attempt) {
    auto r = AllFilesOnce();
    if (r.ok()) return Status::OK();
    if (r.status().code() != StatusCode::kNotFound || attempt == 3) return r.status();
  }
}

Result<std::optional<int64_t>> FileSinkManifest::GetLatestBatchId() const {
  SLUICE_ASSIGN_OR_RETURN(auto l, List());
  return l.latest;
}

Result<bool> FileSinkManifest::HasBatch(int64_t batch_id) const {
  SLUICE_ASSIGN_OR_RETURN(auto latest, GetLatestBatchId());
  return latest.has_value() && batch_id <= *latest;
}

Result<std::optional<std::string>> FileSinkManifest::GetOffsetsDigest(int64_t batch_id) const {
  using Out = std::optional<std::string>;
  SLUICE_ASSIGN_OR_RETURN(auto l, List());
  if (!l.latest || batch_id > *l.latest || batch_id < 0) return Out();
  SLUICE_ASSIGN_OR_RETURN(auto checksums_from, ReadChecksumsFrom(l));
  Contents c;
  if (l.compact && batch_id <= *l.compact) {
    SLUICE_ASSIGN_OR_RETURN(c, ReadFile(PathFor(*l.compact) + std::string(kCompactSuffix), *l.compact, true,
                                        checksums_from));
  } else {
    SLUICE_ASSIGN_OR_RETURN(c, ReadFile(PathFor(batch_id), batch_id, false, checksums_from));
  }
  auto it = c.digests.find(batch_id);
  if (it == c.digests.end()) return Out();
  return Out(it->second);
}

Status FileSinkManifest::AddBatch(int64_t batch_id, const std::vector<SinkFileEntry>& files,
                                  const std::string& offsets_digest) {
  SLUICE_ASSIGN_OR_RETURN(auto l, List());
  if (l.latest && batch_id <= *l.latest) {
    return Status::AlreadyExists("batch " + std::to_string(batch_id) + " is already in the manifest " +
                                 dir_ + " (latest batch " + std::to_string(*l.latest) + ")");
  }
  if (l.latest && batch_id != *l.latest + 1) {
    return Status::InvalidArgument("cannot add batch " + std::to_string(batch_id) + " to the manifest " +
                                   dir_ + ": the next batch must be " +
                                   std::to_string(*l.latest + 1));
  }
  if (batch_id < 0) return Status::InvalidArgument("batch id must be >= 0");
  for (const auto& f : files) {
    if (f.action != "add" && f.action != "delete") {
      return Status::InvalidArgument("manifest action must be \"add\" or \"delete\", got " +
                                     JsonQuote(f.action));
    }
  }
  if (offsets_digest.find('\n') != std::string::npos) {
    return Status::InvalidArgument("offsets digest must be one line, got " + JsonQuote(offsets_digest));
  }
  if (!l.has_checksums_file) {
    // The first batch written with checksums: older files (of a manifest
    // from before checksums) stay readable, later ones must carry one.
    JsonWriter w;
    w.BeginObject().Key("checksumsFromBatch").Int(batch_id).EndObject();
    SLUICE_RETURN_NOT_OK(WriteFileAtomically(env_, ChecksumsFilePath(), MetadataLog::Serialize(kVersion, {w.Take()})));
  }
  std::vector<std::string> lines;
  if (!IsCompactionBatch(batch_id, interval_)) {
    if (!offsets_digest.empty()) lines.push_back(DigestJson(batch_id, offsets_digest));
    for (const auto& f : files) lines.push_back(EntryJson(f));
    return WriteFileAtomically(env_, PathFor(batch_id), MetadataLog::Serialize(kVersion, lines));
  }
  // Compaction: everything live so far plus this batch, in one file, with
  // the digests of the newest kDigestWindow batches.
  SLUICE_ASSIGN_OR_RETURN(auto all, ReadAll(l));
  for (const auto& f : files) all.files.push_back(f);
  if (!offsets_digest.empty()) all.digests[batch_id] = offsets_digest;
  for (const auto& [id, digest] : all.digests) {
    if (id > batch_id - kDigestWindow) lines.push_back(DigestJson(id, digest));
  }
  for (const auto& f : Live(std::move(all.files))) lines.push_back(EntryJson(f));
  SLUICE_RETURN_NOT_OK(WriteFileAtomically(env_, PathFor(batch_id) + std::string(kCompactSuffix),
                                           MetadataLog::Serialize(kVersion, lines)));
  // The compact file replaces every older file. A crash here leaves them
  // behind; readers ignore files older than the newest compact file, and the
  // next compaction deletes them.
  for (const auto& name : l.obsolete) SLUICE_RETURN_NOT_OK(env_->DeleteFile(JoinPath(dir_, name)));
  if (l.compact) {
    SLUICE_RETURN_NOT_OK(
        env_->DeleteFile(PathFor(*l.compact) + std::string(kCompactSuffix)));
  }
  for (int64_t id : l.batches) SLUICE_RETURN_NOT_OK(env_->DeleteFile(PathFor(id)));
  return env_->SyncDir(dir_);
}

Status FileSinkManifest::CleanTempFiles() { return sluice::CleanTempFiles(env_, dir_); }

}  // namespace sluice
