// CsvWriter: a Batch (+ its Schema) to CSV text, as Spark's CSV data source
// writes it (Spark's UnivocityGenerator): optional header line of column
// names, fields separated by `sep`; a field is quoted when it contains sep,
// the quote, the escape character, CR or LF, or when quoteAll; inside quotes
// the quote and escape characters are preceded by `escape` (Spark's default,
// \" rather than RFC 4180's ""). NULL is written as nullValue (default: an
// empty field) and an empty string as "" (a quoted empty field). Note that
// with the default nullValue "" Spark (and Sluice's reader) read both back
// as NULL; set nullValue to keep empty strings apart. Timestamps and dates
// as JsonLinesWriter writes them; STRUCT/ARRAY columns are rejected.
#pragma once

#include <string>
#include <string_view>

#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// The writer's part of Spark's CSV options (same names, same defaults).
struct CsvWriteOptions {
  bool header = false;
  char sep = ',';
  char quote = '"';    // '\0': no quoting
  char escape = '\\';  // '\0': none
  std::string null_value;
  bool quote_all = false;
  bool escape_quotes = true;
};

class CsvWriter {
 public:
  explicit CsvWriter(Schema schema, CsvWriteOptions options = {})
      : schema_(std::move(schema)), options_(std::move(options)) {}
  // OK if every column can be written as CSV; for a STRUCT or ARRAY column
  // Spark's [UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE], naming the column and
  // its type (an InvalidArgument: a user error). Write checks it too.
  static Status CheckSchema(const Schema& schema);
  // The header line (column names), if options.header; else nothing.
  void WriteHeader(std::string* out) const;
  // Appends one line per row.
  Status Write(const Batch& batch, std::string* out) const;

 private:
  void AppendField(std::string_view text, std::string* out) const;
  Schema schema_;
  CsvWriteOptions options_;
};

}  // namespace sluice
