// FileTable: a table over JSON-lines or CSV files (CREATE TABLE ... USING
// json|csv OPTIONS (path '...'), session.read().format(...).load(path)).
// The files are listed again at every scan, so new files are seen by the
// next query.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector_registry.h"
#include "exec/table_source.h"

namespace sluice {

class Env;

// `options` uses Spark's option names (path, header, sep, mode, ...), keys
// case-insensitive. Without `schema`, it is inferred from the files. The
// files are listed and read through `env` (null: Env::Default()).
Result<TableSourcePtr> MakeFileTable(const std::string& format, std::vector<std::string> paths,
                                     std::optional<Schema> schema,
                                     const std::map<std::string, std::string>& options,
                                     Env* env = nullptr);

// The batch table formats "json" and "csv" for the connector registry.
ConnectorSpec FileTableSpec(const std::string& format);

}  // namespace sluice
