// CheckpointLock: held for the life of a running query, so that a second
// query on the same checkpoint, in this or another process, fails at once
// instead of corrupting the logs.
//
// Two OS locks, both on open descriptors that the kernel drops when the
// process dies (so a crashed query never blocks its successor):
//   * the checkpoint directory itself (Env::LockDirectory, flock): deleting
//     or replacing `<checkpoint>/LOCK` cannot release it;
//   * `<checkpoint>/LOCK` (Env::LockFile, fcntl), the lock older Sluice
//     versions take, so that they too see the checkpoint as in use.
// On a file system that cannot lock a directory (some network file systems)
// only LOCK is taken, with a warning.
#pragma once

#include <memory>
#include <string>

#include "env/env.h"

namespace sluice {

class CheckpointLock {
 public:
  // Creates `checkpoint_dir` if needed and locks it and its LOCK file. Fails
  // with IOError "checkpoint <dir> is in use by another query (lock held on
  // <dir>/LOCK)..." if either is held.
  static Result<std::unique_ptr<CheckpointLock>> Acquire(Env* env,
                                                         const std::string& checkpoint_dir);
  ~CheckpointLock();

  // Releases the lock early (the destructor does it otherwise).
  Status Release();
  const std::string& checkpoint_dir() const { return dir_; }

 private:
  CheckpointLock(Env* env, std::string dir, std::unique_ptr<FileLock> dir_lock,
                 std::unique_ptr<FileLock> file_lock)
      : env_(env), dir_(std::move(dir)), dir_lock_(std::move(dir_lock)), file_lock_(std::move(file_lock)) {}

  Env* env_;
  std::string dir_;
  std::unique_ptr<FileLock> dir_lock_;   // null where directories cannot be locked
  std::unique_ptr<FileLock> file_lock_;  // <dir>/LOCK
};

}  // namespace sluice
