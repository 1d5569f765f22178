// QueryResult -> Arrow C Stream (include/sluice/arrow.h): a stream whose
// arrays are the result's batches, each converted by arrow/arrow_batch.h.
#include "sluice/arrow.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "api/query_result_internal.h"
#include "arrow/arrow_batch.h"
#include "common/allocation_failure.h"

namespace sluice {
namespace {

Schema RelaxedResultSchema(const QueryResult& result) {
  std::vector<const Batch*> batches;
  for (const Batch& b : QueryResultBatches(result)) batches.push_back(&b);
  return RelaxedSchema(result.schema(), batches);
}

// ---------------------------------------------------------------- stream ---

struct StreamData {
  QueryResult result;
  Schema schema;  // the result's, relaxed (RelaxedSchema)
  ArrowExportOptions options;
  size_t next = 0;
  std::string last_error;
};

int StreamGetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* data = static_cast<StreamData*>(stream->private_data);
  Status st = CatchAllocationFailure("exporting a result's schema to Arrow", [&] {
    return ExportArrowSchema(data->schema, out, data->options);
  });
  if (st.ok()) return 0;
  data->last_error = st.ToString();
  return st.code() == StatusCode::kOutOfMemory ? ENOMEM : EINVAL;
}

int StreamGetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* data = static_cast<StreamData*>(stream->private_data);
  const std::vector<Batch>& batches = QueryResultBatches(data->result);
  while (data->next < batches.size() && batches[data->next].num_rows == 0) ++data->next;
  if (data->next == batches.size()) {
    std::memset(out, 0, sizeof(*out));  // release == nullptr: the end
    return 0;
  }
  const Batch& batch = batches[data->next];
  Status st = CatchAllocationFailure("exporting a result to Arrow", [&] {
    return ExportBatch(data->schema, batch, data->options, out);
  });
  if (st.ok()) {
    ++data->next;
    return 0;
  }
  data->last_error = st.ToString();
  return st.code() == StatusCode::kOutOfMemory ? ENOMEM : EINVAL;
}

const char* StreamGetLastError(ArrowArrayStream* stream) {
  auto* data = static_cast<StreamData*>(stream->private_data);
  return data->last_error.empty() ? nullptr : data->last_error.c_str();
}

void StreamRelease(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) return;
  delete static_cast<StreamData*>(stream->private_data);
  stream->release = nullptr;
}

}  // namespace

Status ExportQueryResult(const QueryResult& result, ArrowArrayStream* out, const ArrowExportOptions& options) {
  auto data = std::make_unique<StreamData>();
  data->result = result;
  SLUICE_ASSIGN_OR_RETURN(data->schema, CatchAllocationFailure("exporting a result to Arrow", [&]() -> Result<Schema> {
                            return RelaxedResultSchema(result);
                          }));
  data->options = options;
  out->get_schema = StreamGetSchema;
  out->get_next = StreamGetNext;
  out->get_last_error = StreamGetLastError;
  out->release = StreamRelease;
  out->private_data = data.release();
  return Status::OK();
}

}  // namespace sluice
