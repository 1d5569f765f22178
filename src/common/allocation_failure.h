// Allocation failure is an error, never an abort.
//
// An allocation that cannot be satisfied (the process's memory or
// address-space limit reached, or a size no buffer can have) shows up in C++
// as an exception: std::bad_alloc from `new`, the standard containers and
// Vector's buffers (vector/vector.h), std::length_error from a container
// asked for more than its max_size(). Sluice code does not throw or catch
// exceptions otherwise; these two are caught where query work runs and turned
// into Status::OutOfMemory:
//   * every task of a ParallelFor (common/thread_pool.h), which is where a
//     plan's partitions run;
//   * a session's statements and DataFrame actions (api/), which also covers
//     planning (constant folding) and single-threaded steps;
//   * a streaming query's trigger loop (stream/), so a failed batch ends the
//     query with an error and is re-run by the next start.
// Code between an allocation and the catch must be exception-safe: locks,
// files and buffers are held by RAII owners (lock guards, unique_ptr, the
// sink writer of a batch), never released by hand.
#pragma once

#include <new>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "sluice/status.h"

namespace sluice {

// OutOfMemory "out of memory while <what>: <detail>; ..." with the fix.
Status OutOfMemoryError(std::string_view what, std::string_view detail);

// Runs fn() (which returns a Status or a Result<T>) and returns its result,
// or OutOfMemoryError(what, ...) if an allocation inside it failed.
template <typename Fn>
auto CatchAllocationFailure(std::string_view what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc& e) {
    return OutOfMemoryError(what, e.what());
  } catch (const std::length_error& e) {
    return OutOfMemoryError(what, e.what());
  }
}

}  // namespace sluice
