// FirstJsonValueEnd: where the first JSON value of a text ends, so that a
// reader can ignore what follows it as Spark's JSON parser (Jackson, one
// value per record) does: `{"a":1} xyz` and `{"a":1}{"a":2}` read {"a":1}.
#pragma once

#include <cstddef>
#include <string_view>

namespace sluice {

// The length of the prefix of `text` that holds its first JSON value when
// that value is an object or an array: up to its closing bracket (brackets
// inside strings skipped, escapes honoured). text.size() when the first
// value is a scalar or is not closed: there is nothing to cut off, and the
// parser reports what is wrong with the whole text.
size_t FirstJsonValueEnd(std::string_view text);

}  // namespace sluice
