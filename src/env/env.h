// Env: every file-system operation Sluice performs goes through this
// interface (LevelDB's Env). Swapping the implementation is what makes the
// in-memory file system of unit tests (MemEnv) and crash simulation
// (FaultInjectionEnv) possible.
//
// Paths are plain '/'-separated strings. Every method is thread-safe.
// Errors are Status values that name the path and the failing operation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"

namespace sluice {

// A file open for writing. Data is buffered by the implementation; it is
// durable only after Sync() returned OK. Destroying an open file closes it.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Makes every byte appended so far durable (fsync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

// A file read front to back.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Appends up to `n` bytes to *out. Appending nothing means end of file.
  virtual Status Read(size_t n, std::string* out) = 0;
  virtual const std::string& path() const = 0;
};

// A file read at any offset, like pread(2); several threads may read one
// file at once. Readers of large files (connectors/file's SplitReader) read
// big blocks through it, one virtual call per block.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `scratch` and sets *bytes_read.
  // Fewer than `n` bytes means the end of the file (0: `offset` is at or
  // past it).
  virtual Status Read(uint64_t offset, size_t n, char* scratch, size_t* bytes_read) const = 0;
  // A hint that [offset, offset + length) will be read front to back
  // (posix_fadvise SEQUENTIAL: larger read-ahead). No effect by default.
  virtual void HintSequential(uint64_t offset, uint64_t length) const {}
  virtual const std::string& path() const = 0;
};

enum class FileType { kRegular, kDirectory, kOther };

// What the file system says about one path (Env::GetFileAttributes) or one
// directory entry (Env::ListDirWithAttributes). Symbolic links are followed.
struct FileAttributes {
  std::string name;  // the entry's name within its directory
  FileType type = FileType::kRegular;
  uint64_t size = 0;     // bytes (regular files)
  int64_t mtime_ms = 0;  // last modification, milliseconds since the epoch
};

// An exclusive lock on a file, from Env::LockFile. Destroying it unlocks.
class FileLock {
 public:
  virtual ~FileLock() = default;
  virtual const std::string& path() const = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX environment. Never deleted.
  static Env* Default();

  // Creates (or truncates) `path` for writing. The parent directory must exist.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens `path` for appending, creating it if absent.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  // Last modification time in milliseconds since the epoch.
  virtual Result<int64_t> GetFileModificationTimeMs(const std::string& path) = 0;
  // Type, size and modification time of `path`; NotFound if it does not
  // exist (also when a parent of it is not a directory).
  virtual Result<FileAttributes> GetFileAttributes(const std::string& path) = 0;
  // Names (not paths) of the entries of directory `path`, without "." and
  // "..", in no particular order.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // The entries of directory `path` as ListDir finds them, with their
  // attributes. An entry deleted while the listing runs is left out. By
  // default ListDir, then GetFileAttributes per entry.
  virtual Result<std::vector<FileAttributes>> ListDirWithAttributes(const std::string& path);

  // Creates directory `path`; OK if it already exists as a directory.
  virtual Status CreateDir(const std::string& path) = 0;
  // Creates `path` and every missing parent.
  virtual Status CreateDirRecursive(const std::string& path);
  virtual Status DeleteFile(const std::string& path) = 0;
  // Deletes an empty directory.
  virtual Status DeleteDir(const std::string& path) = 0;
  // Atomically replaces `target` (if present) with `src`.
  virtual Status RenameFile(const std::string& src, const std::string& target) = 0;
  // Atomically moves `src` to `target` only if `target` does not exist
  // (put-if-absent: of several writers racing for one name exactly one
  // wins); AlreadyExists naming `target` otherwise, leaving `src` in place.
  // The Delta sink commits its log entries this way. NotImplemented by
  // default (a file system that cannot do it).
  virtual Status RenameNoReplace(const std::string& src, const std::string& target);
  // Makes the directory's entries (creations, renames, deletions) durable.
  virtual Status SyncDir(const std::string& path) = 0;

  // Takes an exclusive lock on `path` (created if absent). Fails at once with
  // IOError if another process, or another lock in this process, holds it;
  // the message of that error contains "already held".
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
  // Takes an exclusive lock on the directory `path` itself (which must
  // exist), held through an open descriptor of the directory (POSIX:
  // flock(2)). Deleting, renaming or replacing files inside the directory
  // cannot release it, unlike a lock on a file in it (a second process that
  // recreates a deleted lock file locks a new file). Fails at once with
  // IOError if another process, or another lock in this process, holds it
  // (the message contains "already held"); NotFound if `path` does not
  // exist; NotImplemented if the file system cannot lock a directory (some
  // network file systems).
  virtual Result<std::unique_ptr<FileLock>> LockDirectory(const std::string& path) = 0;
  // Releases a lock of LockFile or LockDirectory (same as destroying it, but
  // reports errors).
  virtual Status UnlockFile(std::unique_ptr<FileLock> lock) = 0;

  // Whole-file helpers built on the primitives above.
  virtual Status ReadFileToString(const std::string& path, std::string* out);
  // Writes `data` to `path` (truncating), and fsyncs it if `sync`. NOT atomic:
  // use WriteFileAtomically (env/atomic_file.h) for anything a crash must not
  // leave half written.
  virtual Status WriteFile(const std::string& path, std::string_view data, bool sync);
};

// Path helpers ('/'-separated).
std::string JoinPath(std::string_view dir, std::string_view name);
// "a/b/c" -> "a/b"; "c" -> "."; "/c" -> "/".
std::string DirName(std::string_view path);
// "a/b/c" -> "c".
std::string BaseName(std::string_view path);

}  // namespace sluice
