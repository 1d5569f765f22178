#include "common/parse_mode.h"

#include <cctype>

namespace sluice {

const char* ParseModeName(ParseMode mode) {
  switch (mode) {
    case ParseMode::kPermissive: return "PERMISSIVE";
    case ParseMode::kDropMalformed: return "DROPMALFORMED";
    case ParseMode::kFailFast: return "FAILFAST";
  }
  return "?";
}

std::optional<ParseMode> ParseModeFromName(std::string_view name) {
  for (ParseMode m : {ParseMode::kPermissive, ParseMode::kDropMalformed, ParseMode::kFailFast}) {
    std::string_view want = ParseModeName(m);
    if (want.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; same && i < name.size(); ++i) {
      same = std::toupper(static_cast<unsigned char>(name[i])) == want[i];
    }
    if (same) return m;
  }
  return std::nullopt;
}

std::string QuoteRecordStart(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return "'" + std::string(text) + "'";
  size_t cut = max_bytes;
  // Not inside a UTF-8 character: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(text.substr(0, cut)) + "...' (truncated, " + std::to_string(text.size()) + " bytes)";
}

}  // namespace sluice
