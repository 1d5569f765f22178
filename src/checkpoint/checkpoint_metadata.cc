#include "checkpoint/checkpoint_metadata.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "checkpoint/metadata_log.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "env/atomic_file.h"

namespace sluice {

std::string NewUuidV4() {
  std::random_device rd;  // getrandom(2) / /dev/urandom
  uint8_t b[16];
  for (int i = 0; i < 16; i += 4) {
    uint32_t r = rd();
    for (int j = 0; j < 4; ++j) b[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

namespace {

// The newest batch id among the files of log directory `dir` (temp files and
// other names ignored); nullopt if it holds none or does not exist.
Result<std::optional<int64_t>> NewestBatchIn(Env* env, const std::string& dir) {
  auto names = env->ListDir(dir);
  if (!names.ok()) {
    if (names.status().code() == StatusCode::kNotFound) return std::optional<int64_t>();
    return names.status();
  }
  std::optional<int64_t> newest;
  for (const auto& n : *names) {
    if (IsTempFileName(n)) continue;
    auto id = MetadataLog::ParseBatchId(n);
    if (id && (!newest || *id > *newest)) newest = id;
  }
  return newest;
}

// A checkpoint that already logged batches has a query id: making a new one
// would give an exactly-once sink keyed by it (the Kafka sink's
// transactional id) a new identity, and replayed batches would be written
// again.
Status CheckNoBatchesWithoutMetadata(Env* env, const std::string& checkpoint_dir, const std::string& path) {
  std::string found;
  for (const char* log : {"offsets", "commits"}) {
    std::string dir = JoinPath(checkpoint_dir, log);
    SLUICE_ASSIGN_OR_RETURN(auto newest, NewestBatchIn(env, dir));
    if (!newest) continue;
    found += (found.empty() ? "" : " and ") + dir + " holds batches up to " + std::to_string(*newest);
  }
  if (found.empty()) return Status::OK();
  return Status::Corruption(
      "checkpoint metadata file " + path + " is missing, but " + found +
      ": the query id the file recorded cannot be recovered, and a new one would let an exactly-once sink "
      "(e.g. the Kafka sink, whose transactional id is made from it) write replayed batches a second time. "
      "Restore " + path + " (e.g. from a backup), or run the query with a new checkpoint location");
}

constexpr const char* kWhat = "checkpoint metadata file";

// The log directories of a checkpoint, relative to it: offsets, commits and
// every sources/<i>.
Result<std::vector<std::string>> LogDirs(Env* env, const std::string& checkpoint_dir) {
  std::vector<std::string> dirs = {"offsets", "commits"};
  auto sources = env->ListDir(JoinPath(checkpoint_dir, "sources"));
  if (!sources.ok() && sources.status().code() != StatusCode::kNotFound) return sources.status();
  if (sources.ok()) {
    std::sort(sources->begin(), sources->end());
    for (const auto& n : *sources) {
      if (!IsTempFileName(n)) dirs.push_back("sources/" + n);
    }
  }
  return dirs;
}

// A checkpoint from before checksums: records, per log directory holding
// batch files, the first batch id that will carry a checksum. Refuses if
// the newest file of any of them already carries one: then the metadata
// file was rewritten in the old format by hand (stripping its checksum
// would otherwise make every later file unchecked).
Result<std::map<std::string, int64_t>> ChecksumsFromForLegacyCheckpoint(Env* env, const std::string& checkpoint_dir,
                                                                        const std::string& path) {
  std::map<std::string, int64_t> out;
  SLUICE_ASSIGN_OR_RETURN(auto dirs, LogDirs(env, checkpoint_dir));
  for (const auto& rel : dirs) {
    std::string dir = JoinPath(checkpoint_dir, rel);
    SLUICE_ASSIGN_OR_RETURN(auto newest, NewestBatchIn(env, dir));
    if (!newest) continue;
    std::string newest_path = JoinPath(dir, std::to_string(*newest)), contents;
    SLUICE_RETURN_NOT_OK(env->ReadFileToString(newest_path, &contents));
    std::string_view first = std::string_view(contents).substr(0, contents.find('\n'));
    if (first.find(" crc32=") != std::string_view::npos) {
      return Status::Corruption(
          std::string(kWhat) + " " + path + " has the format of a Sluice from before checksums (one JSON line), "
          "but " + newest_path + " carries a checksum: a checkpoint whose files have checksums always has a "
          "checksummed metadata file, so this one was replaced or edited. Restore it from a backup, or run the "
          "query with a new checkpoint location");
    }
    out[rel] = *newest + 1;
  }
  return out;
}

}  // namespace

Result<CheckpointMetadata> CheckpointMetadata::Parse(const std::string& path, std::string_view contents,
                                                     bool* legacy) {
  *legacy = !contents.empty() && contents[0] == '{';
  std::string_view json;
  if (*legacy) {
    if (contents.back() != '\n') {
      return Status::Corruption(std::string(kWhat) + " " + path + " is truncated: it does not end with a newline");
    }
    json = contents.substr(0, contents.size() - 1);
  }
  std::vector<std::string> lines;
  if (!*legacy) {
    SLUICE_ASSIGN_OR_RETURN(lines, MetadataLog::Parse(path, contents, kVersion, kWhat));
    if (lines.size() != 1) {
      return Status::Corruption(std::string(kWhat) + " " + path + " has " + std::to_string(lines.size() + 1) +
                                " lines; it has exactly 2 (the version and one JSON object)");
    }
    json = lines[0];
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(json.data(), json.size(), true).get(doc)) {
    return Status::Corruption(std::string(kWhat) + " " + path + " is not valid JSON: " +
                              simdjson::error_message(err));
  }
  std::string_view id;
  if (doc["id"].get_string().get(id)) {
    return Status::Corruption(std::string(kWhat) + " " + path + " lacks the string field \"id\" (the query id)");
  }
  if (!IsUuid(id)) {
    return Status::Corruption(std::string(kWhat) + " " + path + ": query id " + JsonQuote(id) + " is not a UUID");
  }
  CheckpointMetadata md;
  md.query_id = std::string(id);
  simdjson::dom::element from;
  if (!*legacy && !doc["checksumsFrom"].get(from)) {
    simdjson::dom::object obj;
    if (from.get_object().get(obj)) {
      return Status::Corruption(std::string(kWhat) + " " + path + ": field \"checksumsFrom\" must be an object");
    }
    for (auto field : obj) {
      int64_t v = 0;
      if (field.value.get_int64().get(v) || v < 0) {
        return Status::Corruption(std::string(kWhat) + " " + path + ": checksumsFrom of \"" +
                                  std::string(field.key) + "\" must be a non-negative batch id");
      }
      md.checksums_from[std::string(field.key)] = v;
    }
  }
  return md;
}

std::string CheckpointMetadata::Serialize() const {
  JsonWriter w;
  w.BeginObject().Key("id").String(query_id);
  if (!checksums_from.empty()) {
    w.Key("checksumsFrom").BeginObject();
    for (const auto& [dir, id] : checksums_from) w.Key(dir).Int(id);
    w.EndObject();
  }
  w.EndObject();
  return MetadataLog::Serialize(kVersion, {w.Take()});
}

Result<CheckpointMetadata> CheckpointMetadata::LoadOrCreate(Env* env,
                                                            const std::string& checkpoint_dir) {
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(checkpoint_dir));
  // Temp files of an interrupted write of this file (readers ignore them).
  SLUICE_RETURN_NOT_OK(CleanTempFiles(env, checkpoint_dir));
  std::string path = JoinPath(checkpoint_dir, "metadata");
  if (!env->FileExists(path)) {
    SLUICE_RETURN_NOT_OK(CheckNoBatchesWithoutMetadata(env, checkpoint_dir, path));
    CheckpointMetadata md;
    md.query_id = NewUuidV4();
    md.run_id = NewUuidV4();
    SLUICE_RETURN_NOT_OK(WriteFileAtomically(env, path, md.Serialize()));
    return md;
  }
  std::string contents;
  SLUICE_RETURN_NOT_OK(env->ReadFileToString(path, &contents));
  bool legacy = false;
  SLUICE_ASSIGN_OR_RETURN(auto md, Parse(path, contents, &legacy));
  md.run_id = NewUuidV4();
  if (legacy) {
    // Upgrade: files written from now on carry checksums; the old ones stay
    // readable, and only they.
    SLUICE_ASSIGN_OR_RETURN(md.checksums_from, ChecksumsFromForLegacyCheckpoint(env, checkpoint_dir, path));
    SLUICE_RETURN_NOT_OK(WriteFileAtomically(env, path, md.Serialize()));
    LogInfo("checkpoint", "checkpoint {} was written before log files had checksums: {} now records where they begin",
            checkpoint_dir, path);
  }
  return md;
}

}  // namespace sluice
