#include "connectors/file/split_reader.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace sluice {

Result<std::unique_ptr<SplitReader>> SplitReader::Open(Env* env, const FileSplit& split, const Options& options) {
  auto file = env->NewRandomAccessFile(split.path);
  if (!file.ok()) {
    if (file.status().code() == StatusCode::kNotFound) return Status::NotFound("path does not exist: " + split.path);
    return file.status();
  }
  std::unique_ptr<SplitReader> r(new SplitReader(split, options, std::move(*file)));
  SLUICE_RETURN_NOT_OK(r->SkipToFirstOwnedLine());
  return r;
}

SplitReader::SplitReader(FileSplit split, Options options, std::unique_ptr<RandomAccessFile> file)
    : split_(std::move(split)), options_(options), file_(std::move(file)) {
  size_t want = static_cast<size_t>(std::max<int64_t>(split_.length, 0)) + (64 << 10);
  cap_ = std::clamp<size_t>(want, 64 << 10, std::max<size_t>(options_.buffer_bytes, 64 << 10));
  buf_.reset(new char[cap_ + kPadding]);
  std::memset(buf_.get(), 0, kPadding);
  file_->HintSequential(static_cast<uint64_t>(split_.start), static_cast<uint64_t>(split_.length));
}

SplitReader::~SplitReader() = default;

Status SplitReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    buf_offset_ += static_cast<int64_t>(begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) {  // one record larger than the buffer: grow
    size_t ncap = cap_ * 2;
    std::unique_ptr<char[]> nb(new char[ncap + kPadding]);
    std::memcpy(nb.get(), buf_.get(), end_);
    buf_ = std::move(nb);
    cap_ = ncap;
  }
  size_t n = 0;
  SLUICE_RETURN_NOT_OK(file_->Read(static_cast<uint64_t>(read_pos_), cap_ - end_, buf_.get() + end_, &n));
  if (split_.checksum && n > 0) {
    // The part of [read_pos_, read_pos_ + n) this split owns.
    int64_t from = std::max(read_pos_, split_.start);
    int64_t to = std::min(read_pos_ + static_cast<int64_t>(n), split_.end());
    if (from < to) {
      owned_crc_ = FileChecksumCheck::Extend(owned_crc_, buf_.get() + end_ + (from - read_pos_),
                                             static_cast<size_t>(to - from));
      owned_bytes_ += to - from;
    }
  }
  if (n == 0) eof_ = true;
  end_ += n;
  read_pos_ += static_cast<int64_t>(n);
  std::memset(buf_.get() + end_, 0, kPadding);
  return Status::OK();
}

Status SplitReader::SkipToFirstOwnedLine() {
  if (split_.start == 0) {
    read_pos_ = 0;
    buf_offset_ = 0;
    first_line_offset_ = 0;
    return Status::OK();
  }
  // Start at start - 1 and drop everything up to and including the first '\n'.
  read_pos_ = split_.start - 1;
  buf_offset_ = read_pos_;
  while (true) {
    if (begin_ == end_) {
      if (eof_) {
        done_ = true;
        return Status::OK();
      }
      SLUICE_RETURN_NOT_OK(Fill());
      continue;
    }
    const void* nl = std::memchr(buf_.get() + begin_, '\n', end_ - begin_);
    if (nl != nullptr) {
      begin_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.get()) + 1;
      first_line_offset_ = buf_offset_ + static_cast<int64_t>(begin_);
      return Status::OK();
    }
    begin_ = end_;
  }
}

const char* SplitReader::FindRecordEnd(const char* p, const char* to, int64_t* newlines) const {
  *newlines = 0;
  if (!options_.quoted_newlines || options_.quote == '\0') {
    return static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(to - p)));
  }
  const char q = options_.quote;
  const char esc = options_.escape;
  bool in_quotes = false;
  for (; p < to; ++p) {
    char c = *p;
    if (in_quotes) {
      if (c == esc && esc != q && p + 1 < to) {
        ++p;  // escaped character
        if (*p == '\n') ++*newlines;
      } else if (c == q) {
        in_quotes = false;  // "" re-enters on the next quote
      } else if (c == '\n') {
        ++*newlines;
      }
    } else if (c == q) {
      in_quotes = true;
    } else if (c == '\n') {
      return p;
    }
  }
  return nullptr;
}

Result<bool> SplitReader::Next(std::string_view* record) {
  while (!done_) {
    int64_t line_off = buf_offset_ + static_cast<int64_t>(begin_);
    if (line_off >= split_.end()) {
      done_ = true;
      break;
    }
    if (begin_ == end_) {
      if (eof_) {
        done_ = true;
        break;
      }
      SLUICE_RETURN_NOT_OK(Fill());
      continue;
    }
    char* base = buf_.get();
    int64_t inner = 0;
    const char* nl = FindRecordEnd(base + begin_, base + end_, &inner);
    size_t rec_end;
    size_t next_begin;
    if (nl != nullptr) {
      rec_end = static_cast<size_t>(nl - base);
      next_begin = rec_end + 1;
    } else if (eof_) {
      rec_end = end_;
      next_begin = end_;
    } else {
      SLUICE_RETURN_NOT_OK(Fill());
      continue;
    }
    size_t len = rec_end - begin_;
    if (len > 0 && base[rec_end - 1] == '\r') --len;
    *record = std::string_view(base + begin_, len);
    if (split_.start == 0 && lines_consumed_ == 0 && record->substr(0, kUtf8Bom.size()) == kUtf8Bom) {
      // The first line of the file starts with a byte-order mark: not data.
      // (The line still begins at offset 0 for the split rule.)
      record->remove_prefix(kUtf8Bom.size());
    }
    record_line_index_ = lines_consumed_;
    lines_consumed_ += 1 + inner;
    begin_ = next_begin;
    return true;
  }
  if (split_.checksum && !checksum_reported_) {
    checksum_reported_ = true;
    SLUICE_RETURN_NOT_OK(split_.checksum->SplitDone(split_.checksum_index, owned_crc_, owned_bytes_));
  }
  return false;
}

Result<int64_t> SplitReader::LineNumber() {
  if (lines_before_split_ < 0) {
    int64_t count = 0;
    std::vector<char> tmp(1 << 20);
    int64_t pos = 0;
    while (pos < first_line_offset_) {
      size_t want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(tmp.size()), first_line_offset_ - pos));
      size_t n = 0;
      SLUICE_RETURN_NOT_OK(file_->Read(static_cast<uint64_t>(pos), want, tmp.data(), &n));
      if (n == 0) return Status::IOError("cannot read " + split_.path + ": it ended before offset " + std::to_string(pos));
      count += std::count(tmp.data(), tmp.data() + n, '\n');
      pos += static_cast<int64_t>(n);
    }
    lines_before_split_ = count;
  }
  return lines_before_split_ + record_line_index_ + 1;
}

}  // namespace sluice
