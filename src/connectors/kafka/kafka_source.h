// KafkaSource: Spark's Kafka source (Structured Streaming + Kafka
// Integration Guide), option for option. See docs/kafka.md.
//
//   subscribe 'a,b' | subscribePattern 'ev.*' | assign '{"a":[0,1]}'   (exactly one)
//   startingOffsets earliest | latest (default) | '{"a":{"0":23,"1":-2}}'
//   startingOffsetsByTimestamp '{"a":{"0":1700000000000}}' | startingTimestamp '1700000000000'
//   startingOffsetsByTimestampStrategy error (default) | latest
//   maxOffsetsPerTrigger, minOffsetsPerTrigger, maxTriggerDelay ('15m')
//   failOnDataLoss (true), includeHeaders (false), kafkaConsumer.pollTimeoutMs (120000)
//   fetchOffset.numRetries (3), fetchOffset.retryIntervalMs (1000), groupIdPrefix
//   kafka.* -> librdkafka (kafka.bootstrap.servers required)
//
// Offsets: Spark's JSON, next offset to read per partition. The initial
// offsets (startingOffsets resolved against the broker) are written once to
// sources/<i>/0, so a replay of batch 0 reads the same range. New partitions
// of subscribed topics are read from offset 0 (their earliest); partitions
// that disappear, ranges aged out and offsets that went backwards are data
// loss: an error naming topic, partition and offsets with failOnDataLoss
// true, else skipped and listed in the progress metrics ("lostOffsets").
#pragma once

#include <chrono>
#include <optional>

#include "common/log.h"
#include "connectors/kafka/kafka_metadata_client.h"
#include "connectors/kafka/kafka_scan.h"
#include "connectors/kafka/kafka_subscription.h"
#include "connectors/connector_registry.h"
#include "connectors/source.h"

namespace sluice::kafka {

class KafkaSource : public Source {
 public:
  static Result<std::shared_ptr<KafkaSource>> Make(const SourceOptions& options);
  static ConnectorSpec Spec();
  const Schema& schema() const override { return schema_; }
  std::string description() const override;
  Status Open(const SourceContext& ctx) override;
  Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                  const ReadLimit& limit) override;
  Result<SourceBatch> GetBatch(const std::optional<std::string>& start, const std::string& end) override;
  Status PrepareForAvailableNow() override;
  ReadLimit DefaultReadLimit() const override;
  int64_t AvailableRows() const override { return available_rows_; }
  std::optional<std::string> ReportLatestOffset() const override { return reported_latest_; }
  std::map<std::string, std::string> Metrics() const override;
  void Stop() override;

  const PartitionOffsets& initial_offsets() const { return initial_; }

 private:
  // The partitions the subscription covers now: the broker is asked at
  // most once a second unless `fresh` (KafkaSubscription::TopicsForTrigger).
  Result<std::vector<TopicPartition>> CurrentPartitions(bool fresh);
  Result<PartitionOffsets> ResolveInitialOffsets();
  Status ReportDataLoss(const std::string& message);

  SourceOptions options_;
  KafkaConfig config_;
  Schema schema_;
  bool include_headers_ = false;
  std::string dead_letter_topic_;  // deadLetterTopic, empty: none
  bool fail_on_data_loss_ = true;
  bool json_prefilter_ = true;  // jsonPrefilter
  KafkaSubscription subscription_;

  int64_t max_offsets_ = -1;
  int64_t min_offsets_ = -1;
  int64_t max_trigger_delay_ms_ = 15 * 60 * 1000;
  int64_t poll_timeout_ms_ = 120000;
  std::string group_id_;

  Clock* clock_ = nullptr;
  int64_t last_trigger_ms_ = 0;
  // The last LatestOffset returned new offsets (CurrentPartitions may then
  // use a partition list up to a second old).
  bool last_found_data_ = false;
  // LatestOffset may take the latest offsets from the kept consumers
  // (KafkaReadContext::ReceivedEnds) for this long after it last asked the
  // broker for them.
  static constexpr int64_t kReceivedEndsMaxMs = 100;
  std::optional<std::chrono::steady_clock::time_point> broker_latest_at_;
  bool latest_from_consumers_ = false;  // the last LatestOffset's came from them
  // Offsets past the start at the last LatestOffset, before maxOffsetsPerTrigger (-1: not known).
  int64_t available_rows_ = -1;
  // Every partition's latest offset at the last LatestOffset, before
  // maxOffsetsPerTrigger (nullopt: not known).
  std::optional<std::string> reported_latest_;
  PartitionOffsets initial_;
  std::optional<PartitionOffsets> available_now_cap_;
  std::unique_ptr<KafkaMetadataClient> client_;
  std::shared_ptr<KafkaReadContext> read_ctx_;
  std::vector<std::string> lost_;  // data loss reported by the last batch
  LogEvery missing_topic_warning_;  // a subscribed topic does not exist (yet)
};

}  // namespace sluice::kafka
