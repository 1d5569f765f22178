// EvalContext: per-query facts that expressions may read.
#pragma once

#include <cstdint>

namespace sluice {

struct EvalContext {
  // current_timestamp() for the whole query (or micro-batch), microseconds
  // since the epoch, UTC.
  int64_t now_micros = 0;
};

}  // namespace sluice
