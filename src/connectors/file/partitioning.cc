#include "connectors/file/partitioning.h"

#include <algorithm>
#include <cctype>

#include "types/datetime.h"
#include "types/text_value_parser.h"
#include "types/value.h"

namespace sluice {

namespace {

bool NeedsEscaping(unsigned char c) {
  if (c >= 0x01 && c <= 0x1F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case 0x7F:
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Java's BigDecimal(String) when the number has no digits after the point
// once its exponent is applied (scale <= 0): its integer value's digits,
// sign aside ("1e5" -> "100000"); nullopt otherwise.
std::optional<std::string> IntegralDecimalDigits(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  std::string digits(s.substr(int_start, i - int_start));
  int64_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t f = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    fraction = static_cast<int64_t>(i - f);
    digits += s.substr(f, i - f);
  }
  if (digits.empty()) return std::nullopt;
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    size_t e = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - e < 6) {
      exponent = exponent * 10 + (s[i] - '0');
      ++i;
    }
    if (i == e) return std::nullopt;
    if (neg) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  int64_t scale = fraction - exponent;
  if (scale > 0) return std::nullopt;
  if (-scale > DataType::kMaxDecimalPrecision) return std::nullopt;
  digits.append(static_cast<size_t>(-scale), '0');
  size_t nz = digits.find_first_not_of('0');
  digits = nz == std::string::npos ? "0" : digits.substr(nz);
  return digits;
}

// Java's Double.parseDouble: surrounding whitespace (<= ' ') trimmed, an
// optional d/D/f/F suffix after a number.
bool JavaParseDouble(std::string_view s, double* out) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  if (ParseDoubleText(s, out)) return true;
  if (s.size() >= 2 && std::string_view("dDfF").find(s.back()) != std::string_view::npos &&
      std::isdigit(static_cast<unsigned char>(s[s.size() - 2])) != 0) {
    s.remove_suffix(1);
    return ParseDoubleText(s, out);
  }
  return false;
}

// yyyy-MM-dd exactly (Spark's partition date format).
std::optional<int32_t> ParsePartitionDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) ||
      !AllDigits(s.substr(8, 2))) {
    return std::nullopt;
  }
  return ParseDate(s);
}

// yyyy-MM-dd HH:mm:ss[.f{1,9}] (Spark's partition timestamp format).
std::optional<int64_t> ParsePartitionTimestamp(std::string_view s) {
  if (s.size() < 19 || !ParsePartitionDate(s.substr(0, 10)) || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
      !AllDigits(s.substr(11, 2)) || !AllDigits(s.substr(14, 2)) || !AllDigits(s.substr(17, 2))) {
    return std::nullopt;
  }
  if (s.size() > 19 && (s[19] != '.' || s.size() > 29 || !AllDigits(s.substr(20)))) return std::nullopt;
  return ParseTimestamp(s);
}

int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kInt:
      return 1;
    case TypeId::kBigint:
      return 2;
    case TypeId::kDecimal:
      return 3;
    case TypeId::kDouble:
      return 4;
    default:
      return 0;
  }
}

// Integral types as decimals (Spark's DecimalType.forType).
DataType AsDecimal(const DataType& t) {
  if (t.id() == TypeId::kInt) return DataType::Decimal(10, 0);
  if (t.id() == TypeId::kBigint) return DataType::Decimal(20, 0);
  return t;
}

}  // namespace

std::string EscapePartitionPathName(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (NeedsEscaping(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string UnescapePartitionPathName(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string PartitionDirectoryName(const std::string& column, const Value& v) {
  std::string text = v.is_null() ? "" : v.ToString();
  return EscapePartitionPathName(column) + "=" + (text.empty() ? kDefaultPartitionName : EscapePartitionPathName(text));
}

Result<std::vector<std::pair<std::string, std::string>>> ParsePartitionPath(std::string_view relative_path) {
  std::vector<std::string_view> dirs;
  for (size_t pos = 0; pos < relative_path.size();) {
    size_t slash = relative_path.find('/', pos);
    if (slash == std::string_view::npos) break;  // the last component is the file
    if (slash > pos) dirs.push_back(relative_path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  // Non-partition directories at the bottom (below every col=value) are
  // ignored, as Spark ignores them.
  while (!dirs.empty() && dirs.back().find('=') == std::string_view::npos) dirs.pop_back();
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view d : dirs) {
    size_t eq = d.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("directory '" + std::string(d) + "' in " + std::string(relative_path) +
                                     " sits above partition directories (name=value) but is not one itself: "
                                     "read the directory below it, or give the option basePath");
    }
    std::string name = UnescapePartitionPathName(d.substr(0, eq));
    std::string_view raw = d.substr(eq + 1);
    if (name.empty()) {
      return Status::InvalidArgument("empty partition column name in '" + std::string(d) + "' (" +
                                     std::string(relative_path) + ")");
    }
    if (raw.empty()) {
      return Status::InvalidArgument("empty partition column value in '" + std::string(d) + "' (" +
                                     std::string(relative_path) + ")");
    }
    out.emplace_back(std::move(name), std::string(raw));
  }
  return out;
}

DataType InferPartitionValueType(std::string_view raw) {
  if (raw == kDefaultPartitionName) return DataType::Null();
  int32_t i32;
  if (ParseInt32Text(raw, &i32)) return DataType::Int();
  int64_t i64;
  if (ParseInt64Text(raw, &i64)) return DataType::Bigint();
  if (auto digits = IntegralDecimalDigits(raw)) {
    if (static_cast<int>(digits->size()) <= DataType::kMaxDecimalPrecision) {
      return DataType::Decimal(static_cast<int>(digits->size()), 0);
    }
  }
  double d;
  if (JavaParseDouble(raw, &d)) return DataType::Double();
  std::string unescaped = UnescapePartitionPathName(raw);
  if (ParsePartitionTimestamp(unescaped)) return DataType::Timestamp();
  if (ParsePartitionDate(unescaped)) return DataType::Date();
  return DataType::String();
}

DataType MergePartitionTypes(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  int ra = NumericRank(a.id());
  int rb = NumericRank(b.id());
  if (ra > 0 && rb > 0) {
    if (ra == 4 || rb == 4) return DataType::Double();
    if (ra == 3 || rb == 3) {
      DataType da = AsDecimal(a);
      DataType db = AsDecimal(b);
      int p = std::max(da.precision(), db.precision());
      if (p > DataType::kMaxDecimalPrecision) return DataType::Double();
      return DataType::Decimal(p, 0);
    }
    return DataType::Bigint();
  }
  auto is_datetime = [](const DataType& t) { return t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp; };
  if (is_datetime(a) && is_datetime(b)) return DataType::Timestamp();
  return DataType::String();
}

Result<Value> PartitionValueOf(std::string_view raw, const DataType& type, const std::string& column) {
  if (raw == kDefaultPartitionName) return Value::Null(type);
  std::string text = UnescapePartitionPathName(raw);
  auto bad = [&]() {
    return Status::InvalidArgument("partition directory " + column + "=" + std::string(raw) + ": the value '" +
                                   text + "' is not a valid " + type.ToString() + " (the partition column " +
                                   column + " is " + type.ToString() + ")");
  };
  switch (type.id()) {
    case TypeId::kString:
      return Value::String(std::move(text));
    case TypeId::kInt: {
      int32_t v;
      if (!ParseInt32Text(text, &v)) return bad();
      return Value::Int(v);
    }
    case TypeId::kBigint: {
      int64_t v;
      if (!ParseInt64Text(text, &v)) return bad();
      return Value::Bigint(v);
    }
    case TypeId::kDouble: {
      double v;
      if (!JavaParseDouble(text, &v)) return bad();
      return Value::Double(v);
    }
    case TypeId::kDecimal: {
      int128_t v;
      std::string_view t = text;
      std::optional<std::string> digits;
      if (!ParseDecimalText(t, type.precision(), type.scale(), &v)) {
        // 1e5 and the like.
        digits = IntegralDecimalDigits(t);
        bool neg = !t.empty() && t[0] == '-';
        if (!digits || !ParseDecimalText((neg ? "-" : "") + *digits, type.precision(), type.scale(), &v)) {
          return bad();
        }
      }
      return Value::Decimal(v, type.precision(), type.scale());
    }
    case TypeId::kBoolean: {
      bool v;
      if (!ParseBooleanText(text, &v)) return bad();
      return Value::Boolean(v);
    }
    case TypeId::kDate: {
      auto v = ParseDate(text);
      if (!v) return bad();
      return Value::Date(*v);
    }
    case TypeId::kTimestamp: {
      auto v = ParseTimestamp(text);
      if (!v) return bad();
      return Value::Timestamp(*v);
    }
    case TypeId::kBinary:
      return Value::Binary(std::move(text));
    default:
      return Status::InvalidArgument("partition column " + column + " cannot be of type " + type.ToString() +
                                     " (a partition value is a directory name)");
  }
}

Result<DiscoveredPartitions> DiscoverPartitions(const std::vector<PartitionedFile>& files,
                                                const Schema* user_schema) {
  DiscoveredPartitions out;
  out.values.resize(files.size());
  out.excluded.assign(files.size(), false);
  std::vector<std::vector<std::pair<std::string, std::string>>> parsed(files.size());
  // The first partitioned file sets the column names; the others must agree.
  std::optional<size_t> first;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    std::string_view rel = f.path;
    std::string prefix = f.base_dir;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    if (prefix.empty() || rel.substr(0, prefix.size()) != prefix) continue;  // not under a base directory
    rel.remove_prefix(prefix.size());
    SLUICE_ASSIGN_OR_RETURN(parsed[i], ParsePartitionPath(rel));
    if (parsed[i].empty()) continue;
    if (!first) {
      first = i;
      continue;
    }
    const auto& a = parsed[*first];
    const auto& b = parsed[i];
    bool same = a.size() == b.size();
    for (size_t c = 0; same && c < a.size(); ++c) same = EqualsIgnoreCase(a[c].first, b[c].first);
    if (!same) {
      auto names = [](const std::vector<std::pair<std::string, std::string>>& cols) {
        std::string s;
        for (const auto& [n, v] : cols) s += (s.empty() ? "" : ", ") + n;
        return s;
      };
      auto dir_of = [](const std::string& p) { return p.substr(0, p.rfind('/')); };
      return Status::AnalysisError(
          "[CONFLICTING_PARTITION_COLUMN_NAMES] Conflicting partition column names detected:\n"
          "\tPartition column name list #0: " + names(a) + "\n\tPartition column name list #1: " + names(b) +
          "\nFor partitioned table directories, data files should only live in leaf directories, and "
          "directories at the same level should have the same partition column name. Check these directories "
          "for unexpected files or inconsistent partition column names:\n\t" + dir_of(files[*first].path) +
          "\n\t" + dir_of(f.path));
    }
  }
  if (!first) return out;
  const auto& cols = parsed[*first];
  for (size_t c = 0; c < cols.size(); ++c) {
    const std::string& name = cols[c].first;
    std::optional<DataType> type;
    if (user_schema != nullptr) {
      int idx = user_schema->IndexOf(name);
      if (idx >= 0) type = user_schema->field(static_cast<size_t>(idx)).type;
    }
    if (!type) {
      DataType t = DataType::Null();
      for (const auto& p : parsed) {
        if (!p.empty()) t = MergePartitionTypes(t, InferPartitionValueType(p[c].second));
      }
      type = t.is_null() ? DataType::String() : t;
    }
    out.schema.Add(StructField{name, *type, true});
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (parsed[i].empty()) {
      out.excluded[i] = true;
      continue;
    }
    auto& vals = out.values[i];
    for (size_t c = 0; c < cols.size(); ++c) {
      auto v = PartitionValueOf(parsed[i][c].second, out.schema.field(c).type, out.schema.field(c).name);
      if (!v.ok()) {
        return v.status().WithContext(files[i].path);
      }
      vals.push_back(std::move(*v));
    }
  }
  return out;
}

Result<DiscoveredPartitions> DiscoverFilePartitions(const std::vector<FileInfo>& files, const Schema* user_schema,
                                                    const std::string& base_path) {
  std::vector<PartitionedFile> pf;
  pf.reserve(files.size());
  std::string base = base_path;
  if (base.size() > 1 && base.back() == '/') base.pop_back();
  for (const auto& f : files) {
    if (!base.empty()) {
      if (f.path.compare(0, base.size() + 1, base + "/") != 0) {
        return Status::InvalidArgument("Wrong basePath " + base_path + " for the file " + f.path +
                                       ": the option basePath must be a directory above every path read");
      }
      pf.push_back({base, f.path});
    } else {
      pf.push_back({f.base_dir, f.path});
    }
  }
  return DiscoverPartitions(pf, user_schema);
}

Status AttachPartitionValues(std::vector<FileInfo>* files, const Schema& partition_schema,
                             const std::string& base_path) {
  if (partition_schema.size() == 0) return Status::OK();
  SLUICE_ASSIGN_OR_RETURN(DiscoveredPartitions d, DiscoverFilePartitions(*files, &partition_schema, base_path));
  // Where each of the table's partition columns sits among the directories'.
  std::vector<int> from(partition_schema.size(), -1);
  for (size_t c = 0; c < partition_schema.size(); ++c) from[c] = d.schema.IndexOf(partition_schema.field(c).name);
  std::vector<FileInfo> kept;
  kept.reserve(files->size());
  for (size_t i = 0; i < files->size(); ++i) {
    if (d.excluded[i]) continue;
    auto values = std::make_shared<std::vector<Value>>();
    for (size_t c = 0; c < partition_schema.size(); ++c) {
      const DataType& t = partition_schema.field(c).type;
      if (from[c] < 0 || d.values[i].empty()) {
        values->push_back(Value::Null(t));
        continue;
      }
      const Value& v = d.values[i][static_cast<size_t>(from[c])];
      if (!(v.type() == t) && !v.is_null()) {
        return Status::Internal("partition value of " + partition_schema.field(c).name + " has type " +
                                v.type().ToString() + ", expected " + t.ToString());
      }
      values->push_back(v.is_null() ? Value::Null(t) : v);
    }
    FileInfo f = std::move((*files)[i]);
    f.partition_values = std::move(values);
    kept.push_back(std::move(f));
  }
  *files = std::move(kept);
  return Status::OK();
}

}  // namespace sluice
