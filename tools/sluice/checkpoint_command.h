// `sluice checkpoint`: what a streaming checkpoint holds, read without
// changing it (docs/checkpoint-inspection.md).
//
//   sluice checkpoint <dir>                 the query id, the pinned conf, each
//                                           batch (offsets per source, watermark,
//                                           committed or not) and each stateful
//                                           operator (recorded schema, partitions,
//                                           newest version, state rows and bytes)
//   sluice checkpoint <dir> state <op>      the state rows of operator <op> at
//       [--partition p] [--batch b]         the newest committed batch (or batch
//       [--store name] [--max-rows n]       b) as a table: key columns, value
//                                           columns, partition_id
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "env/env.h"
#include "sluice/status.h"

namespace sluice {

// The summary `sluice checkpoint <dir>` prints.
Result<std::string> DescribeCheckpoint(Env* env, const std::string& dir);

struct StateDumpOptions {
  std::string checkpoint_dir;
  int operator_id = 0;
  std::optional<int> partition;
  std::optional<int64_t> batch_id;
  std::string store_name;
  size_t max_rows = 1000;
};

// The table `sluice checkpoint <dir> state <op>` prints, rows ordered by
// partition, then key.
Result<std::string> DescribeState(Env* env, const StateDumpOptions& options);

}  // namespace sluice
