// KafkaSubscription: which partitions a Kafka read covers, and where it
// starts or ends in each, from Spark's options. Shared by the streaming
// source (KafkaSource) and the batch table (KafkaRelation).
//
//   subscribe 'a,b' | subscribePattern 'ev.*' | assign '{"a":[0,1]}'   (exactly one)
//   offsets: earliest | latest | '{"a":{"0":23,"1":-2}}' (-2 earliest, -1 latest;
//            with subscribe/assign every partition must be named)
//   startingOffsetsByTimestamp '{"a":{"0":1700000000000}}' | startingTimestamp '1700000000000'
//   startingOffsetsByTimestampStrategy error (default) | latest
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_metadata_client.h"
#include "connectors/kafka/kafka_offsets.h"
#include "connectors/kafka/kafka_scan.h"
#include "connectors/option_spec.h"
#include "connectors/source.h"

namespace sluice::kafka {

class KafkaSubscription {
 public:
  // Checks the three options (exactly one) and startingOffsetsByTimestamp,
  // startingTimestamp and startingOffsetsByTimestampStrategy.
  static Result<KafkaSubscription> FromOptions(const SourceOptions& options);
  // "Subscribe[a,b]", "SubscribePattern[ev.*]", "Assign[a-0, a-1]".
  std::string description() const;
  // The partitions of `topics` (name -> partition count, ListTopics) it covers.
  std::vector<TopicPartition> Partitions(const std::map<std::string, int>& topics) const;
  // The topics it may cover, with their partition counts, from `client`'s
  // metadata (not for assign). A pattern lists every topic of the cluster.
  Result<std::map<std::string, int>> Topics(KafkaMetadataClient& client) const;
  // Topics() for a trigger of the streaming source, which asks at every
  // trigger (a hundred times a second under the default trigger): asked
  // of the broker at most once per kTopicsRefreshMs, or when `fresh`; in
  // between the last answer. New partitions and new matches of a pattern
  // are found within that time. A deleted topic is found by the offsets
  // request that follows (NotFound), after which the source asks `fresh`.
  static constexpr int64_t kTopicsRefreshMs = 1000;
  Result<std::map<std::string, int>> TopicsForTrigger(KafkaMetadataClient& client, bool fresh);
  // Partitions(): the assigned ones as given, else listed by `client`.
  Result<std::vector<TopicPartition>> Partitions(KafkaMetadataClient& client) const;
  // Subscribed topics missing from `topics`, quoted: "'a', 'b'" (empty: none).
  std::string MissingTopics(const std::map<std::string, int>& topics) const;
  bool is_assign() const { return !assign_.empty(); }
  bool is_pattern() const { return pattern_.has_value(); }
  const std::string& pattern_text() const { return pattern_text_; }

  // The offsets `spec` (the text of option `option`: earliest, latest or
  // JSON) gives for `parts`; -2/-1 in JSON resolved against the broker. With
  // subscribe or assign the JSON must name exactly `parts`.
  Result<PartitionOffsets> ResolveOffsets(KafkaMetadataClient& client, const std::vector<TopicPartition>& parts,
                                          const std::string& option, const std::string& spec) const;
  // startingTimestamp / startingOffsetsByTimestamp when set (nullopt when
  // neither is): the first offset with a timestamp >= the one given;
  // partitions not named start at latest.
  Result<std::optional<PartitionOffsets>> ResolveStartingTimestamps(
      KafkaMetadataClient& client, const std::vector<TopicPartition>& parts, const SourceOptions& options) const;

 private:
  // Exactly one of these.
  std::vector<std::string> subscribe_;
  std::optional<std::regex> pattern_;
  std::string pattern_text_;
  std::vector<TopicPartition> assign_;
  // TopicsForTrigger: the last answer and when it came.
  std::optional<std::chrono::steady_clock::time_point> topics_at_;
  std::map<std::string, int> topics_;
};

// The options every Kafka read takes (the streaming source and the batch
// table add their own): kafka.*, the subscription, the starting timestamps,
// failOnDataLoss, includeHeaders, groupIdPrefix (default
// `group_id_prefix`), the consumer and offset-request settings, and
// Spark's options Sluice does not implement.
OptionSet KafkaReadOptions(const std::string& group_id_prefix);

// Ranges whose start has been deleted (retention, DeleteRecords), found
// with one earliest-offsets request: `on_loss` gets a message naming the
// offsets, topic and partition (and may fail: failOnDataLoss true), then
// the range starts at the earliest offset; ranges left empty are dropped.
Result<std::vector<KafkaRange>> SkipDeletedOffsets(KafkaMetadataClient& client, std::vector<KafkaRange> ranges,
                                                   const std::function<Status(const std::string&)>& on_loss);

// Checks the text of an offsets option: earliest, latest or offsets JSON.
Status CheckOffsetsOption(const std::string& option, const std::string& spec);

}  // namespace sluice::kafka
