// ConnectorRegistry: the built-in streaming sources and sinks by Spark's
// format names, shared by the DataFrame API and SQL jobs.
//   sources: rate, rate-micro-batch, json, csv (directory of files)
//   sinks:   console, memory, noop, json, csv (file sink), foreachBatch (API only)
#pragma once

#include <map>
#include <optional>
#include <string>

#include "connectors/sink.h"
#include "connectors/source.h"
#include "plan/catalog.h"
#include "stream/streaming_relation.h"

namespace sluice {

// A StreamingRelation for `format` (creates a new source per query run).
// `schema` is required for file sources (Spark requires it for streams).
Result<std::shared_ptr<StreamingRelation>> MakeStreamingRelation(const std::string& format,
                                                                 const std::map<std::string, std::string>& options,
                                                                 const std::optional<Schema>& schema);

struct SinkSpec {
  std::string format;
  std::map<std::string, std::string> options;
  std::string query_name;
};
// Creates the sink. `catalog` receives memory sink tables.
Result<SinkPtr> MakeStreamingSink(const SinkSpec& spec, Catalog* catalog);

// Parses "append" / "update" / "complete" (any case).
Result<OutputMode> ParseOutputMode(const std::string& mode);

}  // namespace sluice
