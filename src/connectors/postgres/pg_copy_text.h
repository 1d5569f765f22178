// Sluice rows in PostgreSQL's terms: the column type each Sluice type maps
// to (CREATE TABLE), quoted identifiers, and rows encoded in COPY's text
// format (COPY ... FROM STDIN, tab-separated, \N for NULL, backslash
// escapes), which the PostgreSQL sink streams to the server.
//
// Type mapping (docs/sinks.md):
//   BOOLEAN boolean        INT integer          BIGINT bigint
//   DOUBLE double precision (NaN, Infinity, -Infinity kept)
//   DECIMAL(p,s) numeric(p,s)                  STRING text
//   BINARY bytea           DATE date            TIMESTAMP timestamptz (UTC)
//   STRUCT jsonb (an object, fields by name)   ARRAY jsonb (an array)
//   NULL (the type of an untyped NULL) text
// Inside jsonb: numbers as JSON numbers (DOUBLE NaN/Infinity as strings,
// JSON has no such numbers), DATE "yyyy-mm-dd", TIMESTAMP ISO 8601 in UTC
// with microseconds, BINARY base64, NULL elements and fields as null.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice::postgres {

// The PostgreSQL type of a column of `type` ("numeric(10,2)", "jsonb").
std::string PgTypeName(const DataType& type);

// "name" with embedded double quotes doubled: one SQL identifier, case kept.
std::string QuoteIdent(std::string_view name);
// A table name as given by the user, "t" or "schema.t": each part quoted.
// InvalidArgument for an empty name or part.
Result<std::string> QuoteTableName(std::string_view table);

// Appends rows [begin, end) of `batch` (its columns in the COPY column
// order) to `out` in COPY's text format, one line per row. Fails, naming
// the column and the row, on a value PostgreSQL cannot store (a NUL byte
// in a string: text cannot hold it).
Status AppendCopyText(const Schema& schema, const Batch& batch, size_t begin, size_t end, std::string* out);

// One value of a nested column as JSON text (the jsonb column's content).
void AppendJson(const Vector& v, size_t row, std::string* out);

// A date (days since 1970-01-01) and a timestamp (microseconds) as
// PostgreSQL reads them: "2024-01-31", "0044-03-15 BC",
// "2024-01-31 10:00:00.123456+00".
void AppendPgDate(int32_t days, std::string* out);
void AppendPgTimestamp(int64_t micros, std::string* out);

}  // namespace sluice::postgres
