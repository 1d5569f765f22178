// Clock: where Sluice reads the time and sleeps. Triggers, batch timestamps
// and timeouts take a Clock* so tests can drive time by hand (ManualClock).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace sluice {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, microseconds since the Unix epoch.
  virtual int64_t NowMicros() = 0;
  int64_t NowMillis() { return NowMicros() / 1000; }
  // Blocks until NowMicros() >= deadline_micros.
  virtual void SleepUntilMicros(int64_t deadline_micros) = 0;
  void SleepForMicros(int64_t micros) { SleepUntilMicros(NowMicros() + micros); }
};

// The real clock (std::chrono::system_clock). Default() is a process-wide
// instance, never deleted.
class SystemClock final : public Clock {
 public:
  static SystemClock* Default();
  int64_t NowMicros() override;
  void SleepUntilMicros(int64_t deadline_micros) override;
};

// A clock that moves only when the test says so. Sleeping threads wake as
// soon as the time passes their deadline.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros = 0) : now_(start_micros) {}

  int64_t NowMicros() override;
  void SleepUntilMicros(int64_t deadline_micros) override;

  void AdvanceMicros(int64_t delta);
  void AdvanceMillis(int64_t delta) { AdvanceMicros(delta * 1000); }
  // Moves time to `micros` (never backwards).
  void SetMicros(int64_t micros);
  // Number of threads currently blocked in SleepUntilMicros.
  int sleepers();
  // Blocks until at least `n` threads are sleeping (to sequence tests).
  void WaitForSleepers(int n);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t now_;       // GUARDED_BY(mu_)
  int sleepers_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace sluice
