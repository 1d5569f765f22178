// KafkaMetadataClient: the source's driver-side view of the cluster: which
// partitions the subscribed topics have, and offsets by position (earliest,
// latest) or by timestamp. One librdkafka consumer that never joins a group
// nor commits; calls are retried (fetchOffset.numRetries,
// fetchOffset.retryIntervalMs) so that a broker restart is ridden out.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_offsets.h"

namespace sluice::kafka {

class KafkaMetadataClient {
 public:
  struct Options {
    int num_retries = 3;
    int retry_interval_ms = 1000;
    int timeout_ms = 30000;
    // Every call gives up (Cancelled) within about kSliceMs of this being
    // cancelled: librdkafka's blocking calls cannot be interrupted, so they
    // are made kSliceMs at a time and repeated while they time out.
    const CancellationToken* cancel = &CancellationToken::Never();
  };
  static constexpr int kSliceMs = 250;
  static Result<std::unique_ptr<KafkaMetadataClient>> Make(const KafkaConfig& config, const std::string& group_id,
                                                           Options options);
  ~KafkaMetadataClient();
  // Partition counts of every non-internal topic of the cluster.
  Result<std::map<std::string, int>> ListTopics();
  // Partition counts of those of `names` that exist, from a metadata
  // request naming them only (the client keeps a librdkafka topic handle
  // for each name it was asked about, and asks for those topics).
  Result<std::map<std::string, int>> DescribeTopics(const std::vector<std::string>& names);
  // Per partition: timestamp kEarliest / kLatest (the last stable offset
  // under read_committed) or a time in ms (the first offset whose timestamp
  // is >= it; -1 when there is none).
  Result<PartitionOffsets> Offsets(const std::vector<TopicPartition>& partitions, int64_t timestamp);
  // One attempt, no retries: NotFound when a partition or its topic is
  // unknown (to the broker or to librdkafka, for the whole request or one
  // partition; e.g. deleted while metadata still lists it), so the
  // caller can refresh the partition list instead of retrying a stale one.
  Result<PartitionOffsets> OffsetsOnce(const std::vector<TopicPartition>& partitions, int64_t timestamp);
  Result<PartitionOffsets> Offsets(const PartitionOffsets& timestamps);
  // A fresh librdkafka client (no cached metadata or connections).
  Status Reconnect() { return Connect(); }
  // How many topics the metadata responses read so far described, the
  // cluster's internal ones included: what finding the partitions costs
  // (tests).
  int64_t topics_described() const { return topics_described_; }

 private:
  template <typename F>
  auto Retry(const char* what, F f) -> decltype(f());
  // Calls call(slice_ms) (a librdkafka call with that timeout, returning its
  // error) again while it times out, until timeout_ms has passed; Cancelled
  // as soon as the token is. The last call's result is the caller's to read.
  template <typename F>
  Status Sliced(const char* what, F call);
  Result<PartitionOffsets> OffsetsAttempt(const PartitionOffsets& timestamps);
  Status Connect();
  // One metadata request (no retries): partition counts of the
  // non-internal topics the answer lists without error; all_topics false:
  // of the topics this client has handles for.
  Result<std::map<std::string, int>> Metadata(bool all_topics, const char* what);
  void DropTopicHandles();
  KafkaConfig config_;
  std::string group_id_;
  RdKafkaPtr rk_;
  // DescribeTopics' handles, by name; of rk_, destroyed before it.
  std::map<std::string, rd_kafka_topic_t*> topic_handles_;
  Options options_;
  int64_t topics_described_ = 0;
};

}  // namespace sluice::kafka
