#include "checkpoint_command.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <vector>

#include "checkpoint/checkpoint_metadata.h"
#include "checkpoint/commit_log.h"
#include "checkpoint/offset_log.h"
#include "connectors/statestore/state_store_reader.h"
#include "exec/stateful/state_checkpoint.h"
#include "exec/stateful/state_schema.h"
#include "render/table_renderer.h"
#include "state/file_state_store_provider.h"
#include "stream/micro_batch_execution.h"

namespace sluice {

namespace {

bool IsDir(Env* env, const std::string& path) {
  auto a = env->GetFileAttributes(path);
  return a.ok() && a->type == FileType::kDirectory;
}

// Bytes of the regular files under `dir`, recursively.
Result<uint64_t> DiskBytes(Env* env, const std::string& dir) {
  uint64_t total = 0;
  SLUICE_ASSIGN_OR_RETURN(auto entries, env->ListDirWithAttributes(dir));
  for (const auto& e : entries) {
    if (e.type == FileType::kDirectory) {
      SLUICE_ASSIGN_OR_RETURN(uint64_t sub, DiskBytes(env, JoinPath(dir, e.name)));
      total += sub;
    } else {
      total += e.size;
    }
  }
  return total;
}

// A table of strings rendered as RenderTable renders query results.
std::string Table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  Schema schema;
  std::vector<Vector> cols;
  for (const auto& h : header) {
    schema.Add({h, DataType::String(), true});
    cols.emplace_back(DataType::String(), 0);
  }
  for (const auto& r : rows) {
    for (size_t c = 0; c < cols.size(); ++c) cols[c].AppendValue(Value::String(c < r.size() ? r[c] : ""));
  }
  std::vector<Batch> batches;
  if (!rows.empty()) batches.emplace_back(std::move(cols), rows.size());
  return RenderTable(schema, batches, rows.size() + 1);
}

std::string Watermark(int64_t ms) { return std::to_string(ms) + " (" + FormatIsoTimestamp(ms) + ")"; }

std::string KeyList(const StateSchema& s) {
  std::string out;
  for (const auto& k : s.keys) out += (out.empty() ? "" : ", ") + k.name + " " + k.type;
  return out.empty() ? "(none)" : out;
}

std::string ValueList(const StateSchema& s) {
  std::string out;
  for (const auto& v : s.values) {
    std::string states;
    for (const auto& t : v.state_types) states += (states.empty() ? "" : ", ") + t;
    out += (out.empty() ? "" : "; ") + v.ToString() + " [state " + states + "]";
  }
  return out.empty() ? "(none)" : out;
}

// The checkpoint's metadata, read only (nullopt when absent).
Result<std::optional<CheckpointMetadata>> ReadMetadata(Env* env, const std::string& dir) {
  std::string path = JoinPath(dir, "metadata");
  if (!env->FileExists(path)) return std::optional<CheckpointMetadata>();
  std::string text;
  SLUICE_RETURN_NOT_OK(env->ReadFileToString(path, &text));
  bool legacy = false;
  SLUICE_ASSIGN_OR_RETURN(auto meta, CheckpointMetadata::Parse(path, text, &legacy));
  return std::optional<CheckpointMetadata>(std::move(meta));
}

Status DescribeOperator(Env* env, const std::string& dir, int op, std::optional<int64_t> committed,
                        std::string* out) {
  SLUICE_ASSIGN_OR_RETURN(auto schema, ReadStateSchema(env, dir, op));
  std::string op_dir = JoinPath(JoinPath(dir, "state"), std::to_string(op));
  *out += "\noperator " + std::to_string(op) + ": " + (schema ? schema->operator_name : "(no recorded schema)") + "\n";
  if (schema) {
    *out += "  key columns:   " + KeyList(*schema) + "\n";
    *out += "  value columns: " + ValueList(*schema) + "\n";
  } else {
    *out += "  " + StateSchemaPath(dir, op) + " is missing: the state cannot be decoded\n";
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<int> partitions, ListNumericSubdirs(env, op_dir));
  SLUICE_ASSIGN_OR_RETURN(auto checkpoint, OpenStateCheckpointForReading(env, dir));
  std::vector<std::vector<std::string>> rows;
  int64_t total_rows = 0, total_memory = 0;
  uint64_t total_disk = 0;
  bool rows_known = schema.has_value() && committed.has_value();
  for (int p : partitions) {
    // The stores the schema names (a join's left and right), else the one
    // store of the partition.
    std::vector<std::string> stores;
    if (schema) {
      for (const auto& st : schema->stores) stores.push_back(st.name);
    }
    if (stores.empty()) stores = {""};
    for (const auto& store : stores) {
      SLUICE_ASSIGN_OR_RETURN(StateStoreProvider * provider, checkpoint->Provider(op, p, store));
      SLUICE_ASSIGN_OR_RETURN(auto latest, provider->LatestVersion());
      SLUICE_ASSIGN_OR_RETURN(uint64_t disk, DiskBytes(env, provider->dir()));
      total_disk += disk;
      std::string n = "-", memory = "-";
      if (rows_known) {
        auto store_obj = provider->Load(*committed + 1);
        if (!store_obj.ok()) {
          return store_obj.status().WithContext("operator " + std::to_string(op) + " partition " +
                                                std::to_string(p) + ": reading state version " +
                                                std::to_string(*committed + 1) + " of " + provider->dir());
        }
        n = std::to_string((*store_obj)->NumKeys());
        memory = std::to_string((*store_obj)->MemoryUsedBytes());
        total_rows += static_cast<int64_t>((*store_obj)->NumKeys());
        total_memory += static_cast<int64_t>((*store_obj)->MemoryUsedBytes());
        (*store_obj)->Abort();
      }
      std::vector<std::string> row = {std::to_string(p)};
      row.push_back(store.empty() ? "-" : store);
      row.push_back(latest ? std::to_string(*latest) : "-");
      row.push_back(n);
      row.push_back(memory);
      row.push_back(std::to_string(disk));
      rows.push_back(std::move(row));
    }
  }
  *out += "  partitions: " + std::to_string(partitions.size());
  if (rows_known) {
    *out += "; state of batch " + std::to_string(*committed) + " (version " + std::to_string(*committed + 1) +
            "): " + std::to_string(total_rows) + " rows, " + std::to_string(total_memory) + " bytes in memory";
  }
  *out += "; " + std::to_string(total_disk) + " bytes on disk\n";
  *out += Table({"partition", "store", "latest version", "rows", "memory bytes", "disk bytes"}, rows);
  return Status::OK();
}

}  // namespace

Result<std::string> DescribeCheckpoint(Env* env, const std::string& dir) {
  if (!IsDir(env, dir)) return Status::NotFound("checkpoint location " + dir + " does not exist");
  SLUICE_ASSIGN_OR_RETURN(auto meta, ReadMetadata(env, dir));
  bool has_offsets = IsDir(env, JoinPath(dir, "offsets"));
  if (!meta && !has_offsets) {
    return Status::NotFound(dir + " is not a streaming checkpoint: it has neither a metadata file nor offsets/");
  }
  std::string out = "checkpoint " + dir + "\n";
  out += "query id: " + (meta ? meta->query_id : std::string("(no metadata file)")) + "\n";

  std::vector<int64_t> ids;
  std::optional<OffsetLog> offsets;
  if (has_offsets) {
    SLUICE_ASSIGN_OR_RETURN(auto log, OffsetLog::Open(env, dir, meta ? meta->ChecksumsFrom("offsets") : 0));
    SLUICE_ASSIGN_OR_RETURN(ids, log.log().ListBatchIds());
    offsets = std::move(log);
  }
  std::map<int64_t, CommitMetadata> commits;
  std::optional<int64_t> last_commit;
  if (IsDir(env, JoinPath(dir, "commits"))) {
    SLUICE_ASSIGN_OR_RETURN(auto log, CommitLog::Open(env, dir, meta ? meta->ChecksumsFrom("commits") : 0));
    SLUICE_ASSIGN_OR_RETURN(auto commit_ids, log.log().ListBatchIds());
    for (int64_t id : commit_ids) {
      SLUICE_ASSIGN_OR_RETURN(commits[id], log.Get(id));
    }
    if (!commit_ids.empty()) last_commit = commit_ids.back();
  }
  if (ids.empty()) {
    out += "batches: none\n";
  } else {
    out += "batches: " + std::to_string(ids.front()) + " to " + std::to_string(ids.back()) + " (" +
           std::to_string(ids.size()) + " in the offset log); " +
           (last_commit ? "newest committed: " + std::to_string(*last_commit) : std::string("none committed")) +
           "\n";
  }
  std::vector<std::vector<std::string>> rows;
  size_t sources = 0;
  std::map<std::string, std::string> conf;
  std::vector<OffsetSeq> entries;
  for (int64_t id : ids) {
    SLUICE_ASSIGN_OR_RETURN(OffsetSeq seq, offsets->Get(id));
    sources = std::max(sources, seq.offsets.size());
    conf = seq.metadata.conf;
    entries.push_back(std::move(seq));
  }
  if (!conf.empty()) {
    out += "conf:";
    for (const auto& [k, v] : conf) out += " " + k + "=" + v;
    out += "\n";
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const OffsetSeq& seq = entries[i];
    auto c = commits.find(ids[i]);
    std::vector<std::string> row = {std::to_string(ids[i]), c != commits.end() ? "yes" : "no",
                                    Watermark(seq.metadata.batch_watermark_ms),
                                    c != commits.end() ? Watermark(c->second.next_batch_watermark_ms) : "-",
                                    FormatIsoTimestamp(seq.metadata.batch_timestamp_ms)};
    for (size_t s = 0; s < sources; ++s) {
      row.push_back(s < seq.offsets.size() && seq.offsets[s] ? *seq.offsets[s] : "-");
    }
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) {
    std::vector<std::string> header = {"batch", "committed", "watermark ms", "next watermark ms", "timestamp"};
    for (size_t s = 0; s < sources; ++s) header.push_back("source " + std::to_string(s) + " offset");
    out += Table(header, rows);
  }

  SLUICE_ASSIGN_OR_RETURN(std::vector<int> ops, ListNumericSubdirs(env, JoinPath(dir, "state")));
  if (ops.empty()) {
    out += "\nstateful operators: none has written state\n";
    return out;
  }
  out += "\nstateful operators: " + std::to_string(ops.size()) + "\n";
  for (int op : ops) SLUICE_RETURN_NOT_OK(DescribeOperator(env, dir, op, last_commit, &out));
  return out;
}

Result<std::string> DescribeState(Env* env, const StateDumpOptions& options) {
  StateStoreReadOptions ro;
  ro.checkpoint_dir = options.checkpoint_dir;
  ro.operator_id = options.operator_id;
  ro.batch_id = options.batch_id;
  ro.store_name = options.store_name;
  SLUICE_ASSIGN_OR_RETURN(auto reader, StateStoreReader::Open(env, ro));
  if (options.partition &&
      std::find(reader.partitions().begin(), reader.partitions().end(), *options.partition) ==
          reader.partitions().end()) {
    return Status::NotFound("operator " + std::to_string(options.operator_id) + " has no partition " +
                            std::to_string(*options.partition) + " (it has " +
                            std::to_string(reader.partitions().size()) + ")");
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<Batch> batches, reader.ReadRows());
  Schema schema = reader.RowSchema();
  std::string out = "operator " + std::to_string(options.operator_id) + " (" + reader.schema().operator_name +
                    "), state of batch " + std::to_string(reader.batch_id()) + " (version " +
                    std::to_string(reader.version()) + ")" +
                    (options.store_name.empty() ? "" : ", store " + options.store_name) + "\n";
  std::vector<Batch> kept;
  size_t rows = 0;
  if (!batches.empty()) {
    Batch all = Batch::Concat(batches);
    size_t nk = reader.key_columns().size();
    size_t pcol = schema.size() - 1;
    // Ordered by partition, then the keys as text.
    std::vector<std::pair<std::vector<std::string>, uint32_t>> order;
    for (size_t r = 0; r < all.num_rows; ++r) {
      int partition = all.columns[pcol].GetValue(r).int_value();
      if (options.partition && partition != *options.partition) continue;
      std::vector<std::string> sort_key;
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%010d", partition);
      sort_key.push_back(buf);
      for (size_t c = 0; c < nk; ++c) sort_key.push_back(all.columns[c].GetValue(r).ToString());
      order.push_back({std::move(sort_key), static_cast<uint32_t>(r)});
    }
    std::sort(order.begin(), order.end());
    SelectionVector sel;
    for (const auto& o : order) sel.push_back(o.second);
    rows = sel.size();
    if (rows > 0) kept.push_back(all.Gather(sel));
  }
  out += RenderTable(schema, kept, options.max_rows);
  out += std::to_string(rows) + (rows == 1 ? " row\n" : " rows\n");
  return out;
}

}  // namespace sluice
