// Results to Arrow (the Arrow PyCapsule protocol, __arrow_c_stream__) and
// Arrow data into results, over include/sluice/arrow.h. The Python side
// (sluice/sql/arrow.py) gives these PySpark's shape: toArrow, toPandas,
// DataFrame.__arrow_c_stream__, createDataFrame from pandas/pyarrow.
#include "sluice/arrow.h"

#include <nanobind/stl/string.h>

#include <memory>

#include "bindings.h"
#include "sluice/dataframe.h"
#include "sluice/session.h"

namespace sluice::python {
namespace {

constexpr const char* kStreamCapsule = "arrow_array_stream";

void DeleteStream(void* p) noexcept {
  auto* stream = static_cast<ArrowArrayStream*>(p);
  if (stream->release != nullptr) stream->release(stream);
  delete stream;
}

// A PyCapsule "arrow_array_stream" over the result's batches. The capsule
// owns the stream: a consumer moves it out (leaving release == nullptr),
// and whatever is left is released when the capsule goes.
nb::object ResultCapsule(const QueryResult& result, bool large_strings, bool naive_timestamps) {
  auto stream = std::make_unique<ArrowArrayStream>();
  ArrowExportOptions options;
  options.large_strings = large_strings;
  if (naive_timestamps) options.timestamp_timezone = "";
  Check(ExportQueryResult(result, stream.get(), options));
  return nb::capsule(stream.release(), kStreamCapsule, DeleteStream);
}

QueryResult ResultFromCapsule(nb::handle capsule) {
  if (!PyCapsule_IsValid(capsule.ptr(), kStreamCapsule)) {
    throw nb::type_error("expected a PyCapsule named 'arrow_array_stream' (from __arrow_c_stream__)");
  }
  auto* stream = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule.ptr(), kStreamCapsule));
  if (stream == nullptr || stream->release == nullptr) {
    throw nb::value_error("the Arrow stream of this capsule was already consumed");
  }
  Result<QueryResult> r = [&] {
    // The producer's callbacks take the GIL themselves if they need Python.
    nb::gil_scoped_release release;
    return ImportArrowStream(stream);
  }();
  return Unwrap(std::move(r));
}

}  // namespace

void BindArrow(nb::module_& m) {
  m.def("result_to_arrow_capsule", &ResultCapsule, nb::arg("result"), nb::arg("large_strings") = false,
        nb::arg("naive_timestamps") = false,
        "A PyCapsule 'arrow_array_stream' over a QueryResult's batches (fixed-width columns shared, not copied).");
  m.def(
      "dataframe_to_arrow_capsule",
      [](const DataFrame& df, bool large_strings, bool naive_timestamps) {
        Result<QueryResult> r = [&] {
          nb::gil_scoped_release release;
          return df.collect();
        }();
        return ResultCapsule(Unwrap(std::move(r)), large_strings, naive_timestamps);
      },
      nb::arg("df"), nb::arg("large_strings") = false, nb::arg("naive_timestamps") = false,
      "Runs the DataFrame and returns its result as a PyCapsule 'arrow_array_stream'.");
  m.def("result_from_arrow_capsule", &ResultFromCapsule, nb::arg("capsule"),
        "Reads a PyCapsule 'arrow_array_stream' (consuming it) into a QueryResult.");
}

}  // namespace sluice::python
