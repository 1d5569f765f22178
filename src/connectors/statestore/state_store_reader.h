// StateStoreReader: the rows a stateful operator keeps in a checkpoint's
// state store, decoded with the operator's recorded StateSchema (Spark 3.5's
// state data source reads them the same way). The shared rule every stateful
// operator keeps makes this generic: a key is EncodeStateRow of columns typed
// `keys[*].type`, a value EncodeStateRow of the concatenation of
// `values[*].state_types` (exec/stateful/state_schema.h,
// exec/stateful/state_row_codec.h). Used by the `statestore` table format /
// read_statestore() and by `sluice checkpoint <dir> state <op>`.
//
// The state read is the version a committed batch left: batch B (default:
// the newest batch in commits/) is state version B + 1. The stores are
// opened through StateCheckpoint / StateStoreProvider, never by reading
// state files here, so any provider the checkpoint was written with reads
// the same way; nothing is created or written in the checkpoint, except that
// opening a provider removes temp files a crashed write left (as a restart
// would).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "env/env.h"
#include "exec/stateful/state_checkpoint.h"
#include "exec/stateful/state_schema.h"
#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

struct StateStoreReadOptions {
  std::string checkpoint_dir;
  int operator_id = 0;
  // The committed batch whose state is read; nullopt: the newest one.
  std::optional<int64_t> batch_id;
  // A store of an operator with several per partition (a stream-stream join:
  // "left", "right"); empty: the operator's only store.
  std::string store_name;
};

// One column of the decoded rows.
struct StateColumn {
  std::string name;
  DataType type;
};

class StateStoreReader {
 public:
  // Reads the operator's schema and picks the batch; fails with NotFound
  // naming what is missing (the checkpoint, the operator's state, its schema
  // file, a committed batch), InvalidArgument for a batch that was not
  // committed or an operator with several stores and no store_name.
  static Result<StateStoreReader> Open(Env* env, StateStoreReadOptions options);

  const StateSchema& schema() const { return schema_; }
  int64_t batch_id() const { return batch_id_; }
  int64_t version() const { return batch_id_ + 1; }
  const std::vector<int>& partitions() const { return partitions_; }
  // The key columns (keys[*]) and the value columns: one per state type of
  // each value column, named after the value column ("n"), or "<name>_<i>"
  // for the i-th state of an aggregate that keeps several (avg: a_0, a_1).
  const std::vector<StateColumn>& key_columns() const { return key_columns_; }
  const std::vector<StateColumn>& value_columns() const { return value_columns_; }

  // Every row of every partition: the key columns, the value columns, then
  // partition_id (INT). Corruption naming the file if a state file is
  // missing or damaged.
  Result<std::vector<Batch>> ReadRows() const;
  // ReadRows' column names and types.
  Schema RowSchema() const;

 private:
  StateStoreReader() = default;
  std::string StoreDir(int partition) const;

  Env* env_ = nullptr;
  StateStoreReadOptions options_;
  StateSchema schema_;
  int64_t batch_id_ = 0;
  std::vector<int> partitions_;
  std::vector<StateColumn> key_columns_;
  std::vector<StateColumn> value_columns_;
};

// The StateCheckpoint every reader of `checkpoint_dir`'s state opens its
// stores through: the provider the checkpoint was written with
// (DetectStateStoreProvider), read-only.
Result<std::unique_ptr<StateCheckpoint>> OpenStateCheckpointForReading(Env* env, const std::string& checkpoint_dir);

// The numeric subdirectories of `dir` ("0", "1", ...), ascending; empty if
// `dir` does not exist.
Result<std::vector<int>> ListNumericSubdirs(Env* env, const std::string& dir);

}  // namespace sluice
