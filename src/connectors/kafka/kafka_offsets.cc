#include "connectors/kafka/kafka_offsets.h"

#include <simdjson.h>

#include <vector>

#include "common/json_writer.h"

namespace sluice::kafka {

std::string OffsetsToJson(const PartitionOffsets& offsets) {
  JsonWriter w;
  w.BeginObject();
  std::string topic;
  bool open = false;
  for (const auto& [tp, off] : offsets) {
    if (!open || tp.topic != topic) {
      if (open) w.EndObject();
      w.Key(tp.topic).BeginObject();
      topic = tp.topic;
      open = true;
    }
    w.Key(std::to_string(tp.partition)).Int(off);
  }
  if (open) w.EndObject();
  w.EndObject();
  return w.Take();
}

namespace {
Result<int32_t> ParsePartition(std::string_view s, const std::string& what) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::InvalidArgument(what + ": '" + std::string(s) + "' is not a partition number");
  }
  return static_cast<int32_t>(std::stol(std::string(s)));
}
}  // namespace

Result<PartitionOffsets> OffsetsFromJson(const std::string& json, const std::string& what) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(what + ": expected JSON like {\"topicA\":{\"0\":23,\"1\":-1}}, got '" + json +
                                   "' (" + why + ")");
  };
  if (parser.parse(json).get(doc)) return bad("not valid JSON");
  simdjson::dom::object topics;
  if (doc.get_object().get(topics)) return bad("not an object");
  PartitionOffsets out;
  for (auto [topic, parts] : topics) {
    simdjson::dom::object po;
    if (parts.get_object().get(po)) return bad("topic value is not an object");
    for (auto [p, off] : po) {
      SLUICE_ASSIGN_OR_RETURN(int32_t part, ParsePartition(p, what));
      int64_t o;
      if (off.get_int64().get(o)) return bad("offset is not an integer");
      out[{std::string(topic), part}] = o;
    }
  }
  return out;
}

Result<std::vector<TopicPartition>> PartitionsFromJson(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto bad = [&] {
    return Status::InvalidArgument("assign: expected JSON like {\"topicA\":[0,1],\"topicB\":[2,4]}, got '" + json +
                                   "'");
  };
  simdjson::dom::object topics;
  if (parser.parse(json).get(doc) || doc.get_object().get(topics)) return bad();
  std::vector<TopicPartition> out;
  for (auto [topic, parts] : topics) {
    simdjson::dom::array arr;
    if (parts.get_array().get(arr)) return bad();
    for (auto p : arr) {
      int64_t v;
      if (p.get_int64().get(v) || v < 0) return bad();
      out.push_back({std::string(topic), static_cast<int32_t>(v)});
    }
  }
  if (out.empty()) return bad();
  return out;
}

}  // namespace sluice::kafka
