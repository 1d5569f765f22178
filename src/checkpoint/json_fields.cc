#include "checkpoint/json_fields.h"

namespace sluice::checkpoint_json {

Status ParseLine(simdjson::dom::parser& parser, const Where& where, std::string_view text,
                 simdjson::dom::element* out) {
  auto err = parser.parse(text.data(), text.size(), true).get(*out);
  if (err) {
    return Status::Corruption("log file " + where.str() + " is not valid JSON: " +
                              simdjson::error_message(err));
  }
  return Status::OK();
}

Status GetObject(const simdjson::dom::element& e, const Where& where,
                 simdjson::dom::object* out) {
  if (e.get_object().get(*out)) {
    return Status::Corruption("log file " + where.str() + " must be a JSON object");
  }
  return Status::OK();
}

Status GetInt64Field(const simdjson::dom::object& obj, const Where& where, std::string_view key,
                     int64_t* out) {
  simdjson::dom::element v;
  if (obj.at_key(key).get(v)) {
    return Status::Corruption("log file " + where.str() + " lacks the field \"" +
                              std::string(key) + "\"");
  }
  if (v.get_int64().get(*out)) {
    return Status::Corruption("log file " + where.str() + ": field \"" + std::string(key) +
                              "\" must be a 64-bit integer");
  }
  return Status::OK();
}

Status GetStringField(const simdjson::dom::object& obj, const Where& where, std::string_view key,
                      std::string* out) {
  simdjson::dom::element v;
  if (obj.at_key(key).get(v)) {
    return Status::Corruption("log file " + where.str() + " lacks the field \"" +
                              std::string(key) + "\"");
  }
  std::string_view sv;
  if (v.get_string().get(sv)) {
    return Status::Corruption("log file " + where.str() + ": field \"" + std::string(key) +
                              "\" must be a string");
  }
  *out = std::string(sv);
  return Status::OK();
}

}  // namespace sluice::checkpoint_json
