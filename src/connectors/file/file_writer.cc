#include "connectors/file/file_writer.h"

#include "common/json_writer.h"

#include <cmath>
#include <cstdio>

#include "types/datetime.h"
#include "types/value.h"

namespace sluice {

std::string FormatTimestampIso(int64_t micros) {
  int64_t millis = FloorDiv(micros, 1000);
  int64_t days = FloorDiv(millis, 86400000);
  int64_t ms_of_day = millis - days * 86400000;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(y), m, d,
                  static_cast<int>(ms_of_day / 3600000), static_cast<int>(ms_of_day / 60000 % 60),
                  static_cast<int>(ms_of_day / 1000 % 60), static_cast<int>(ms_of_day % 1000));
    return buf;
  }
  // The common case without printf (it dominated the JSON file sink).
  char buf[25] = "0000-00-00T00:00:00.000Z";
  auto put = [&](int pos, int64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      buf[pos + i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, y, 4);
  put(5, m, 2);
  put(8, d, 2);
  put(11, ms_of_day / 3600000, 2);
  put(14, ms_of_day / 60000 % 60, 2);
  put(17, ms_of_day / 1000 % 60, 2);
  put(20, ms_of_day % 1000, 3);
  return std::string(buf, 24);
}

namespace {

std::string Base64(std::string_view s) {
  static const char kT[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(s[i])) << 16) | (uint32_t(uint8_t(s[i + 1])) << 8) | uint8_t(s[i + 2]);
    out += kT[v >> 18];
    out += kT[(v >> 12) & 63];
    out += kT[(v >> 6) & 63];
    out += kT[v & 63];
  }
  if (i < s.size()) {
    uint32_t v = uint32_t(uint8_t(s[i])) << 16;
    if (i + 1 < s.size()) v |= uint32_t(uint8_t(s[i + 1])) << 8;
    out += kT[v >> 18];
    out += kT[(v >> 12) & 63];
    out += i + 1 < s.size() ? kT[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Text of a scalar value as both writers render it (no quoting).
std::string ScalarText(const Vector& v, size_t i) {
  switch (v.type().id()) {
    case TypeId::kBoolean: return v.data<uint8_t>()[i] ? "true" : "false";
    case TypeId::kInt: return std::to_string(v.data<int32_t>()[i]);
    case TypeId::kBigint: return std::to_string(v.data<int64_t>()[i]);
    case TypeId::kDouble: return FormatDouble(v.data<double>()[i]);
    case TypeId::kDecimal: return FormatDecimal(v.data<int128_t>()[i], v.type().scale());
    case TypeId::kString: return std::string(v.GetString(i));
    case TypeId::kBinary: return Base64(v.GetString(i));
    case TypeId::kDate: return FormatDate(v.data<int32_t>()[i]);
    case TypeId::kTimestamp: return FormatTimestampIso(v.data<int64_t>()[i]);
    default: return "";
  }
}

void AppendJsonValue(const Vector& v, size_t i, bool ignore_nulls, std::string* out);

void AppendJsonObject(const Vector* const* cols, const std::vector<StructField>& fields, size_t i,
                      bool ignore_nulls, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (size_t f = 0; f < fields.size(); ++f) {
    const Vector& c = *cols[f];
    if (c.IsNull(i) && ignore_nulls) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, fields[f].name);
    out->push_back(':');
    AppendJsonValue(c, i, ignore_nulls, out);
  }
  out->push_back('}');
}

void AppendJsonValue(const Vector& v, size_t i, bool ignore_nulls, std::string* out) {
  if (v.IsNull(i) || v.type().is_null()) {
    out->append("null");
    return;
  }
  switch (v.type().id()) {
    case TypeId::kBoolean:
    case TypeId::kInt:
    case TypeId::kBigint:
    case TypeId::kDecimal:
      out->append(ScalarText(v, i));
      return;
    case TypeId::kDouble: {
      double d = v.data<double>()[i];
      if (std::isfinite(d)) out->append(FormatDouble(d));
      else AppendJsonString(out, FormatDouble(d));
      return;
    }
    case TypeId::kStruct: {
      std::vector<const Vector*> cols;
      for (size_t c = 0; c < v.num_children(); ++c) cols.push_back(&v.child(c));
      AppendJsonObject(cols.data(), v.type().fields(), i, ignore_nulls, out);
      return;
    }
    case TypeId::kArray: {
      out->push_back('[');
      const uint32_t* off = v.offsets();
      for (uint32_t k = off[i]; k < off[i + 1]; ++k) {
        if (k > off[i]) out->push_back(',');
        AppendJsonValue(v.child(0), k, ignore_nulls, out);
      }
      out->push_back(']');
      return;
    }
    default:
      AppendJsonString(out, ScalarText(v, i));
  }
}

}  // namespace

Status JsonLinesWriter::Write(const Batch& batch, std::string* out) const {
  if (batch.num_columns() != schema_.size()) {
    return Status::Internal("batch has " + std::to_string(batch.num_columns()) + " columns, schema " +
                            std::to_string(schema_.size()));
  }
  std::vector<const Vector*> cols;
  for (const auto& c : batch.columns) cols.push_back(&c);
  for (size_t i = 0; i < batch.num_rows; ++i) {
    AppendJsonObject(cols.data(), schema_.fields(), i, options_.ignore_null_fields, out);
    out->push_back('\n');
  }
  return Status::OK();
}

void CsvWriter::AppendField(std::string_view text, std::string* out) const {
  const FileFormatOptions& o = options_;
  bool need = o.quote_all || text.empty();
  if (!need) {
    for (char c : text) {
      if (c == o.sep || c == o.quote || (o.escape && c == o.escape) || c == '\n' || c == '\r') {
        need = true;
        break;
      }
    }
  }
  if (!need || o.quote == '\0') {
    out->append(text);
    return;
  }
  char esc = o.escape ? o.escape : o.quote;
  out->push_back(o.quote);
  for (char c : text) {
    if ((c == o.quote && o.escape_quotes) || (o.escape && c == o.escape && o.escape != o.quote)) {
      out->push_back(esc);
    }
    out->push_back(c);
  }
  out->push_back(o.quote);
}

void CsvWriter::WriteHeader(std::string* out) const {
  if (!options_.header) return;
  for (size_t f = 0; f < schema_.size(); ++f) {
    if (f) out->push_back(options_.sep);
    AppendField(schema_.field(f).name, out);
  }
  out->push_back('\n');
}

Status CsvWriter::Write(const Batch& batch, std::string* out) const {
  if (batch.num_columns() != schema_.size()) {
    return Status::Internal("batch has " + std::to_string(batch.num_columns()) + " columns, schema " +
                            std::to_string(schema_.size()));
  }
  for (const auto& f : schema_.fields()) {
    if (f.type.is_nested()) {
      return Status::InvalidArgument("CSV data source does not support " + f.type.ToString() +
                                     " data type (column " + f.name + ")");
    }
  }
  for (size_t i = 0; i < batch.num_rows; ++i) {
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      if (c) out->push_back(options_.sep);
      const Vector& v = batch.columns[c];
      if (v.IsNull(i) || v.type().is_null()) {
        out->append(options_.null_value);
        continue;
      }
      AppendField(ScalarText(v, i), out);
    }
    out->push_back('\n');
  }
  return Status::OK();
}

}  // namespace sluice
