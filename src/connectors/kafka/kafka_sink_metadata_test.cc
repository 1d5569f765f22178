// The exactly-once Kafka sink's record of committed batches: the metadata
// string of its committed group offset (no broker needed).
#include <gtest/gtest.h>

#include "connectors/kafka/kafka_sink.h"

namespace sluice::kafka {
namespace {

TEST(KafkaSinkCommitMetadataTest, RoundTripsTheDigestsOfCommittedBatches) {
  std::map<int64_t, std::string> digests = {{41, "fnv1a64:0000000000000041"}, {42, "fnv1a64:0000000000000042"}};
  std::string text = KafkaSink::EncodeCommitMetadata(digests);
  EXPECT_EQ(text, "{\"offsetsDigests\":{\"41\":\"fnv1a64:0000000000000041\",\"42\":\"fnv1a64:0000000000000042\"}}");
  auto back = KafkaSink::DecodeCommitMetadata(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, digests);
}

// A sink committed before digests existed left no metadata: no digests,
// no error (its batches are not checked).
TEST(KafkaSinkCommitMetadataTest, EmptyMetadataIsAnOldSinkWithoutDigests) {
  auto d = KafkaSink::DecodeCommitMetadata("");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->empty());
  EXPECT_EQ(KafkaSink::EncodeCommitMetadata({}), "");
}

TEST(KafkaSinkCommitMetadataTest, ForeignMetadataIsCorruption) {
  for (const char* bad : {"not json", "{\"x\":1}", "{\"offsetsDigests\":{\"01\":\"d\"}}",
                          "{\"offsetsDigests\":{\"4\":5}}"}) {
    auto d = KafkaSink::DecodeCommitMetadata(bad);
    EXPECT_EQ(d.status().code(), StatusCode::kCorruption) << bad;
  }
}

}  // namespace
}  // namespace sluice::kafka
