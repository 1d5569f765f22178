// StateStoreTable: the `statestore` batch table format, Spark 3.5's state
// data source: the state rows of one stateful operator of a streaming
// checkpoint, as
//
//   key STRUCT<key columns>, value STRUCT<value columns>, partition_id INT
//
// (columns and decoding: StateStoreReader). Read with
//   SELECT * FROM read_statestore('/ck', operatorId => 0)
//   CREATE TABLE s USING statestore OPTIONS (path '/ck', operatorId '1')
//   session.read().format("statestore").option("operatorId", "0").load("/ck")
// Options as Spark's: path, operatorId (default 0), batchId (default: the
// newest committed batch), storeName, joinSide (left | right: the store of
// that side of a stream-stream join). Each scan reads the state anew: a
// table over a running query's checkpoint shows its newest committed batch
// (unless batchId pins one).
#pragma once

#include <memory>
#include <string>

#include "connectors/connector_registry.h"
#include "connectors/statestore/state_store_reader.h"
#include "env/env.h"

namespace sluice {

class StateStoreTable : public TableSource {
 public:
  // Opens the reader once (errors surface at CREATE TABLE / bind time) to
  // fix the schema.
  static Result<std::shared_ptr<StateStoreTable>> Open(Env* env, StateStoreReadOptions options);

  const Schema& schema() const override { return schema_; }
  std::string description() const override;
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override;

  // The `statestore` connector (kTable) for the registry.
  static ConnectorSpec Spec();

 private:
  StateStoreTable(Env* env, StateStoreReadOptions options, Schema schema)
      : env_(env), options_(std::move(options)), schema_(std::move(schema)) {}

  Env* env_;
  StateStoreReadOptions options_;
  Schema schema_;
};

}  // namespace sluice
