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

void ProgressLine::onQueryProgress(const StreamingQueryProgress& p) {
  std::string line = FormatProgressLine(p);
  std::lock_guard<std::mutex> l(mu_);
  // \r to the line's start, ESC[K clears what a longer line left.
  std::fprintf(out_, "\r%s\x1b[K", line.c_str());
  std::fflush(out_);
  open_ = true;
}

void ProgressLine::Finish() {
  std::lock_guard<std::mutex> l(mu_);
  if (!open_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  open_ = false;
}

}  // namespace sluice::monitor
