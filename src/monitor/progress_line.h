// The terminal progress line of `sluice run` (issue 16): on a terminal (or
// with --progress) one line per query, rewritten in place at every batch:
// batch id, input and process rates, duration, state rows, Kafka lag.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "common/log.h"
#include "sluice/streaming.h"

namespace sluice::monitor {

// The text of the line for one batch (no control characters).
std::string FormatProgressLine(const StreamingQueryProgress& p);

// Also the log's line keeper (common/log.h) once Keep() is called: log lines
// print above the progress line, which is drawn again below them.
class ProgressLine : public StreamingQueryListener, public LogLineKeeper {
 public:
  explicit ProgressLine(std::FILE* out) : out_(out) {}
  ~ProgressLine() override;
  void onQueryProgress(const StreamingQueryProgress& p) override;
  // Log lines go through this line from now on (until destroyed).
  void Keep();
  void WriteAbove(const std::function<void()>& write) override;
  // Ends the line being rewritten (a newline), so that what follows starts on
  // a line of its own.
  void Finish();

 private:
  std::FILE* out_;
  std::mutex mu_;
  bool open_ = false;  // GUARDED_BY(mu_)
  std::string text_;   // GUARDED_BY(mu_): the line shown while open_
  bool kept_ = false;
};

}  // namespace sluice::monitor
