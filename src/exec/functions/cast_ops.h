// CAST between Sluice types with Spark's ANSI semantics (the kernel behind
// CAST/TRY_CAST, also used by other functions that convert values).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "exec/eval_context.h"
#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice::fn {

// Casts n rows of `in` (may be a 1-row scalar) to `to`. With try_cast,
// values that cannot be cast become NULL; otherwise they are an
// ExecutionError ([CAST_INVALID_INPUT] / [CAST_OVERFLOW]).
Result<Vector> CastVector(const Vector& in, size_t n, const DataType& to, bool try_cast);

// Spark's string -> TIMESTAMP (ParseTimestamp, and a time of day alone as
// that time on the query's date, from eval.now_micros). nullopt when the text
// is not a timestamp; an error when it needs today's date while constants
// are folded (eval.now_known false), so that it is left to run time.
Result<std::optional<int64_t>> ParseTimestampText(std::string_view s, const EvalContext& eval);

// Spark's string -> number parsing (surrounding whitespace trimmed).
bool ParseInt64(std::string_view s, int64_t* out);
bool ParseDoubleText(std::string_view s, double* out);
bool ParseDecimalText(std::string_view s, int precision, int scale, int128_t* out);
bool ParseBooleanText(std::string_view s, bool* out);
std::string_view TrimSpaces(std::string_view s);

// Spark's rendering of a value in an error message: 'abc', 123L, 1.5D.
std::string SqlValue(const Value& v);

}  // namespace sluice::fn
