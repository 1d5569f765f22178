#include "state/state_file.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace sluice {
namespace {

TEST(StateFileTest, DeltaRoundTripPlainAndCompressed) {
  for (bool compress : {false, true}) {
    StateFileBuilder b;
    b.Put("k1", "v1");
    b.Put(std::string("bin\0key", 7), std::string(1000, 'x'));
    b.Remove("gone");
    b.Put("k1", "v1b");
    std::string bytes = b.Finish(StateFileKind::kDelta, 7, compress);
    StateMap map{{"gone", "old"}, {"keep", "k"}};
    ASSERT_TRUE(ApplyStateFile("/s/7.delta", bytes, StateFileKind::kDelta, 7, &map).ok());
    EXPECT_EQ(map.size(), 3u);
    EXPECT_EQ(map["k1"], "v1b");
    EXPECT_EQ(map[std::string("bin\0key", 7)], std::string(1000, 'x'));
    EXPECT_EQ(map.count("gone"), 0u);
    if (compress) {
      EXPECT_LT(bytes.size(), 200u);
    }
  }
}

TEST(StateFileTest, EmptyDeltaExactBytes) {
  StateFileBuilder b;
  std::string bytes = b.Finish(StateFileKind::kDelta, 1, false);
  ASSERT_EQ(bytes.size(), 56u);
  EXPECT_EQ(bytes.substr(0, 8), "SLUICEST");
  EXPECT_EQ(bytes.substr(8, 8), std::string("\x01\x00\x00\x00\x01\x00\x00\x00", 8));
  EXPECT_EQ(bytes.substr(16, 8), std::string("\x01\0\0\0\0\0\0\0", 8));
}

TEST(StateFileTest, SnapshotReplacesMap) {
  StateMap src{{"a", "1"}, {"b", "2"}};
  std::string bytes = EncodeSnapshot(src, 10, false);
  StateMap map{{"stale", "x"}};
  ASSERT_TRUE(ApplyStateFile("/s/10.snapshot", bytes, StateFileKind::kSnapshot, 10, &map).ok());
  EXPECT_EQ(map, src);
}

Status Apply(std::string_view bytes, StateFileKind kind = StateFileKind::kDelta,
             int64_t version = 3) {
  StateMap map;
  return ApplyStateFile("/s/3.delta", bytes, kind, version, &map);
}

TEST(StateFileTest, CorruptionNamesTheFile) {
  StateFileBuilder b;
  b.Put("key", "value");
  b.Remove("other");
  const std::string good = b.Finish(StateFileKind::kDelta, 3, false);
  ASSERT_TRUE(Apply(good).ok());

  EXPECT_EQ(Apply("").message(), "state file /s/3.delta is empty");
  EXPECT_EQ(Apply(good.substr(0, 10)).message(),
            "state file /s/3.delta is truncated: 10 bytes, shorter than the 44-byte header");
  EXPECT_EQ(Apply(good.substr(0, good.size() - 3)).message(),
            "state file /s/3.delta is truncated: the header announces " +
                std::to_string(good.size()) + " bytes, found " + std::to_string(good.size() - 3));
  EXPECT_EQ(Apply(good + "x").message(),
            "state file /s/3.delta is corrupt: the header announces " +
                std::to_string(good.size()) + " bytes, found " + std::to_string(good.size() + 1));
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  EXPECT_EQ(Apply(bad_magic).message(), "state file /s/3.delta is not a Sluice state file (bad magic)");
  std::string newer = good;
  newer[8] = 2;
  EXPECT_EQ(Apply(newer).message(),
            "state file /s/3.delta has format version 2 but this Sluice supports up to 1; upgrade "
            "Sluice");
  std::string flipped = good;
  flipped[50] ^= 0x20;  // inside the body
  Status s = Apply(flipped);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message().rfind("state file /s/3.delta fails its checksum (stored 0x", 0), 0u)
      << s.message();
  std::string bad_header = good;
  bad_header[36] ^= 1;  // stored body length
  EXPECT_EQ(Apply(bad_header).message().rfind(
                "state file /s/3.delta has a corrupt header: its checksum fails (stored 0x", 0),
            0u);
  EXPECT_EQ(Apply(good, StateFileKind::kSnapshot).message(),
            "state file /s/3.delta is a delta file, expected a snapshot file");
  EXPECT_EQ(Apply(good, StateFileKind::kDelta, 4).message(),
            "state file /s/3.delta holds version 3, expected 4");
}

// Writes `v` as `bytes` little-endian bytes at `pos`.
void PutLe(std::string* s, size_t pos, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) (*s)[pos + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// Recomputes both CRCs, as a buggy (or future) writer would have written
// them over the bytes it produced.
std::string Reseal(std::string s) {
  PutLe(&s, 40, crc32(0, reinterpret_cast<const Bytef*>(s.data()), 40), 4);
  PutLe(&s, s.size() - 4, crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size() - 4)), 4);
  return s;
}

// A file whose checksums pass but whose counts are absurd is a Corruption
// error, not an attempt to allocate what it announces (found by
// fuzz/state_file_fuzzer: a trailer record count of 2^63 aborted the process).
TEST(StateFileTest, AbsurdCountsBehindValidChecksumsAreCorruption) {
  StateMap src{{"a", "1"}};
  const std::string good = EncodeSnapshot(src, 10, false);
  ASSERT_TRUE(Reseal(good) == good);

  std::string many_records = good;
  PutLe(&many_records, good.size() - 12, uint64_t{1} << 62, 8);
  StateMap map;
  Status s = ApplyStateFile("/s/10.snapshot", Reseal(many_records), StateFileKind::kSnapshot, 10, &map);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "state file /s/10.snapshot is corrupt: its trailer says 4611686018427387904 records, "
                         "more than its 5-byte body can hold");

  StateMap big;
  for (int i = 0; i < 100; ++i) big["key" + std::to_string(i)] = std::string(100, 'v');
  const std::string compressed = EncodeSnapshot(big, 10, true);
  ASSERT_EQ(compressed[13], 1);  // zlib
  std::string huge_raw = compressed;
  PutLe(&huge_raw, 24, uint64_t{1} << 60, 8);  // raw body length
  s = ApplyStateFile("/s/10.snapshot", Reseal(huge_raw), StateFileKind::kSnapshot, 10, &map);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message().rfind("state file /s/10.snapshot is corrupt: the header announces 1152921504606846976 "
                              "uncompressed bytes, more than its ", 0), 0u)
      << s.message();
}

}  // namespace
}  // namespace sluice
