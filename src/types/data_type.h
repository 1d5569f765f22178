// DataType, StructField and Schema are public (include/sluice/data_type.h);
// this header adds what the engine needs about them.
//
// Physical layout of one value inside a Vector (see vector/vector.h):
//   BOOLEAN   uint8_t (0 or 1)        INT        int32_t
//   BIGINT    int64_t                 DOUBLE     double
//   DECIMAL   __int128 unscaled value (precision <= 38)
//   STRING    std::string_view into the vector's StringHeap (UTF-8)
//   BINARY    std::string_view into the vector's StringHeap (raw bytes)
//   DATE      int32_t days since 1970-01-01
//   TIMESTAMP int64_t microseconds since 1970-01-01 00:00:00 UTC
//   STRUCT    no values of its own: one child vector per field
//   ARRAY     uint32_t offsets (size n+1) into one child vector
//   NULL      uint8_t placeholder (every value is null); the type of NULL literals
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sluice/data_type.h"

namespace sluice {

// Bytes per value in a vector's data buffer (0 for STRUCT).
size_t PhysicalWidth(const DataType& type);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);

}  // namespace sluice
