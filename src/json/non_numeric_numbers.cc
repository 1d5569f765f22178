#include "json/non_numeric_numbers.h"

#include <array>
#include <limits>

namespace sluice {
namespace {

// Longest first, so that "-Infinity" is not taken for "-INF" + "inity".
constexpr std::array<std::string_view, 6> kTokens = {"+Infinity", "-Infinity", "Infinity", "+INF", "-INF", "NaN"};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool EndsToken(char c) { return IsSpace(c) || c == ',' || c == '}' || c == ']'; }

}  // namespace

std::optional<double> NonNumericNumber(std::string_view token) {
  if (token == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (token == "Infinity" || token == "+Infinity" || token == "+INF") return std::numeric_limits<double>::infinity();
  if (token == "-Infinity" || token == "-INF") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

std::optional<std::string> QuoteNonNumericNumbers(std::string_view text) {
  std::string out;
  size_t copied = 0;  // text[0, copied) is in `out` (once a token was found)
  bool value_may_start = true;
  const size_t n = text.size();
  for (size_t p = 0; p < n; ++p) {
    const char c = text[p];
    if (c == '"') {
      for (++p; p < n && text[p] != '"'; ++p) {
        if (text[p] == '\\') ++p;
      }
      value_may_start = false;
      continue;
    }
    if (IsSpace(c)) continue;
    if (c == ':' || c == '[' || c == ',') {
      value_may_start = true;
      continue;
    }
    if (value_may_start) {
      for (std::string_view token : kTokens) {
        if (text.substr(p, token.size()) == token && (p + token.size() == n || EndsToken(text[p + token.size()]))) {
          out.append(text.substr(copied, p - copied));
          out.push_back('"');
          out.append(token);
          out.push_back('"');
          p += token.size() - 1;
          copied = p + 1;
          break;
        }
      }
    }
    value_may_start = false;
  }
  if (copied == 0) return std::nullopt;
  out.append(text.substr(copied));
  return out;
}

}  // namespace sluice
