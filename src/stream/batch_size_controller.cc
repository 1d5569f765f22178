#include "stream/batch_size_controller.h"

#include <algorithm>
#include <cmath>

namespace sluice {

namespace {
constexpr int64_t kMaxCap = int64_t{1} << 62;
}  // namespace

int64_t BatchSizeController::NextLimit(int64_t source_max_rows) const {
  if (cap_ < 0) return source_max_rows;
  return source_max_rows > 0 ? std::min(cap_, source_max_rows) : cap_;
}

double BatchSizeController::rate() const {
  int64_t rows = 0, micros = 0;
  for (const auto& [r, m] : window_) {
    rows += r;
    micros += m;
  }
  if (rows == 0) return 0;
  return static_cast<double>(rows) * 1e6 / static_cast<double>(std::max<int64_t>(micros, 1));
}

int64_t BatchSizeController::RateCap() const {
  if (window_.empty()) return -1;
  double rows = std::floor(rate() * static_cast<double>(target_micros_) / 1e6);
  if (rows >= static_cast<double>(kMaxCap)) return kMaxCap;
  return std::max<int64_t>(1, static_cast<int64_t>(rows));
}

void BatchSizeController::Observe(int64_t rows, int64_t available_rows, int64_t limit, int64_t micros,
                                  int64_t source_max_rows) {
  if (rows > 0) {
    window_.emplace_back(rows, std::max<int64_t>(micros, 0));
    while (window_.size() > kRateWindow) window_.pop_front();
  }
  // Rows left behind, and whether the backlog grew since the last batch.
  int64_t backlog;
  bool grew;
  if (available_rows >= 0) {
    backlog = std::max<int64_t>(0, available_rows - rows);
    grew = backlog > prev_backlog_;
  } else {
    // Not counted: a batch that filled its cap left rows behind (as far as
    // anyone can tell), and more keep coming.
    bool full = limit > 0 && rows >= limit;
    backlog = full ? 1 : 0;
    grew = full;
  }
  prev_backlog_ = backlog;
  const int64_t rate_cap = RateCap();
  if (backlog == 0) {
    cap_ = rate_cap;
  } else {
    // The cap this batch had (none: what it took).
    int64_t base = std::max<int64_t>(1, limit > 0 ? limit : rows);
    int64_t next = grew ? (base > kMaxCap / 2 ? kMaxCap : base * 2) : base;
    cap_ = std::max(rate_cap, next);
  }
  if (cap_ > 0 && source_max_rows > 0) cap_ = std::min(cap_, source_max_rows);
}

}  // namespace sluice
