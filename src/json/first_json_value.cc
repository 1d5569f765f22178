#include "json/first_json_value.h"

namespace sluice {

size_t FirstJsonValueEnd(std::string_view text) {
  const size_t n = text.size();
  size_t p = 0;
  while (p < n && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n' || text[p] == '\r')) ++p;
  if (p >= n || (text[p] != '{' && text[p] != '[')) return n;
  size_t depth = 0;
  for (; p < n; ++p) {
    const char c = text[p];
    if (c == '"') {
      for (++p; p < n && text[p] != '"'; ++p) {
        if (text[p] == '\\') ++p;
      }
      if (p >= n) return n;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return p + 1;
    }
  }
  return n;
}

}  // namespace sluice
