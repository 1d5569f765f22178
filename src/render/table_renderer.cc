#include "render/table_renderer.h"

#include <algorithm>

#include "types/value.h"

namespace sluice {

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

std::string RenderTable(const Schema& schema, const std::vector<Batch>& batches, size_t max_rows, size_t truncate) {
  size_t ncols = schema.size();
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header;
  for (const auto& f : schema.fields()) header.push_back(Truncate(f.name, truncate));
  size_t total = 0;
  for (const auto& b : batches) total += b.num_rows;
  for (const auto& b : batches) {
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

}  // namespace sluice
