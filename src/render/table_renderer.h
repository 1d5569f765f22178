// RenderTable: rows as the aligned text table that Spark's show() and the
// console sink print ("NULL" for nulls, a header between +---+ rules, and
// "only showing top N rows" when rows were left out).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// At most `max_rows` rows; cells longer than `truncate` characters (0: no
// limit) are cut to truncate - 3 characters and "...".
std::string RenderTable(const Schema& schema, const std::vector<Batch>& batches, size_t max_rows = 1000,
                        size_t truncate = 0);

}  // namespace sluice
