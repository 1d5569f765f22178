#include "exec/functions/json_options.h"

#include <simdjson.h>

#include "common/json_writer.h"
#include "types/data_type.h"

namespace sluice {

std::string EncodeFromJsonOptions(const std::vector<std::pair<std::string, std::string>>& options) {
  JsonWriter w;
  w.BeginObject();
  for (const auto& [k, v] : options) w.Key(ToLower(k)).String(v);
  w.EndObject();
  return w.Take();
}

Result<FromJsonOptions> DecodeFromJsonOptions(std::string_view encoded) {
  FromJsonOptions o;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(encoded.data(), encoded.size(), true).get(obj) != simdjson::SUCCESS) {
    return Status::AnalysisError("from_json: malformed options '" + std::string(encoded) + "'");
  }
  for (auto [key, value] : obj) {
    std::string_view v;
    if (value.get(v) != simdjson::SUCCESS) {
      return Status::AnalysisError("from_json: option '" + std::string(key) + "' must be a string");
    }
    if (key == "mode") {
      auto m = ParseModeFromName(v);
      if (!m) {
        return Status::AnalysisError("from_json: option mode '" + std::string(v) +
                                     "' is not one of PERMISSIVE, DROPMALFORMED, FAILFAST");
      }
      o.mode = *m;
    }
  }
  return o;
}

Result<FromJsonOptions> FromJsonOptionsOf(const Expr& call) {
  if (call.args.size() < 3) return FromJsonOptions{};
  const Expr& a = *call.args[2];
  if (a.kind != ExprKind::kLiteral || a.literal.is_null() || a.type.id() != TypeId::kString) {
    return Status::AnalysisError("from_json: the options must be map('key', 'value', ...) of string literals");
  }
  return DecodeFromJsonOptions(a.literal.str_value());
}

}  // namespace sluice
