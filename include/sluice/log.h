// The level of Sluice's log. The engine logs to standard error: a line per
// micro-batch at info, warnings while a source waits for a topic or a
// directory that does not exist, errors that end a query. Default: info, or
// the environment variable SLUICE_LOG_LEVEL when it names a level.
//
//   sluice::SetLogLevel(sluice::LogLevel::kWarn);
#pragma once

#include <optional>
#include <string_view>

namespace sluice {

enum class LogLevel : int { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

// "trace", "debug", "info", "warn" (or "warning"), "error", "off"; any case.
std::optional<LogLevel> ParseLogLevel(std::string_view name);
const char* LogLevelName(LogLevel level);
// The level SLUICE_LOG_LEVEL names, if it is set and names one.
std::optional<LogLevel> LogLevelFromEnvironment();

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

}  // namespace sluice
