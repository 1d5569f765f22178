// DeltaLog: the transaction log of one Delta table, `<table>/_delta_log/`,
// read and appended per the Delta protocol (PROTOCOL.md of delta-io/delta).
//
// Version v of the table is the file `_delta_log/<v as 20 digits>.json`:
// one JSON action per line (protocol, metaData, add, remove, txn,
// commitInfo, ...). The table's state at version v is the replay of versions
// 0..v in order: the newest protocol and metaData, the add actions not
// removed since (the active files), and per application id the newest txn
// version (Spark's idempotent-write convention: a streaming writer records
// its query id as appId and the batch id as version).
//
// Writing version v is a put-if-absent of that file: the actions go to a
// temp file in `_delta_log/` (".<name>.<uuid>.tmp", fsynced), which is then
// renamed to `<v>.json` with Env::RenameNoReplace, and the directory is
// fsynced. Of two writers racing for v exactly one wins; the other gets
// AlreadyExists, reads the winner's actions and decides (DeltaSink).
//
// Checkpoints: writers such as Spark also write `<v>.checkpoint.parquet`
// (or multi-part `<v>.checkpoint.<i>.<n>.parquet`) and `_last_checkpoint`,
// and may delete JSON commits older than a checkpoint after the log
// retention (30 days by default). A new snapshot starts from the newest
// complete checkpoint in the listing (the listing, not the
// `_last_checkpoint` hint, decides; delta_checkpoint.h reads it),
// then replays the JSON commits after it. A checkpoint that cannot be read
// is skipped for the JSON commits while every one from version 0 is still
// there (a warning says so), and is an error otherwise. V2 checkpoints
// (`<v>.checkpoint.<uuid>.parquet` with sidecars) are not read: tables
// with them need reader version 3 with the v2Checkpoint feature, which the
// sink refuses anyway.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env/env.h"
#include "sluice/status.h"

namespace sluice {

struct DeltaProtocol {
  int min_reader_version = 0;
  int min_writer_version = 0;
  std::vector<std::string> reader_features;  // table features (reader version 3)
  std::vector<std::string> writer_features;  // table features (writer version 7)
};

struct DeltaMetadata {
  std::string id;
  std::string schema_string;
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  std::string provider = "parquet";
  int64_t created_time = 0;  // 0: not recorded
};

// An active data file, as its add action recorded it.
struct DeltaFileEntry {
  std::string path;  // as in the log (a relative, URI-encoded path)
  int64_t size = 0;
  std::string partition_values_json = "{}";  // the add's partitionValues object, verbatim
  int64_t modification_time = 0;
  std::string stats;  // the add's stats JSON, "" if none
};

// A removed file (a tombstone: kept in checkpoints until it expires, so
// that VACUUM does not delete what time travel may still read).
struct DeltaTombstone {
  std::string path;
  int64_t deletion_timestamp = 0;
  int64_t size = 0;
  std::string partition_values_json = "{}";
};

// What one commit did, for the conflict check of a writer that lost a race.
struct DeltaCommitSummary {
  int64_t version = 0;
  bool protocol = false;  // changed the protocol
  bool metadata = false;  // changed the metadata (schema, partitioning, configuration)
  int adds = 0;
  int removes = 0;        // any remove (delete, overwrite, compaction)
  int data_removes = 0;   // removes with dataChange true (delete, overwrite; not compaction)
  std::string operation;  // commitInfo.operation, if any
  std::map<std::string, int64_t> txns;  // appId -> version of its txn actions
};

// The table's state at `version` (-1: no table yet).
struct DeltaSnapshot {
  int64_t version = -1;
  std::optional<DeltaProtocol> protocol;
  std::optional<DeltaMetadata> metadata;
  std::map<std::string, int64_t> app_versions;   // txn: appId -> newest version
  // Active files by path, kept only when `track_files` (a complete-mode
  // writer removes them all; an appending one needs none of them, and a
  // long-lived table has many).
  bool track_files = true;
  std::map<std::string, DeltaFileEntry> files;
  std::map<std::string, DeltaTombstone> tombstones;  // kept with `files`
  std::map<std::string, int64_t> app_last_updated;  // txn: appId -> its lastUpdated
  // For the tracked application id (DeltaLog's `track_app_id`): the value
  // its commits recorded in commitInfo.operationParameters.offsetsDigest,
  // by txn version.
  std::map<int64_t, std::string> tracked_digests;
};

class DeltaLog {
 public:
  // `track_app_id`: whose txn versions' offsets digests the snapshot keeps.
  DeltaLog(Env* env, std::string table_dir, std::string track_app_id = "");

  const std::string& table_dir() const { return table_dir_; }
  std::string log_dir() const { return JoinPath(table_dir_, "_delta_log"); }
  // "<table>/_delta_log/00000000000000000007.json"
  std::string CommitPath(int64_t version) const;

  // Brings *snapshot up to the table's newest version by replaying the
  // commits after snapshot->version (a new DeltaSnapshot replays from 0).
  // Corruption naming the file for a malformed commit or a gap in the
  // versions; NotImplemented when the log starts at a checkpoint (above).
  // `summaries`, if given, receives what each replayed commit did.
  Status Update(DeltaSnapshot* snapshot, std::vector<DeltaCommitSummary>* summaries = nullptr) const;

  // Writes version `version` with `actions` (JSON lines, each ending in
  // '\n') if no commit of that version exists: AlreadyExists when another
  // writer has it (the temp file is removed). *renamed (if given) tells
  // whether the commit file got its name: then the version is visible to
  // readers even if an error follows (the log directory's fsync).
  Status WriteCommit(int64_t version, std::string_view actions, bool* renamed = nullptr) const;

 private:
  Status ApplyCommit(int64_t version, const std::string& path, const std::string& text, DeltaSnapshot* snapshot,
                     DeltaCommitSummary* summary) const;

  Env* env_;
  std::string table_dir_;
  std::string track_app_id_;
};

// "00000000000000000007.json" -> 7; nullopt for any other name (temp files,
// checkpoints, _last_checkpoint, compacted logs).
std::optional<int64_t> ParseDeltaCommitName(std::string_view name);
// "00000000000000000010.checkpoint.parquet" (and multi-part or v2
// checkpoints) -> 10; nullopt otherwise.
std::optional<int64_t> ParseDeltaCheckpointName(std::string_view name);

}  // namespace sluice
