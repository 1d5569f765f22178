#include "common/log.h"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <memory>

namespace sluice {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int InitialLevel() { return static_cast<int>(LogLevelFromEnvironment().value_or(LogLevel::kInfo)); }

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return spdlog::level::trace;
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
    case LogLevel::kOff: return spdlog::level::off;
  }
  return spdlog::level::info;
}

// Not registered in spdlog's global registry: a program that uses spdlog
// itself keeps its own default logger.
spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(spdlog::color_mode::automatic);
    auto l = std::make_shared<spdlog::logger>("sluice", std::move(sink));
    // 2024-05-01T12:00:00.123Z info    [component] message
    l->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %^%-7l%$ %v",
                                                                 spdlog::pattern_time_type::utc));
    l->set_level(spdlog::level::trace);  // filtered by LogEnabled()
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

std::mutex& CaptureMutex() {
  static std::mutex mu;
  return mu;
}
std::vector<LogCapture*>& Captures() {
  static std::vector<LogCapture*> captures;
  return captures;
}

// The keeper of a terminal line (SetLogLineKeeper): the flag is the fast
// path when there is none; the mutex is held while a line goes through one.
std::atomic<bool> g_has_keeper{false};
std::mutex& KeeperMutex() {
  static std::mutex mu;
  return mu;
}
LogLineKeeper* g_keeper = nullptr;  // GUARDED_BY(KeeperMutex())

}  // namespace

void SetLogLineKeeper(LogLineKeeper* keeper) {
  std::lock_guard<std::mutex> l(KeeperMutex());
  g_keeper = keeper;
  g_has_keeper.store(keeper != nullptr, std::memory_order_release);
}

namespace log_internal {

std::atomic<int> level{InitialLevel()};

void Write(LogLevel lvl, std::string_view component, std::string_view message) {
  auto write = [&] {
    if (component.empty()) {
      Logger().log(ToSpdlog(lvl), "{}", message);
    } else {
      Logger().log(ToSpdlog(lvl), "[{}] {}", component, message);
    }
  };
  if (g_has_keeper.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> l(KeeperMutex());
    if (g_keeper != nullptr) {
      g_keeper->WriteAbove(write);
    } else {
      write();
    }
  } else {
    write();
  }
  std::lock_guard<std::mutex> l(CaptureMutex());
  if (Captures().empty()) return;
  std::string line = fmt::format("{} [{}] {}", LogLevelName(lvl), component, message);
  for (LogCapture* c : Captures()) c->Add(line);
}

}  // namespace log_internal

std::optional<LogLevel> LogLevelFromEnvironment() {
  const char* env = std::getenv("SLUICE_LOG_LEVEL");
  if (env == nullptr) return std::nullopt;
  return ParseLogLevel(env);
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  std::string n = Lower(name);
  if (n == "trace") return LogLevel::kTrace;
  if (n == "debug") return LogLevel::kDebug;
  if (n == "info") return LogLevel::kInfo;
  if (n == "warn" || n == "warning") return LogLevel::kWarn;
  if (n == "error") return LogLevel::kError;
  if (n == "off") return LogLevel::kOff;
  return std::nullopt;
}

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return "trace";
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "off";
  }
  return "info";
}

void SetLogLevel(LogLevel level) { log_internal::level.store(static_cast<int>(level), std::memory_order_relaxed); }

LogLevel GetLogLevel() { return static_cast<LogLevel>(log_internal::level.load(std::memory_order_relaxed)); }

bool LogEvery::Ready() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return Ready(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

bool LogEvery::Ready(int64_t now_ms) {
  std::lock_guard<std::mutex> l(mu_);
  if (last_ms_ && now_ms - *last_ms_ < interval_ms_) return false;
  last_ms_ = now_ms;
  return true;
}

void LogEvery::Reset() {
  std::lock_guard<std::mutex> l(mu_);
  last_ms_.reset();
}

LogCapture::LogCapture() {
  std::lock_guard<std::mutex> l(CaptureMutex());
  Captures().push_back(this);
}

LogCapture::~LogCapture() {
  std::lock_guard<std::mutex> l(CaptureMutex());
  auto& c = Captures();
  c.erase(std::remove(c.begin(), c.end(), this), c.end());
}

void LogCapture::Add(std::string line) {
  std::lock_guard<std::mutex> l(mu_);
  lines_.push_back(std::move(line));
}

std::vector<std::string> LogCapture::lines() const {
  std::lock_guard<std::mutex> l(mu_);
  return lines_;
}

std::string LogCapture::text() const {
  std::string out;
  for (const auto& line : lines()) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

}  // namespace sluice
