// TableSource: something a query can scan — a file table, an in-memory
// table, or (in streaming) the data of one micro-batch of a source. The
// optimizer pushes projections and filters into it; it answers with a
// physical operator that reads exactly that.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/parse_mode.h"
#include "exec/expression.h"
#include "exec/physical_operator.h"
#include "sluice/status.h"
#include "types/data_type.h"

namespace sluice {

// A JSON parse a scan can do itself: from_json(CAST(<column> AS STRING),
// schema, options) pushed into the scan by the optimizer
// (plan/json_pushdown.h), so the text is parsed once, straight from the
// source's buffers, into only the fields the query uses.
struct ScanJsonColumn {
  int source_column = -1;  // index into schema() of the JSON text (STRING or BINARY)
  DataType type;           // STRUCT: from_json's schema cut to the fields used, in its order
  ParseMode mode = ParseMode::kPermissive;
};

class TableSource {
 public:
  virtual ~TableSource() = default;
  virtual const Schema& schema() const = 0;
  // "json /data/events", for EXPLAIN.
  virtual std::string description() const = 0;
  // A scan producing `columns` (indices into schema(), in that order) and,
  // when `filter` is set (bound over those output columns), only rows where
  // it is TRUE.
  virtual Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns,
                                                 ExprPtr filter) const = 0;
  // A table whose scan also parses `json` gives a copy of itself with one
  // more column, at the end of its schema, holding the parsed STRUCT (NULL
  // for a NULL text; malformed text handled by json.mode). Tables that
  // cannot return nullptr, and from_json stays an expression.
  virtual std::shared_ptr<const TableSource> WithJsonColumn(const ScanJsonColumn& json) const {
    (void)json;
    return nullptr;
  }
};
using TableSourcePtr = std::shared_ptr<const TableSource>;

// Where a connector publishes a table for SQL to read by name (the session's
// catalog): the memory sink's result table.
class TablePublisher {
 public:
  virtual ~TablePublisher() = default;
  // Creates or replaces the temporary table `name`.
  virtual Status PublishTable(const std::string& name, TableSourcePtr table) = 0;
  // An object a connector keeps for the life of the session, under `key`
  // (the memory sink: one sink per query name, so that a query restarted in
  // the session continues its table): the one stored under `key`, else
  // make()'s result, stored. Destroyed with the publisher, so that a later
  // session (even one allocated at the same address) never sees it. Keys
  // should start with the connector's name; one key, one type.
  virtual std::shared_ptr<void> KeepForSession(const std::string& key,
                                               const std::function<std::shared_ptr<void>()>& make) = 0;
};

}  // namespace sluice
