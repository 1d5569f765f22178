// Redaction of secrets in options: wherever option values are printed
// (progress JSON, error messages, descriptions, EXPLAIN, the log), the
// value of an option whose name marks it as a secret is replaced by
// kRedacted. Spark does the same with spark.redaction.regex.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sluice {

inline constexpr std::string_view kRedacted = "*****(redacted)";

// True if the value of the option or property `key` is a secret: its name
// contains (in any case) "password", "secret", "token", "sasl.jaas.config",
// "sasl.oauthbearer.config", "ssl.key", "key.pem", "keystore.key" or
// "access.key".
bool IsSecretKey(std::string_view key);

// `value`, or kRedacted when `key` names a secret.
std::string RedactValue(std::string_view key, std::string_view value);

// A copy of `options` with the secrets' values replaced by kRedacted.
std::map<std::string, std::string> RedactOptions(const std::map<std::string, std::string>& options);

// `text` with every occurrence of the value of a secret option replaced by
// kRedacted: for messages of libraries that may quote a value they were given.
std::string RedactSecretValues(std::string text, const std::map<std::string, std::string>& options);

}  // namespace sluice
