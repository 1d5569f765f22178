#include <algorithm>

#include "api/query_result_internal.h"
#include "connectors/file/file_writer.h"

namespace sluice {

QueryResult::QueryResult() {
  static const std::shared_ptr<const Data> kEmpty = std::make_shared<const Data>();
  data_ = kEmpty;
}

const Schema& QueryResult::schema() const { return data_->schema; }

size_t QueryResult::num_rows() const {
  size_t n = 0;
  for (const auto& b : data_->batches) n += b.num_rows;
  return n;
}

std::vector<std::vector<Value>> QueryResult::Rows() const {
  std::vector<std::vector<Value>> rows;
  for (const auto& b : data_->batches) {
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

}  // namespace

std::string QueryResult::ToTable(size_t max_rows, size_t truncate) const {
  size_t ncols = data_->schema.size();
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header;
  for (const auto& f : data_->schema.fields()) header.push_back(Truncate(f.name, truncate));
  size_t total = num_rows();
  for (const auto& b : data_->batches) {
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
  FileFormatOptions options;
  options.header = true;
  CsvWriter writer(data_->schema, options);
  std::string out;
  writer.WriteHeader(&out);
  for (const auto& b : data_->batches) {
    Status st = writer.Write(b, &out);
    if (!st.ok()) return out + "error: " + st.ToString() + "\n";
  }
  return out;
}

std::string QueryResult::ToJsonLines() const {
  JsonLinesWriter writer(data_->schema);
  std::string out;
  for (const auto& b : data_->batches) {
    Status st = writer.Write(b, &out);
    if (!st.ok()) return out + "error: " + st.ToString() + "\n";
  }
  return out;
}

}  // namespace sluice
