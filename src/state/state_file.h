// State files: the binary format of `<version>.delta` and `<version>.snapshot`
// (byte-for-byte description in docs/checkpoint-format.md).
//
//   header   "SLUICEST" | u32 format version (1) | u8 kind (1 delta, 2 snapshot)
//            | u8 codec (0 none, 1 zlib) | u16 reserved (0) | i64 store version
//            | u64 raw body length | u64 stored body length
//            | u32 CRC-32 (zlib) of the 40 header bytes before it
//   body     stored body bytes (the records, compressed if codec != 0)
//   trailer  u64 record count | u32 CRC-32 (zlib) of every byte before it
//
// Integers are little-endian. A record is
//   u8 op (1 put, 2 remove) | varint32 key length | key
//   [ varint32 value length | value ]   (puts only)
// A snapshot holds only puts, one per key.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sluice/status.h"

namespace sluice {

enum class StateFileKind : uint8_t { kDelta = 1, kSnapshot = 2 };
enum class StateFileOp : uint8_t { kPut = 1, kRemove = 2 };

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StateMap = std::unordered_map<std::string, std::string, StringHash, std::equal_to<>>;

// Accumulates records; Finish() produces the file bytes.
class StateFileBuilder {
 public:
  void Put(std::string_view key, std::string_view value);
  void Remove(std::string_view key);
  size_t num_records() const { return num_records_; }
  std::string Finish(StateFileKind kind, int64_t version, bool compress) const;

 private:
  std::string records_;
  uint64_t num_records_ = 0;
};

// Snapshot bytes of `map` at `version`.
std::string EncodeSnapshot(const StateMap& map, int64_t version, bool compress);

// Checks file `path` (its bytes in `contents`) is a `kind` file of `version`
// and applies its records to *map (a snapshot first clears it). Any problem
// is Status::Corruption naming `path`; *map is then unspecified.
Status ApplyStateFile(const std::string& path, std::string_view contents, StateFileKind kind,
                      int64_t version, StateMap* map);

// The checks of ApplyStateFile, but each record goes to fn in file order
// (a remove has an empty value). For stores that are not a StateMap (the
// RocksDB provider replays deltas into RocksDB). fn may have been called for
// some records when a Corruption is returned.
Status VisitStateFile(const std::string& path, std::string_view contents, StateFileKind kind,
                      int64_t version,
                      const std::function<void(StateFileOp op, std::string_view key,
                                               std::string_view value)>& fn);

}  // namespace sluice
