#include "env/clock.h"

#include <chrono>
#include <thread>

namespace sluice {

SystemClock* SystemClock::Default() {
  static SystemClock* clock = new SystemClock();
  return clock;
}

int64_t SystemClock::NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::SleepUntilMicros(int64_t deadline_micros) {
  int64_t now = NowMicros();
  if (deadline_micros > now) {
    std::this_thread::sleep_for(std::chrono::microseconds(deadline_micros - now));
  }
}

int64_t ManualClock::NowMicros() {
  std::lock_guard<std::mutex> l(mu_);
  return now_;
}

void ManualClock::SleepUntilMicros(int64_t deadline_micros) {
  std::unique_lock<std::mutex> l(mu_);
  sleepers_++;
  cv_.notify_all();  // for WaitForSleepers
  cv_.wait(l, [&] { return now_ >= deadline_micros; });
  sleepers_--;
}

void ManualClock::AdvanceMicros(int64_t delta) {
  std::lock_guard<std::mutex> l(mu_);
  if (delta > 0) now_ += delta;
  cv_.notify_all();
}

void ManualClock::SetMicros(int64_t micros) {
  std::lock_guard<std::mutex> l(mu_);
  if (micros > now_) now_ = micros;
  cv_.notify_all();
}

int ManualClock::sleepers() {
  std::lock_guard<std::mutex> l(mu_);
  return sleepers_;
}

void ManualClock::WaitForSleepers(int n) {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return sleepers_ >= n; });
}

}  // namespace sluice
