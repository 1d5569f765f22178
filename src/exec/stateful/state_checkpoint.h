// StateCheckpoint: the `<checkpoint>/state/` directory of one run of a
// streaming query, as its stateful operators see it. It outlives the
// micro-batches (each batch plans new operators):
//   * it keeps every state store provider open for the run, one per
//     (operator, partition), so batch N + 1 starts from the map batch N
//     committed instead of reading files;
//   * it holds the state schema of each operator (`state/<op>/_metadata/schema`):
//     CheckSchema compares the query's schema with the recorded one (the
//     runner calls it at query start, before any batch is logged);
//     EnsureSchema (each operator, before reading state) also records the
//     schema when the checkpoint has none yet: at the operator's first batch,
//     or the next batch of a checkpoint written before schemas were recorded.
//
// Thread-safe: the partitions of an operator ask for their providers from
// their own threads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "env/env.h"
#include "exec/stateful/state_schema.h"
#include "state/file_state_store_provider.h"
#include "state/state_store_conf.h"

namespace sluice {

class StateCheckpoint {
 public:
  StateCheckpoint(Env* env, std::string checkpoint_dir, FileStateStoreOptions options = {})
      : env_(env), checkpoint_dir_(std::move(checkpoint_dir)) {
    conf_.file = options;
  }
  // The provider and options of `conf` (spark.sql.streaming.stateStore.*).
  // The RocksDB provider needs `env` to be Env::Default() (RocksDB does its
  // own IO on the local file system): Provider() fails otherwise.
  StateCheckpoint(Env* env, std::string checkpoint_dir, StateStoreConf conf)
      : env_(env), checkpoint_dir_(std::move(checkpoint_dir)), conf_(std::move(conf)) {}

  Env* env() const { return env_; }
  const std::string& checkpoint_dir() const { return checkpoint_dir_; }
  StateStoreProviderKind provider_kind() const { return conf_.provider; }

  // OK if the checkpoint records no schema for `operator_id` or a compatible
  // one; InvalidArgument (CheckStateSchemaCompatible) if not; Corruption if
  // the schema file is damaged.
  Status CheckSchema(int operator_id, const StateSchema& schema);
  // CheckSchema, then records `schema` if the checkpoint has none.
  Status EnsureSchema(int operator_id, const StateSchema& schema);

  // The provider of `<checkpoint>/state/<operator_id>/<partition>`, opened
  // on first use (a FileStateStoreProvider or a RocksDBStateStoreProvider,
  // as the conf says). An operator with several stores per partition (a
  // stream-stream join: one per side) names them: `store_name` non-empty
  // means `<checkpoint>/state/<operator_id>/<partition>/<store_name>` (Spark's layout).
  Result<StateStoreProvider*> Provider(int operator_id, int partition, const std::string& store_name = "");

 private:
  // The recorded schema of `operator_id` (read once per run), or null.
  Result<const StateSchema*> Recorded(int operator_id);

  Env* env_;
  std::string checkpoint_dir_;
  StateStoreConf conf_;
  std::mutex mu_;
  std::map<int, std::optional<StateSchema>> recorded_;  // GUARDED_BY(mu_)
  std::map<std::tuple<int, int, std::string>, std::unique_ptr<StateStoreProvider>> providers_;  // GUARDED_BY(mu_)
};

}  // namespace sluice
