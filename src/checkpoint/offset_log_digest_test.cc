// SourceOffsetsDigest: what a batch covers, as sinks record it.
#include <gtest/gtest.h>

#include "checkpoint/offset_log.h"

namespace sluice {
namespace {

using Offsets = std::vector<std::optional<std::string>>;

// Expected values: FNV-1a 64 computed independently (Python:
//   h = 0xcbf29ce484222325
//   for b in text: h = ((h ^ b) * 0x100000001b3) % 2**64)
// over the text "<start>\n<end>\n" per source.
TEST(SourceOffsetsDigestTest, IsFnv1aOfStartAndEndLinesPerSource) {
  // text "-\n{\"t\":{\"0\":5}}\n"
  EXPECT_EQ(SourceOffsetsDigest(Offsets{std::nullopt}, Offsets{"{\"t\":{\"0\":5}}"}), "fnv1a64:19814156d8347799");
  // text "1\n2\n-\n-\n"
  EXPECT_EQ(SourceOffsetsDigest(Offsets{"1", std::nullopt}, Offsets{"2", std::nullopt}), "fnv1a64:0954b0c391a26952");
}

TEST(SourceOffsetsDigestTest, DiffersWhenAnyOffsetDiffers) {
  Offsets start{"{\"t\":{\"0\":100}}"}, end{"{\"t\":{\"0\":200}}"}, wider{"{\"t\":{\"0\":300}}"};
  const std::string d = SourceOffsetsDigest(start, end);
  EXPECT_EQ(d, SourceOffsetsDigest(start, end));  // deterministic
  EXPECT_NE(d, SourceOffsetsDigest(start, wider));
  EXPECT_NE(d, SourceOffsetsDigest(Offsets{"{\"t\":{\"0\":0}}"}, end));
  // Start and end do not run together: ("ab", "c") is not ("a", "bc").
  EXPECT_NE(SourceOffsetsDigest(Offsets{"ab"}, Offsets{"c"}), SourceOffsetsDigest(Offsets{"a"}, Offsets{"bc"}));
  // No offset ("-") is not the same as an offset.
  EXPECT_NE(SourceOffsetsDigest(Offsets{std::nullopt}, Offsets{"1"}), SourceOffsetsDigest(Offsets{"0"}, Offsets{"1"}));
}

}  // namespace
}  // namespace sluice
