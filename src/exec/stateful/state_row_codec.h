// StateRowCodec: the bytes a streaming aggregation stores per group in the
// state store (keys and values are byte strings there). A row of columns is
// encoded column after column: one null byte (1 = NULL), then the value:
// BOOLEAN 1 byte, INT/DATE 4, BIGINT/TIMESTAMP 8, DOUBLE 8 (as bits, -0.0 as
// 0.0 and one canonical NaN so equal keys encode equally), DECIMAL 16,
// STRING/BINARY a 4-byte length and the bytes; little-endian. A STRUCT is its
// null byte, then each field encoded the same way (its own null byte, then
// its value), in field order: a window's STRUCT<start, end> is 1 + 9 + 9
// bytes. An ARRAY is its null byte, a 4-byte element count, then each
// element encoded the same way (its null byte, then its value): the state of
// collect_list / collect_set.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// NotImplemented for types the codec cannot store.
Status CheckStateType(const DataType& type, const std::string& what);

// Appends columns [first, first + count) of row `row` of `batch` to *out.
void EncodeStateRow(const Batch& batch, size_t first, size_t count, size_t row, std::string* out);

// Decodes rows into columns of `types` (one row per encoded string).
class StateRowDecoder {
 public:
  explicit StateRowDecoder(std::vector<DataType> types);
  Status Add(std::string_view bytes);
  std::vector<Vector> Finish();
  size_t rows() const { return rows_; }

 private:
  std::vector<DataType> types_;
  std::vector<Vector> cols_;
  size_t rows_ = 0;
};

}  // namespace sluice
