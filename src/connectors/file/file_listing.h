// File listing for the file sources: what a user's path means.
//
// A path may be a regular file, a directory (its regular files and those of
// its subdirectories, recursively, skipping names that start with '.', and
// those that start with '_' unless they hold '=' (a partition directory
// like _c=1), as Spark's InMemoryFileIndex does), or a glob pattern (glob(3)'s rules: * ? [...] in
// any path component, matched with fnmatch(3); a leading '.' of a name must
// be matched explicitly; a pattern ending in '/' matches directories only;
// each match is then a file or a directory as above). The result is sorted
// by path and has no duplicates.
//
// A directory written by the streaming file sink (it has a
// `_sluice_metadata/` manifest) lists exactly the files its manifest names:
// a part file of a crashed attempt that never reached the manifest is not
// data. A manifest entry whose file is gone is a NotFound error naming it;
// one whose size differs from the manifest's is Corruption naming it. Its
// CRC-32, when the manifest has one, goes with the file to the scan, which
// checks it as it reads (file_checksum_check.h).
//
// All IO goes through the given Env (GetFileAttributes,
// ListDirWithAttributes, the manifest's reads), so listings work over a
// MemEnv and fail cleanly under a FaultInjectionEnv.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "env/env.h"
#include "sluice/status.h"
#include "sluice/value.h"

namespace sluice {

struct FileInfo {
  std::string path;
  int64_t size = 0;
  // The CRC-32 a file sink manifest recorded for the file, and that
  // manifest's directory (for messages); none for other files.
  std::optional<uint32_t> crc32 = std::nullopt;
  std::string manifest_dir = {};
  // The directory the file was found under (a directory the user named, or
  // the file sink directory whose manifest lists it): partition directories
  // (partitioning.h) are read from the path below it. Empty for a file
  // named directly.
  std::string base_dir = {};
  // The file's partition values (FileScan sets them from base_dir and the
  // table's partition columns); null: none.
  std::shared_ptr<const std::vector<Value>> partition_values = nullptr;
  bool operator==(const FileInfo& o) const { return path == o.path && size == o.size; }
};

// NotFound "path does not exist: /x/y" for a missing path or a glob that
// matches nothing; other IO errors from `env` name the path.
Result<std::vector<FileInfo>> ListFiles(Env* env, const std::vector<std::string>& paths);

}  // namespace sluice
