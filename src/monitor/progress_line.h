// The terminal progress line of `sluice run` (issue 16): on a terminal (or
// with --progress) one line per query, rewritten in place at every batch:
// batch id, input and process rates, duration, state rows, Kafka lag.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "sluice/streaming.h"

namespace sluice::monitor {

// The text of the line for one batch (no control characters).
std::string FormatProgressLine(const StreamingQueryProgress& p);

class ProgressLine : public StreamingQueryListener {
 public:
  explicit ProgressLine(std::FILE* out) : out_(out) {}
  ~ProgressLine() override { Finish(); }
  void onQueryProgress(const StreamingQueryProgress& p) override;
  // Ends the line being rewritten (a newline), so that what follows starts on
  // a line of its own.
  void Finish();

 private:
  std::FILE* out_;
  std::mutex mu_;
  bool open_ = false;  // GUARDED_BY(mu_)
};

}  // namespace sluice::monitor
