// `sluice sql --each-statement`: each statement of a script run on its own,
// its outcome printed as one JSON line, for programs that compare Sluice
// with another engine (test/differential/) and need every statement's
// result types, rows and error, not only the last statement's rows.
//
//   {"columns":[{"name":"a","type":"int"}],"rows":[[1,"x"]]}
//   {"error":"ExecutionError: [DIVIDE_BY_ZERO] ...","user_error":true}
//   {"columns":[],"rows":[]}                       (DDL)
//
// Column types are Spark's simpleString (DataType::SimpleString). Values:
// NULL null; BOOLEAN true/false; INT, BIGINT JSON integers; DOUBLE a JSON
// number that always has a '.' or an exponent (so -0.0 stays a double), or
// the string "NaN", "Infinity" or "-Infinity"; DECIMAL, DATE and TIMESTAMP
// strings rendered as Spark's CAST(x AS STRING) renders them; STRING a JSON
// string (ill-formed UTF-8 as U+FFFD); BINARY a string "0x" + lower-case
// hex; STRUCT an array of its field values; ARRAY an array. "error" is
// Status::ToString(): the status code, then the message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/session.h"
#include "sluice/status.h"

namespace sluice {

// The statements of `script`, split at each ';' outside string literals,
// quoted identifiers and comments (as the SQL lexer reads them), without
// the ';' and without statements that are only whitespace or comments. A
// lexical error (an unterminated string) ends the split: the rest of the
// script is one statement, whose run reports the error.
std::vector<std::string_view> SplitStatements(std::string_view script);

// One statement's outcome as one line of JSON (without the newline).
std::string StatementResultJson(const Result<QueryResult>& result);

}  // namespace sluice
