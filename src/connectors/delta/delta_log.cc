#include "connectors/delta/delta_log.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "checkpoint/checkpoint_metadata.h"
#include "common/log.h"
#include "connectors/delta/delta_checkpoint.h"
#include "env/kill_point.h"

namespace sluice {

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> StringArray(const simdjson::dom::object& obj, std::string_view key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (obj[key].get_array().get(a)) return out;
  for (simdjson::dom::element e : a) {
    std::string_view s;
    if (!e.get_string().get(s)) out.emplace_back(s);
  }
  return out;
}

int64_t IntOr(const simdjson::dom::object& obj, std::string_view key, int64_t def) {
  int64_t v = def;
  if (obj[key].get_int64().get(v)) {}  // absent: the default
  return v;
}

}  // namespace

std::optional<int64_t> ParseDeltaCommitName(std::string_view name) {
  if (name.size() != 25 || name.substr(20) != ".json" || !AllDigits(name.substr(0, 20))) return std::nullopt;
  return std::stoll(std::string(name.substr(0, 20)));
}

std::optional<int64_t> ParseDeltaCheckpointName(std::string_view name) {
  if (name.size() < 31 || !AllDigits(name.substr(0, 20)) || name.substr(20, 12) != ".checkpoint.") return std::nullopt;
  return std::stoll(std::string(name.substr(0, 20)));
}

DeltaLog::DeltaLog(Env* env, std::string table_dir, std::string track_app_id)
    : env_(env), table_dir_(std::move(table_dir)), track_app_id_(std::move(track_app_id)) {}

std::string DeltaLog::CommitPath(int64_t version) const {
  char name[32];
  std::snprintf(name, sizeof(name), "%020lld.json", static_cast<long long>(version));
  return JoinPath(log_dir(), name);
}

Status DeltaLog::Update(DeltaSnapshot* snapshot, std::vector<DeltaCommitSummary>* summaries) const {
  std::string dir = log_dir();
  if (!env_->FileExists(dir)) {
    if (snapshot->version >= 0) {
      return Status::Corruption("Delta table " + table_dir_ + ": its log " + dir + " disappeared (it was at version " +
                                std::to_string(snapshot->version) + ")");
    }
    return Status::OK();
  }
  SLUICE_ASSIGN_OR_RETURN(auto names, env_->ListDir(dir));
  std::vector<int64_t> versions;
  std::optional<int64_t> newest_checkpoint;
  // Classic checkpoints by version: the single file, or the parts
  // "<v>.checkpoint.<i>.<n>.parquet" (usable once all n are there).
  std::map<int64_t, std::vector<std::string>> single, parts;
  std::map<int64_t, int> part_count;
  for (const auto& n : names) {
    if (auto v = ParseDeltaCommitName(n)) versions.push_back(*v);
    if (auto c = ParseDeltaCheckpointName(n)) {
      newest_checkpoint = std::max(newest_checkpoint.value_or(-1), *c);
      std::string_view rest = std::string_view(n).substr(32);  // after "<20 digits>.checkpoint."
      if (rest == "parquet") {
        single[*c].push_back(JoinPath(dir, n));
      } else if (rest.size() == 29 && AllDigits(rest.substr(0, 10)) && rest[10] == '.' &&
                 AllDigits(rest.substr(11, 10)) && rest.substr(21) == ".parquet") {
        parts[*c].push_back(JoinPath(dir, n));
        part_count[*c] = std::stoi(std::string(rest.substr(11, 10)));
      }
    }
  }
  std::sort(versions.begin(), versions.end());
  // A new snapshot starts from the newest complete checkpoint, when there
  // is one: the state in one read instead of a replay of every commit (and
  // the only way once the early commits are cleaned up). If it cannot be
  // read while every JSON commit is still there, the commits are replayed.
  if (snapshot->version < 0) {
    std::optional<int64_t> best;
    std::vector<std::string> best_paths;
    for (const auto& [v, p] : single) {
      if (!versions.empty() && v > versions.back()) continue;
      best = v;
      best_paths = p;
    }
    for (const auto& [v, p] : parts) {
      if ((!versions.empty() && v > versions.back()) || static_cast<int>(p.size()) != part_count[v]) continue;
      if (!best || v > *best) {
        best = v;
        best_paths = p;
        std::sort(best_paths.begin(), best_paths.end());
      }
    }
    if (best) {
      Status st = ReadDeltaCheckpoint(env_, best_paths, *best, snapshot);
      if (!st.ok()) {
        bool all_json = !versions.empty() && versions.front() == 0 &&
                        versions.back() - versions.front() + 1 == static_cast<int64_t>(versions.size());
        if (!all_json) return st;
        LogWarn("delta", "Delta table {}: the checkpoint of version {} could not be read ({}); replaying the JSON "
                "commits from version 0 instead", table_dir_, *best, st.ToString());
        bool track = snapshot->track_files;
        *snapshot = DeltaSnapshot{};
        snapshot->track_files = track;
      }
    }
  }
  if (versions.empty()) {
    if (snapshot->version >= 0) return Status::OK();  // read from a checkpoint, no commit after it
    if (newest_checkpoint) {
      return Status::NotImplemented("Delta table " + table_dir_ + ": its log has a checkpoint (version " +
                                    std::to_string(*newest_checkpoint) +
                                    ") but no JSON commits, and the checkpoint is not one Sluice reads (a V2 or "
                                    "incomplete multi-part checkpoint)");
    }
    if (snapshot->version >= 0) {
      return Status::Corruption("Delta table " + table_dir_ + ": its log " + dir + " holds no commits (it was at version " +
                                std::to_string(snapshot->version) + ")");
    }
    return Status::OK();  // an empty _delta_log: no table yet
  }
  if (versions.back() < snapshot->version) {
    return Status::Corruption("Delta table " + table_dir_ + ": its newest commit is version " +
                              std::to_string(versions.back()) + " but it was read at version " +
                              std::to_string(snapshot->version) + " before (the log was replaced or truncated)");
  }
  int64_t next = snapshot->version + 1;
  auto it = std::lower_bound(versions.begin(), versions.end(), next);
  if (it == versions.end()) return Status::OK();  // up to date
  if (*it != next) {
    if (next == 0 && newest_checkpoint && *newest_checkpoint + 1 >= *it) {
      return Status::NotImplemented(
          "Delta table " + table_dir_ + ": its JSON commits start at version " + std::to_string(*it) +
          " (the older ones were cleaned up after the checkpoint of version " + std::to_string(*newest_checkpoint) +
          "), so its state can only be read from that checkpoint, which is not one Sluice reads (a V2 or "
          "incomplete multi-part checkpoint)");
    }
    return Status::Corruption("Delta table " + table_dir_ + ": commit " + CommitPath(next) +
                              " is missing (the log jumps to version " + std::to_string(*it) + ")");
  }
  for (; it != versions.end(); ++it) {
    if (*it != next) {
      return Status::Corruption("Delta table " + table_dir_ + ": commit " + CommitPath(next) +
                                " is missing (the log jumps to version " + std::to_string(*it) + ")");
    }
    std::string path = CommitPath(next);
    std::string text;
    SLUICE_RETURN_NOT_OK(env_->ReadFileToString(path, &text));
    DeltaCommitSummary summary;
    SLUICE_RETURN_NOT_OK(ApplyCommit(next, path, text, snapshot, &summary));
    if (summaries) summaries->push_back(std::move(summary));
    next++;
  }
  return Status::OK();
}

Status DeltaLog::ApplyCommit(int64_t version, const std::string& path, const std::string& text,
                             DeltaSnapshot* snap, DeltaCommitSummary* summary) const {
  summary->version = version;
  simdjson::dom::parser parser;
  std::string digest;
  bool tracked = false;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    line_no++;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto where = [&] { return path + " line " + std::to_string(line_no); };
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (parser.parse(line.data(), line.size()).get(doc) || doc.get_object().get(obj)) {
      return Status::Corruption("Delta log " + where() + " is not a JSON object");
    }
    for (auto [key, value] : obj) {
      simdjson::dom::object a;
      if (value.get_object().get(a)) {
        return Status::Corruption("Delta log " + where() + ": action '" + std::string(key) + "' is not an object");
      }
      if (key == "add" || key == "remove") {
        std::string_view p;
        if (a["path"].get_string().get(p)) {
          return Status::Corruption("Delta log " + where() + ": " + std::string(key) + " action without a path");
        }
        if (!snap->track_files) {
          (key == "add" ? summary->adds : summary->removes)++;
          if (key == "remove") {
            bool data_change = true;
            if (a["dataChange"].get_bool().get(data_change)) {}  // absent: the default
            if (data_change) summary->data_removes++;
          }
        } else if (key == "add") {
          DeltaFileEntry f;
          f.path = std::string(p);
          f.size = IntOr(a, "size", 0);
          simdjson::dom::object pv;
          if (!a["partitionValues"].get_object().get(pv)) f.partition_values_json = simdjson::minify(pv);
          f.modification_time = IntOr(a, "modificationTime", 0);
          std::string_view stats;
          if (!a["stats"].get_string().get(stats)) f.stats = std::string(stats);
          snap->tombstones.erase(f.path);
          snap->files[f.path] = std::move(f);
          summary->adds++;
        } else {
          DeltaTombstone t;
          t.path = std::string(p);
          t.deletion_timestamp = IntOr(a, "deletionTimestamp", 0);
          t.size = IntOr(a, "size", 0);
          simdjson::dom::object pv;
          if (!a["partitionValues"].get_object().get(pv)) t.partition_values_json = simdjson::minify(pv);
          snap->files.erase(t.path);
          snap->tombstones[t.path] = std::move(t);
          summary->removes++;
          bool data_change = true;
          if (a["dataChange"].get_bool().get(data_change)) {}  // absent: the default
          if (data_change) summary->data_removes++;
        }
      } else if (key == "txn") {
        std::string_view app;
        int64_t v = 0;
        if (a["appId"].get_string().get(app) || a["version"].get_int64().get(v)) {
          return Status::Corruption("Delta log " + where() + ": txn action without appId or version");
        }
        snap->app_versions[std::string(app)] = v;
        snap->app_last_updated[std::string(app)] = IntOr(a, "lastUpdated", 0);
        summary->txns[std::string(app)] = v;
        if (!track_app_id_.empty() && app == track_app_id_) tracked = true;
      } else if (key == "metaData") {
        DeltaMetadata m;
        std::string_view s;
        if (a["schemaString"].get_string().get(s)) {
          return Status::Corruption("Delta log " + where() + ": metaData action without schemaString");
        }
        m.schema_string = std::string(s);
        if (!a["id"].get_string().get(s)) m.id = std::string(s);
        m.partition_columns = StringArray(a, "partitionColumns");
        m.created_time = IntOr(a, "createdTime", 0);
        if (!a["format"]["provider"].get_string().get(s)) m.provider = std::string(s);
        simdjson::dom::object conf;
        if (!a["configuration"].get_object().get(conf)) {
          for (auto [k, v] : conf) {
            std::string_view cv;
            if (!v.get_string().get(cv)) m.configuration[std::string(k)] = std::string(cv);
          }
        }
        snap->metadata = std::move(m);
        summary->metadata = true;
      } else if (key == "protocol") {
        DeltaProtocol p;
        p.min_reader_version = static_cast<int>(IntOr(a, "minReaderVersion", 0));
        p.min_writer_version = static_cast<int>(IntOr(a, "minWriterVersion", 0));
        p.reader_features = StringArray(a, "readerFeatures");
        p.writer_features = StringArray(a, "writerFeatures");
        snap->protocol = std::move(p);
        summary->protocol = true;
      } else if (key == "commitInfo") {
        std::string_view op;
        if (!a["operation"].get_string().get(op)) summary->operation = std::string(op);
        std::string_view d;
        if (!a["operationParameters"]["offsetsDigest"].get_string().get(d)) digest = std::string(d);
      }
      // cdc, domainMetadata, checkpointMetadata, sidecar: no effect on what this writer needs.
    }
  }
  if (tracked) snap->tracked_digests[snap->app_versions[track_app_id_]] = digest;
  snap->version = version;
  return Status::OK();
}

Status DeltaLog::WriteCommit(int64_t version, std::string_view actions, bool* renamed) const {
  if (renamed) *renamed = false;
  std::string dir = log_dir();
  SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(dir));
  std::string target = CommitPath(version);
  std::string tmp = JoinPath(dir, "." + BaseName(target) + "." + NewUuidV4() + ".tmp");
  SLUICE_RETURN_NOT_OK(env_->WriteFile(tmp, actions, /*sync=*/true));
  SLUICE_KILL_POINT("delta_log:before_commit_rename");
  Status s = env_->RenameNoReplace(tmp, target);
  if (!s.ok()) {
    (void)env_->DeleteFile(tmp);
    return s;
  }
  if (renamed) *renamed = true;
  return env_->SyncDir(dir);
}

}  // namespace sluice
