#include "env/fault_injection_env.h"

#include <algorithm>

namespace sluice {
namespace {

const char* OpName(FaultInjectionEnv::Op op) {
  switch (op) {
    case FaultInjectionEnv::Op::kNewWritableFile: return "create";
    case FaultInjectionEnv::Op::kAppend: return "write";
    case FaultInjectionEnv::Op::kSync: return "sync";
    case FaultInjectionEnv::Op::kRename: return "rename";
    case FaultInjectionEnv::Op::kSyncDir: return "sync directory";
    case FaultInjectionEnv::Op::kDelete: return "delete";
    case FaultInjectionEnv::Op::kRead: return "read";
    case FaultInjectionEnv::Op::kListDir: return "list directory";
  }
  return "?";
}

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base,
                    std::shared_ptr<FaultInjectionEnv::FileState> state, uint64_t epoch)
      : env_(env), base_(std::move(base)), state_(std::move(state)), epoch_(epoch) {}

  Status Append(std::string_view data) override {
    SLUICE_RETURN_NOT_OK(CheckAlive());
    SLUICE_RETURN_NOT_OK(env_->MaybeFail(FaultInjectionEnv::Op::kAppend, path()));
    SLUICE_RETURN_NOT_OK(base_->Append(data));
    state_->size += data.size();
    return Status::OK();
  }
  Status Sync() override {
    SLUICE_RETURN_NOT_OK(CheckAlive());
    SLUICE_RETURN_NOT_OK(env_->MaybeFail(FaultInjectionEnv::Op::kSync, path()));
    SLUICE_RETURN_NOT_OK(base_->Sync());
    state_->synced = state_->size;
    return Status::OK();
  }
  Status Close() override {
    // Closing flushes to the base env but makes nothing durable.
    return base_->Close();
  }
  const std::string& path() const override { return base_->path(); }

 private:
  Status CheckAlive() {
    if (env_->epoch() != epoch_) {
      return Status::IOError("file " + path() + " was open across a simulated crash");
    }
    return Status::OK();
  }

  FaultInjectionEnv* env_;
  std::unique_ptr<WritableFile> base_;
  std::shared_ptr<FaultInjectionEnv::FileState> state_;
  uint64_t epoch_;
};

class FaultSequentialFile final : public SequentialFile {
 public:
  FaultSequentialFile(FaultInjectionEnv* env, std::unique_ptr<SequentialFile> base)
      : env_(env), base_(std::move(base)) {}
  Status Read(size_t n, std::string* out) override {
    SLUICE_RETURN_NOT_OK(env_->MaybeFail(FaultInjectionEnv::Op::kRead, path()));
    return base_->Read(n, out);
  }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<SequentialFile> base_;
};

class FaultRandomAccessFile final : public RandomAccessFile {
 public:
  FaultRandomAccessFile(FaultInjectionEnv* env, std::unique_ptr<RandomAccessFile> base)
      : env_(env), base_(std::move(base)) {}
  Status Read(uint64_t offset, size_t n, char* scratch, size_t* bytes_read) const override {
    *bytes_read = 0;
    SLUICE_RETURN_NOT_OK(env_->MaybeFail(FaultInjectionEnv::Op::kRead, path()));
    return base_->Read(offset, n, scratch, bytes_read);
  }
  void HintSequential(uint64_t offset, uint64_t length) const override { base_->HintSequential(offset, length); }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<RandomAccessFile> base_;
};

}  // namespace

FaultInjectionEnv::FaultInjectionEnv(Env* base) : base_(base) {}
FaultInjectionEnv::~FaultInjectionEnv() = default;

void FaultInjectionEnv::FailNth(Op op, int n) {
  std::lock_guard<std::mutex> l(mu_);
  countdown_[op] = n;
}

void FaultInjectionEnv::FailAll(Op op) {
  std::lock_guard<std::mutex> l(mu_);
  fail_all_[op] = true;
}

void FaultInjectionEnv::ClearFaults() {
  std::lock_guard<std::mutex> l(mu_);
  countdown_.clear();
  fail_all_.clear();
}

int64_t FaultInjectionEnv::Count(Op op) {
  std::lock_guard<std::mutex> l(mu_);
  return counts_[op];
}

uint64_t FaultInjectionEnv::epoch() {
  std::lock_guard<std::mutex> l(mu_);
  return epoch_;
}

Status FaultInjectionEnv::MaybeFail(Op op, const std::string& what) {
  std::lock_guard<std::mutex> l(mu_);
  counts_[op]++;
  bool fail = fail_all_[op];
  auto it = countdown_.find(op);
  if (it != countdown_.end() && it->second > 0 && --it->second == 0) {
    countdown_.erase(it);
    fail = true;
  }
  if (fail) return Status::IOError(std::string("injected fault: ") + OpName(op) + " " + what);
  return Status::OK();
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::Open(const std::string& path,
                                                              bool truncate) {
  SLUICE_RETURN_NOT_OK(MaybeFail(Op::kNewWritableFile, path));
  bool existed = base_->FileExists(path);
  uint64_t size = 0;
  if (existed && !truncate) {
    SLUICE_ASSIGN_OR_RETURN(size, base_->GetFileSize(path));
  }
  std::unique_ptr<WritableFile> base_file;
  if (truncate) {
    SLUICE_ASSIGN_OR_RETURN(base_file, base_->NewWritableFile(path));
  } else {
    SLUICE_ASSIGN_OR_RETURN(base_file, base_->NewAppendableFile(path));
  }
  std::lock_guard<std::mutex> l(mu_);
  auto state = std::make_shared<FileState>();
  state->size = size;
  state->synced = size;
  state->epoch = epoch_;
  files_[path] = state;
  if (!existed) pending_.push_back(DirOp{DirOp::kCreate, DirName(path), path, "", std::nullopt});
  return std::unique_ptr<WritableFile>(
      new FaultWritableFile(this, std::move(base_file), std::move(state), epoch_));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path) {
  return Open(path, true);
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewAppendableFile(
    const std::string& path) {
  return Open(path, false);
}

Result<std::unique_ptr<SequentialFile>> FaultInjectionEnv::NewSequentialFile(const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(auto base, base_->NewSequentialFile(path));
  return std::unique_ptr<SequentialFile>(new FaultSequentialFile(this, std::move(base)));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionEnv::NewRandomAccessFile(const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(auto base, base_->NewRandomAccessFile(path));
  return std::unique_ptr<RandomAccessFile>(new FaultRandomAccessFile(this, std::move(base)));
}

Result<std::vector<std::string>> FaultInjectionEnv::ListDir(const std::string& path) {
  SLUICE_RETURN_NOT_OK(MaybeFail(Op::kListDir, path));
  return base_->ListDir(path);
}

Result<std::vector<FileAttributes>> FaultInjectionEnv::ListDirWithAttributes(const std::string& path) {
  SLUICE_RETURN_NOT_OK(MaybeFail(Op::kListDir, path));
  return base_->ListDirWithAttributes(path);
}

Status FaultInjectionEnv::DeleteFile(const std::string& path) {
  SLUICE_RETURN_NOT_OK(MaybeFail(Op::kDelete, path));
  std::string saved;
  SLUICE_RETURN_NOT_OK(base_->ReadFileToString(path, &saved));
  SLUICE_RETURN_NOT_OK(base_->DeleteFile(path));
  std::lock_guard<std::mutex> l(mu_);
  files_.erase(path);
  pending_.push_back(DirOp{DirOp::kDelete, DirName(path), path, "", std::move(saved)});
  return Status::OK();
}

Status FaultInjectionEnv::RenameFile(const std::string& src, const std::string& target) {
  SLUICE_RETURN_NOT_OK(MaybeFail(Op::kRename, src + " to " + target));
  std::optional<std::string> saved;
  if (base_->FileExists(target)) {
    std::string old;
    SLUICE_RETURN_NOT_OK(base_->ReadFileToString(target, &old));
    saved = std::move(old);
  }
  SLUICE_RETURN_NOT_OK(base_->RenameFile(src, target));
  RecordRename(src, target, std::move(saved));
  return Status::OK();
}

void FaultInjectionEnv::RecordRename(const std::string& src, const std::string& target,
                                     std::optional<std::string> saved) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(src);
  if (it != files_.end()) {
    auto state = it->second;
    files_.erase(it);
    files_[target] = std::move(state);
  } else {
    files_.erase(target);
  }
  pending_.push_back(DirOp{DirOp::kRename, DirName(target), target, src, std::move(saved)});
}

Status FaultInjectionEnv::RenameNoReplace(const std::string& src, const std::string& target) {
  SLUICE_RETURN_NOT_OK(MaybeFail(Op::kRename, src + " to " + target));
  SLUICE_RETURN_NOT_OK(base_->RenameNoReplace(src, target));
  RecordRename(src, target, std::nullopt);  // there was no old target to restore
  return Status::OK();
}

Status FaultInjectionEnv::SyncDir(const std::string& path) {
  SLUICE_RETURN_NOT_OK(MaybeFail(Op::kSyncDir, path));
  SLUICE_RETURN_NOT_OK(base_->SyncDir(path));
  std::lock_guard<std::mutex> l(mu_);
  std::string dir = path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [&](const DirOp& op) { return op.dir == dir; }),
                 pending_.end());
  return Status::OK();
}

Status FaultInjectionEnv::SimulateCrash() {
  std::lock_guard<std::mutex> l(mu_);
  epoch_++;
  // 1. Undo directory operations that were never made durable, newest first.
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    DirOp& op = *it;
    switch (op.kind) {
      case DirOp::kCreate:
        if (base_->FileExists(op.path)) SLUICE_RETURN_NOT_OK(base_->DeleteFile(op.path));
        files_.erase(op.path);
        break;
      case DirOp::kRename: {
        SLUICE_RETURN_NOT_OK(base_->RenameFile(op.path, op.src));
        auto f = files_.find(op.path);
        if (f != files_.end()) {
          auto state = f->second;
          files_.erase(f);
          files_[op.src] = std::move(state);
        }
        if (op.saved) SLUICE_RETURN_NOT_OK(base_->WriteFile(op.path, *op.saved, true));
        break;
      }
      case DirOp::kDelete:
        SLUICE_RETURN_NOT_OK(base_->WriteFile(op.path, op.saved.value_or(""), true));
        break;
    }
  }
  pending_.clear();
  // 2. Cut every written file back to what was synced.
  for (auto& [path, state] : files_) {
    if (state->size == state->synced) continue;
    std::string contents;
    SLUICE_RETURN_NOT_OK(base_->ReadFileToString(path, &contents));
    if (contents.size() > state->synced) contents.resize(state->synced);
    SLUICE_RETURN_NOT_OK(base_->WriteFile(path, contents, true));
  }
  files_.clear();
  return Status::OK();
}

}  // namespace sluice
