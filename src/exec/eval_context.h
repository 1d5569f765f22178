// EvalContext: per-query facts that expressions may read.
#pragma once

#include <cstdint>

namespace sluice {

struct EvalContext {
  // current_timestamp() for the whole query (or micro-batch), microseconds
  // since the epoch, UTC.
  int64_t now_micros = 0;
  // False while the optimizer folds constants before the query runs: a
  // function that needs now_micros (a time of day alone read as a timestamp
  // on today's date) then fails, which leaves it to run time.
  bool now_known = true;
  // Set by such a function when it refused for that reason.
  mutable bool needed_now = false;
};

}  // namespace sluice
