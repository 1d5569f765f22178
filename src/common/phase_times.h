// PhaseTimes: named durations of one micro-batch's phases, added by whoever
// runs them (the micro-batch runner, a source's scan, a sink's writer) and
// reported in the batch's progress record as durationMs entries, next to
// Spark's own keys (latestOffset, walCommit, getBatch, queryPlanning,
// addBatch, commitOffsets, triggerExecution).
//
// Names are lowerCamelCase and say who spent the time, e.g.
// "kafkaConsumerAssign", "kafkaFetchWait", "kafkaProducerFlush",
// "kafkaTransactionCommit". A phase that runs on several threads at once (a
// scan reading four partitions) adds each thread's time: its entry is
// thread time, which can exceed the wall time of the step that contains it.
// docs/progress.md lists every key and says which are wall time.
//
// Thread-safe; Add costs a lock, so time whole phases (a fetch wait, a
// flush), not rows.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace sluice {

class PhaseTimes {
 public:
  // Adds `micros` to `phase` (created at 0).
  void Add(std::string_view phase, int64_t micros) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = micros_.find(phase);
    if (it == micros_.end()) it = micros_.emplace(std::string(phase), 0).first;
    it->second += micros;
  }
  // Every phase added so far, in microseconds.
  std::map<std::string, int64_t, std::less<>> Micros() const {
    std::lock_guard<std::mutex> l(mu_);
    return micros_;
  }

  static int64_t NowMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  // Adds the time from its construction to its destruction to `phase` of
  // `times` (nothing when `times` is null).
  class Scope {
   public:
    Scope(PhaseTimes* times, std::string_view phase) : times_(times), phase_(phase), start_(times ? NowMicros() : 0) {}
    ~Scope() {
      if (times_) times_->Add(phase_, NowMicros() - start_);
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    PhaseTimes* times_;
    std::string_view phase_;
    int64_t start_;
  };

 private:
  mutable std::mutex mu_;
  std::map<std::string, int64_t, std::less<>> micros_;
};

}  // namespace sluice
