// Small helpers over simdjson's DOM for reading checkpoint JSON lines with
// errors that name the file, the line and the field.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/status.h"

namespace sluice::checkpoint_json {

// Where a JSON line came from, for messages: "<path> line <n>".
struct Where {
  const std::string& path;
  int line;  // 1-based, counting the version line
  std::string str() const { return path + " line " + std::to_string(line); }
};

Status ParseLine(simdjson::dom::parser& parser, const Where& where, std::string_view text,
                 simdjson::dom::element* out);
Status GetObject(const simdjson::dom::element& e, const Where& where, simdjson::dom::object* out);
Status GetInt64Field(const simdjson::dom::object& obj, const Where& where, std::string_view key,
                     int64_t* out);
Status GetStringField(const simdjson::dom::object& obj, const Where& where, std::string_view key,
                      std::string* out);

}  // namespace sluice::checkpoint_json
