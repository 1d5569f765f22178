// SplitReader: the records (lines) of one byte range of one file.
//
// Split rule (Hadoop's LineRecordReader, stated exactly): a split
// [start, start + length) owns the lines whose first byte lies inside it.
// So a split that does not start at 0 begins right after the first '\n' at or
// after start - 1, and the last line it returns may run past its end. Every
// line of a file is read by exactly one of the splits that tile the file.
//
// The file is read through the Env (a RandomAccessFile) in large blocks (one
// virtual call per block, 4 MB by default) into one buffer that always has
// kPadding readable bytes after the data, so a returned record can be handed
// to simdjson without a copy. Line terminators are "\n" or "\r\n".
// A UTF-8 byte-order mark (EF BB BF) at the very start of the file is not
// part of the first record (Hadoop's LineRecordReader skips it too); the
// first line still starts at offset 0 for the split rule, so only the split
// at offset 0 ever sees it.
//
// With `quoted_newlines` (CSV multiLine=true) a newline inside a quoted field
// does not end the record; such files must not be split.
//
// A split may carry a FileChecksumCheck (a file sink's part file with a
// recorded CRC-32): the bytes it owns are checksummed as they are read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/file/file_checksum_check.h"
#include "env/env.h"
#include "sluice/status.h"
#include "sluice/value.h"

namespace sluice {

struct FileSplit {
  std::string path;
  int64_t start = 0;
  int64_t length = 0;
  int64_t file_size = 0;
  // When set, the reader computes the CRC-32 of the bytes this split owns
  // and reports it as split `checksum_index` of the file once it has read
  // to its end (Next returned false); the check's error fails Next.
  std::shared_ptr<FileChecksumCheck> checksum = nullptr;
  size_t checksum_index = 0;
  // The file's partition values (one per ScanSpec::partition_schema column);
  // null when the scan has no partition columns.
  std::shared_ptr<const std::vector<Value>> partition_values = nullptr;
  int64_t end() const { return start + length; }
};

class SplitReader {
 public:
  static constexpr size_t kPadding = 64;
  static constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

  struct Options {
    bool quoted_newlines = false;
    char quote = '"';
    char escape = '\\';
    size_t buffer_bytes = size_t{4} << 20;
  };

  // NotFound "path does not exist: <path>" if the file is gone; other IO
  // errors (from `env`) name the file too.
  static Result<std::unique_ptr<SplitReader>> Open(Env* env, const FileSplit& split, const Options& options);
  ~SplitReader();
  SplitReader(const SplitReader&) = delete;
  SplitReader& operator=(const SplitReader&) = delete;

  // The next record without its line terminator; false at the end of the
  // split. The view stays valid until the next call and is followed by at
  // least kPadding readable bytes.
  Result<bool> Next(std::string_view* record);

  // 1-based line number within the file of the first line of the record
  // last returned. Reads the part of the file before the split once, the
  // first time it is asked (error paths only).
  Result<int64_t> LineNumber();
  // True if the record last returned is the first line of the file.
  bool AtFirstLineOfFile() const { return split_.start == 0 && record_line_index_ == 0; }
  const std::string& path() const { return split_.path; }
  // End of the readable memory after the record last returned (for
  // simdjson's padded input: capacity = limit - record.data()).
  const char* buffer_limit() const { return buf_.get() + end_ + kPadding; }

 private:
  SplitReader(FileSplit split, Options options, std::unique_ptr<RandomAccessFile> file);
  Status Fill();  // reads more bytes after end_, compacting/growing the buffer
  Status SkipToFirstOwnedLine();
  const char* FindRecordEnd(const char* from, const char* to, int64_t* newlines) const;

  FileSplit split_;
  Options options_;
  std::unique_ptr<RandomAccessFile> file_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;        // usable bytes (buffer is cap_ + kPadding)
  size_t begin_ = 0;      // first unconsumed byte
  size_t end_ = 0;        // end of valid data
  int64_t buf_offset_ = 0;  // file offset of buf_[0]
  int64_t read_pos_ = 0;    // file offset of the next read
  bool eof_ = false;
  bool done_ = false;
  int64_t first_line_offset_ = 0;  // file offset of the split's first line
  int64_t lines_consumed_ = 0;     // lines of this split consumed so far
  int64_t record_line_index_ = -1;
  int64_t lines_before_split_ = -1;  // lazily computed
  // With split_.checksum: the CRC-32 and count of the owned bytes read.
  uint32_t owned_crc_ = 0;
  int64_t owned_bytes_ = 0;
  bool checksum_reported_ = false;
};

}  // namespace sluice
