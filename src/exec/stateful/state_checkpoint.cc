#include "exec/stateful/state_checkpoint.h"

namespace sluice {

Result<const StateSchema*> StateCheckpoint::Recorded(int operator_id) {
  auto it = recorded_.find(operator_id);
  if (it == recorded_.end()) {
    SLUICE_ASSIGN_OR_RETURN(auto schema, ReadStateSchema(env_, checkpoint_dir_, operator_id));
    it = recorded_.emplace(operator_id, std::move(schema)).first;
  }
  return it->second ? &*it->second : nullptr;
}

Status StateCheckpoint::CheckSchema(int operator_id, const StateSchema& schema) {
  std::lock_guard<std::mutex> l(mu_);
  SLUICE_ASSIGN_OR_RETURN(const StateSchema* recorded, Recorded(operator_id));
  if (recorded == nullptr) return Status::OK();
  return CheckStateSchemaCompatible(*recorded, schema, operator_id, checkpoint_dir_);
}

Status StateCheckpoint::EnsureSchema(int operator_id, const StateSchema& schema) {
  std::lock_guard<std::mutex> l(mu_);
  SLUICE_ASSIGN_OR_RETURN(const StateSchema* recorded, Recorded(operator_id));
  if (recorded != nullptr) return CheckStateSchemaCompatible(*recorded, schema, operator_id, checkpoint_dir_);
  SLUICE_RETURN_NOT_OK(WriteStateSchema(env_, checkpoint_dir_, operator_id, schema));
  recorded_[operator_id] = schema;
  return Status::OK();
}

Result<StateStoreProvider*> StateCheckpoint::Provider(int operator_id, int partition, const std::string& store_name) {
  std::lock_guard<std::mutex> l(mu_);
  auto& p = providers_[{operator_id, partition, store_name}];
  if (!p) {
    std::string dir = StateStoreDir(checkpoint_dir_, operator_id, partition);
    if (!store_name.empty()) dir = JoinPath(dir, store_name);
    if (conf_.provider == StateStoreProviderKind::kRocksDB) {
      if (env_ != Env::Default()) {
        return Status::InvalidArgument(
            std::string("the RocksDB state store provider (") + kStateStoreProviderClassConf +
            ") keeps its files on the local file system, but this query's file system is not the "
            "default (POSIX) one; use the default provider with it");
      }
      SLUICE_ASSIGN_OR_RETURN(p, RocksDBStateStoreProvider::Open(env_, dir, conf_.rocksdb));
    } else {
      SLUICE_ASSIGN_OR_RETURN(p, FileStateStoreProvider::Open(env_, dir, conf_.file));
    }
  }
  return p.get();
}

}  // namespace sluice
