// The session settings the engine reads (`SET key = value`, Spark's
// spark.conf): each with its type, range and meaning, so a SET of one of
// them is checked at once (an error naming the setting and the value, and
// the old value kept) instead of being silently ignored or failing later.
// Names are matched case-insensitively and stored under their spelling
// here; any other key is kept as given, as Spark keeps unknown settings.
//
//   spark.sql.shuffle.partitions  state partitions of a stateful streaming
//       query started afterwards (its own option of that name wins; pinned
//       in the offset log at the query's first batch).
//   spark.sql.streaming.stateStore.providerClass, .minDeltasForSnapshot,
//   .rocksdb.*                    the state store of stateful streaming
//       queries started afterwards (docs/streaming.md, "State store
//       providers"); the provider class is pinned at the first batch.
//   spark.sql.streaming.multipleWatermarkPolicy  min (default) or max: the
//       global watermark over several withWatermark nodes (pinned at the
//       query's first batch).
//   spark.sql.streaming.noDataMicroBatches.enabled  true (default): a batch
//       without new data runs when the watermark moved.
//   spark.sql.ansi.enabled        only `true`: Sluice is ANSI only.
//   spark.sql.session.timeZone    only UTC (and its other names, +00:00).
#pragma once

#include <vector>

#include "connectors/option_spec.h"

namespace sluice {

const OptionSet& SessionConfOptions();
// The spark.sql.streaming.stateStore.* specs among SessionConfOptions()
// (also options of a streaming query).
std::vector<const OptionSpec*> StateStoreConfOptions();

}  // namespace sluice
