// The engine's side of QueryResult (include/sluice/session.h): the public
// class shows a schema and rows; the engine builds results from, and reads
// them as, columnar batches.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "sluice/session.h"
#include "vector/vector.h"

namespace sluice {

struct QueryResult::Data {
  Schema schema;
  std::vector<Batch> batches;
};

struct QueryResultAccess {
  static QueryResult Make(Schema schema, std::vector<Batch> batches) {
    return QueryResult(std::make_shared<const QueryResult::Data>(QueryResult::Data{std::move(schema), std::move(batches)}));
  }
  static const std::vector<Batch>& Batches(const QueryResult& r) { return r.data_->batches; }
};

inline QueryResult MakeQueryResult(Schema schema, std::vector<Batch> batches) {
  return QueryResultAccess::Make(std::move(schema), std::move(batches));
}
inline const std::vector<Batch>& QueryResultBatches(const QueryResult& r) { return QueryResultAccess::Batches(r); }

}  // namespace sluice
