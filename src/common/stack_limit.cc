#include "common/stack_limit.h"

#include <pthread.h>

#include <cstdint>

namespace sluice {

namespace {

// The lowest address of the calling thread's stack (stacks grow down on
// every platform Sluice builds for), or 0 when unknown. Read once per thread.
uintptr_t StackLowEnd() {
  thread_local uintptr_t low = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    void* addr = nullptr;
    size_t size = 0;
    uintptr_t result = 0;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr != nullptr && size > 0) {
      result = reinterpret_cast<uintptr_t>(addr);
    }
    pthread_attr_destroy(&attr);
    return result;
  }();
  return low;
}

}  // namespace

std::optional<size_t> RemainingStackBytes() {
  const uintptr_t low = StackLowEnd();
  // The frame address is the real stack, also under AddressSanitizer's
  // fake stacks (which move locals to the heap).
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (low == 0 || here <= low) return std::nullopt;
  return static_cast<size_t>(here - low);
}

}  // namespace sluice
