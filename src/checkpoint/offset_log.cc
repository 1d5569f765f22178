#include "checkpoint/offset_log.h"

#include <algorithm>
#include <cstdio>

#include "checkpoint/json_fields.h"
#include "common/json_writer.h"

namespace sluice {

using checkpoint_json::Where;

std::string SourceOffsetsDigest(const std::vector<std::optional<std::string>>& start,
                                const std::vector<std::optional<std::string>>& end) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
  auto add = [&h](std::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 0x100000001b3ULL;  // FNV-1a 64-bit prime
    }
  };
  size_t n = std::max(start.size(), end.size());
  for (size_t i = 0; i < n; ++i) {
    for (const auto* offsets : {&start, &end}) {
      const std::optional<std::string>* o = i < offsets->size() ? &(*offsets)[i] : nullptr;
      add(o && *o ? std::string_view(**o) : std::string_view("-"));
      add("\n");
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string("fnv1a64:") + hex;
}

Result<OffsetLog> OffsetLog::Open(Env* env, const std::string& checkpoint_dir, int64_t checksums_from) {
  SLUICE_ASSIGN_OR_RETURN(auto log, MetadataLog::Open(env, JoinPath(checkpoint_dir, "offsets"),
                                                      kVersion, checksums_from));
  return OffsetLog(std::move(log));
}

std::vector<std::string> OffsetLog::Serialize(const OffsetSeq& entry) {
  std::vector<std::string> lines;
  JsonWriter w;
  w.BeginObject()
      .Key("batchWatermarkMs")
      .Int(entry.metadata.batch_watermark_ms)
      .Key("batchTimestampMs")
      .Int(entry.metadata.batch_timestamp_ms)
      .Key("conf")
      .BeginObject();
  for (const auto& [k, v] : entry.metadata.conf) w.Key(k).String(v);
  w.EndObject().EndObject();
  lines.push_back(w.Take());
  for (const auto& o : entry.offsets) lines.push_back(o ? *o : "-");
  return lines;
}

Status OffsetLog::Add(int64_t batch_id, const OffsetSeq& entry) {
  for (size_t i = 0; i < entry.offsets.size(); ++i) {
    const auto& o = entry.offsets[i];
    if (o && (o->empty() || *o == "-" || o->find('\n') != std::string::npos)) {
      return Status::InvalidArgument("offset of source " + std::to_string(i) + " for batch " +
                                     std::to_string(batch_id) +
                                     " must be one line of JSON, got " + JsonQuote(*o));
    }
  }
  return log_.Add(batch_id, Serialize(entry));
}

Result<OffsetSeq> OffsetLog::Parse(const std::string& path, const std::vector<std::string>& lines) {
  if (lines.empty()) {
    return Status::Corruption("log file " + path +
                              " is truncated: the batch metadata line after the version is missing");
  }
  simdjson::dom::parser parser;
  OffsetSeq out;
  Where where{path, 2};
  simdjson::dom::element doc;
  SLUICE_RETURN_NOT_OK(checkpoint_json::ParseLine(parser, where, lines[0], &doc));
  simdjson::dom::object obj;
  SLUICE_RETURN_NOT_OK(checkpoint_json::GetObject(doc, where, &obj));
  SLUICE_RETURN_NOT_OK(
      checkpoint_json::GetInt64Field(obj, where, "batchWatermarkMs", &out.metadata.batch_watermark_ms));
  SLUICE_RETURN_NOT_OK(
      checkpoint_json::GetInt64Field(obj, where, "batchTimestampMs", &out.metadata.batch_timestamp_ms));
  simdjson::dom::element conf;
  if (!obj.at_key("conf").get(conf)) {  // optional, as in Spark
    simdjson::dom::object conf_obj;
    if (conf.get_object().get(conf_obj)) {
      return Status::Corruption("log file " + where.str() + ": field \"conf\" must be an object");
    }
    for (auto field : conf_obj) {
      std::string_view v;
      if (field.value.get_string().get(v)) {
        return Status::Corruption("log file " + where.str() + ": conf value of \"" +
                                  std::string(field.key) + "\" must be a string");
      }
      out.metadata.conf.emplace(std::string(field.key), std::string(v));
    }
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l == "-") {
      out.offsets.emplace_back(std::nullopt);
      continue;
    }
    Where w{path, static_cast<int>(i) + 2};
    simdjson::dom::element e;
    Status s = checkpoint_json::ParseLine(parser, w, l, &e);
    if (!s.ok()) {
      return Status::Corruption(s.message() + " (offset of source " + std::to_string(i - 1) + ")");
    }
    out.offsets.emplace_back(l);
  }
  return out;
}

Result<OffsetSeq> OffsetLog::Get(int64_t batch_id) const {
  SLUICE_ASSIGN_OR_RETURN(auto lines, log_.Get(batch_id));
  return Parse(log_.PathFor(batch_id), lines);
}

Result<std::optional<std::pair<int64_t, OffsetSeq>>> OffsetLog::GetLatest() const {
  using Out = std::optional<std::pair<int64_t, OffsetSeq>>;
  SLUICE_ASSIGN_OR_RETURN(auto latest, log_.GetLatest());
  if (!latest) return Out();
  SLUICE_ASSIGN_OR_RETURN(auto seq, Parse(log_.PathFor(latest->first), latest->second));
  return Out(std::make_pair(latest->first, std::move(seq)));
}

}  // namespace sluice
