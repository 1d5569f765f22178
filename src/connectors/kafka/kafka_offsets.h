// Kafka offsets as they are stored in the offset log, in Spark's
// KafkaSourceOffset JSON: {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}.
// An offset is the next offset to read (the range of a batch is
// [start, end) per partition). Topics are sorted by name and partitions by
// number, so equal offsets always serialize to the same text (the runner
// compares offsets as strings). In startingOffsets JSON -2 means earliest
// and -1 latest.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sluice/status.h"

namespace sluice::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  bool operator<(const TopicPartition& o) const {
    return topic != o.topic ? topic < o.topic : partition < o.partition;
  }
  bool operator==(const TopicPartition& o) const { return topic == o.topic && partition == o.partition; }
  std::string ToString() const { return topic + "-" + std::to_string(partition); }
};

using PartitionOffsets = std::map<TopicPartition, int64_t>;

constexpr int64_t kEarliest = -2;
constexpr int64_t kLatest = -1;

std::string OffsetsToJson(const PartitionOffsets& offsets);
// `what` names the text in errors ("startingOffsets", "offset log entry").
Result<PartitionOffsets> OffsetsFromJson(const std::string& json, const std::string& what);
// {"topicA":[0,1],"topicB":[2,4]} (the `assign` option).
Result<std::vector<TopicPartition>> PartitionsFromJson(const std::string& json);

}  // namespace sluice::kafka
