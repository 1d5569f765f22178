// CancellationToken: how a stop request reaches everything a query runs:
// the runner's trigger loop, sources (Kafka metadata calls, waits for a
// fetch), operators (checked between batches of rows) and sinks (flushes).
// A token is cancelled once and stays cancelled; it may have a parent (a
// query's token hangs under its session's, so stopping every query also
// reaches queries still starting). Cancel() is one atomic store, so it is
// safe from any thread; waits poll in short slices, so a cancelled wait
// returns within kPollMs.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "sluice/status.h"

namespace sluice {

class CancellationToken {
 public:
  static constexpr int kPollMs = 20;

  CancellationToken() = default;
  explicit CancellationToken(std::shared_ptr<const CancellationToken> parent) : parent_(std::move(parent)) {}
  CancellationToken(const CancellationToken&) = delete;
  CancellationToken& operator=(const CancellationToken&) = delete;

  void Cancel() { cancelled_.store(true, std::memory_order_release); }
  bool IsCancelled() const {
    return cancelled_.load(std::memory_order_acquire) || (parent_ && parent_->IsCancelled());
  }
  // Cancelled("<what>: cancelled (the query is stopping)") once cancelled, else OK.
  // On hot paths test IsCancelled() first, so that `what` is built only then.
  Status Check(const std::string& what) const {
    if (!IsCancelled()) return Status::OK();
    return Status::Cancelled(what + ": cancelled (the query is stopping)");
  }
  // Sleeps up to `ms`; false (early) if the token is or becomes cancelled.
  bool SleepFor(int64_t ms) const {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!IsCancelled()) {
      auto now = std::chrono::steady_clock::now();
      if (now >= end) return true;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          end - now, std::chrono::milliseconds(kPollMs)));
    }
    return false;
  }

  // A token that is never cancelled (for callers with nothing to stop them).
  static const CancellationToken& Never() {
    static const CancellationToken never;
    return never;
  }

 private:
  std::atomic<bool> cancelled_{false};
  std::shared_ptr<const CancellationToken> parent_;
};

}  // namespace sluice
