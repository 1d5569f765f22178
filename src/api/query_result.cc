#include <algorithm>

#include "sluice/session.h"

namespace sluice {

size_t QueryResult::num_rows() const {
  size_t n = 0;
  for (const auto& b : batches_) n += b.num_rows;
  return n;
}

std::vector<std::vector<Value>> QueryResult::Rows() const {
  std::vector<std::vector<Value>> rows;
  for (const auto& b : batches_) {
    for (size_t i = 0; i < b.num_rows; ++i) rows.push_back(b.Row(i));
  }
  return rows;
}

namespace {

// Display width in characters (UTF-8 code points).
size_t DisplayWidth(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string Truncate(const std::string& s, size_t max) {
  if (max == 0 || DisplayWidth(s) <= max) return s;
  // Keep max-3 characters and add "...", as Spark's show() does.
  size_t keep = max > 3 ? max - 3 : 0, chars = 0, i = 0;
  while (i < s.size() && chars < keep) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    ++chars;
  }
  return s.substr(0, i) + "...";
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(std::string* out, const Value& v) {
  switch (v.type().id()) {
    case TypeId::kBoolean:
    case TypeId::kInt:
    case TypeId::kBigint:
    case TypeId::kDecimal: *out += v.ToString(); break;
    case TypeId::kDouble: {
      std::string s = v.ToString();
      if (s == "NaN" || s == "Infinity" || s == "-Infinity") {
        AppendJsonString(out, s);
      } else {
        *out += s;
      }
      break;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      bool first = true;
      const auto& fields = v.type().fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (v.children()[i].is_null()) continue;
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(out, fields[i].name);
        out->push_back(':');
        AppendJsonValue(out, v.children()[i]);
      }
      out->push_back('}');
      break;
    }
    case TypeId::kArray: {
      out->push_back('[');
      for (size_t i = 0; i < v.children().size(); ++i) {
        if (i) out->push_back(',');
        if (v.children()[i].is_null()) {
          *out += "null";
        } else {
          AppendJsonValue(out, v.children()[i]);
        }
      }
      out->push_back(']');
      break;
    }
    default: AppendJsonString(out, v.ToString());
  }
}

}  // namespace

std::string QueryResult::ToTable(size_t max_rows, size_t truncate) const {
  size_t ncols = schema_.size();
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header;
  for (const auto& f : schema_.fields()) header.push_back(Truncate(f.name, truncate));
  size_t total = num_rows();
  for (const auto& b : batches_) {
    for (size_t i = 0; i < b.num_rows && cells.size() < max_rows; ++i) {
      std::vector<std::string> row;
      for (size_t c = 0; c < ncols; ++c) row.push_back(Truncate(b.columns[c].GetValue(i).ToString(), truncate));
      cells.push_back(std::move(row));
    }
  }
  std::vector<size_t> width(ncols, 3);
  for (size_t c = 0; c < ncols; ++c) width[c] = std::max(width[c], DisplayWidth(header[c]));
  for (const auto& r : cells) {
    for (size_t c = 0; c < ncols; ++c) width[c] = std::max(width[c], DisplayWidth(r[c]));
  }
  std::string sep = "+";
  for (size_t c = 0; c < ncols; ++c) sep += std::string(width[c] + 2, '-') + "+";
  sep += "\n";
  auto line = [&](const std::vector<std::string>& r) {
    std::string s = "|";
    for (size_t c = 0; c < ncols; ++c) s += " " + r[c] + std::string(width[c] - DisplayWidth(r[c]), ' ') + " |";
    return s + "\n";
  };
  std::string out = sep + line(header) + sep;
  for (const auto& r : cells) out += line(r);
  out += sep;
  if (total > cells.size()) {
    out += "only showing top " + std::to_string(cells.size()) + " row" + (cells.size() == 1 ? "" : "s") + "\n";
  }
  return out;
}

std::string QueryResult::ToCsv() const {
  auto field = [](const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  };
  std::string out;
  for (size_t c = 0; c < schema_.size(); ++c) out += (c ? "," : "") + field(schema_.field(c).name);
  out += "\n";
  for (const auto& b : batches_) {
    for (size_t i = 0; i < b.num_rows; ++i) {
      for (size_t c = 0; c < schema_.size(); ++c) {
        if (c) out += ",";
        Value v = b.columns[c].GetValue(i);
        if (!v.is_null()) out += field(v.ToString());
      }
      out += "\n";
    }
  }
  return out;
}

std::string QueryResult::ToJsonLines() const {
  std::string out;
  for (const auto& b : batches_) {
    for (size_t i = 0; i < b.num_rows; ++i) {
      out += "{";
      bool first = true;
      for (size_t c = 0; c < schema_.size(); ++c) {
        Value v = b.columns[c].GetValue(i);
        if (v.is_null()) continue;
        if (!first) out += ",";
        first = false;
        AppendJsonString(&out, schema_.field(c).name);
        out += ":";
        AppendJsonValue(&out, v);
      }
      out += "}\n";
    }
  }
  return out;
}

}  // namespace sluice
