// Reading a Delta checkpoint: the table's state at one version as Parquet
// (`_delta_log/<v>.checkpoint.parquet`, or the parts
// `<v>.checkpoint.<i>.<n>.parquet`), written by Spark every 10 commits and
// by other writers. One action per row, in the columns txn, add, remove,
// metaData and protocol (structs; add.partitionValues and
// metaData.configuration are maps). Read with libparquet (Arrow C++ from
// the pyarrow wheel, through Env); Arrow's headers stay in the .cc.
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

}  // namespace sluice
