// MemEnv: an Env whose files live in memory, for fast unit tests. Behaves
// like a POSIX file system where it matters to Sluice: files need an existing
// parent directory, renames replace their target atomically, locks are
// exclusive. Nothing is ever lost, so Sync/SyncDir are no-ops (wrap it in a
// FaultInjectionEnv to simulate crashes).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "env/env.h"

namespace sluice {

class MemEnv final : public Env {
 public:
  MemEnv();
  ~MemEnv() override;

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  Result<FileAttributes> GetFileAttributes(const std::string& path) override;
  Result<uint64_t> GetFileSize(const std::string& path) override;
  Result<int64_t> GetFileModificationTimeMs(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Status CreateDir(const std::string& path) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteDir(const std::string& path) override;
  Status RenameFile(const std::string& src, const std::string& target) override;
  Status RenameNoReplace(const std::string& src, const std::string& target) override;
  Status SyncDir(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;
  // Locks are kept apart from the files: deleting a file never releases one.
  Result<std::unique_ptr<FileLock>> LockDirectory(const std::string& path) override;
  Status UnlockFile(std::unique_ptr<FileLock> lock) override;

  // Shared between the env and open file handles.
  struct FileData {
    std::mutex mu;
    std::string contents;
    int64_t mtime_ms = 0;
  };

 private:
  friend class MemFileLock;
  Result<std::unique_ptr<WritableFile>> Open(const std::string& path, bool truncate);
  bool DirExistsLocked(const std::string& path) const;
  void Unlock(const std::string& path);

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<FileData>> files_;  // GUARDED_BY(mu_)
  std::set<std::string> dirs_;                              // GUARDED_BY(mu_)
  std::set<std::string> locks_;                             // GUARDED_BY(mu_): locked paths
};

}  // namespace sluice
