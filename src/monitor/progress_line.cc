#include "monitor/progress_line.h"

#include <fmt/format.h>

#include "monitor/monitor_server.h"

namespace sluice::monitor {

std::string FormatProgressLine(const StreamingQueryProgress& p) {
  int64_t state_rows = 0;
  for (const auto& op : p.stateOperators) state_rows += op.numRowsTotal;
  int64_t lag = 0;
  bool kafka = false;
  for (const auto& s : p.sources) {
    for (const auto& l : KafkaLag(s.endOffset, s.latestOffset)) {
      lag += l.lag;
      kafka = true;
    }
  }
  auto it = p.durationMs.find("triggerExecution");
  int64_t ms = it == p.durationMs.end() ? 0 : it->second;
  std::string line = fmt::format("{} batch {}: {} rows, in {:.0f} rows/s, processed {:.0f} rows/s, {} ms",
                                 p.name.empty() ? p.id.substr(0, 8) : p.name, p.batchId, p.numInputRows,
                                 p.inputRowsPerSecond, p.processedRowsPerSecond, ms);
  if (!p.stateOperators.empty()) line += fmt::format(", {} state rows", state_rows);
  if (kafka) line += fmt::format(", Kafka lag {}", lag);
  return line;
}

ProgressLine::~ProgressLine() {
  if (kept_) SetLogLineKeeper(nullptr);
  Finish();
}

void ProgressLine::Keep() {
  kept_ = true;
  SetLogLineKeeper(this);
}

void ProgressLine::onQueryProgress(const StreamingQueryProgress& p) {
  std::string line = FormatProgressLine(p);
  std::lock_guard<std::mutex> l(mu_);
  // \r to the line's start, ESC[K clears what a longer line left.
  std::fprintf(out_, "\r%s\x1b[K", line.c_str());
  std::fflush(out_);
  open_ = true;
  text_ = std::move(line);
}

void ProgressLine::WriteAbove(const std::function<void()>& write) {
  std::lock_guard<std::mutex> l(mu_);
  if (open_) {
    // The row cleared: the log line takes it, and ends with a newline.
    std::fputs("\r\x1b[K", out_);
    std::fflush(out_);
  }
  write();
  if (open_) {
    std::fprintf(out_, "\r%s\x1b[K", text_.c_str());
    std::fflush(out_);
  }
}

void ProgressLine::Finish() {
  std::lock_guard<std::mutex> l(mu_);
  if (!open_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  open_ = false;
}

}  // namespace sluice::monitor
