// DataFrame, Column, GroupedData and DataFrameReader.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"

namespace sluice::python {

void BindDataFrame(nb::module_& m) {
  m.def("is_streaming", [](const DataFrame& df) { return IsStreaming(df); });
  nb::class_<DataFrame>(m, "DataFrame")
      .def("collect",
           [](const DataFrame& df) {
             Result<QueryResult> r = [&] {
               nb::gil_scoped_release release;
               return df.collect();
             }();
             return Unwrap(std::move(r));
           })
      .def("schema", [](const DataFrame& df) { return SchemaToPython(Unwrap(df.schema())); })
      .def("select", [](const DataFrame& df, const std::vector<std::string>& names) { return df.select(names); })
      .def("filter", [](const DataFrame& df, const std::string& condition) { return df.filter(condition); });
}

}  // namespace sluice::python
