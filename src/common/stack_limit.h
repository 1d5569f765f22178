// How much of the calling thread's stack is left, so that recursive code
// (the SQL parser, the binder) can stop with an error before the stack runs
// out, whatever the thread's stack size (8 MB for a main thread, less for
// threads other programs create) and the build (sanitizers take several
// times the stack per call). PostgreSQL's check_stack_depth, in spirit.
#pragma once

#include <cstddef>
#include <optional>

namespace sluice {

// What a recursive step must leave free: enough for one more level of the
// heaviest recursion plus building its error message, with room to spare.
inline constexpr size_t kStackReserveBytes = size_t{256} << 10;

// Bytes between the current frame and the end of the calling thread's
// stack; nullopt when the stack's bounds are unknown.
std::optional<size_t> RemainingStackBytes();

// True when less than `reserve` bytes of stack remain (false when unknown).
inline bool StackNearlyExhausted(size_t reserve = kStackReserveBytes) {
  std::optional<size_t> left = RemainingStackBytes();
  return left && *left < reserve;
}

}  // namespace sluice
