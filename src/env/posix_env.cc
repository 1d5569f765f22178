// PosixEnv: Env over POSIX system calls. Env::Default() returns it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>  // renameat2
#include <cstring>
#include <mutex>
#include <map>

#include "env/env.h"

namespace sluice {
namespace {

Status PosixError(std::string_view op, const std::string& path, int err) {
  std::string msg = std::string(op) + " " + path + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IOError(std::move(msg));
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) (void)Close();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError("append to closed file " + path_);
    // Small appends are buffered; large ones go straight through.
    if (buf_.size() + data.size() <= kBufferSize) {
      buf_.append(data);
      return Status::OK();
    }
    SLUICE_RETURN_NOT_OK(FlushBuffer());
    if (data.size() <= kBufferSize) {
      buf_.append(data);
      return Status::OK();
    }
    return WriteRaw(data);
  }

  Status Sync() override {
    if (fd_ < 0) return Status::IOError("sync of closed file " + path_);
    SLUICE_RETURN_NOT_OK(FlushBuffer());
    if (::fdatasync(fd_) != 0) return PosixError("fsync", path_, errno);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s = FlushBuffer();
    if (::close(fd_) != 0 && s.ok()) s = PosixError("close", path_, errno);
    fd_ = -1;
    return s;
  }

  const std::string& path() const override { return path_; }

 private:
  static constexpr size_t kBufferSize = 64 * 1024;

  Status FlushBuffer() {
    Status s = WriteRaw(buf_);
    buf_.clear();
    return s;
  }

  Status WriteRaw(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }

  std::string path_;
  int fd_;
  std::string buf_;
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Status Read(size_t n, std::string* out) override {
    size_t old = out->size();
    out->resize(old + n);
    while (true) {
      ssize_t r = ::read(fd_, out->data() + old, n);
      if (r < 0) {
        if (errno == EINTR) continue;
        out->resize(old);
        return PosixError("read", path_, errno);
      }
      out->resize(old + static_cast<size_t>(r));
      return Status::OK();
    }
  }

  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Status Read(uint64_t offset, size_t n, char* scratch, size_t* bytes_read) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        *bytes_read = done;
        return PosixError("read", path_, errno);
      }
      if (r == 0) break;  // end of file
      done += static_cast<size_t>(r);
    }
    *bytes_read = done;
    return Status::OK();
  }

  void HintSequential(uint64_t offset, uint64_t length) const override {
    (void)::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(length), POSIX_FADV_SEQUENTIAL);
  }

  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
};

// fcntl locks are per process: a second F_SETLK from the same process on the
// same file succeeds. This table makes a second lock in-process fail too.
// Entries carry the owner's pid: a child made by fork() inherits the table but
// not the fcntl locks, so it ignores its parent's entries.
class LockTable {
 public:
  bool Insert(const std::string& path) {
    std::lock_guard<std::mutex> l(mu_);
    auto [it, inserted] = paths_.emplace(path, ::getpid());
    if (inserted) return true;
    if (it->second == ::getpid()) return false;
    it->second = ::getpid();  // stale entry inherited across fork()
    return true;
  }
  void Remove(const std::string& path) {
    std::lock_guard<std::mutex> l(mu_);
    paths_.erase(path);
  }

 private:
  std::mutex mu_;
  std::map<std::string, pid_t> paths_;
};

LockTable& Locks() {
  static LockTable* table = new LockTable();
  return *table;
}

int LockOrUnlock(int fd, bool lock) {
  struct flock f;
  std::memset(&f, 0, sizeof(f));
  f.l_type = lock ? F_WRLCK : F_UNLCK;
  f.l_whence = SEEK_SET;
  f.l_start = 0;
  f.l_len = 0;  // whole file
  return ::fcntl(fd, F_SETLK, &f);
}

// A lock of LockFile (an fcntl lock on the file) or of LockDirectory (a
// flock on the directory's descriptor).
class PosixFileLock final : public FileLock {
 public:
  enum class Kind { kFcntl, kFlock };
  PosixFileLock(std::string path, int fd, Kind kind) : path_(std::move(path)), fd_(fd), kind_(kind) {}
  ~PosixFileLock() override { (void)Release(); }

  Status Release() {
    if (fd_ < 0) return Status::OK();
    Status s;
    int rc = kind_ == Kind::kFcntl ? LockOrUnlock(fd_, false) : ::flock(fd_, LOCK_UN);
    if (rc != 0) s = PosixError("unlock", path_, errno);
    ::close(fd_);
    fd_ = -1;
    Locks().Remove(path_);
    return s;
  }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  Kind kind_;
};

// "/a/b/" -> "/a/b", so that one directory has one entry in the lock table.
std::string WithoutTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    return Open(path, O_WRONLY | O_CREAT | O_TRUNC);
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    return Open(path, O_WRONLY | O_CREAT | O_APPEND);
  }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open", path, errno);
    return std::unique_ptr<SequentialFile>(new PosixSequentialFile(path, fd));
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open", path, errno);
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, fd));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<FileAttributes> GetFileAttributes(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int err = errno;
      // "a/b" where a is a file does not exist either.
      if (err == ENOTDIR) err = ENOENT;
      return PosixError("stat", path, err);
    }
    FileAttributes a;
    a.name = BaseName(path);
    a.type = S_ISREG(st.st_mode) ? FileType::kRegular : S_ISDIR(st.st_mode) ? FileType::kDirectory : FileType::kOther;
    a.size = a.type == FileType::kRegular ? static_cast<uint64_t>(st.st_size) : 0;
    a.mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    return a;
  }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<int64_t> GetFileModificationTimeMs(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path, errno);
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return PosixError("list directory", path, errno);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      names.emplace_back(e->d_name);
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) return PosixError("list directory", path, err);
    return names;
  }

  Status CreateDir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) == 0) return Status::OK();
    int err = errno;
    if (err == EEXIST) {
      struct stat st;
      if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::OK();
      return Status::IOError("create directory " + path + ": exists and is not a directory");
    }
    return PosixError("create directory", path, err);
  }

  Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError("delete", path, errno);
    return Status::OK();
  }

  Status DeleteDir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) return PosixError("delete directory", path, errno);
    return Status::OK();
  }

  Status RenameFile(const std::string& src, const std::string& target) override {
    if (::rename(src.c_str(), target.c_str()) != 0) {
      return PosixError("rename " + src + " to", target, errno);
    }
    return Status::OK();
  }

  Status RenameNoReplace(const std::string& src, const std::string& target) override {
    if (::renameat2(AT_FDCWD, src.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) return Status::OK();
    int err = errno;
    if (err == EINVAL || err == ENOSYS || err == ENOTSUP) {
      // A file system without RENAME_NOREPLACE: link(2) fails with EEXIST
      // when the target exists, so it is put-if-absent too.
      if (::link(src.c_str(), target.c_str()) == 0) {
        ::unlink(src.c_str());
        return Status::OK();
      }
      err = errno;
    }
    if (err == EEXIST) return Status::AlreadyExists("rename " + src + " to " + target + ": File exists");
    return PosixError("rename (no replace) " + src + " to", target, err);
  }

  Status SyncDir(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return PosixError("open directory", path, errno);
    Status s;
    if (::fsync(fd) != 0) s = PosixError("fsync directory", path, errno);
    ::close(fd);
    return s;
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    if (!Locks().Insert(path)) {
      return Status::IOError("lock " + path + ": already held by this process");
    }
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      Locks().Remove(path);
      return PosixError("open lock file", path, errno);
    }
    if (LockOrUnlock(fd, true) != 0) {
      int err = errno;
      ::close(fd);
      Locks().Remove(path);
      if (err == EACCES || err == EAGAIN) {
        return Status::IOError("lock " + path + ": already held by another process");
      }
      return PosixError("lock", path, err);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(path, fd, PosixFileLock::Kind::kFcntl));
  }

  Result<std::unique_ptr<FileLock>> LockDirectory(const std::string& raw) override {
    std::string path = WithoutTrailingSlash(raw);
    if (!Locks().Insert(path)) {
      return Status::IOError("lock directory " + path + ": already held by this process");
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      Locks().Remove(path);
      return PosixError("open directory to lock", path, err);
    }
    // flock locks belong to the open file description: a second open() of
    // the directory, in this process or another, conflicts with this one.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      Locks().Remove(path);
      if (err == EWOULDBLOCK) {
        return Status::IOError("lock directory " + path + ": already held by another process");
      }
      if (err == ENOLCK || err == EBADF || err == EINVAL || err == EOPNOTSUPP) {
        return Status::NotImplemented("lock directory " + path + ": the file system does not support it (" +
                                      std::strerror(err) + ")");
      }
      return PosixError("lock directory", path, err);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(path, fd, PosixFileLock::Kind::kFlock));
  }

  Status UnlockFile(std::unique_ptr<FileLock> lock) override {
    if (!lock) return Status::OK();
    return static_cast<PosixFileLock*>(lock.get())->Release();
  }

 private:
  Result<std::unique_ptr<WritableFile>> Open(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("open", path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }
};

}  // namespace

Env* Env::Default() {
  static Env* env = new PosixEnv();
  return env;
}

}  // namespace sluice
