// Engine errors become the Python exceptions of sluice.errors: the package
// decides the class from the status code and the message's [ERROR_CLASS].
#include <nanobind/stl/string.h>

#include "bindings.h"

namespace sluice::python {

void RaiseStatus(const Status& status) {
  nb::object exc;
  {
    nb::object errors = nb::module_::import_("sluice.errors");
    exc = errors.attr("_from_engine")(Status::CodeName(status.code()), status.message());
  }
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw nb::python_error();
}

void BindErrors(nb::module_& m) {
  // For the package's own tests of the mapping: raises the exception a
  // status with this code name and message becomes.
  m.def("_raise_status", [](const std::string& code, const std::string& message) {
    for (int c = 1; c <= static_cast<int>(StatusCode::kOutOfMemory); ++c) {
      auto sc = static_cast<StatusCode>(c);
      if (code == Status::CodeName(sc)) RaiseStatus(Status(sc, message));
    }
    throw nb::value_error(("unknown status code " + code).c_str());
  });
}

}  // namespace sluice::python
