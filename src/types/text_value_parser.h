// Parsing of field text into typed values, as Spark's CSV and JSON readers
// convert text: Java's Integer.parseInt / Long.parseLong (optional sign,
// digits only), Double.parseDouble (plus NaN/Infinity spellings),
// BigDecimal with HALF_UP rounding to the column's scale, "true"/"false"
// (any case), and ISO dates/timestamps (types/datetime.h).
#pragma once

#include <cstdint>
#include <string_view>

#include "types/data_type.h"

namespace sluice {

bool ParseInt32Text(std::string_view s, int32_t* out);
bool ParseInt64Text(std::string_view s, int64_t* out);
// Finite numbers, NaN, Infinity, +Infinity, -Infinity.
bool ParseDoubleText(std::string_view s, double* out);
bool ParseBooleanText(std::string_view s, bool* out);
// Fits `s` into DECIMAL(precision, scale), rounding HALF_UP; false if the
// text is not a number or the value does not fit.
bool ParseDecimalText(std::string_view s, int precision, int scale, int128_t* out);

}  // namespace sluice
