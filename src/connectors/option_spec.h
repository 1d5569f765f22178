// OptionSpec: one option a connector takes (Spark's name, type, default,
// allowed range or values, a one-line description), and the check that runs
// over a user's options before anything is written: an unknown key is an
// error naming it with the closest known name, a value of the wrong type,
// out of range or not among the allowed values is an error naming the
// option and the value. Keys are compared case-insensitively, as Spark does.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sluice/status.h"

namespace sluice {

enum class OptionType : uint8_t {
  kString,
  kInt,       // a decimal integer in [min, max]
  kBool,      // true / false (any case)
  kEnum,      // one of `allowed` (any case)
  kChar,      // one character, or an escape as Spark's CSV options take them
  kPrefix,    // `name` is a prefix ("kafka."): every key under it is accepted
              // and handed on (to librdkafka, which checks it)
};
const char* OptionTypeName(OptionType t);

struct OptionSpec {
  std::string name;  // Spark's spelling: "maxFilesPerTrigger"
  OptionType type = OptionType::kString;
  std::string default_value;  // as text; empty: none
  std::string description;
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<std::string> allowed;  // kEnum
  bool required = false;
  std::vector<std::string> aliases;  // other accepted names ("delimiter" for "sep")

  static OptionSpec String(std::string name, std::string def, std::string description);
  static OptionSpec Int(std::string name, std::string def, int64_t min, int64_t max, std::string description);
  static OptionSpec Bool(std::string name, std::string def, std::string description);
  static OptionSpec Enum(std::string name, std::string def, std::vector<std::string> allowed,
                         std::string description);
  static OptionSpec Char(std::string name, std::string def, std::string description);
  static OptionSpec Prefix(std::string prefix, std::string description);
  OptionSpec& Required() {
    required = true;
    return *this;
  }
  OptionSpec& Alias(std::string alias) {
    aliases.push_back(std::move(alias));
    return *this;
  }
  // "1..2147483647", "PERMISSIVE | DROPMALFORMED | FAILFAST", "true | false".
  std::string RangeText() const;
};

// An option Spark has and Sluice does not implement: naming it is an error
// that says so plainly, rather than silently ignoring it.
struct UnsupportedOption {
  std::string name;
  std::string reason;  // "Sluice reads only the newest files first is not implemented"
};

// The options one connector (or one format) accepts.
struct OptionSet {
  std::vector<OptionSpec> options;
  std::vector<UnsupportedOption> unsupported;

  OptionSet& Add(OptionSpec spec) {
    options.push_back(std::move(spec));
    return *this;
  }
  OptionSet& Add(const OptionSet& other);
  OptionSet& Unsupported(std::string name, std::string reason) {
    unsupported.push_back({std::move(name), std::move(reason)});
    return *this;
  }
  // The spec of `key` (case-insensitive; aliases and prefixes included), or null.
  const OptionSpec* Find(const std::string& key) const;
};

// Checks `options` against `set`. `what` names the connector in errors:
// "source 'json'", "sink 'kafka'", "table format 'csv'". Errors:
//   unknown option 'maxFilePerTrigger' for source 'json'; did you mean
//   'maxFilesPerTrigger'? (valid options: ...)
//   option 'numPartitions' of source 'rate' must be an integer in 1..2147483647, got '0'
Status ValidateOptions(const OptionSet& set, const std::map<std::string, std::string>& options,
                       const std::string& what);

// One character, allowing the escapes Spark's CSVUtils.toChar accepts: \t,
// \n, \r, \b, \f, \", \', \\, \0 and "\u0001"-style unicode below 0x80.
Result<char> ParseOptionChar(const std::string& key, const std::string& value, bool allow_empty);

// The known name closest to `key` by edit distance (case-insensitive), or
// "" when none is close enough to be a likely misspelling.
std::string ClosestName(const std::string& key, const std::vector<std::string>& names);

}  // namespace sluice
