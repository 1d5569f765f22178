// CheckpointLock: `<checkpoint>/LOCK`, held (Env::LockFile) for the life of a
// running query, so that a second query on the same checkpoint, in this or
// another process, fails at once instead of corrupting the logs.
#pragma once

#include <memory>
#include <string>

#include "env/env.h"

namespace sluice {

class CheckpointLock {
 public:
  // Creates `checkpoint_dir` if needed and locks its LOCK file. Fails with
  // IOError "checkpoint <dir> is in use by another query (lock held on
  // <dir>/LOCK)" if it is held.
  static Result<std::unique_ptr<CheckpointLock>> Acquire(Env* env,
                                                         const std::string& checkpoint_dir);
  ~CheckpointLock();

  // Releases the lock early (the destructor does it otherwise).
  Status Release();
  const std::string& checkpoint_dir() const { return dir_; }

 private:
  CheckpointLock(Env* env, std::string dir, std::unique_ptr<FileLock> lock)
      : env_(env), dir_(std::move(dir)), lock_(std::move(lock)) {}

  Env* env_;
  std::string dir_;
  std::unique_ptr<FileLock> lock_;
};

}  // namespace sluice
