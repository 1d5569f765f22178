// Kill points: named places where a crash test can kill the process
// (RocksDB's TEST_KILL_RANDOM, made deterministic).
//
//   SLUICE_KILL_POINT("offset_log:after_rename");
//
// When the environment variable SLUICE_KILL_AT is "name", the process dies
// by SIGKILL the first time that point is reached; with "name:N" at its N-th
// hit. The variable is read once, on the first kill point reached; when it is
// unset a kill point costs one predictable branch.
#pragma once

#include <string_view>

namespace sluice::kill_point {

// True when SLUICE_KILL_AT was set at first use.
bool Armed();
// Counts a hit of `name` and kills the process if it is the armed one.
void Hit(std::string_view name);

}  // namespace sluice::kill_point

#define SLUICE_KILL_POINT(name)                                       \
  do {                                                                \
    if (__builtin_expect(::sluice::kill_point::Armed(), 0)) {         \
      ::sluice::kill_point::Hit(name);                                \
    }                                                                 \
  } while (false)
