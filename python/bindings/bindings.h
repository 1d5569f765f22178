// The nanobind extension module sluice._core: the C++ API of
// include/sluice/ bound thinly, one Bind* function per area. The Python
// package (python/sluice/) gives these objects PySpark's shape; nothing
// here knows PySpark's argument conventions.
//
// Threads: every call that can run a query, wait or block on IO releases
// the GIL (nb::gil_scoped_release); Python is entered again only for
// foreachBatch functions and listeners, which take the GIL themselves.
#pragma once

#include <nanobind/nanobind.h>

#include <string>
#include <utility>
#include <vector>

#include "sluice/data_type.h"
#include "sluice/session.h"
#include "sluice/status.h"
#include "sluice/value.h"

namespace sluice::python {

namespace nb = nanobind;

// Raises the Python exception of sluice.errors that matches the status
// (ParseException, AnalysisException, IllegalArgumentException, ...),
// carrying its error class and message. Never returns.
[[noreturn]] void RaiseStatus(const Status& status);

inline void Check(const Status& status) {
  if (!status.ok()) RaiseStatus(status);
}
template <typename T>
T Unwrap(Result<T>&& result) {
  if (!result.ok()) RaiseStatus(result.status());
  return std::move(result).value();
}

// A type as plain Python data, which sluice.sql.types turns into its
// classes: a simple name ("int", "bigint", "double", "string", "binary",
// "boolean", "date", "timestamp", "void"), ("decimal", precision, scale),
// ("array", element, containsNull) or ("struct", [(name, type, nullable), ...]).
nb::object TypeToPython(const DataType& type);
// A schema as ("struct", [...]) in the same form.
nb::object SchemaToPython(const Schema& schema);
// A value as PySpark's collect() gives it: None, bool, int, float,
// decimal.Decimal, str, bytearray, datetime.date, datetime.datetime (naive,
// in the process's local time zone, as PySpark), list, Row.
nb::object ValueToPython(const Value& value);
// Rows of a result as a list of tuples of such values.
nb::list RowsToPython(const std::vector<std::vector<Value>>& rows);
// The first n rows of a result as show() prints each cell, and the number
// of rows the result has: ([[str, ...], ...], num_rows).
nb::tuple ShowCells(const QueryResult& result, size_t n);

void BindErrors(nb::module_& m);
void BindValues(nb::module_& m);
void BindSession(nb::module_& m);
void BindDataFrame(nb::module_& m);
void BindStreaming(nb::module_& m);
void BindArrow(nb::module_& m);

}  // namespace sluice::python
