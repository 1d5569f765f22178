#include "connectors/statestore/state_store_reader.h"

#include <algorithm>

#include "checkpoint/checkpoint_metadata.h"
#include "checkpoint/commit_log.h"
#include "exec/stateful/state_checkpoint.h"
#include "exec/stateful/state_row_codec.h"
#include "sql/parser.h"
#include "state/file_state_store_provider.h"
#include "state/state_store_conf.h"

namespace sluice {

namespace {

bool IsDir(Env* env, const std::string& path) {
  auto a = env->GetFileAttributes(path);
  return a.ok() && a->type == FileType::kDirectory;
}

Result<DataType> StateType(const std::string& text, const std::string& what, const std::string& schema_path) {
  auto t = ParseDataType(text);
  if (!t.ok()) {
    return Status::Corruption("state schema file " + schema_path + ": " + what + " has the type \"" + text +
                              "\", which is not a type: " + t.status().message());
  }
  return *t;
}

// The checkpoint's commits/ as a log, read only (nullopt: no commits/ yet).
Result<std::optional<CommitLog>> OpenCommits(Env* env, const std::string& dir) {
  if (!IsDir(env, JoinPath(dir, "commits"))) return std::optional<CommitLog>();
  int64_t checksums_from = 0;
  std::string meta_path = JoinPath(dir, "metadata");
  if (env->FileExists(meta_path)) {
    std::string text;
    SLUICE_RETURN_NOT_OK(env->ReadFileToString(meta_path, &text));
    bool legacy = false;
    SLUICE_ASSIGN_OR_RETURN(auto meta, CheckpointMetadata::Parse(meta_path, text, &legacy));
    checksums_from = meta.ChecksumsFrom("commits");
  }
  SLUICE_ASSIGN_OR_RETURN(auto log, CommitLog::Open(env, dir, checksums_from));
  return std::optional<CommitLog>(std::move(log));
}

}  // namespace

Result<std::unique_ptr<StateCheckpoint>> OpenStateCheckpointForReading(Env* env, const std::string& checkpoint_dir) {
  // The provider the checkpoint's files show (a RocksDB store has <v>.rocksdb
  // snapshots or a working directory), opened read-only: an inspection next
  // to the running query neither deletes its temp files nor its working
  // instances.
  SLUICE_ASSIGN_OR_RETURN(StateStoreConf conf, StateStoreConfForReading(env, checkpoint_dir));
  return std::make_unique<StateCheckpoint>(env, checkpoint_dir, conf);
}

Result<std::vector<int>> ListNumericSubdirs(Env* env, const std::string& dir) {
  std::vector<int> out;
  if (!IsDir(env, dir)) return out;
  SLUICE_ASSIGN_OR_RETURN(auto entries, env->ListDirWithAttributes(dir));
  for (const auto& e : entries) {
    if (e.type != FileType::kDirectory || e.name.empty() || e.name.size() > 9) continue;
    if (!std::all_of(e.name.begin(), e.name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    if (e.name.size() > 1 && e.name[0] == '0') continue;
    out.push_back(std::stoi(e.name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<StateStoreReader> StateStoreReader::Open(Env* env, StateStoreReadOptions options) {
  StateStoreReader r;
  r.env_ = env;
  r.options_ = std::move(options);
  const std::string& dir = r.options_.checkpoint_dir;
  if (dir.empty()) return Status::InvalidArgument("the state store reader needs the checkpoint location (path)");
  if (!IsDir(env, dir)) return Status::NotFound("checkpoint location " + dir + " does not exist");
  if (r.options_.operator_id < 0) {
    return Status::InvalidArgument("operatorId must be >= 0, got " + std::to_string(r.options_.operator_id));
  }
  std::string op_dir = JoinPath(JoinPath(dir, "state"), std::to_string(r.options_.operator_id));
  if (!IsDir(env, op_dir)) {
    SLUICE_ASSIGN_OR_RETURN(auto ops, ListNumericSubdirs(env, JoinPath(dir, "state")));
    std::string known;
    for (int op : ops) known += (known.empty() ? "" : ", ") + std::to_string(op);
    return Status::NotFound("the checkpoint " + dir + " has no state for operator " +
                            std::to_string(r.options_.operator_id) + " (" + op_dir + " does not exist); " +
                            (known.empty() ? "no stateful operator has written state in it" : "its stateful operators: " + known));
  }
  SLUICE_ASSIGN_OR_RETURN(auto schema, ReadStateSchema(env, dir, r.options_.operator_id));
  if (!schema) {
    return Status::NotFound("operator " + std::to_string(r.options_.operator_id) + " of checkpoint " + dir +
                            " has no recorded state schema (" + StateSchemaPath(dir, r.options_.operator_id) +
                            " is missing): its state cannot be decoded");
  }
  r.schema_ = std::move(*schema);
  std::string schema_path = StateSchemaPath(dir, r.options_.operator_id);
  // An operator with several stores per partition (a join's left and right)
  // describes each in the schema: one must be chosen, and it is decoded
  // with its own columns.
  const std::vector<StateKeyColumn>* keys = &r.schema_.keys;
  const std::vector<StateValueColumn>* values = &r.schema_.values;
  if (!r.schema_.stores.empty()) {
    std::string names;
    const StateStoreSchema* chosen = nullptr;
    for (const auto& st : r.schema_.stores) {
      names += (names.empty() ? "" : ", ") + st.name;
      if (st.name == r.options_.store_name) chosen = &st;
    }
    if (r.options_.store_name.empty()) {
      return Status::InvalidArgument("operator " + std::to_string(r.options_.operator_id) + " (" +
                                     r.schema_.operator_name + ") keeps several state stores per partition (" + names +
                                     "): choose one with the option storeName (or joinSide)");
    }
    if (chosen == nullptr) {
      return Status::NotFound("operator " + std::to_string(r.options_.operator_id) + " (" + r.schema_.operator_name +
                              ") has no state store named '" + r.options_.store_name + "'; its stores: " + names);
    }
    keys = &chosen->keys;
    values = &chosen->values;
  }
  for (size_t i = 0; i < keys->size(); ++i) {
    const auto& k = (*keys)[i];
    SLUICE_ASSIGN_OR_RETURN(DataType t, StateType(k.type, "key column " + k.name, schema_path));
    r.key_columns_.push_back({k.name, t});
  }
  for (const auto& v : *values) {
    for (size_t i = 0; i < v.state_types.size(); ++i) {
      std::string name = v.state_types.size() == 1 ? v.name : v.name + "_" + std::to_string(i);
      SLUICE_ASSIGN_OR_RETURN(DataType t, StateType(v.state_types[i], "value column " + v.name, schema_path));
      r.value_columns_.push_back({name, t});
    }
  }

  // The batch: the newest committed one, or the one asked for (committed).
  SLUICE_ASSIGN_OR_RETURN(auto commits, OpenCommits(env, dir));
  std::optional<int64_t> latest;
  if (commits) {
    SLUICE_ASSIGN_OR_RETURN(latest, commits->GetLatestBatchId());
  }
  if (!latest) {
    return Status::NotFound("the checkpoint " + dir + " has no committed batch (" + JoinPath(dir, "commits") +
                            " is empty): there is no committed state to read");
  }
  if (r.options_.batch_id) {
    int64_t b = *r.options_.batch_id;
    if (b < 0 || b > *latest) {
      return Status::InvalidArgument("batchId " + std::to_string(b) + " is not a committed batch of checkpoint " +
                                     dir + ": the committed batches end at " + std::to_string(*latest));
    }
    r.batch_id_ = b;
  } else {
    r.batch_id_ = *latest;
  }

  SLUICE_ASSIGN_OR_RETURN(r.partitions_, ListNumericSubdirs(env, op_dir));
  if (r.partitions_.empty()) {
    return Status::NotFound("operator " + std::to_string(r.options_.operator_id) + " has no partition directory in " +
                            op_dir);
  }
  // An operator with several stores per partition keeps them in named
  // subdirectories: one must be chosen.
  std::string first = JoinPath(op_dir, std::to_string(r.partitions_[0]));
  if (r.options_.store_name.empty()) {
    SLUICE_ASSIGN_OR_RETURN(auto entries, env->ListDirWithAttributes(first));
    std::vector<std::string> stores;
    bool has_files = false;
    for (const auto& e : entries) {
      if (e.type == FileType::kDirectory) {
        stores.push_back(e.name);
      } else {
        has_files = true;
      }
    }
    std::sort(stores.begin(), stores.end());
    if (!stores.empty() && !has_files) {
      std::string names;
      for (const auto& s : stores) names += (names.empty() ? "" : ", ") + s;
      return Status::InvalidArgument("operator " + std::to_string(r.options_.operator_id) + " (" +
                                     r.schema_.operator_name + ") keeps several state stores per partition (" + names +
                                     "): choose one with the option storeName (or joinSide)");
    }
  } else if (!IsDir(env, JoinPath(first, r.options_.store_name))) {
    return Status::NotFound("operator " + std::to_string(r.options_.operator_id) + " has no state store named '" +
                            r.options_.store_name + "' (" + JoinPath(first, r.options_.store_name) +
                            " does not exist)");
  }
  return r;
}

std::string StateStoreReader::StoreDir(int partition) const {
  std::string d = StateStoreDir(options_.checkpoint_dir, options_.operator_id, partition);
  return options_.store_name.empty() ? d : JoinPath(d, options_.store_name);
}

Schema StateStoreReader::RowSchema() const {
  Schema s;
  for (const auto& c : key_columns_) s.Add({c.name, c.type, true});
  for (const auto& c : value_columns_) s.Add({c.name, c.type, true});
  s.Add({"partition_id", DataType::Int(), false});
  return s;
}

Result<std::vector<Batch>> StateStoreReader::ReadRows() const {
  std::vector<DataType> key_types, value_types;
  for (const auto& c : key_columns_) key_types.push_back(c.type);
  for (const auto& c : value_columns_) value_types.push_back(c.type);
  for (const auto& t : key_types) SLUICE_RETURN_NOT_OK(CheckStateType(t, "a state key column"));
  for (const auto& t : value_types) SLUICE_RETURN_NOT_OK(CheckStateType(t, "a state value column"));
  SLUICE_ASSIGN_OR_RETURN(auto checkpoint, OpenStateCheckpointForReading(env_, options_.checkpoint_dir));
  std::vector<Batch> out;
  for (int p : partitions_) {
    if (!IsDir(env_, StoreDir(p))) {
      return Status::NotFound("state store directory " + StoreDir(p) + " is missing (operator " +
                              std::to_string(options_.operator_id) + ", partition " + std::to_string(p) + ")");
    }
    SLUICE_ASSIGN_OR_RETURN(StateStoreProvider * provider,
                            checkpoint->Provider(options_.operator_id, p, options_.store_name));
    auto store = provider->Load(version());
    if (!store.ok()) {
      return store.status().WithContext("reading state version " + std::to_string(version()) + " (batch " +
                                        std::to_string(batch_id_) + ") of " + provider->dir());
    }
    StateRowDecoder keys(key_types), values(value_types);
    Status st;
    (*store)->ForEach([&](std::string_view k, std::string_view v) {
      if (!st.ok()) return;
      st = keys.Add(k);
      if (st.ok()) st = values.Add(v);
    });
    size_t n = keys.rows();
    (*store)->Abort();
    if (!st.ok()) {
      return Status::Corruption("state of operator " + std::to_string(options_.operator_id) + " in " +
                                provider->dir() + " version " + std::to_string(version()) +
                                " does not decode with its schema " + StateSchemaPath(options_.checkpoint_dir,
                                                                                       options_.operator_id) +
                                ": " + st.message());
    }
    if (n == 0) continue;
    std::vector<Vector> cols = keys.Finish();
    for (auto& v : values.Finish()) cols.push_back(std::move(v));
    cols.push_back(Vector::Constant(Value::Int(p), n));
    // Batches of at most kBatchSize rows.
    for (size_t off = 0; off < n; off += kBatchSize) {
      size_t len = std::min(kBatchSize, n - off);
      std::vector<Vector> slice;
      for (const auto& c : cols) slice.push_back(off == 0 && len == n ? c : c.Slice(off, len));
      out.emplace_back(std::move(slice), len);
    }
  }
  return out;
}

}  // namespace sluice
