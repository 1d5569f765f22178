// NB_MODULE(_core): the entry point of the extension module.
#include "bindings.h"
#include "sluice/version.h"

NB_MODULE(_core, m) {
  using namespace sluice::python;
  m.doc() = "The Sluice engine, bound for the sluice package (use sluice.sql, not this module)";
  m.attr("__version__") = SLUICE_VERSION;
  BindErrors(m);
  BindValues(m);
  BindSession(m);
  BindDataFrame(m);
  BindStreaming(m);
  BindArrow(m);
}
