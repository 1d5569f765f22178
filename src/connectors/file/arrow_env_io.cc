#include "connectors/file/arrow_env_io.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>

#include <arrow/buffer.h>

#include "connectors/file/file_checksum_check.h"

namespace sluice {
namespace {
constexpr size_t kWriteBuffer = size_t{1} << 20;
}

Status FromArrow(const arrow::Status& st, const std::string& what) {
  if (st.ok()) return Status::OK();
  std::string message = what + ": " + st.message();
  if (st.IsOutOfMemory()) return Status::OutOfMemory(std::move(message));
  if (st.IsIOError()) return Status::IOError(std::move(message));
  if (st.IsNotImplemented()) return Status::NotImplemented(std::move(message));
  if (st.IsInvalid() || st.IsTypeError()) return Status::InvalidArgument(std::move(message));
  return Status::IOError(std::move(message));
}

EnvOutputStream::EnvOutputStream(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {
  buffer_.reserve(kWriteBuffer);
}

EnvOutputStream::~EnvOutputStream() {
  if (file_ != nullptr) (void)file_->Close();
}

arrow::Status EnvOutputStream::Check(Status st) {
  if (st.ok()) return arrow::Status::OK();
  if (env_status_.ok()) env_status_ = st;
  return arrow::Status::IOError(st.message());
}

arrow::Status EnvOutputStream::Write(const void* data, int64_t nbytes) {
  if (file_ == nullptr) return arrow::Status::IOError("write to a closed file");
  if (!env_status_.ok()) return arrow::Status::IOError(env_status_.message());
  auto n = static_cast<size_t>(nbytes);
  crc32_ = FileChecksumCheck::Extend(crc32_, static_cast<const char*>(data), n);
  if (buffer_.size() + n > kWriteBuffer) {
    ARROW_RETURN_NOT_OK(Flush());
  }
  if (n >= kWriteBuffer) {
    ARROW_RETURN_NOT_OK(Check(file_->Append(std::string_view(static_cast<const char*>(data), n))));
  } else {
    buffer_.append(static_cast<const char*>(data), n);
  }
  position_ += nbytes;
  return arrow::Status::OK();
}

arrow::Status EnvOutputStream::Flush() {
  if (file_ == nullptr || buffer_.empty()) return arrow::Status::OK();
  Status st = file_->Append(buffer_);
  buffer_.clear();
  return Check(std::move(st));
}

arrow::Status EnvOutputStream::Close() {
  if (file_ == nullptr) return env_status_.ok() ? arrow::Status::OK() : arrow::Status::IOError(env_status_.message());
  arrow::Status flushed = Flush();
  Status synced = flushed.ok() ? file_->Sync() : Status::OK();
  Status closed = file_->Close();
  file_.reset();
  ARROW_RETURN_NOT_OK(flushed);
  ARROW_RETURN_NOT_OK(Check(std::move(synced)));
  return Check(std::move(closed));
}

EnvRandomAccessFile::EnvRandomAccessFile(std::unique_ptr<sluice::RandomAccessFile> file, int64_t size)
    : file_(std::move(file)), size_(size) {}

arrow::Status EnvRandomAccessFile::Close() {
  closed_ = true;
  return arrow::Status::OK();
}

arrow::Status EnvRandomAccessFile::Seek(int64_t position) {
  if (position < 0) return arrow::Status::Invalid("negative seek position");
  position_ = position;
  return arrow::Status::OK();
}

arrow::Result<int64_t> EnvRandomAccessFile::Read(int64_t nbytes, void* out) {
  ARROW_ASSIGN_OR_RAISE(int64_t n, ReadAt(position_, nbytes, out));
  position_ += n;
  return n;
}

arrow::Result<std::shared_ptr<arrow::Buffer>> EnvRandomAccessFile::Read(int64_t nbytes) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, ReadAt(position_, nbytes));
  position_ += buffer->size();
  return buffer;
}

arrow::Result<int64_t> EnvRandomAccessFile::ReadAt(int64_t position, int64_t nbytes, void* out) {
  if (closed_) return arrow::Status::IOError("read from a closed file: ", file_->path());
  if (position < 0 || nbytes < 0) return arrow::Status::Invalid("negative read range in ", file_->path());
  size_t total = 0;
  auto* dest = static_cast<char*>(out);
  while (total < static_cast<size_t>(nbytes)) {
    size_t got = 0;
    Status st = file_->Read(static_cast<uint64_t>(position) + total, static_cast<size_t>(nbytes) - total,
                            dest + total, &got);
    if (!st.ok()) return arrow::Status::IOError(st.message());
    if (got == 0) break;
    total += got;
  }
  bytes_read_ += static_cast<int64_t>(total);
  return static_cast<int64_t>(total);
}

arrow::Result<std::shared_ptr<arrow::Buffer>> EnvRandomAccessFile::ReadAt(int64_t position, int64_t nbytes) {
  int64_t n = std::max<int64_t>(0, std::min(nbytes, size_ - position));
  ARROW_ASSIGN_OR_RAISE(std::unique_ptr<arrow::ResizableBuffer> buffer, arrow::AllocateResizableBuffer(n));
  ARROW_ASSIGN_OR_RAISE(int64_t got, ReadAt(position, n, buffer->mutable_data()));
  ARROW_RETURN_NOT_OK(buffer->Resize(got));
  return std::shared_ptr<arrow::Buffer>(std::move(buffer));
}

}  // namespace sluice
