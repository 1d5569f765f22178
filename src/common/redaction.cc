#include "common/redaction.h"

#include <algorithm>
#include <cctype>

namespace sluice {

bool IsSecretKey(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view s : {"password", "secret", "token", "sasl.jaas.config", "sasl.oauthbearer.config", "ssl.key",
                             "key.pem", "keystore.key", "access.key"}) {
    if (k.find(s) != std::string::npos) return true;
  }
  return false;
}

std::string RedactValue(std::string_view key, std::string_view value) {
  return std::string(IsSecretKey(key) ? kRedacted : value);
}

std::map<std::string, std::string> RedactOptions(const std::map<std::string, std::string>& options) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : options) out[k] = RedactValue(k, v);
  return out;
}

std::string RedactSecretValues(std::string text, const std::map<std::string, std::string>& options) {
  for (const auto& [k, v] : options) {
    if (v.empty() || !IsSecretKey(k)) continue;
    for (size_t p = 0; (p = text.find(v, p)) != std::string::npos; p += kRedacted.size()) {
      text.replace(p, v.size(), kRedacted);
    }
  }
  return text;
}

}  // namespace sluice
