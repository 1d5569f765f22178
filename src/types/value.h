// Value (one SQL value with its type, for literals, constant folding, test
// expectations and row-at-a-time paths off the hot path) is public:
// include/sluice/value.h. This header adds the renderings the engine shares.
#pragma once

#include <cstdint>
#include <string>

#include "sluice/value.h"
#include "types/data_type.h"

namespace sluice {

// Renderings shared by Value::ToString, CAST(... AS STRING) and the CLI.
// DOUBLE as Java's Double.toString (1.0, 0.001, 1.0E7, NaN, Infinity).
std::string FormatDouble(double d);
// DECIMAL: unscaled value with `scale` digits after the point.
std::string FormatDecimal(int128_t unscaled, int scale);
std::string Int128ToString(int128_t v);
// DATE: yyyy-MM-dd.
std::string FormatDate(int32_t days);
// TIMESTAMP: yyyy-MM-dd HH:mm:ss[.ffffff], trailing fraction zeros trimmed.
std::string FormatTimestamp(int64_t micros);

}  // namespace sluice
