// Options of from_json(json, schema, map('mode', 'FAILFAST', ...)), Spark's
// third argument. There is no MAP type: the binder turns the map(...) of
// string literals into the bound call's third argument, a STRING literal
// holding the options as a JSON object with lower-cased keys, e.g.
// {"mode":"FAILFAST"}. Options other than `mode` are accepted and ignored
// (as Spark ignores options a reader does not know).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/parse_mode.h"
#include "exec/expression.h"
#include "sluice/status.h"

namespace sluice {

struct FromJsonOptions {
  // PERMISSIVE: a malformed value gives a NULL struct (a field that does not
  // fit its type: that field NULL). FAILFAST: the query fails naming the
  // value (and, when a Kafka source parses it, its topic, partition and
  // offset). DROPMALFORMED: the record is dropped; only a source that parses
  // the JSON itself (Kafka) can do that.
  ParseMode mode = ParseMode::kPermissive;
};

// {"key":"value",...} with keys lower-cased, in the given order.
std::string EncodeFromJsonOptions(const std::vector<std::pair<std::string, std::string>>& options);
// Parses and validates an encoded options string (bad mode: AnalysisError
// naming the value and the accepted ones).
Result<FromJsonOptions> DecodeFromJsonOptions(std::string_view encoded);
// The options of a bound from_json call: its third argument if any.
Result<FromJsonOptions> FromJsonOptionsOf(const Expr& call);

}  // namespace sluice
