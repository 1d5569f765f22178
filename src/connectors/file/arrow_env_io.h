// Sluice's Env files as Arrow IO streams, so that libparquet reads and
// writes Parquet files through Env like every other file of the engine
// (MemEnv in tests, FaultInjectionEnv in crash tests). Includes Arrow's IO
// headers: only the Parquet reader and writer (.cc files) include this.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <arrow/io/interfaces.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include "env/env.h"
#include "sluice/status.h"

namespace sluice {

// Arrow's status as Sluice's: IO errors stay IO errors, the message kept;
// `what` says what was being done ("writing /x/part-0.parquet").
Status FromArrow(const arrow::Status& st, const std::string& what);

// An append-only file: buffered writes (1 MiB) into an Env WritableFile.
// Close() (libparquet calls it after the footer) flushes, syncs the file
// and closes it: the file is durable once Close returned OK. An Env error
// is kept whole in env_status().
class EnvOutputStream : public arrow::io::OutputStream {
 public:
  explicit EnvOutputStream(std::unique_ptr<WritableFile> file);
  ~EnvOutputStream() override;

  arrow::Status Write(const void* data, int64_t nbytes) override;
  arrow::Status Flush() override;
  arrow::Status Close() override;
  arrow::Result<int64_t> Tell() const override { return position_; }
  bool closed() const override { return file_ == nullptr; }

  const Status& env_status() const { return env_status_; }
  // zlib's crc32 of every byte written.
  uint32_t crc32() const { return crc32_; }

 private:
  arrow::Status Check(Status st);
  std::unique_ptr<WritableFile> file_;
  uint32_t crc32_ = 0;
  std::string buffer_;
  int64_t position_ = 0;
  Status env_status_;
};

// A file read at any offset through an Env RandomAccessFile (thread-safe
// reads at an offset, as Parquet's column readers do them).
class EnvRandomAccessFile : public arrow::io::RandomAccessFile {
 public:
  EnvRandomAccessFile(std::unique_ptr<sluice::RandomAccessFile> file, int64_t size);

  arrow::Status Close() override;
  bool closed() const override { return closed_; }
  arrow::Result<int64_t> Tell() const override { return position_; }
  arrow::Status Seek(int64_t position) override;
  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override;
  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override;
  arrow::Result<int64_t> ReadAt(int64_t position, int64_t nbytes, void* out) override;
  arrow::Result<std::shared_ptr<arrow::Buffer>> ReadAt(int64_t position, int64_t nbytes) override;
  arrow::Result<int64_t> GetSize() override { return size_; }

  // Bytes read so far (all threads), for tests that show pruning.
  int64_t bytes_read() const { return bytes_read_.load(); }

 private:
  std::unique_ptr<sluice::RandomAccessFile> file_;
  int64_t size_ = 0;
  int64_t position_ = 0;
  bool closed_ = false;
  std::atomic<int64_t> bytes_read_{0};
};

}  // namespace sluice
