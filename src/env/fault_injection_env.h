// FaultInjectionEnv: wraps another Env to make IO fail on demand and to
// simulate a machine crash (LevelDB's fault_injection_test idea).
//
// Failures: FailNth(kAppend, 3) makes the third Append from now return
// IOError("injected fault: ..."); likewise for Sync, Rename, SyncDir,
// NewWritableFile, Delete, Read (of a sequential or random-access file,
// the message names the file) and ListDir (ListDir and
// ListDirWithAttributes).
//
// Crash model (SimulateCrash): what a power cut does to a POSIX file system,
// taken pessimistically:
//   * bytes appended to a file after its last Sync() are lost (the file is
//     cut back to its size at the last sync; a file never synced is empty);
//   * directory entries changed since the last SyncDir() of their directory
//     are undone, newest first: a created file disappears, a rename moves the
//     file back to its old name and restores the target's previous contents,
//     a deleted file comes back.
// Directory creation is treated as durable at once. A rename is durable once
// the target's directory is synced. Handles opened before the crash stop
// working (IOError). Data of the wrapped Env is changed in place, so after
// SimulateCrash() the base env shows the post-crash state.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "env/env.h"

namespace sluice {

class FaultInjectionEnv final : public Env {
 public:
  enum class Op { kNewWritableFile, kAppend, kSync, kRename, kSyncDir, kDelete, kRead, kListDir };

  explicit FaultInjectionEnv(Env* base);
  ~FaultInjectionEnv() override;

  // The n-th next operation of kind `op` (n = 1: the very next one) fails.
  void FailNth(Op op, int n);
  // Every operation of kind `op` fails until ClearFaults().
  void FailAll(Op op);
  void ClearFaults();
  // How many operations of kind `op` were attempted so far.
  int64_t Count(Op op);

  // Drops everything not durable; see the file comment.
  Status SimulateCrash();

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  Result<FileAttributes> GetFileAttributes(const std::string& path) override {
    return base_->GetFileAttributes(path);
  }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    return base_->GetFileSize(path);
  }
  Result<int64_t> GetFileModificationTimeMs(const std::string& path) override {
    return base_->GetFileModificationTimeMs(path);
  }
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Result<std::vector<FileAttributes>> ListDirWithAttributes(const std::string& path) override;
  Status CreateDir(const std::string& path) override { return base_->CreateDir(path); }
  Status DeleteFile(const std::string& path) override;
  Status DeleteDir(const std::string& path) override { return base_->DeleteDir(path); }
  Status RenameFile(const std::string& src, const std::string& target) override;
  // Counted and failed as a rename (Op::kRename); undone by a crash like one.
  Status RenameNoReplace(const std::string& src, const std::string& target) override;
  Status SyncDir(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return base_->LockFile(path);
  }
  Result<std::unique_ptr<FileLock>> LockDirectory(const std::string& path) override {
    return base_->LockDirectory(path);
  }
  Status UnlockFile(std::unique_ptr<FileLock> lock) override {
    return base_->UnlockFile(std::move(lock));
  }

  // Per written file: bytes written and bytes made durable. Shared with the
  // open handle. Public only for the handle's implementation.
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
    uint64_t epoch = 0;
  };
  // Called by file handles.
  Status MaybeFail(Op op, const std::string& what);
  uint64_t epoch();

 private:
  struct DirOp {
    enum Kind { kCreate, kRename, kDelete } kind;
    std::string dir;     // directory whose sync makes this durable
    std::string path;    // created / deleted file, or rename target
    std::string src;     // rename source
    std::optional<std::string> saved;  // target's old contents / deleted contents
  };

  Result<std::unique_ptr<WritableFile>> Open(const std::string& path, bool truncate);
  // A rename done by base_: the tracked file moves with it, and the rename is
  // pending until its directory is synced (`saved`: the old target's contents).
  void RecordRename(const std::string& src, const std::string& target, std::optional<std::string> saved);

  Env* base_;
  std::mutex mu_;
  std::map<Op, int> countdown_;                                // GUARDED_BY(mu_)
  std::map<Op, bool> fail_all_;                                // GUARDED_BY(mu_)
  std::map<Op, int64_t> counts_;                               // GUARDED_BY(mu_)
  std::map<std::string, std::shared_ptr<FileState>> files_;    // GUARDED_BY(mu_)
  std::vector<DirOp> pending_;                                 // GUARDED_BY(mu_)
  uint64_t epoch_ = 0;                                         // GUARDED_BY(mu_)
};

}  // namespace sluice
