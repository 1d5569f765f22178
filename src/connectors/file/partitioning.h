// Hive-style partition directories, as Spark writes and discovers them
// (Spark's PartitioningUtils and ExternalCatalogUtils).
//
// Writing: a row whose partition columns (a, b) hold (1, "x y") goes to
// `<dir>/a=1/b=x y/part-...`. Values are rendered as CAST(v AS STRING) does
// (types/value.h); NULL and the empty string become __HIVE_DEFAULT_PARTITION__;
// names and values are escaped: the characters 0x01-0x1F, 0x7F and
// " # % ' * / : = ? \ { [ ] ^ become %XX (upper-case hex); every other
// character (space, non-ASCII, < > | ...) is kept as it is.
//
// Discovery (reading): under a base directory, each directory component of
// a file's relative path that holds '=' is a partition column `name=value`
// (both unescaped: %XX with two hex digits is that byte, any other '%' is
// kept). Every partitioned file must have the same column names in the same
// order (else CONFLICTING_PARTITION_COLUMN_NAMES). A column's type is the
// user's, when the schema the reader was given has a field of that name
// (case-insensitive), else inferred from all its values: INT, BIGINT, a
// DECIMAL(p, 0) (integers beyond BIGINT, and numbers like 1e5 with no
// fraction), DOUBLE (any other Java Double.parseDouble text: " 1", "1.5d",
// "NaN"), TIMESTAMP (yyyy-MM-dd HH:mm:ss[.f]), DATE (yyyy-MM-dd), else
// STRING; the values' types are merged (INT < BIGINT < DECIMAL < DOUBLE,
// DATE < TIMESTAMP, anything else STRING; the default partition name is
// NULL and fits any type; a column of NULLs only is STRING, where Spark
// says VOID).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/file/file_listing.h"
#include "sluice/status.h"
#include "sluice/value.h"
#include "types/data_type.h"

namespace sluice {

inline constexpr const char* kDefaultPartitionName = "__HIVE_DEFAULT_PARTITION__";

// Spark's escapePathName / unescapePathName.
std::string EscapePartitionPathName(std::string_view s);
std::string UnescapePartitionPathName(std::string_view s);

// "name=value" for one directory level (the value of `v` as CAST AS STRING,
// or the default partition name for NULL and "").
std::string PartitionDirectoryName(const std::string& column, const Value& v);

// The partition columns of one relative path "a=1/b=x/part-0.json" (its
// directories; the last component is the file's name): raw (escaped)
// values, names unescaped. Directories without '=' after (below) the
// partition directories are ignored, as Spark ignores e.g. _temporary;
// one above a partition directory is an error naming the path.
// InvalidArgument for "=1" (an empty name) or "a=" (an empty value).
Result<std::vector<std::pair<std::string, std::string>>> ParsePartitionPath(std::string_view relative_path);

// The type one raw (escaped) partition value suggests (see above);
// DataType::Null() for the default partition name.
DataType InferPartitionValueType(std::string_view raw);
// The wider of two inferred partition types (see above).
DataType MergePartitionTypes(const DataType& a, const DataType& b);
// A raw (escaped) value converted to `type`: NULL for the default partition
// name; InvalidArgument naming the column and the value when it does not
// fit the type.
Result<Value> PartitionValueOf(std::string_view raw, const DataType& type, const std::string& column);

// Discovery over a list of files. Each file is given as (base directory,
// path under it); files right in their base directory have no partition
// values.
struct PartitionedFile {
  std::string base_dir;
  std::string path;  // absolute (or as listed)
};

struct DiscoveredPartitions {
  // The partition columns in directory order (empty: the files are not
  // partitioned).
  Schema schema;
  // Per file (in the order given), one value per partition column. Empty
  // for files without partition directories (when others have them, Spark
  // leaves such files out of the relation: `excluded` is true for them).
  std::vector<std::vector<Value>> values;
  std::vector<bool> excluded;
};

// `user_schema` (may be null): fields named as partition columns give
// those columns' types.
Result<DiscoveredPartitions> DiscoverPartitions(const std::vector<PartitionedFile>& files,
                                                const Schema* user_schema);

// The same over listed files (file_listing.h): each file's base directory
// is `base_path` when not empty (the reader option basePath; every file
// must be under it), else its FileInfo::base_dir.
Result<DiscoveredPartitions> DiscoverFilePartitions(const std::vector<FileInfo>& files, const Schema* user_schema,
                                                    const std::string& base_path);

// Sets each file's partition_values to its values of the columns
// `partition_schema` (by name; NULL for a column its directories lack;
// directory columns not in `partition_schema` ignored) and drops the files
// discovery leaves out. Nothing when `partition_schema` is empty.
Status AttachPartitionValues(std::vector<FileInfo>* files, const Schema& partition_schema,
                             const std::string& base_path);

}  // namespace sluice
