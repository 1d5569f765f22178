// MemorySink: keeps the query's result in memory as a table named
// after the query (format("memory") + queryName), readable with SQL while the
// query runs (Spark's MemorySink). Complete mode replaces the table with each
// batch; append and update modes add the batch's rows. A batch id it already
// holds is skipped, so a replayed batch is not added twice.
#pragma once

#include <functional>
#include <mutex>

#include "connectors/connector_registry.h"
#include "connectors/sink.h"
#include "exec/table_source.h"

namespace sluice {

class MemorySink : public CollectingSink {
 public:
  // `publisher` (may be null: the session's catalog) receives the table
  // `table_name` after every batch.
  MemorySink(TablePublisher* publisher, std::string table_name);
  // format("memory"): one sink per query name for the life of the session
  // (kept by the publisher, TablePublisher::KeepForSession), so a query
  // restarted in the same session continues the same table (and a replayed
  // batch is recognized), and a new session starts with none. Without a
  // publisher every run gets a new sink.
  static ConnectorSpec Spec();

  std::string description() const override { return "MemorySink"; }
  Status AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                  OutputMode mode) override;

  // Every row currently in the table, as values (tests).
  std::vector<std::vector<Value>> AllRows() const;
  Schema schema() const;
  // Highest batch id added, -1 if none.
  int64_t latest_batch_id() const;
  int64_t batches_added() const;

 private:
  TablePublisher* publisher_;
  std::string table_name_;
  mutable std::mutex mu_;
  Schema schema_;
  std::vector<Batch> rows_;
  int64_t latest_batch_ = -1;
  int64_t added_ = 0;
};

}  // namespace sluice
