// JsonLinesWriter: a Batch (+ its Schema) to JSON lines, as Spark's JSON
// data source writes them (Spark's JacksonGenerator): one object per row,
// fields in schema order, NULL fields omitted (ignoreNullFields=true; false
// writes "a":null), strings escaped as Jackson does (\" \\ \n \r \t \b \f,
// other control characters as \u00XX, everything else as UTF-8, each
// ill-formed UTF-8 sequence as U+FFFD, as Spark writes a _corrupt_record
// holding invalid bytes, so the output is valid JSON), DOUBLE as
// Java's Double.toString (NaN/Infinity quoted, as Jackson writes them),
// DECIMAL as plain digits, DATE "yyyy-MM-dd", TIMESTAMP
// "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" in UTC ("2024-01-01T10:00:00.000Z": Spark's
// default timestampFormat, so sub-millisecond digits are dropped), BINARY
// base64, STRUCT as a nested object, ARRAY as a JSON array (NULL elements
// written as null). Used by the file sink and the CLI's --format json.
#pragma once

#include <string>

#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

struct JsonWriteOptions {
  bool ignore_null_fields = true;
};

class JsonLinesWriter {
 public:
  explicit JsonLinesWriter(Schema schema, JsonWriteOptions options = {})
      : schema_(std::move(schema)), options_(options) {}
  // Appends one line per row of `batch` (columns as in the schema) to `out`.
  Status Write(const Batch& batch, std::string* out) const;

 private:
  Schema schema_;
  JsonWriteOptions options_;
};

}  // namespace sluice
