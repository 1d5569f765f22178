#include "connectors/statestore/state_store_table.h"

#include <limits>

#include "exec/operators/memory_table.h"

namespace sluice {

namespace {

DataType StructOf(const std::vector<StateColumn>& cols) {
  std::vector<StructField> fields;
  for (const auto& c : cols) fields.push_back({c.name, c.type, true});
  return DataType::Struct(std::move(fields));
}

Schema TableSchema(const StateStoreReader& r) {
  return Schema({{"key", StructOf(r.key_columns()), false},
                 {"value", StructOf(r.value_columns()), false},
                 {"partition_id", DataType::Int(), false}});
}

}  // namespace

Result<std::shared_ptr<StateStoreTable>> StateStoreTable::Open(Env* env, StateStoreReadOptions options) {
  SLUICE_ASSIGN_OR_RETURN(auto reader, StateStoreReader::Open(env, options));
  return std::shared_ptr<StateStoreTable>(new StateStoreTable(env, std::move(options), TableSchema(reader)));
}

std::string StateStoreTable::description() const {
  std::string s = "statestore " + options_.checkpoint_dir + " operator " + std::to_string(options_.operator_id);
  if (!options_.store_name.empty()) s += " store " + options_.store_name;
  if (options_.batch_id) s += " batch " + std::to_string(*options_.batch_id);
  return s;
}

Result<PhysicalOperatorPtr> StateStoreTable::CreateScan(const std::vector<int>& columns, ExprPtr filter) const {
  SLUICE_ASSIGN_OR_RETURN(auto reader, StateStoreReader::Open(env_, options_));
  SLUICE_ASSIGN_OR_RETURN(std::vector<Batch> flat, reader.ReadRows());
  Schema now = TableSchema(reader);
  if (!(now == schema_)) {
    return Status::InvalidArgument("the state schema of operator " + std::to_string(options_.operator_id) + " in " +
                                   options_.checkpoint_dir + " changed since the table was created: it was " +
                                   schema_.ToString() + ", is now " + now.ToString());
  }
  size_t nk = reader.key_columns().size(), nv = reader.value_columns().size();
  std::vector<Batch> batches;
  for (const Batch& b : flat) {
    size_t n = b.num_rows;
    Vector key(schema_.field(0).type, n), value(schema_.field(1).type, n);
    for (size_t i = 0; i < nk; ++i) key.child(i) = b.columns[i];
    for (size_t i = 0; i < nv; ++i) value.child(i) = b.columns[nk + i];
    batches.emplace_back(std::vector<Vector>{key, value, b.columns[nk + nv]}, n);
  }
  MemoryTable table(schema_, std::move(batches), description());
  return table.CreateScan(columns, std::move(filter));
}

ConnectorSpec StateStoreTable::Spec() {
  ConnectorSpec spec;
  spec.name = "statestore";
  spec.kind = ConnectorKind::kTable;
  spec.description = "the state rows of a stateful operator of a streaming checkpoint (Spark's state data source)";
  spec.schema_policy = SchemaPolicy::kFixed;
  spec.options.Add(OptionSpec::String("path", "", "the checkpoint location (or LOCATION / load(path))"));
  spec.options.Add(OptionSpec::Int("operatorId", "0", 0, std::numeric_limits<int>::max(), "the stateful operator (state/<operatorId>/)"));
  spec.options.Add(OptionSpec::Int("batchId", "", 0, std::numeric_limits<int64_t>::max(),
                                   "the committed batch whose state is read (default: the newest)"));
  spec.options.Add(OptionSpec::String("storeName", "", "the state store of an operator that keeps several"));
  spec.options.Add(OptionSpec::Enum("joinSide", "none", {"left", "right", "none"},
                                    "a stream-stream join's side: its store (same as storeName left/right)"));
  spec.options.Unsupported("readChangeFeed", "reading the state's change feed is not implemented");
  spec.options.Unsupported("snapshotStartBatchId", "reading from a chosen snapshot is not implemented");
  spec.options.Unsupported("snapshotPartitionId", "reading from a chosen snapshot is not implemented");
  spec.make_table = [](const SourceOptions& options, std::vector<std::string> paths,
                       std::optional<Schema> schema) -> Result<TableSourcePtr> {
    if (schema) {
      return Status::InvalidArgument(
          "table format 'statestore' has a fixed schema (key, value, partition_id, from the operator's state "
          "schema): remove the column list");
    }
    if (paths.empty()) {
      auto p = options.Get("path");
      if (p) paths.push_back(*p);
    }
    if (paths.size() != 1) {
      return Status::InvalidArgument("table format 'statestore' reads one checkpoint: give exactly one path, got " +
                                     std::to_string(paths.size()));
    }
    StateStoreReadOptions o;
    o.checkpoint_dir = paths[0];
    SLUICE_ASSIGN_OR_RETURN(int64_t op, options.GetInt("operatorId", 0));
    o.operator_id = static_cast<int>(op);
    if (options.Get("batchId")) {
      SLUICE_ASSIGN_OR_RETURN(int64_t b, options.GetInt("batchId", 0));
      o.batch_id = b;
    }
    o.store_name = options.GetOr("storeName", "");
    std::string side = ToLower(options.GetOr("joinSide", "none"));
    if (side != "none") {
      if (!o.store_name.empty()) {
        return Status::InvalidArgument("table format 'statestore': give storeName or joinSide, not both");
      }
      o.store_name = side;
    }
    SLUICE_ASSIGN_OR_RETURN(auto table, StateStoreTable::Open(Env::Default(), std::move(o)));
    return TableSourcePtr(table);
  };
  return spec;
}

}  // namespace sluice
