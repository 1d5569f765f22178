// Writers of the file formats: a Batch (+ its Schema) to JSON lines or CSV
// text, as Spark's JSON and CSV data sources write them with default
// options (for the file sink and the CLI's output).
//
// JSON lines (Spark's JacksonGenerator): one object per row, fields in schema
// order, NULL fields omitted (ignoreNullFields=true; false writes "a":null),
// strings escaped as Jackson does (\" \\ \n \r \t \b \f, other control
// characters as \u00XX, everything else as UTF-8), DOUBLE as Java's
// Double.toString (NaN/Infinity quoted, as Jackson writes them), DECIMAL as
// plain digits, DATE "yyyy-MM-dd", TIMESTAMP "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
// in UTC ("2024-01-01T10:00:00.000Z": Spark's default timestampFormat,
// so sub-millisecond digits are dropped), BINARY base64, STRUCT as a nested
// object, ARRAY as a JSON array (NULL elements written as null).
//
// CSV (Spark's UnivocityGenerator): optional header line of column names,
// fields separated by `sep`; a field is quoted when it contains sep, the
// quote, the escape character, CR or LF, or when quoteAll; inside quotes the
// quote and escape characters are preceded by `escape` (Spark's default,
// \" rather than RFC 4180's ""). NULL is written as nullValue (default: an
// empty field) and an empty string as "" (a quoted empty field). Note that
// with the default nullValue "" Spark (and this reader) read both back as
// NULL; set nullValue to keep empty strings apart.
// Timestamps and dates as for JSON; STRUCT/ARRAY columns are rejected.
#pragma once

#include <string>

#include "connectors/file/file_format_options.h"
#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

class JsonLinesWriter {
 public:
  JsonLinesWriter(Schema schema, FileFormatOptions options = {})
      : schema_(std::move(schema)), options_(std::move(options)) {}
  // Appends one line per row of `batch` (columns as in the schema) to `out`.
  Status Write(const Batch& batch, std::string* out) const;

 private:
  Schema schema_;
  FileFormatOptions options_;
};

class CsvWriter {
 public:
  CsvWriter(Schema schema, FileFormatOptions options = {})
      : schema_(std::move(schema)), options_(std::move(options)) {}
  // The header line (column names), if options.header; else nothing.
  void WriteHeader(std::string* out) const;
  // Appends one line per row.
  Status Write(const Batch& batch, std::string* out) const;

 private:
  void AppendField(std::string_view text, std::string* out) const;
  Schema schema_;
  FileFormatOptions options_;
};

// Spark's default timestamp rendering for files: 2024-01-01T10:00:00.123Z.
std::string FormatTimestampIso(int64_t micros);

}  // namespace sluice
