// Arrow C Data Interface arrays -> engine batches (arrow/arrow_batch.h).
//
// The stream's schema is read once into an ImportType tree (the Sluice type
// of each column plus how its Arrow values are laid out); then every record
// batch is copied into engine vectors in slices of at most kBatchSize rows.
// Arrow's offsets are honoured at every level: a child of a struct is read
// at its parent's logical index plus its own offset.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arrow/arrow_batch.h"
#include "vector/vector.h"

namespace sluice {
namespace {

enum class Kind {
  kNull,
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat16,
  kFloat32,
  kFloat64,
  kDecimal,  // width bytes: 4, 8, 16 or 32
  kString32,
  kString64,
  kStringView,
  kFixedBinary,  // width bytes
  kDate32,
  kDate64,
  kTimestamp,  // unit: seconds per value = 10^-scale (0 s, 3 ms, 6 us, 9 ns)
  kList32,
  kList64,
  kFixedList,  // width elements
  kStruct,
};

struct ImportType {
  DataType type;
  Kind kind = Kind::kNull;
  int width = 0;
  int unit_digits = 6;
  bool nullable = true;  // ARROW_FLAG_NULLABLE: a NULL in a field declared otherwise is an error
  std::vector<ImportType> children;
  // Dictionary-encoded: `kind` is the indices' integer kind and `dictionary`
  // the values' type (whose `type` is also this column's type).
  std::shared_ptr<ImportType> dictionary;
};

// A readable name of an Arrow format string, for errors.
std::string ArrowTypeName(const std::string& f) {
  static const std::map<std::string, std::string> simple = {
      {"n", "null"},          {"b", "bool"},          {"c", "int8"},           {"C", "uint8"},
      {"s", "int16"},         {"S", "uint16"},        {"i", "int32"},          {"I", "uint32"},
      {"l", "int64"},         {"L", "uint64"},        {"e", "halffloat"},      {"f", "float"},
      {"g", "double"},        {"z", "binary"},        {"Z", "large_binary"},   {"vz", "binary_view"},
      {"u", "string"},        {"U", "large_string"},  {"vu", "string_view"},   {"tdD", "date32[day]"},
      {"tdm", "date64[ms]"},  {"tts", "time32[s]"},   {"ttm", "time32[ms]"},   {"ttu", "time64[us]"},
      {"ttn", "time64[ns]"},  {"tDs", "duration[s]"}, {"tDm", "duration[ms]"}, {"tDu", "duration[us]"},
      {"tDn", "duration[ns]"}, {"tiM", "month_interval"}, {"tiD", "day_time_interval"},
      {"tin", "month_day_nano_interval"}, {"+l", "list"}, {"+L", "large_list"}, {"+vl", "list_view"},
      {"+vL", "large_list_view"}, {"+s", "struct"}, {"+m", "map"}, {"+r", "run_end_encoded"}};
  auto it = simple.find(f);
  if (it != simple.end()) return it->second;
  if (f.rfind("+ud:", 0) == 0) return "dense_union";
  if (f.rfind("+us:", 0) == 0) return "sparse_union";
  if (f.rfind("ts", 0) == 0 && f.size() >= 4) {
    static const std::map<char, std::string> units = {{'s', "s"}, {'m', "ms"}, {'u', "us"}, {'n', "ns"}};
    auto u = units.find(f[2]);
    std::string tz = f.substr(4);
    return "timestamp[" + (u != units.end() ? u->second : std::string(1, f[2])) + (tz.empty() ? "" : ", tz=" + tz) +
           "]";
  }
  if (f.rfind("d:", 0) == 0) return "decimal(" + f.substr(2) + ")";
  if (f.rfind("w:", 0) == 0) return "fixed_size_binary[" + f.substr(2) + "]";
  if (f.rfind("+w:", 0) == 0) return "fixed_size_list[" + f.substr(3) + "]";
  return "format '" + f + "'";
}

Status Unsupported(const std::string& column, const std::string& format, const std::string& why = "") {
  return Status::InvalidArgument("column '" + column + "': Arrow type " + ArrowTypeName(format) +
                                 (why.empty() ? " has no Sluice type" : ": " + why) +
                                 " (Sluice's types: boolean, int, bigint, double, decimal, string, binary, date, "
                                 "timestamp, array, struct)");
}

bool ParseInt(const std::string& s, int* out) {
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Integer kinds of Arrow formats (dictionary indices use the same).
bool IntegerKind(const std::string& f, Kind* kind) {
  static const std::map<std::string, Kind> kinds = {
      {"c", Kind::kInt8},   {"s", Kind::kInt16},   {"i", Kind::kInt32},   {"l", Kind::kInt64},
      {"C", Kind::kUInt8},  {"S", Kind::kUInt16},  {"I", Kind::kUInt32},  {"L", Kind::kUInt64}};
  auto it = kinds.find(f);
  if (it == kinds.end()) return false;
  *kind = it->second;
  return true;
}

Result<ImportType> ParseType(const ArrowSchema* s, const std::string& column);

Result<ImportType> ParseValueType(const ArrowSchema* s, const std::string& column) {
  if (s->format == nullptr) return Status::InvalidArgument("column '" + column + "': Arrow schema without a format");
  const std::string f = s->format;
  ImportType t;
  Kind ik;
  if (IntegerKind(f, &ik)) {
    t.kind = ik;
    bool wide = ik == Kind::kInt64 || ik == Kind::kUInt32 || ik == Kind::kUInt64;
    t.type = wide ? DataType::Bigint() : DataType::Int();
    return t;
  }
  static const std::map<std::string, std::pair<Kind, DataType>> simple = {
      {"n", {Kind::kNull, DataType::Null()}},
      {"b", {Kind::kBool, DataType::Boolean()}},
      {"e", {Kind::kFloat16, DataType::Double()}},
      {"f", {Kind::kFloat32, DataType::Double()}},
      {"g", {Kind::kFloat64, DataType::Double()}},
      {"u", {Kind::kString32, DataType::String()}},
      {"U", {Kind::kString64, DataType::String()}},
      {"vu", {Kind::kStringView, DataType::String()}},
      {"z", {Kind::kString32, DataType::Binary()}},
      {"Z", {Kind::kString64, DataType::Binary()}},
      {"vz", {Kind::kStringView, DataType::Binary()}},
      {"tdD", {Kind::kDate32, DataType::Date()}},
      {"tdm", {Kind::kDate64, DataType::Date()}},
  };
  if (auto it = simple.find(f); it != simple.end()) {
    t.kind = it->second.first;
    t.type = it->second.second;
    return t;
  }
  if (f.size() >= 4 && f.rfind("ts", 0) == 0 && f[3] == ':') {
    static const std::map<char, int> digits = {{'s', 0}, {'m', 3}, {'u', 6}, {'n', 9}};
    auto it = digits.find(f[2]);
    if (it == digits.end()) return Unsupported(column, f);
    t.kind = Kind::kTimestamp;
    t.unit_digits = it->second;
    t.type = DataType::Timestamp();
    return t;
  }
  if (f.rfind("d:", 0) == 0) {
    // d:precision,scale[,bitwidth]
    std::vector<std::string> parts;
    size_t pos = 2;
    while (true) {
      size_t comma = f.find(',', pos);
      parts.push_back(f.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    int precision = 0, scale = 0, bits = 128;
    if (parts.size() < 2 || parts.size() > 3 || !ParseInt(parts[0], &precision) ||
        (!ParseInt(parts[1], &scale) && !(parts[1].size() > 1 && parts[1][0] == '-')) ||
        (parts.size() == 3 && !ParseInt(parts[2], &bits))) {
      return Unsupported(column, f, "malformed decimal format");
    }
    if (parts[1][0] == '-') return Unsupported(column, f, "a negative scale is not supported");
    if (bits != 32 && bits != 64 && bits != 128 && bits != 256) return Unsupported(column, f);
    if (precision < 1 || precision > DataType::kMaxDecimalPrecision || scale > precision) {
      return Unsupported(column, f, "DECIMAL takes a precision of 1 to 38 and a scale no larger than it");
    }
    t.kind = Kind::kDecimal;
    t.width = bits / 8;
    t.type = DataType::Decimal(precision, scale);
    return t;
  }
  if (f.rfind("w:", 0) == 0) {
    if (!ParseInt(f.substr(2), &t.width)) return Unsupported(column, f);
    t.kind = Kind::kFixedBinary;
    t.type = DataType::Binary();
    return t;
  }
  if (f == "+l" || f == "+L" || f.rfind("+w:", 0) == 0) {
    if (s->n_children != 1) return Unsupported(column, f, "a list without one child");
    if (f == "+l") {
      t.kind = Kind::kList32;
    } else if (f == "+L") {
      t.kind = Kind::kList64;
    } else {
      if (!ParseInt(f.substr(3), &t.width)) return Unsupported(column, f);
      t.kind = Kind::kFixedList;
    }
    SLUICE_ASSIGN_OR_RETURN(ImportType element, ParseType(s->children[0], column + ".element"));
    bool contains_null = (s->children[0]->flags & ARROW_FLAG_NULLABLE) != 0;
    t.type = DataType::Array(element.type, contains_null);
    t.children.push_back(std::move(element));
    return t;
  }
  if (f == "+s") {
    t.kind = Kind::kStruct;
    std::vector<StructField> fields;
    for (int64_t i = 0; i < s->n_children; ++i) {
      const ArrowSchema* c = s->children[i];
      std::string name = c->name != nullptr ? c->name : "";
      SLUICE_ASSIGN_OR_RETURN(ImportType child, ParseType(c, column + "." + name));
      fields.push_back(StructField{name, child.type, (c->flags & ARROW_FLAG_NULLABLE) != 0});
      t.children.push_back(std::move(child));
    }
    t.type = DataType::Struct(std::move(fields));
    return t;
  }
  return Unsupported(column, f);
}

Result<ImportType> ParseType(const ArrowSchema* s, const std::string& column) {
  if (s->dictionary == nullptr) {
    SLUICE_ASSIGN_OR_RETURN(ImportType t, ParseValueType(s, column));
    t.nullable = (s->flags & ARROW_FLAG_NULLABLE) != 0;
    return t;
  }
  ImportType t;
  t.nullable = (s->flags & ARROW_FLAG_NULLABLE) != 0;
  if (s->format == nullptr || !IntegerKind(s->format, &t.kind)) {
    return Unsupported(column, s->format != nullptr ? s->format : "", "dictionary indices that are not integers");
  }
  SLUICE_ASSIGN_OR_RETURN(ImportType values, ParseValueType(s->dictionary, column));
  t.type = values.type;
  t.dictionary = std::make_shared<ImportType>(std::move(values));
  return t;
}

// ------------------------------------------------------------------ fill ---

template <typename T>
T Load(const void* buffer, int64_t index) {
  T v;
  std::memcpy(&v, static_cast<const uint8_t*>(buffer) + index * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return v;
}

bool ValidAt(const ArrowArray* a, int64_t j) {
  if (a->n_buffers == 0 || a->buffers[0] == nullptr || a->null_count == 0) return true;
  auto* bits = static_cast<const uint8_t*>(a->buffers[0]);
  return (bits[j >> 3] >> (j & 7)) & 1;
}

double HalfToDouble(uint16_t h) {
  int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  double v;
  if (exp == 0) {
    v = std::ldexp(frac, -24);
  } else if (exp == 31) {
    v = frac == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  } else {
    v = std::ldexp(frac + 1024, exp - 25);
  }
  return sign ? -v : v;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Integer at index j of an integer kind, as int64 (uint64 above the range:
// `overflow` set).
int64_t LoadInteger(Kind kind, const void* buffer, int64_t j, bool* overflow) {
  switch (kind) {
    case Kind::kInt8: return Load<int8_t>(buffer, j);
    case Kind::kInt16: return Load<int16_t>(buffer, j);
    case Kind::kInt32: return Load<int32_t>(buffer, j);
    case Kind::kInt64: return Load<int64_t>(buffer, j);
    case Kind::kUInt8: return Load<uint8_t>(buffer, j);
    case Kind::kUInt16: return Load<uint16_t>(buffer, j);
    case Kind::kUInt32: return Load<uint32_t>(buffer, j);
    case Kind::kUInt64: {
      uint64_t v = Load<uint64_t>(buffer, j);
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) *overflow = true;
      return static_cast<int64_t>(v);
    }
    default: return 0;
  }
}

// Bytes per value when the Arrow values have the engine's layout for
// t.type, else 0.
int SameLayoutWidth(const ImportType& t) {
  switch (t.kind) {
    case Kind::kInt32:
    case Kind::kDate32: return 4;
    case Kind::kInt64:
    case Kind::kFloat64: return 8;
    case Kind::kTimestamp: return t.unit_digits == 6 ? 8 : 0;
    case Kind::kDecimal: return t.width == 16 ? 16 : 0;
    default: return 0;
  }
}

struct FillContext {
  // Decoded dictionaries of the current record batch, by their array.
  std::map<const ArrowArray*, Vector> dictionaries;
  // Row number in the whole stream of this slice's row 0, for errors; -1
  // inside array elements (errors then name no row).
  int64_t first_row = 0;
};

Status CheckNullable(const ImportType& t, const Vector& v, const std::string& column, const FillContext& ctx) {
  if (t.nullable || !v.MayHaveNulls() || t.type.is_null()) return Status::OK();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.IsNull(i)) {
      std::string where = ctx.first_row >= 0 ? "row " + std::to_string(ctx.first_row + static_cast<int64_t>(i))
                                             : std::string("an element");
      return Status::InvalidArgument("column '" + column + "': declared not nullable in the Arrow schema, but " +
                                     where + " is NULL");
    }
  }
  return Status::OK();
}

// The array has `n` buffers, and its values (or offsets) buffer, buffer 1,
// is there when it has rows. Other buffers may be null when empty (string
// data of empty strings): their readers check.
Status CheckBuffers(const ArrowArray* a, int64_t n, const std::string& column, bool values_may_be_empty = false) {
  if (a->n_buffers < n) {
    return Status::InvalidArgument("column '" + column + "': Arrow array with " + std::to_string(a->n_buffers) +
                                   " buffers, expected " + std::to_string(n));
  }
  if (n > 1 && a->buffers[1] == nullptr && a->length > 0 && !values_may_be_empty) {
    return Status::InvalidArgument("column '" + column + "': Arrow array buffer 1 is missing");
  }
  return Status::OK();
}

// Rows [start, start + count) of `a` (its own offset added) into `out`, a
// fresh vector of t.type holding `count` valid zeroed rows. May replace
// *out (dictionaries).
Status Fill(const ImportType& t, const ArrowArray* a, int64_t start, int64_t count, const std::string& column,
            FillContext& ctx, Vector* out) {
  if (start < 0 || count < 0 || a->offset + start + count > a->offset + a->length) {
    return Status::InvalidArgument("column '" + column + "': Arrow array of length " + std::to_string(a->length) +
                                   " read at rows " + std::to_string(start) + ".." + std::to_string(start + count));
  }
  const int64_t base = a->offset + start;
  if (t.kind == Kind::kNull && t.dictionary == nullptr) {
    for (int64_t i = 0; i < count; ++i) out->SetNull(static_cast<size_t>(i));
    return Status::OK();
  }
  if (a->null_count != 0 && a->n_buffers > 0 && a->buffers[0] != nullptr) {
    for (int64_t i = 0; i < count; ++i) {
      if (!ValidAt(a, base + i)) out->SetNull(static_cast<size_t>(i));
    }
  }
  auto row_error = [&](int64_t i, const std::string& what) {
    return Status::InvalidArgument("column '" + column + "'" +
                                   (ctx.first_row >= 0 ? ", row " + std::to_string(ctx.first_row + i) : std::string()) +
                                   ": " + what);
  };

  if (t.dictionary != nullptr) {
    SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column));
    if (a->dictionary == nullptr) {
      return Status::InvalidArgument("column '" + column + "': dictionary-encoded Arrow array without its dictionary");
    }
    auto it = ctx.dictionaries.find(a->dictionary);
    if (it == ctx.dictionaries.end()) {
      Vector values(t.type, static_cast<size_t>(a->dictionary->length));
      FillContext inner;
      inner.first_row = -1;
      SLUICE_RETURN_NOT_OK(Fill(*t.dictionary, a->dictionary, 0, a->dictionary->length, column + " (dictionary)",
                                inner, &values));
      it = ctx.dictionaries.emplace(a->dictionary, std::move(values)).first;
    }
    const Vector& values = it->second;
    std::vector<uint32_t> rows(static_cast<size_t>(count), 0);
    std::vector<size_t> nulls;
    for (int64_t i = 0; i < count; ++i) {
      if (!ValidAt(a, base + i)) {
        nulls.push_back(static_cast<size_t>(i));
        continue;
      }
      bool overflow = false;
      int64_t index = LoadInteger(t.kind, a->buffers[1], base + i, &overflow);
      if (overflow || index < 0 || index >= static_cast<int64_t>(values.size())) {
        return row_error(i, "dictionary index out of the dictionary's " + std::to_string(values.size()) + " values");
      }
      rows[static_cast<size_t>(i)] = static_cast<uint32_t>(index);
    }
    if (values.size() == 0) {
      // Every row is null (checked above); `out` already says so.
      return Status::OK();
    }
    *out = values.Gather(rows.data(), rows.size());
    for (size_t i : nulls) out->SetNull(i);
    return CheckNullable(t, *out, column, ctx);
  }

  // The engine's own layout (int32, int64, double, date32, timestamp[us],
  // decimal128): one copy of the slice's values.
  if (int width = SameLayoutWidth(t); width > 0) {
    SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column));
    if (count > 0) {
      std::memcpy(out->data<uint8_t>(), static_cast<const uint8_t*>(a->buffers[1]) + base * width,
                  static_cast<size_t>(count * width));
    }
    return CheckNullable(t, *out, column, ctx);
  }
  // string / binary with offsets: the slice's bytes copied at once into the
  // vector's heap, the views pointing into that copy.
  if (t.kind == Kind::kString32 || t.kind == Kind::kString64) {
    SLUICE_RETURN_NOT_OK(CheckBuffers(a, 3, column));
    auto offset_at = [&](int64_t j) -> int64_t {
      return t.kind == Kind::kString32 ? Load<int32_t>(a->buffers[1], j) : Load<int64_t>(a->buffers[1], j);
    };
    int64_t first = count > 0 ? offset_at(base) : 0, last = count > 0 ? offset_at(base + count) : 0;
    auto slice_error = [&](const std::string& what) {
      std::string rows = ctx.first_row >= 0 ? ", rows " + std::to_string(ctx.first_row) + ".." +
                                                  std::to_string(ctx.first_row + count - 1)
                                            : std::string();
      return Status::InvalidArgument("column '" + column + "'" + rows + ": " + what);
    };
    if (last < first || first < 0) return slice_error("Arrow string offsets decrease");
    const char* copy = nullptr;
    if (last > first) {
      if (a->buffers[2] == nullptr) return slice_error("Arrow string data buffer is missing");
      char* block = out->heap().Allocate(static_cast<size_t>(last - first));
      std::memcpy(block, static_cast<const char*>(a->buffers[2]) + first, static_cast<size_t>(last - first));
      copy = block;
    }
    std::string_view* views = out->data<std::string_view>();
    int64_t b = first;
    for (int64_t i = 0; i < count; ++i) {
      int64_t e = offset_at(base + i + 1);
      if (e < b || e > last) return row_error(i, "Arrow string offsets decrease");
      if (e > b && out->IsValid(static_cast<size_t>(i))) views[i] = {copy + (b - first), static_cast<size_t>(e - b)};
      b = e;
    }
    return CheckNullable(t, *out, column, ctx);
  }

  switch (t.kind) {
    case Kind::kNull: break;
    case Kind::kBool: {
      SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column));
      auto* bits = static_cast<const uint8_t*>(a->buffers[1]);
      uint8_t* d = out->data<uint8_t>();
      for (int64_t i = 0; i < count; ++i) {
        int64_t j = base + i;
        d[i] = (bits[j >> 3] >> (j & 7)) & 1;
      }
      break;
    }
    case Kind::kInt8:
    case Kind::kInt16:
    case Kind::kInt32:
    case Kind::kInt64:
    case Kind::kUInt8:
    case Kind::kUInt16:
    case Kind::kUInt32:
    case Kind::kUInt64: {
      SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column));
      bool wide = t.type.id() == TypeId::kBigint;
      for (int64_t i = 0; i < count; ++i) {
        bool overflow = false;
        int64_t v = LoadInteger(t.kind, a->buffers[1], base + i, &overflow);
        if (overflow && out->IsValid(static_cast<size_t>(i))) {
          return row_error(i, "uint64 value " + std::to_string(Load<uint64_t>(a->buffers[1], base + i)) +
                                  " is out of BIGINT's range");
        }
        if (wide) {
          out->data<int64_t>()[i] = v;
        } else {
          out->data<int32_t>()[i] = static_cast<int32_t>(v);
        }
      }
      break;
    }
    case Kind::kFloat16:
    case Kind::kFloat32:
    case Kind::kFloat64: {
      SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column));
      double* d = out->data<double>();
      for (int64_t i = 0; i < count; ++i) {
        int64_t j = base + i;
        d[i] = t.kind == Kind::kFloat64   ? Load<double>(a->buffers[1], j)
               : t.kind == Kind::kFloat32 ? static_cast<double>(Load<float>(a->buffers[1], j))
                                          : HalfToDouble(Load<uint16_t>(a->buffers[1], j));
      }
      break;
    }
    case Kind::kDecimal: {
      SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column));
      int128_t* d = out->data<int128_t>();
      for (int64_t i = 0; i < count; ++i) {
        int64_t j = base + i;
        switch (t.width) {
          case 4: d[i] = Load<int32_t>(a->buffers[1], j); break;
          case 8: d[i] = Load<int64_t>(a->buffers[1], j); break;
          case 16: d[i] = Load<int128_t>(a->buffers[1], j); break;
          default: {
            // decimal256, little-endian: the low 128 bits, the high ones
            // being their sign extension (precision <= 38 guarantees it).
            int128_t lo = Load<int128_t>(a->buffers[1], 2 * j);
            int128_t hi = Load<int128_t>(a->buffers[1], 2 * j + 1);
            if (out->IsValid(static_cast<size_t>(i)) && hi != (lo < 0 ? -1 : 0)) {
              return row_error(i, "decimal256 value does not fit in 38 digits");
            }
            d[i] = lo;
          }
        }
      }
      break;
    }
    case Kind::kString32:
    case Kind::kString64: break;  // above
    case Kind::kStringView:
    case Kind::kFixedBinary: {
      SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column, t.kind == Kind::kFixedBinary && t.width == 0));
      // String data may be null when every string is empty.
      auto data_at = [&](const void* buffer, int64_t offset, size_t length, int64_t row, std::string_view* sv) {
        if (length == 0) {
          *sv = {};
          return Status::OK();
        }
        if (buffer == nullptr) return row_error(row, "Arrow string data buffer is missing");
        *sv = {static_cast<const char*>(buffer) + offset, length};
        return Status::OK();
      };
      for (int64_t i = 0; i < count; ++i) {
        if (out->IsNull(static_cast<size_t>(i))) continue;
        int64_t j = base + i;
        std::string_view sv;
        if (t.kind == Kind::kFixedBinary) {
          SLUICE_RETURN_NOT_OK(data_at(a->buffers[1], j * t.width, static_cast<size_t>(t.width), i, &sv));
        } else {
          const uint8_t* view = static_cast<const uint8_t*>(a->buffers[1]) + j * 16;
          int32_t len = Load<int32_t>(view, 0);
          if (len < 0) return row_error(i, "negative Arrow string view length");
          if (len <= 12) {
            sv = {reinterpret_cast<const char*>(view + 4), static_cast<size_t>(len)};
          } else {
            int32_t buffer = Load<int32_t>(view + 8, 0), offset = Load<int32_t>(view + 12, 0);
            // buffers: validity, views, the variadic data buffers, their sizes.
            if (buffer < 0 || 2 + static_cast<int64_t>(buffer) >= a->n_buffers - 1) {
              return row_error(i, "Arrow string view names a missing data buffer");
            }
            SLUICE_RETURN_NOT_OK(data_at(a->buffers[2 + buffer], offset, static_cast<size_t>(len), i, &sv));
          }
        }
        out->SetString(static_cast<size_t>(i), sv);
      }
      break;
    }
    case Kind::kDate32:
    case Kind::kDate64: {
      SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column));
      int32_t* d = out->data<int32_t>();
      for (int64_t i = 0; i < count; ++i) {
        int64_t j = base + i;
        if (t.kind == Kind::kDate32) {
          d[i] = Load<int32_t>(a->buffers[1], j);
        } else {
          int64_t days = FloorDiv(Load<int64_t>(a->buffers[1], j), 86400000);
          if (days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
            if (out->IsValid(static_cast<size_t>(i))) return row_error(i, "date64 value out of DATE's range");
            days = 0;
          }
          d[i] = static_cast<int32_t>(days);
        }
      }
      break;
    }
    case Kind::kTimestamp: {
      SLUICE_RETURN_NOT_OK(CheckBuffers(a, 2, column));
      int64_t* d = out->data<int64_t>();
      for (int64_t i = 0; i < count; ++i) {
        int64_t v = Load<int64_t>(a->buffers[1], base + i);
        int64_t micros = v;
        if (t.unit_digits == 9) {
          micros = FloorDiv(v, 1000);
        } else if (t.unit_digits < 6) {
          int64_t factor = t.unit_digits == 0 ? 1000000 : 1000;
          if (__builtin_mul_overflow(v, factor, &micros)) {
            if (out->IsValid(static_cast<size_t>(i))) {
              return row_error(i, "timestamp " + std::to_string(v) + " is out of TIMESTAMP's range (microseconds)");
            }
            micros = 0;
          }
        }
        d[i] = micros;
      }
      break;
    }
    case Kind::kList32:
    case Kind::kList64:
    case Kind::kFixedList: {
      SLUICE_RETURN_NOT_OK(CheckBuffers(a, t.kind == Kind::kFixedList ? 1 : 2, column));
      if (a->n_children != 1) return Status::InvalidArgument("column '" + column + "': Arrow list without its child");
      auto offset_at = [&](int64_t j) -> int64_t {
        if (t.kind == Kind::kList32) return Load<int32_t>(a->buffers[1], j);
        if (t.kind == Kind::kList64) return Load<int64_t>(a->buffers[1], j);
        return j * t.width;
      };
      int64_t first = offset_at(base), last = offset_at(base + count);
      if (last < first || last - first > static_cast<int64_t>(std::numeric_limits<uint32_t>::max())) {
        return Status::InvalidArgument("column '" + column + "': Arrow list offsets out of range");
      }
      uint32_t* off = out->offsets();
      for (int64_t i = 0; i <= count; ++i) {
        int64_t o = offset_at(base + i) - first;
        if (o < 0 || o > last - first) {
          return Status::InvalidArgument("column '" + column + "': Arrow list offsets out of order");
        }
        off[i] = static_cast<uint32_t>(o);
      }
      Vector elements(t.children[0].type, static_cast<size_t>(last - first));
      int64_t first_row = ctx.first_row;
      ctx.first_row = -1;
      Status st = Fill(t.children[0], a->children[0], first, last - first, column + ".element", ctx, &elements);
      ctx.first_row = first_row;
      SLUICE_RETURN_NOT_OK(st);
      out->child(0) = std::move(elements);
      break;
    }
    case Kind::kStruct: {
      if (a->n_children != static_cast<int64_t>(t.children.size())) {
        return Status::InvalidArgument("column '" + column + "': Arrow struct array with " +
                                       std::to_string(a->n_children) + " children, its type has " +
                                       std::to_string(t.children.size()));
      }
      const auto& fields = t.type.fields();
      for (size_t k = 0; k < t.children.size(); ++k) {
        SLUICE_RETURN_NOT_OK(Fill(t.children[k], a->children[k], base, count, column + "." + fields[k].name, ctx,
                                  &out->child(k)));
      }
      break;
    }
  }
  return CheckNullable(t, *out, column, ctx);
}

}  // namespace

struct ArrowBatchImporter::Impl {
  std::vector<ImportType> columns;
  Schema schema;
  int64_t rows_before = 0;
};

Result<ArrowBatchImporter> ArrowBatchImporter::Make(const ArrowSchema* schema) {
  if (schema == nullptr || schema->format == nullptr || std::string(schema->format) != "+s") {
    return Status::InvalidArgument(std::string("an Arrow stream of record batches has a struct schema, this one is ") +
                                   ArrowTypeName(schema != nullptr && schema->format != nullptr ? schema->format : ""));
  }
  auto impl = std::make_shared<Impl>();
  for (int64_t i = 0; i < schema->n_children; ++i) {
    const ArrowSchema* c = schema->children[i];
    std::string name = c->name != nullptr ? c->name : "";
    SLUICE_ASSIGN_OR_RETURN(ImportType t, ParseType(c, name));
    impl->schema.Add(StructField{name, t.type, (c->flags & ARROW_FLAG_NULLABLE) != 0});
    impl->columns.push_back(std::move(t));
  }
  ArrowBatchImporter importer;
  importer.impl_ = std::move(impl);
  return importer;
}

const Schema& ArrowBatchImporter::schema() const { return impl_->schema; }

Status ArrowBatchImporter::Append(const ArrowArray* array, std::vector<Batch>* out) {
  const ArrowArray& a = *array;
  const std::vector<ImportType>& columns = impl_->columns;
  if (a.n_children != static_cast<int64_t>(columns.size())) {
    return Status::InvalidArgument("Arrow record batch with " + std::to_string(a.n_children) +
                                   " columns, its schema has " + std::to_string(columns.size()));
  }
  FillContext ctx;
  for (int64_t start = 0; start < a.length; start += static_cast<int64_t>(kBatchSize)) {
    int64_t n = std::min<int64_t>(static_cast<int64_t>(kBatchSize), a.length - start);
    ctx.first_row = impl_->rows_before + start;
    std::vector<Vector> vectors;
    for (size_t c = 0; c < columns.size(); ++c) {
      Vector v(columns[c].type, static_cast<size_t>(n));
      SLUICE_RETURN_NOT_OK(Fill(columns[c], a.children[c], a.offset + start, n, impl_->schema.field(c).name, ctx, &v));
      vectors.push_back(std::move(v));
    }
    out->emplace_back(std::move(vectors), static_cast<size_t>(n));
  }
  impl_->rows_before += a.length;
  return Status::OK();
}

}  // namespace sluice
