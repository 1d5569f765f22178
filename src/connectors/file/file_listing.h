// File listing for the file sources: what a user's path means.
//
// A path may be a regular file, a directory (its regular files, not
// recursive, skipping names that start with '_' or '.', as Spark's
// InMemoryFileIndex does), or a glob pattern (glob(3)'s rules: * ? [...] in
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
#include <optional>
#include <string>
#include <vector>

#include "env/env.h"
#include "sluice/status.h"

namespace sluice {

struct FileInfo {
  std::string path;
  int64_t size = 0;
  // The CRC-32 a file sink manifest recorded for the file, and that
  // manifest's directory (for messages); none for other files.
  std::optional<uint32_t> crc32 = std::nullopt;
  std::string manifest_dir = {};
  bool operator==(const FileInfo& o) const { return path == o.path && size == o.size; }
};

// NotFound "path does not exist: /x/y" for a missing path or a glob that
// matches nothing; other IO errors from `env` name the path.
Result<std::vector<FileInfo>> ListFiles(Env* env, const std::vector<std::string>& paths);

}  // namespace sluice
