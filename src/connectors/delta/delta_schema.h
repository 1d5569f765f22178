// A Sluice Schema as Delta's metaData.schemaString holds it: Spark's JSON
// schema format (StructType.json), e.g.
//   {"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}
// with Spark's type names (boolean, integer, long, double, decimal(p,s),
// string, binary, date, timestamp, struct, array).
#pragma once

#include <string>
#include <string_view>

#include "sluice/data_type.h"
#include "sluice/status.h"

namespace sluice {

// InvalidArgument naming the column for a type a Delta table cannot hold
// (NULL: Spark refuses void columns in Delta too).
Result<std::string> DeltaSchemaString(const Schema& schema);

// The table's schema from its schemaString. `where` names the table in
// errors. A type Sluice does not have (float, short, map, timestamp_ntz, ...)
// or a column carrying writer-enforced Delta metadata (invariants, generated
// or identity columns, column mapping) is NotImplemented naming the column:
// Sluice could not write such a table correctly.
Result<Schema> ParseDeltaSchemaString(std::string_view json, const std::string& where);

// Whether rows of `query` can be appended to a table of `table`: the same
// column names (case-insensitively, as Delta compares them) in the same
// order with the same types; nullability is not compared. Returns "" when
// they match, else a sentence saying the first difference.
std::string DeltaSchemaMismatch(const Schema& table, const Schema& query);

}  // namespace sluice
