// Helpers for building vectors row by row, front to back, with the option
// of rewriting the last row (a dropped or malformed record).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "vector/vector.h"

namespace sluice {

// ResetRow / SetRowNull (rewriting the last row) live in vector/vector.h.

// Heterogeneous-lookup hash for unordered_map<std::string, T>.
struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace sluice
