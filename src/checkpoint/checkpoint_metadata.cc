#include "checkpoint/checkpoint_metadata.h"

#include <simdjson.h>

#include <cstdio>
#include <random>

#include "checkpoint/metadata_log.h"
#include "common/json_writer.h"
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

}  // namespace

Result<CheckpointMetadata> CheckpointMetadata::LoadOrCreate(Env* env,
                                                            const std::string& checkpoint_dir) {
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(checkpoint_dir));
  std::string path = JoinPath(checkpoint_dir, "metadata");
  CheckpointMetadata md;
  md.run_id = NewUuidV4();
  if (!env->FileExists(path)) {
    SLUICE_RETURN_NOT_OK(CheckNoBatchesWithoutMetadata(env, checkpoint_dir, path));
    md.query_id = NewUuidV4();
    JsonWriter w;
    w.BeginObject().Key("id").String(md.query_id).EndObject();
    SLUICE_RETURN_NOT_OK(WriteFileAtomically(env, path, w.Take() + "\n"));
    return md;
  }
  std::string contents;
  SLUICE_RETURN_NOT_OK(env->ReadFileToString(path, &contents));
  if (contents.empty()) return Status::Corruption("checkpoint metadata file " + path + " is empty");
  if (contents.back() != '\n') {
    return Status::Corruption("checkpoint metadata file " + path +
                              " is truncated: it does not end with a newline");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(contents.data(), contents.size() - 1, true).get(doc)) {
    return Status::Corruption("checkpoint metadata file " + path + " is not valid JSON: " +
                              simdjson::error_message(err));
  }
  std::string_view id;
  if (doc["id"].get_string().get(id)) {
    return Status::Corruption("checkpoint metadata file " + path +
                              " lacks the string field \"id\" (the query id)");
  }
  if (!IsUuid(id)) {
    return Status::Corruption("checkpoint metadata file " + path + ": query id " + JsonQuote(id) +
                              " is not a UUID");
  }
  md.query_id = std::string(id);
  return md;
}

}  // namespace sluice
