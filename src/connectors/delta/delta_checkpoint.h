// Delta checkpoints: the table's state at one version as Parquet
// (`_delta_log/<v>.checkpoint.parquet`, or the parts
// `<v>.checkpoint.<i>.<n>.parquet`), written by Spark every 10 commits, by
// other writers, and by the Delta sink (every checkpointInterval versions).
// One action per row, in the columns txn, add, remove, metaData and
// protocol (structs; add.partitionValues and metaData.configuration are
// maps). Read and written with libparquet (Arrow C++ from the pyarrow
// wheel, through Env); Arrow's headers stay in the .cc.
#pragma once

#include <string>
#include <vector>

#include "connectors/delta/delta_log.h"
#include "env/env.h"
#include "sluice/status.h"

namespace sluice {

// Replaces *snapshot with the state the checkpoint parts `paths` (all parts
// of one checkpoint) hold at `version`: protocol, metaData, txn versions
// and, when snapshot->track_files, the active files (remove rows are
// tombstones, not state). Corruption naming the file for a file that is
// not a Delta checkpoint.
Status ReadDeltaCheckpoint(Env* env, const std::vector<std::string>& paths, int64_t version,
                           DeltaSnapshot* snapshot);

// Writes the checkpoint of `snapshot` (which must track its files) as
// `<log>/<v>.checkpoint.parquet`, v = snapshot.version: protocol, metaData,
// one txn per application, one add per active file (with its stats), and
// the tombstones deleted at or after `tombstones_since_ms` (older ones have
// expired). Written to a temp file, fsynced and renamed without replacing
// (a checkpoint of v another writer made first is kept: OK), then
// `_last_checkpoint` ({"version": v, "size": rows}) atomically, unless it
// already names v or a newer version.
Status WriteDeltaCheckpoint(Env* env, const std::string& log_dir, const DeltaSnapshot& snapshot,
                            int64_t tombstones_since_ms);

}  // namespace sluice
