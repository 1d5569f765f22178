// The process log: one logger (spdlog) writing to standard error, shared by
// every module, with levels trace < debug < info < warn < error (and off;
// LogLevel, SetLogLevel: include/sluice/log.h, public).
//
//   LogInfo("stream", "query {} batch {}: {} input rows", name, id, rows);
//   -> 2024-05-01T12:00:00.123Z info    [stream] query q batch 3: 10 input rows
//
// The first argument is the component (a module, or a source/sink's
// description) and is printed in brackets. Formatting uses fmt and happens
// only when the level is enabled. spdlog stays inside log.cc: this header
// needs only fmt.
//
// Secrets: never log option values without common/redaction.h.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/log.h"

namespace sluice {

namespace log_internal {
extern std::atomic<int> level;
void Write(LogLevel level, std::string_view component, std::string_view message);
}  // namespace log_internal

inline bool LogEnabled(LogLevel level) {
  return level != LogLevel::kOff && static_cast<int>(level) >= log_internal::level.load(std::memory_order_relaxed);
}

// Writes one line (the message's own newlines are kept) if `level` is enabled.
inline void LogMessage(LogLevel level, std::string_view component, std::string_view message) {
  if (LogEnabled(level)) log_internal::Write(level, component, message);
}

template <typename... Args>
void Log(LogLevel level, std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  log_internal::Write(level, component, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void LogTrace(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kTrace, component, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogDebug(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kDebug, component, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogInfo(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kInfo, component, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogWarn(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kWarn, component, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogError(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kError, component, format, std::forward<Args>(args)...);
}

// A line kept at the bottom of a terminal (`sluice run`'s progress line):
// while one is set, every log line is written through WriteAbove, which
// clears the kept line, calls `write` (the log line) and draws the kept line
// again below it, so log lines print above it instead of breaking it.
class LogLineKeeper {
 public:
  virtual ~LogLineKeeper() = default;
  virtual void WriteAbove(const std::function<void()>& write) = 0;
};
// Sets the keeper (null: none). Setting null waits for a log line being
// written through the old one, so the old one may then be destroyed.
void SetLogLineKeeper(LogLineKeeper* keeper);

// Rate limit for a message repeated by a polling loop ("topic 'x' does not
// exist" while a source waits for it): Ready() is true at the first call and
// then once `interval_ms` has passed since it was last true. Thread-safe.
class LogEvery {
 public:
  static constexpr int64_t kDefaultIntervalMs = 5000;
  explicit LogEvery(int64_t interval_ms = kDefaultIntervalMs) : interval_ms_(interval_ms) {}
  bool Ready();  // on the monotonic clock
  bool Ready(int64_t now_ms);
  // The next Ready() is true again (the condition cleared, e.g. the topic
  // appeared; a later wait warns at once).
  void Reset();

 private:
  std::mutex mu_;
  int64_t interval_ms_;
  std::optional<int64_t> last_ms_;  // GUARDED_BY(mu_)
};

// Tests: while a LogCapture lives, every line written to the log (at the
// levels enabled) is also kept here, formatted as "<level> [<component>]
// <message>". Captures may nest; each sees every line.
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::vector<std::string> lines() const;
  // Every line, joined by '\n'.
  std::string text() const;
  void Add(std::string line);

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;  // GUARDED_BY(mu_)
};

}  // namespace sluice
