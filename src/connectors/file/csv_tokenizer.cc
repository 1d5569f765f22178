#include "connectors/file/csv_tokenizer.h"

#include <cstring>

namespace sluice {

namespace {
inline bool IsWs(char c) { return c == ' ' || c == '\t'; }
}  // namespace

const std::vector<CsvField>& CsvTokenizer::Split(std::string_view rec) {
  fields_.clear();
  scratch_.resize(rec.size());  // unescaped text is never longer than the record
  char* scratch = scratch_.data();
  size_t used = 0;
  const char sep = o_.sep, q = o_.quote, esc = o_.escape, esc2 = o_.char_to_escape_quote_escaping;
  const size_t n = rec.size();
  size_t pos = 0;
  while (true) {
    size_t start = pos;
    if (o_.ignore_leading_white_space) {
      while (start < n && IsWs(rec[start])) ++start;
    }
    CsvField f;
    if (q != '\0' && start < n && rec[start] == q) {
      f.quoted = true;
      char* out = scratch + used;
      size_t len = 0;
      size_t p = start + 1;
      while (p < n) {
        char c = rec[p];
        if (c == esc && esc != q && p + 1 < n && (rec[p + 1] == q || rec[p + 1] == esc2)) {
          out[len++] = rec[p + 1];
          p += 2;
        } else if (c == q) {
          if (p + 1 < n && rec[p + 1] == q) {  // RFC 4180 "" inside quotes
            out[len++] = q;
            p += 2;
          } else {
            ++p;
            break;
          }
        } else {
          out[len++] = c;
          ++p;
        }
      }
      // Text between the closing quote and the separator is kept (lenient,
      // like univocity), except whitespace when trimming.
      while (p < n && rec[p] != sep) {
        if (!(o_.ignore_trailing_white_space && IsWs(rec[p]))) out[len++] = rec[p];
        ++p;
      }
      f.text = std::string_view(out, len);
      used += len;
      pos = p;
    } else {
      const void* s = start < n ? std::memchr(rec.data() + start, sep, n - start) : nullptr;
      size_t end = s ? static_cast<size_t>(static_cast<const char*>(s) - rec.data()) : n;
      size_t e = end;
      if (o_.ignore_trailing_white_space) {
        while (e > start && IsWs(rec[e - 1])) --e;
      }
      f.text = rec.substr(start, e - start);
      pos = end;
    }
    fields_.push_back(f);
    if (pos < n && rec[pos] == sep) {
      ++pos;
      continue;
    }
    break;
  }
  return fields_;
}

}  // namespace sluice
