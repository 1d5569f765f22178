// DataStreamReader, DataStreamWriter, StreamingQuery, the query manager and
// listeners.
#include "bindings.h"

namespace sluice::python {

void BindStreaming(nb::module_& m) { (void)m; }

}  // namespace sluice::python
