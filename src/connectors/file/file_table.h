// FileTable: a table over JSON-lines or CSV files (CREATE TABLE ... USING
// json|csv OPTIONS (path '...'), session.read().format(...).load(path)).
// The files are listed again at every scan, so new files are seen by the
// next query; the partition columns are fixed when the table is made.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector_registry.h"
#include "exec/table_source.h"

namespace sluice {

class Env;

// `options` uses Spark's option names (path, header, sep, mode, basePath,
// ...), keys case-insensitive. Without `schema`, it is inferred from the
// files. The files are listed and read through `env` (null:
// Env::Default()).
//
// Partition directories (col=value, partitioning.h) are discovered when the
// table is made, as Spark does: the table's columns are the files' columns
// then the partition columns (typed by `schema` when it names them, else
// inferred; a column both in the files and the directories keeps the
// files' position and takes the directories' value). With a `schema`, its
// fields that are partition columns move to the end. Given
// `partition_schema` (the file stream source, which found its partition
// columns when it started), `schema` is taken as it is and the columns it
// names come from the directories.
Result<TableSourcePtr> MakeFileTable(const std::string& format, std::vector<std::string> paths,
                                     std::optional<Schema> schema,
                                     const std::map<std::string, std::string>& options,
                                     Env* env = nullptr, const Schema* partition_schema = nullptr);

// The batch table formats "json" and "csv" for the connector registry.
ConnectorSpec FileTableSpec(const std::string& format);

}  // namespace sluice
