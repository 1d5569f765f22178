#include "connectors/file/file_checksum_check.h"

#include <zlib.h>

#include <cstdio>
#include <limits>

namespace sluice {

namespace {
std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
  return buf;
}
}  // namespace

FileChecksumCheck::FileChecksumCheck(std::string path, int64_t expected_size, uint32_t expected_crc32,
                                     size_t num_splits, std::string manifest_dir)
    : path_(std::move(path)), expected_size_(expected_size), expected_crc_(expected_crc32),
      manifest_dir_(std::move(manifest_dir)), parts_(num_splits) {}

uint32_t FileChecksumCheck::Extend(uint32_t crc, const char* data, size_t n) {
  while (n > 0) {  // zlib takes a uInt length
    size_t chunk = std::min<size_t>(n, std::numeric_limits<uInt>::max());
    crc = static_cast<uint32_t>(::crc32(crc, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(chunk)));
    data += chunk;
    n -= chunk;
  }
  return crc;
}

Status FileChecksumCheck::SplitDone(size_t index, uint32_t crc, int64_t bytes) {
  uint32_t combined = 0;
  int64_t total = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (index >= parts_.size() || parts_[index]) return Status::OK();  // counted once
    parts_[index] = std::make_pair(crc, bytes);
    if (++done_ < parts_.size()) return Status::OK();
    for (size_t i = 0; i < parts_.size(); ++i) {
      const auto& [c, n] = *parts_[i];
      combined = i == 0 ? c : static_cast<uint32_t>(crc32_combine(combined, c, static_cast<z_off_t>(n)));
      total += n;
    }
  }
  if (total != expected_size_) {
    return Status::Corruption("file " + path_ + " has " + std::to_string(total) + " bytes but the file sink manifest " +
                              manifest_dir_ + " recorded " + std::to_string(expected_size_) +
                              ": it was truncated or changed after it was committed; restore it, or rewrite the "
                              "output (a new output directory and checkpoint)");
  }
  if (combined != expected_crc_) {
    return Status::Corruption("file " + path_ + " fails its checksum: the file sink manifest " + manifest_dir_ +
                              " recorded CRC-32 " + Hex(expected_crc_) + ", its bytes give " + Hex(combined) +
                              ": it was changed after it was committed; restore it, or rewrite the output (a new "
                              "output directory and checkpoint)");
  }
  return Status::OK();
}

}  // namespace sluice
