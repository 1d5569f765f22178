// FileChecksumCheck: checks a file's CRC-32 (zlib's crc32, recorded in the
// file sink's manifest when the file was written) as a scan reads it, at no
// extra IO: each split of the file computes the CRC of the bytes it owns,
// [start, start + length), as they pass through its buffer; the last split
// to finish combines the parts in file order (crc32_combine) and compares
// the result, and the byte count, with the manifest's record. A file
// changed after it was committed (truncated, bytes flipped) fails the scan
// with Corruption naming it, instead of giving fewer or wrong rows.
//
// Nothing is checked when a split is not read to its end (a Limit above the
// scan stopped early).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/status.h"

namespace sluice {

class FileChecksumCheck {
 public:
  // `manifest_dir`: where the expected values come from (for messages).
  FileChecksumCheck(std::string path, int64_t expected_size, uint32_t expected_crc32, size_t num_splits,
                    std::string manifest_dir);

  // Split `index` (in file order) read all its owned bytes: `bytes` of them,
  // whose CRC-32 is `crc`. The call that completes the file compares;
  // Corruption if the file does not match.
  Status SplitDone(size_t index, uint32_t crc, int64_t bytes);

  const std::string& path() const { return path_; }

  // zlib's crc32 of `n` bytes, continuing `crc` (0 to start).
  static uint32_t Extend(uint32_t crc, const char* data, size_t n);

 private:
  const std::string path_;
  const int64_t expected_size_;
  const uint32_t expected_crc_;
  const std::string manifest_dir_;
  std::mutex mu_;
  std::vector<std::optional<std::pair<uint32_t, int64_t>>> parts_;  // GUARDED_BY(mu_)
  size_t done_ = 0;                                                 // GUARDED_BY(mu_)
};

}  // namespace sluice
