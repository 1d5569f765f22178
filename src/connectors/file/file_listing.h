// File listing for the file sources: what a user's path means.
//
// A path may be a regular file, a directory (its regular files, not
// recursive, skipping names that start with '_' or '.', as Spark's
// InMemoryFileIndex does), or a glob pattern (glob(3): * ? [...]; each match
// is then a file or a directory as above). The result is sorted by path and
// has no duplicates.
//
// A directory written by the streaming file sink (it has a
// `_sluice_metadata/` manifest) lists exactly the files its manifest names:
// a part file of a crashed attempt that never reached the manifest is not
// data. A manifest entry whose file is gone is a NotFound error naming it.
//
// IO is plain POSIX (stat, opendir, glob); see the note in file_scan.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sluice/status.h"

namespace sluice {

struct FileInfo {
  std::string path;
  int64_t size = 0;
  bool operator==(const FileInfo& o) const { return path == o.path && size == o.size; }
};

// NotFound "path does not exist: /x/y" for a missing path or a glob that
// matches nothing.
Result<std::vector<FileInfo>> ListFiles(const std::vector<std::string>& paths);

}  // namespace sluice
