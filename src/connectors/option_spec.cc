#include "connectors/option_spec.h"

#include <algorithm>
#include <charconv>

#include "types/data_type.h"

namespace sluice {

const char* OptionTypeName(OptionType t) {
  switch (t) {
    case OptionType::kString: return "string";
    case OptionType::kInt: return "integer";
    case OptionType::kBool: return "boolean";
    case OptionType::kEnum: return "enum";
    case OptionType::kChar: return "character";
    case OptionType::kPrefix: return "prefix";
  }
  return "?";
}

OptionSpec OptionSpec::String(std::string name, std::string def, std::string description) {
  OptionSpec s;
  s.name = std::move(name);
  s.type = OptionType::kString;
  s.default_value = std::move(def);
  s.description = std::move(description);
  return s;
}

OptionSpec OptionSpec::Int(std::string name, std::string def, int64_t min, int64_t max, std::string description) {
  OptionSpec s = String(std::move(name), std::move(def), std::move(description));
  s.type = OptionType::kInt;
  s.min = min;
  s.max = max;
  return s;
}

OptionSpec OptionSpec::Bool(std::string name, std::string def, std::string description) {
  OptionSpec s = String(std::move(name), std::move(def), std::move(description));
  s.type = OptionType::kBool;
  return s;
}

OptionSpec OptionSpec::Enum(std::string name, std::string def, std::vector<std::string> allowed,
                            std::string description) {
  OptionSpec s = String(std::move(name), std::move(def), std::move(description));
  s.type = OptionType::kEnum;
  s.allowed = std::move(allowed);
  return s;
}

OptionSpec OptionSpec::Char(std::string name, std::string def, std::string description) {
  OptionSpec s = String(std::move(name), std::move(def), std::move(description));
  s.type = OptionType::kChar;
  return s;
}

OptionSpec OptionSpec::Prefix(std::string prefix, std::string description) {
  OptionSpec s = String(std::move(prefix), "", std::move(description));
  s.type = OptionType::kPrefix;
  return s;
}

std::string OptionSpec::RangeText() const {
  switch (type) {
    case OptionType::kInt: {
      std::string lo = min == std::numeric_limits<int64_t>::min() ? "" : std::to_string(min);
      std::string hi = max == std::numeric_limits<int64_t>::max() ? "" : std::to_string(max);
      return lo + ".." + hi;
    }
    case OptionType::kBool: return "true | false";
    case OptionType::kEnum: {
      std::string s;
      for (size_t i = 0; i < allowed.size(); ++i) s += (i ? " | " : "") + allowed[i];
      return s;
    }
    case OptionType::kChar: return "one character";
    case OptionType::kPrefix: return name + "*";
    case OptionType::kString: return "";
  }
  return "";
}

OptionSet& OptionSet::Add(const OptionSet& other) {
  for (const auto& o : other.options) options.push_back(o);
  for (const auto& u : other.unsupported) unsupported.push_back(u);
  return *this;
}

const OptionSpec* OptionSet::Find(const std::string& key) const {
  for (const auto& o : options) {
    if (o.type == OptionType::kPrefix) {
      if (key.size() > o.name.size() && EqualsIgnoreCase(std::string_view(key).substr(0, o.name.size()), o.name)) {
        return &o;
      }
      continue;
    }
    if (EqualsIgnoreCase(key, o.name)) return &o;
    for (const auto& a : o.aliases) {
      if (EqualsIgnoreCase(key, a)) return &o;
    }
  }
  return nullptr;
}

namespace {

// Optimal string alignment distance (Damerau-Levenshtein with adjacent
// transpositions), case-insensitive.
size_t EditDistance(const std::string& a0, const std::string& b0) {
  std::string a = ToLower(a0), b = ToLower(b0);
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

Status CheckValue(const OptionSpec& spec, const std::string& key, const std::string& v, const std::string& what) {
  auto bad = [&](const std::string& expected) {
    return Status::InvalidArgument("option '" + key + "' of " + what + " must be " + expected + ", got '" + v + "'");
  };
  switch (spec.type) {
    case OptionType::kString:
    case OptionType::kPrefix:
      return Status::OK();
    case OptionType::kBool:
      if (EqualsIgnoreCase(v, "true") || EqualsIgnoreCase(v, "false")) return Status::OK();
      return bad("true or false");
    case OptionType::kEnum:
      for (const auto& a : spec.allowed) {
        if (EqualsIgnoreCase(v, a)) return Status::OK();
      }
      return bad("one of " + spec.RangeText());
    case OptionType::kChar: {
      auto c = ParseOptionChar(key, v, /*allow_empty=*/true);
      return c.ok() ? Status::OK() : bad("a single character (or an escape such as \\t or \\u0001)");
    }
    case OptionType::kInt: {
      int64_t x = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
      std::string range = spec.RangeText();
      std::string expected = "an integer" + (range == ".." ? std::string() : " in " + range);
      if (ec == std::errc::result_out_of_range) return bad(expected + " (the value is too large)");
      if (ec != std::errc() || end != v.data() + v.size()) return bad(expected);
      if (x < spec.min || x > spec.max) return bad(expected);
      return Status::OK();
    }
  }
  return Status::OK();
}

}  // namespace

std::string ClosestName(const std::string& key, const std::vector<std::string>& names) {
  std::string best;
  size_t best_d = std::string::npos;
  for (const auto& n : names) {
    size_t d = EditDistance(key, n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  // A likely misspelling: a few edits, fewer than half the name.
  size_t limit = std::max<size_t>(1, std::min<size_t>(3, key.size() / 2));
  if (best_d == std::string::npos || best_d > limit) return "";
  return best;
}

Result<char> ParseOptionChar(const std::string& key, const std::string& v, bool allow_empty) {
  if (v.empty()) {
    if (allow_empty) return '\0';
    return Status::InvalidArgument("option " + key + " cannot be an empty string");
  }
  if (v.size() == 1) return v[0];
  if (v.size() == 2 && v[0] == '\\') {
    switch (v[1]) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'b': return '\b';
      case 'f': return '\f';
      case '"': return '"';
      case '\'': return '\'';
      case '\\': return '\\';
      case '0': return '\0';
    }
  }
  if (v.size() == 6 && v[0] == '\\' && v[1] == 'u') {
    unsigned code = 0;
    auto [p, ec] = std::from_chars(v.data() + 2, v.data() + 6, code, 16);
    if (ec == std::errc() && p == v.data() + 6 && code < 0x80) return static_cast<char>(code);
  }
  return Status::InvalidArgument("option " + key + " must be a single character, got '" + v + "'");
}

Status ValidateOptions(const OptionSet& set, const std::map<std::string, std::string>& options,
                       const std::string& what) {
  for (const auto& [key, value] : options) {
    const OptionSpec* spec = set.Find(key);
    if (spec == nullptr) {
      for (const auto& u : set.unsupported) {
        if (EqualsIgnoreCase(u.name, key)) {
          return Status::InvalidArgument("option '" + key + "' of " + what + " is not supported by Sluice: " +
                                        u.reason);
        }
      }
      std::vector<std::string> names;
      std::string valid;
      for (const auto& o : set.options) {
        std::string shown = o.type == OptionType::kPrefix ? o.name + "*" : o.name;
        names.push_back(o.name);
        for (const auto& a : o.aliases) names.push_back(a);
        valid += (valid.empty() ? "" : ", ") + shown;
      }
      std::string closest = ClosestName(key, names);
      return Status::InvalidArgument("unknown option '" + key + "' for " + what +
                                     (closest.empty() ? std::string() : "; did you mean '" + closest + "'?") +
                                     " (valid options: " + (valid.empty() ? "none" : valid) + ")");
    }
    SLUICE_RETURN_NOT_OK(CheckValue(*spec, key, value, what));
  }
  for (const auto& o : set.options) {
    if (!o.required) continue;
    bool present = false;
    for (const auto& [key, value] : options) present |= set.Find(key) == &o;
    if (!present) {
      return Status::InvalidArgument(what + " needs option '" + o.name + "' (" + o.description + ")");
    }
  }
  return Status::OK();
}

}  // namespace sluice
