#include "state/state_file.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>

namespace sluice {
namespace {

constexpr char kMagic[8] = {'S', 'L', 'U', 'I', 'C', 'E', 'S', 'T'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 44;   // magic..stored length, header CRC
constexpr size_t kTrailerSize = 12;  // record count + crc
constexpr uint8_t kOpPut = 1;
constexpr uint8_t kOpRemove = 2;
constexpr uint8_t kCodecNone = 0;
constexpr uint8_t kCodecZlib = 1;
constexpr uint64_t kMaxZlibRatio = 1032;  // deflate's best case: 1032 output bytes per input byte

void PutFixed(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t GetFixed(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}
void PutVarint32(std::string* out, uint32_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
bool GetVarint32(std::string_view* in, uint32_t* v) {
  uint32_t result = 0;
  for (int shift = 0; shift <= 28 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 28 && byte > 0x0f) return false;
    result |= uint32_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}
bool GetLengthPrefixed(std::string_view* in, std::string_view* out) {
  uint32_t n;
  if (!GetVarint32(in, &n) || in->size() < n) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large inputs in pieces.
  while (!data.empty()) {
    size_t n = std::min<size_t>(data.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n));
    data.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

const char* KindName(uint64_t kind) {
  return kind == 1 ? "delta" : kind == 2 ? "snapshot" : "unknown";
}

std::string Build(StateFileKind kind, int64_t version, bool compress, const std::string& records,
                  uint64_t num_records) {
  std::string body;
  uint8_t codec = kCodecNone;
  if (compress && !records.empty()) {
    uLongf bound = compressBound(records.size());
    body.resize(bound);
    int rc = compress2(reinterpret_cast<Bytef*>(body.data()), &bound,
                       reinterpret_cast<const Bytef*>(records.data()), records.size(), 1);
    if (rc == Z_OK) {
      body.resize(bound);
      codec = kCodecZlib;
    } else {
      body.clear();
    }
  }
  const std::string& stored = codec == kCodecNone ? records : body;
  std::string out;
  out.reserve(kHeaderSize + stored.size() + kTrailerSize);
  out.append(kMagic, sizeof(kMagic));
  PutFixed(&out, kFormatVersion, 4);
  out.push_back(static_cast<char>(kind));
  out.push_back(static_cast<char>(codec));
  PutFixed(&out, 0, 2);
  PutFixed(&out, static_cast<uint64_t>(version), 8);
  PutFixed(&out, records.size(), 8);
  PutFixed(&out, stored.size(), 8);
  PutFixed(&out, Crc32(out), 4);  // header CRC: lengths are trusted only after it
  out.append(stored);
  PutFixed(&out, num_records, 8);
  PutFixed(&out, Crc32(out), 4);
  return out;
}

}  // namespace

void StateFileBuilder::Put(std::string_view key, std::string_view value) {
  records_.push_back(static_cast<char>(kOpPut));
  PutVarint32(&records_, static_cast<uint32_t>(key.size()));
  records_.append(key);
  PutVarint32(&records_, static_cast<uint32_t>(value.size()));
  records_.append(value);
  ++num_records_;
}

void StateFileBuilder::Remove(std::string_view key) {
  records_.push_back(static_cast<char>(kOpRemove));
  PutVarint32(&records_, static_cast<uint32_t>(key.size()));
  records_.append(key);
  ++num_records_;
}

std::string StateFileBuilder::Finish(StateFileKind kind, int64_t version, bool compress) const {
  return Build(kind, version, compress, records_, num_records_);
}

std::string EncodeSnapshot(const StateMap& map, int64_t version, bool compress) {
  StateFileBuilder b;
  for (const auto& [k, v] : map) b.Put(k, v);
  return b.Finish(StateFileKind::kSnapshot, version, compress);
}

Status ApplyStateFile(const std::string& path, std::string_view contents, StateFileKind kind,
                      int64_t version, StateMap* map) {
  if (kind == StateFileKind::kSnapshot) map->clear();
  return VisitStateFile(path, contents, kind, version,
                        [map](StateFileOp op, std::string_view key, std::string_view value) {
                          if (op == StateFileOp::kPut) {
                            (*map)[std::string(key)] = std::string(value);
                          } else {
                            map->erase(std::string(key));
                          }
                        });
}

Status VisitStateFile(const std::string& path, std::string_view contents, StateFileKind kind,
                      int64_t version,
                      const std::function<void(StateFileOp op, std::string_view key,
                                               std::string_view value)>& fn) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption("state file " + path + " " + what);
  };
  if (contents.size() < kHeaderSize) {
    if (contents.empty()) return corrupt("is empty");
    return corrupt("is truncated: " + std::to_string(contents.size()) +
                   " bytes, shorter than the " + std::to_string(kHeaderSize) + "-byte header");
  }
  const char* p = contents.data();
  if (std::memcmp(p, kMagic, sizeof(kMagic)) != 0) {
    return corrupt("is not a Sluice state file (bad magic)");
  }
  uint64_t format = GetFixed(p + 8, 4);
  if (format == 0) return corrupt("is corrupt: format version 0");
  if (format > kFormatVersion) {
    return corrupt("has format version " + std::to_string(format) +
                   " but this Sluice supports up to " + std::to_string(kFormatVersion) +
                   "; upgrade Sluice");
  }
  uint32_t header_crc = static_cast<uint32_t>(GetFixed(p + 40, 4));
  uint32_t actual_header_crc = Crc32(contents.substr(0, 40));
  if (header_crc != actual_header_crc) {
    return corrupt("has a corrupt header: its checksum fails (stored " + Hex(header_crc) +
                   ", computed " + Hex(actual_header_crc) + ")");
  }
  uint64_t file_kind = static_cast<uint8_t>(p[12]);
  uint64_t codec = static_cast<uint8_t>(p[13]);
  int64_t file_version = static_cast<int64_t>(GetFixed(p + 16, 8));
  uint64_t raw_len = GetFixed(p + 24, 8);
  uint64_t stored_len = GetFixed(p + 32, 8);
  if (stored_len > contents.size() ||
      contents.size() - kHeaderSize - kTrailerSize < stored_len ||
      contents.size() < kHeaderSize + kTrailerSize) {
    return corrupt("is truncated: the header announces " +
                   std::to_string(kHeaderSize + stored_len + kTrailerSize) + " bytes, found " +
                   std::to_string(contents.size()));
  }
  if (contents.size() != kHeaderSize + stored_len + kTrailerSize) {
    return corrupt("is corrupt: the header announces " +
                   std::to_string(kHeaderSize + stored_len + kTrailerSize) + " bytes, found " +
                   std::to_string(contents.size()));
  }
  size_t crc_pos = contents.size() - 4;
  uint32_t stored_crc = static_cast<uint32_t>(GetFixed(p + crc_pos, 4));
  uint32_t actual_crc = Crc32(contents.substr(0, crc_pos));
  if (stored_crc != actual_crc) {
    return corrupt("fails its checksum (stored " + Hex(stored_crc) + ", computed " +
                   Hex(actual_crc) + ")");
  }
  if (file_kind != static_cast<uint8_t>(kind)) {
    return corrupt("is a " + std::string(KindName(file_kind)) + " file, expected a " +
                   KindName(static_cast<uint8_t>(kind)) + " file");
  }
  if (file_version != version) {
    return corrupt("holds version " + std::to_string(file_version) + ", expected " +
                   std::to_string(version));
  }
  uint64_t num_records = GetFixed(p + crc_pos - 8, 8);
  std::string_view stored = contents.substr(kHeaderSize, stored_len);
  std::string raw_buf;
  std::string_view raw;
  if (codec == kCodecNone) {
    if (raw_len != stored_len) return corrupt("is corrupt: raw and stored lengths differ");
    raw = stored;
  } else if (codec == kCodecZlib) {
    // The lengths passed the header's checksum, yet a buggy writer could
    // still have put anything there: never allocate more than the stored
    // bytes can inflate to (deflate's limit is 1032:1).
    if (raw_len / kMaxZlibRatio > stored_len) {
      return corrupt("is corrupt: the header announces " + std::to_string(raw_len) +
                     " uncompressed bytes, more than its " + std::to_string(stored_len) +
                     " compressed bytes can hold");
    }
    raw_buf.resize(raw_len);
    uLongf out_len = raw_len;
    int rc = uncompress(reinterpret_cast<Bytef*>(raw_buf.data()), &out_len,
                        reinterpret_cast<const Bytef*>(stored.data()), stored.size());
    if (rc != Z_OK || out_len != raw_len) {
      return corrupt("is corrupt: zlib cannot decompress its body (code " + std::to_string(rc) + ")");
    }
    raw = raw_buf;
  } else {
    return corrupt("is corrupt: unknown codec " + std::to_string(codec));
  }
  // Every record takes at least 2 bytes (op, key length), so a count beyond
  // that is a lie (and must not size the map).
  if (num_records > raw.size() / 2) {
    return corrupt("is corrupt: its trailer says " + std::to_string(num_records) +
                   " records, more than its " + std::to_string(raw.size()) + "-byte body can hold");
  }
  uint64_t n = 0;
  while (!raw.empty()) {
    auto op = static_cast<uint8_t>(raw.front());
    raw.remove_prefix(1);
    std::string_view key, value;
    bool ok = GetLengthPrefixed(&raw, &key);
    if (ok && op == kOpPut) {
      ok = GetLengthPrefixed(&raw, &value);
      if (ok) fn(StateFileOp::kPut, key, value);
    } else if (ok && op == kOpRemove && kind == StateFileKind::kDelta) {
      fn(StateFileOp::kRemove, key, {});
    } else if (ok) {
      return corrupt("is corrupt: record " + std::to_string(n) + " has unknown op " +
                     std::to_string(op));
    }
    if (!ok) return corrupt("is corrupt: record " + std::to_string(n) + " is cut short");
    ++n;
  }
  if (n != num_records) {
    return corrupt("is corrupt: it holds " + std::to_string(n) + " records but its trailer says " +
                   std::to_string(num_records));
  }
  return Status::OK();
}

}  // namespace sluice
