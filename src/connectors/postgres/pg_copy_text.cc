#include "connectors/postgres/pg_copy_text.h"

#include <cmath>
#include <cstdio>

#include "common/json_writer.h"
#include "render/scalar_text.h"
#include "types/datetime.h"
#include "types/value.h"

namespace sluice::postgres {

std::string PgTypeName(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull: return "text";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt: return "integer";
    case TypeId::kBigint: return "bigint";
    case TypeId::kDouble: return "double precision";
    case TypeId::kDecimal:
      return "numeric(" + std::to_string(type.precision()) + "," + std::to_string(type.scale()) + ")";
    case TypeId::kString: return "text";
    case TypeId::kBinary: return "bytea";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp with time zone";
    case TypeId::kStruct:
    case TypeId::kArray: return "jsonb";
  }
  return "text";
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Result<std::string> QuoteTableName(std::string_view table) {
  std::string out;
  size_t start = 0;
  int parts = 0;
  for (;;) {
    size_t dot = table.find('.', start);
    std::string_view part = table.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty()) {
      return Status::InvalidArgument("postgres sink: option 'dbtable' must be 'table' or 'schema.table', got '" +
                                     std::string(table) + "'");
    }
    if (++parts > 2) {
      return Status::InvalidArgument("postgres sink: option 'dbtable' has more than two dotted parts: '" +
                                     std::string(table) + "' (expected 'table' or 'schema.table')");
    }
    if (!out.empty()) out += '.';
    out += QuoteIdent(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

namespace {

void Put2(unsigned v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

// Years before 1 are written as PostgreSQL's "BC" years: year 0 is 1 BC.
void AppendCivilDate(int64_t days, std::string* out, bool* bc) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  *bc = y <= 0;
  int64_t year = *bc ? 1 - y : y;
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%04lld-", static_cast<long long>(year));
  out->append(buf, static_cast<size_t>(n));
  Put2(m, out);
  out->push_back('-');
  Put2(d, out);
}

// COPY text: backslash, and the characters that end a field or a row.
void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(c);
    }
  }
}

void AppendJsonTimestamp(int64_t micros, std::string* out) {
  // ISO 8601 in UTC with microseconds, a proleptic year as FormatDate has it.
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = FloorMod(micros, kMicrosPerDay);
  out->append(FormatDate(static_cast<int32_t>(days)));
  char buf[32];
  int64_t secs = rem / kMicrosPerSecond;
  int n = std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lld.%06lldZ", static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                        static_cast<long long>(rem % kMicrosPerSecond));
  out->append(buf, static_cast<size_t>(n));
}

}  // namespace

void AppendPgDate(int32_t days, std::string* out) {
  bool bc;
  AppendCivilDate(days, out, &bc);
  if (bc) out->append(" BC");
}

void AppendPgTimestamp(int64_t micros, std::string* out) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = FloorMod(micros, kMicrosPerDay);
  bool bc;
  AppendCivilDate(days, out, &bc);
  int64_t secs = rem / kMicrosPerSecond;
  out->push_back(' ');
  Put2(static_cast<unsigned>(secs / 3600), out);
  out->push_back(':');
  Put2(static_cast<unsigned>(secs / 60 % 60), out);
  out->push_back(':');
  Put2(static_cast<unsigned>(secs % 60), out);
  char buf[16];
  int n = std::snprintf(buf, sizeof buf, ".%06lld+00", static_cast<long long>(rem % kMicrosPerSecond));
  out->append(buf, static_cast<size_t>(n));
  if (bc) out->append(" BC");
}

void AppendJson(const Vector& v, size_t row, std::string* out) {
  if (v.IsNull(row)) {
    out->append("null");
    return;
  }
  switch (v.type().id()) {
    case TypeId::kNull: out->append("null"); return;
    case TypeId::kBoolean: out->append(v.data<uint8_t>()[row] ? "true" : "false"); return;
    case TypeId::kInt: out->append(std::to_string(v.data<int32_t>()[row])); return;
    case TypeId::kBigint: out->append(std::to_string(v.data<int64_t>()[row])); return;
    case TypeId::kDouble: {
      double d = v.data<double>()[row];
      if (std::isfinite(d)) {
        out->append(FormatDouble(d));
      } else {
        out->append(JsonQuote(FormatDouble(d)));  // "NaN", "Infinity", "-Infinity"
      }
      return;
    }
    case TypeId::kDecimal: out->append(FormatDecimal(v.data<int128_t>()[row], v.type().scale())); return;
    case TypeId::kString: out->append(JsonQuote(v.GetString(row))); return;
    case TypeId::kBinary: out->append(JsonQuote(Base64Encode(v.GetString(row)))); return;
    case TypeId::kDate: out->append(JsonQuote(FormatDate(v.data<int32_t>()[row]))); return;
    case TypeId::kTimestamp: {
      std::string ts;
      AppendJsonTimestamp(v.data<int64_t>()[row], &ts);
      out->append(JsonQuote(ts));
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      const auto& fields = v.type().fields();
      for (size_t f = 0; f < fields.size(); ++f) {
        if (f) out->push_back(',');
        out->append(JsonQuote(fields[f].name));
        out->push_back(':');
        AppendJson(v.child(f), row, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kArray: {
      out->push_back('[');
      const uint32_t* off = v.offsets();
      for (uint32_t e = off[row]; e < off[row + 1]; ++e) {
        if (e != off[row]) out->push_back(',');
        AppendJson(v.child(0), e, out);
      }
      out->push_back(']');
      return;
    }
  }
}

Status AppendCopyText(const Schema& schema, const Batch& batch, size_t begin, size_t end, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  std::string scratch;
  for (size_t r = begin; r < end; ++r) {
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      if (c) out->push_back('\t');
      const Vector& v = batch.columns[c];
      if (v.IsNull(r)) {
        out->append("\\N");
        continue;
      }
      switch (v.type().id()) {
        case TypeId::kNull: out->append("\\N"); break;
        case TypeId::kBoolean: out->push_back(v.data<uint8_t>()[r] ? 't' : 'f'); break;
        case TypeId::kInt: out->append(std::to_string(v.data<int32_t>()[r])); break;
        case TypeId::kBigint: out->append(std::to_string(v.data<int64_t>()[r])); break;
        // Java's Double.toString: shortest round-trip digits, "1.0E20",
        // "NaN", "Infinity": all read back exactly by float8in.
        case TypeId::kDouble: out->append(FormatDouble(v.data<double>()[r])); break;
        case TypeId::kDecimal: out->append(FormatDecimal(v.data<int128_t>()[r], v.type().scale())); break;
        case TypeId::kString: {
          std::string_view s = v.GetString(r);
          if (s.find('\0') != std::string_view::npos) {
            return Status::InvalidArgument("postgres sink: column '" + schema.field(c).name +
                                           "' holds a string with a NUL byte (row " + std::to_string(r) +
                                           " of a batch), which PostgreSQL's text type cannot store");
          }
          AppendEscaped(s, out);
          break;
        }
        case TypeId::kBinary: {
          // bytea's hex input "\x0a1b", its backslash escaped for COPY.
          std::string_view s = v.GetString(r);
          out->append("\\\\x");
          for (unsigned char b : s) {
            out->push_back(kHex[b >> 4]);
            out->push_back(kHex[b & 15]);
          }
          break;
        }
        case TypeId::kDate: AppendPgDate(v.data<int32_t>()[r], out); break;
        case TypeId::kTimestamp: AppendPgTimestamp(v.data<int64_t>()[r], out); break;
        case TypeId::kStruct:
        case TypeId::kArray: {
          scratch.clear();
          AppendJson(v, r, &scratch);  // (a NUL in it: jsonb refuses "\u0000", the batch fails with that)
          AppendEscaped(scratch, out);
          break;
        }
      }
    }
    out->push_back('\n');
  }
  return Status::OK();
}

}  // namespace sluice::postgres
