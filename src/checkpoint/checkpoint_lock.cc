#include "checkpoint/checkpoint_lock.h"

namespace sluice {

Result<std::unique_ptr<CheckpointLock>> CheckpointLock::Acquire(Env* env,
                                                                const std::string& checkpoint_dir) {
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(checkpoint_dir));
  std::string path = JoinPath(checkpoint_dir, "LOCK");
  auto lock = env->LockFile(path);
  if (!lock.ok() && lock.status().message().find("already held") != std::string::npos) {
    return Status::IOError("checkpoint " + checkpoint_dir +
                           " is in use by another query (lock held on " + path +
                           "): " + lock.status().message());
  }
  if (!lock.ok()) return lock.status().WithContext("locking checkpoint " + checkpoint_dir);
  return std::unique_ptr<CheckpointLock>(
      new CheckpointLock(env, checkpoint_dir, std::move(lock).value()));
}

CheckpointLock::~CheckpointLock() { (void)Release(); }

Status CheckpointLock::Release() {
  if (!lock_) return Status::OK();
  return env_->UnlockFile(std::move(lock_));
}

}  // namespace sluice
