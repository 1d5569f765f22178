#include "checkpoint/checkpoint_lock.h"

#include "common/log.h"

namespace sluice {

namespace {

Status InUse(const std::string& checkpoint_dir, const std::string& lock_path, const Status& cause) {
  return Status::IOError("checkpoint " + checkpoint_dir + " is in use by another query (lock held on " +
                         lock_path + "): " + cause.message() +
                         "; stop that query first (its lock dies with its process; deleting LOCK does not "
                         "release it)");
}

bool HeldElsewhere(const Status& s) { return s.message().find("already held") != std::string::npos; }

}  // namespace

Result<std::unique_ptr<CheckpointLock>> CheckpointLock::Acquire(Env* env,
                                                                const std::string& checkpoint_dir) {
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(checkpoint_dir));
  std::string path = JoinPath(checkpoint_dir, "LOCK");
  std::unique_ptr<FileLock> dir_lock;
  auto d = env->LockDirectory(checkpoint_dir);
  if (d.ok()) {
    dir_lock = std::move(d).value();
  } else if (d.status().code() == StatusCode::kNotImplemented) {
    LogWarn("checkpoint",
            "{}; relying on the lock of {} alone (deleting that file while a query runs would let a second query "
            "start on the checkpoint)",
            d.status().message(), path);
  } else if (HeldElsewhere(d.status())) {
    return InUse(checkpoint_dir, path, d.status());
  } else {
    return d.status().WithContext("locking checkpoint " + checkpoint_dir);
  }
  auto lock = env->LockFile(path);
  if (!lock.ok() && HeldElsewhere(lock.status())) return InUse(checkpoint_dir, path, lock.status());
  if (!lock.ok()) return lock.status().WithContext("locking checkpoint " + checkpoint_dir);
  return std::unique_ptr<CheckpointLock>(
      new CheckpointLock(env, checkpoint_dir, std::move(dir_lock), std::move(lock).value()));
}

CheckpointLock::~CheckpointLock() { (void)Release(); }

Status CheckpointLock::Release() {
  Status s;
  if (file_lock_) s = env_->UnlockFile(std::move(file_lock_));
  if (dir_lock_) {
    Status d = env_->UnlockFile(std::move(dir_lock_));
    if (s.ok()) s = d;
  }
  return s;
}

}  // namespace sluice
