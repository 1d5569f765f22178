#include "env/mem_env.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace sluice {
namespace {

// "a//b/" -> "a/b"; keeps a leading '/'.
std::string Normalize(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::string path, std::shared_ptr<MemEnv::FileData> data)
      : path_(std::move(path)), data_(std::move(data)) {}
  Status Append(std::string_view d) override {
    if (!data_) return Status::IOError("append to closed file " + path_);
    std::lock_guard<std::mutex> l(data_->mu);
    data_->contents.append(d);
    data_->mtime_ms = WallMs();
    return Status::OK();
  }
  Status Sync() override {
    if (!data_) return Status::IOError("sync of closed file " + path_);
    return Status::OK();
  }
  Status Close() override {
    data_.reset();
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::shared_ptr<MemEnv::FileData> data_;
};

class MemSequentialFile final : public SequentialFile {
 public:
  MemSequentialFile(std::string path, std::shared_ptr<MemEnv::FileData> data)
      : path_(std::move(path)), data_(std::move(data)) {}
  Status Read(size_t n, std::string* out) override {
    std::lock_guard<std::mutex> l(data_->mu);
    if (pos_ >= data_->contents.size()) return Status::OK();
    size_t take = std::min(n, data_->contents.size() - pos_);
    out->append(data_->contents, pos_, take);
    pos_ += take;
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::shared_ptr<MemEnv::FileData> data_;
  size_t pos_ = 0;
};

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  MemRandomAccessFile(std::string path, std::shared_ptr<MemEnv::FileData> data)
      : path_(std::move(path)), data_(std::move(data)) {}
  Status Read(uint64_t offset, size_t n, char* scratch, size_t* bytes_read) const override {
    std::lock_guard<std::mutex> l(data_->mu);
    const std::string& c = data_->contents;
    size_t take = offset >= c.size() ? 0 : std::min<size_t>(n, c.size() - static_cast<size_t>(offset));
    if (take > 0) std::memcpy(scratch, c.data() + offset, take);
    *bytes_read = take;
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::shared_ptr<MemEnv::FileData> data_;
};

}  // namespace

class MemFileLock final : public FileLock {
 public:
  MemFileLock(MemEnv* env, std::string path) : env_(env), path_(std::move(path)) {}
  ~MemFileLock() override { env_->Unlock(path_); }
  const std::string& path() const override { return path_; }

 private:
  MemEnv* env_;
  std::string path_;
};

MemEnv::MemEnv() { dirs_.insert("/"); }
MemEnv::~MemEnv() = default;

bool MemEnv::DirExistsLocked(const std::string& path) const {
  return path == "." || path.empty() || dirs_.count(path) > 0;
}

Result<std::unique_ptr<WritableFile>> MemEnv::Open(const std::string& raw, bool truncate) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  if (dirs_.count(path)) return Status::IOError("open " + path + ": is a directory");
  if (!DirExistsLocked(DirName(path))) {
    return Status::NotFound("open " + path + ": No such file or directory");
  }
  auto& slot = files_[path];
  if (!slot) slot = std::make_shared<FileData>();
  if (truncate) {
    std::lock_guard<std::mutex> fl(slot->mu);
    slot->contents.clear();
  }
  slot->mtime_ms = WallMs();
  return std::unique_ptr<WritableFile>(new MemWritableFile(path, slot));
}

Result<std::unique_ptr<WritableFile>> MemEnv::NewWritableFile(const std::string& path) {
  return Open(path, true);
}
Result<std::unique_ptr<WritableFile>> MemEnv::NewAppendableFile(const std::string& path) {
  return Open(path, false);
}

Result<std::unique_ptr<SequentialFile>> MemEnv::NewSequentialFile(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("open " + path + ": No such file or directory");
  return std::unique_ptr<SequentialFile>(new MemSequentialFile(path, it->second));
}

Result<std::unique_ptr<RandomAccessFile>> MemEnv::NewRandomAccessFile(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("open " + path + ": No such file or directory");
  return std::unique_ptr<RandomAccessFile>(new MemRandomAccessFile(path, it->second));
}

Result<FileAttributes> MemEnv::GetFileAttributes(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  FileAttributes a;
  a.name = BaseName(path);
  auto it = files_.find(path);
  if (it != files_.end()) {
    std::lock_guard<std::mutex> fl(it->second->mu);
    a.size = it->second->contents.size();
    a.mtime_ms = it->second->mtime_ms;
    return a;
  }
  if (DirExistsLocked(path)) {
    a.type = FileType::kDirectory;
    return a;
  }
  return Status::NotFound("stat " + path + ": No such file or directory");
}

bool MemEnv::FileExists(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  return files_.count(path) > 0 || dirs_.count(path) > 0;
}

Result<uint64_t> MemEnv::GetFileSize(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("stat " + path + ": No such file or directory");
  std::lock_guard<std::mutex> fl(it->second->mu);
  return static_cast<uint64_t>(it->second->contents.size());
}

Result<int64_t> MemEnv::GetFileModificationTimeMs(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("stat " + path + ": No such file or directory");
  std::lock_guard<std::mutex> fl(it->second->mu);
  return it->second->mtime_ms;
}

Result<std::vector<std::string>> MemEnv::ListDir(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  if (!DirExistsLocked(path)) {
    return Status::NotFound("list directory " + path + ": No such file or directory");
  }
  std::vector<std::string> out;
  auto add_children = [&](const std::string& entry) {
    if (entry != path && DirName(entry) == (path.empty() ? "." : path)) {
      out.push_back(BaseName(entry));
    }
  };
  for (const auto& [p, _] : files_) add_children(p);
  for (const auto& d : dirs_) add_children(d);
  return out;
}

Status MemEnv::CreateDir(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  if (files_.count(path)) {
    return Status::IOError("create directory " + path + ": exists and is not a directory");
  }
  if (!DirExistsLocked(DirName(path))) {
    return Status::NotFound("create directory " + path + ": No such file or directory");
  }
  dirs_.insert(path);
  return Status::OK();
}

Status MemEnv::DeleteFile(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  if (files_.erase(path) == 0) {
    return Status::NotFound("delete " + path + ": No such file or directory");
  }
  return Status::OK();
}

Status MemEnv::DeleteDir(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  if (!dirs_.count(path)) {
    return Status::NotFound("delete directory " + path + ": No such file or directory");
  }
  auto has_child = [&](const std::string& e) { return DirName(e) == path; };
  for (const auto& [p, _] : files_) {
    if (has_child(p)) return Status::IOError("delete directory " + path + ": Directory not empty");
  }
  for (const auto& d : dirs_) {
    if (d != path && has_child(d)) {
      return Status::IOError("delete directory " + path + ": Directory not empty");
    }
  }
  dirs_.erase(path);
  return Status::OK();
}

Status MemEnv::RenameFile(const std::string& raw_src, const std::string& raw_target) {
  std::string src = Normalize(raw_src), target = Normalize(raw_target);
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(src);
  if (it == files_.end()) {
    return Status::NotFound("rename " + src + " to " + target + ": No such file or directory");
  }
  if (!DirExistsLocked(DirName(target))) {
    return Status::NotFound("rename " + src + " to " + target + ": No such file or directory");
  }
  if (src == target) return Status::OK();
  auto data = it->second;
  files_.erase(it);
  files_[target] = std::move(data);
  return Status::OK();
}

Status MemEnv::RenameNoReplace(const std::string& raw_src, const std::string& raw_target) {
  std::string src = Normalize(raw_src), target = Normalize(raw_target);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (files_.count(target) || dirs_.count(target)) {
      return Status::AlreadyExists("rename " + src + " to " + target + ": File exists");
    }
    auto it = files_.find(src);
    if (it == files_.end() || !DirExistsLocked(DirName(target))) {
      return Status::NotFound("rename " + src + " to " + target + ": No such file or directory");
    }
    auto data = it->second;
    files_.erase(it);
    files_[target] = std::move(data);
  }
  return Status::OK();
}

Status MemEnv::SyncDir(const std::string& raw) {
  std::string path = Normalize(raw);
  std::lock_guard<std::mutex> l(mu_);
  if (!DirExistsLocked(path)) {
    return Status::NotFound("open directory " + path + ": No such file or directory");
  }
  return Status::OK();
}

Result<std::unique_ptr<FileLock>> MemEnv::LockFile(const std::string& raw) {
  std::string path = Normalize(raw);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!DirExistsLocked(DirName(path))) {
      return Status::NotFound("open lock file " + path + ": No such file or directory");
    }
    if (!locks_.insert(path).second) {
      return Status::IOError("lock " + path + ": already held by this process");
    }
    auto& slot = files_[path];
    if (!slot) slot = std::make_shared<FileData>();
  }
  return std::unique_ptr<FileLock>(new MemFileLock(this, path));
}

Result<std::unique_ptr<FileLock>> MemEnv::LockDirectory(const std::string& raw) {
  std::string path = Normalize(raw);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!DirExistsLocked(path)) {
      return Status::NotFound("open directory to lock " + path + ": No such file or directory");
    }
    if (!locks_.insert(path).second) {
      return Status::IOError("lock directory " + path + ": already held by this process");
    }
  }
  return std::unique_ptr<FileLock>(new MemFileLock(this, path));
}

Status MemEnv::UnlockFile(std::unique_ptr<FileLock> lock) {
  lock.reset();
  return Status::OK();
}

void MemEnv::Unlock(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  locks_.erase(path);
}

}  // namespace sluice
