// Arrow C Stream -> QueryResult (include/sluice/arrow.h): each record batch
// of the stream converted by arrow/arrow_batch.h.
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "api/query_result_internal.h"
#include "arrow/arrow_batch.h"
#include "common/allocation_failure.h"
#include "sluice/arrow.h"

namespace sluice {
namespace {

struct StreamGuard {
  ArrowArrayStream* stream;
  ~StreamGuard() {
    if (stream->release != nullptr) stream->release(stream);
  }
};
struct SchemaGuard {
  ArrowSchema schema;
  SchemaGuard() { std::memset(&schema, 0, sizeof(schema)); }
  ~SchemaGuard() {
    if (schema.release != nullptr) schema.release(&schema);
  }
};
struct ArrayGuard {
  ArrowArray array;
  ArrayGuard() { std::memset(&array, 0, sizeof(array)); }
  ~ArrayGuard() {
    if (array.release != nullptr) array.release(&array);
  }
};

Status StreamError(ArrowArrayStream* stream, int code, const char* what) {
  const char* message = stream->get_last_error != nullptr ? stream->get_last_error(stream) : nullptr;
  return Status::IOError(std::string("Arrow stream: ") + what + " failed (" + std::strerror(code) + ")" +
                         (message != nullptr ? std::string(": ") + message : std::string()));
}

Result<QueryResult> Import(ArrowArrayStream* stream) {
  SchemaGuard schema;
  if (int rc = stream->get_schema(stream, &schema.schema); rc != 0) return StreamError(stream, rc, "get_schema");
  SLUICE_ASSIGN_OR_RETURN(ArrowBatchImporter importer, ArrowBatchImporter::Make(&schema.schema));
  std::vector<Batch> batches;
  while (true) {
    ArrayGuard batch;
    if (int rc = stream->get_next(stream, &batch.array); rc != 0) return StreamError(stream, rc, "get_next");
    if (batch.array.release == nullptr) break;
    SLUICE_RETURN_NOT_OK(importer.Append(&batch.array, &batches));
  }
  return MakeQueryResult(importer.schema(), std::move(batches));
}

}  // namespace

Result<QueryResult> ImportArrowStream(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) {
    return Status::InvalidArgument("ImportArrowStream: the Arrow stream was already released");
  }
  StreamGuard guard{stream};
  return CatchAllocationFailure("importing an Arrow stream", [&]() -> Result<QueryResult> { return Import(stream); });
}

}  // namespace sluice
