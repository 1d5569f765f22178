#include "connectors/kafka/kafka_relation.h"

#include <algorithm>

namespace sluice::kafka {

namespace {

// Spark's validateBatchOptions: a batch query reads a fixed range, so it
// cannot start at latest nor end at earliest (nor name -1 / -2 for a
// partition there).
Status CheckBatchOffsets(const std::string& starting, const std::string& ending) {
  SLUICE_RETURN_NOT_OK(CheckOffsetsOption("startingOffsets", starting));
  SLUICE_RETURN_NOT_OK(CheckOffsetsOption("endingOffsets", ending));
  if (EqualsIgnoreCase(starting, "latest")) {
    return Status::InvalidArgument("starting offset can't be latest for batch queries on Kafka (option "
                                   "'startingOffsets'; use 'earliest' or JSON offsets)");
  }
  if (!EqualsIgnoreCase(starting, "earliest")) {
    SLUICE_ASSIGN_OR_RETURN(auto offsets, OffsetsFromJson(starting, "option 'startingOffsets'"));
    for (const auto& [tp, o] : offsets) {
      if (o == kLatest) {
        return Status::InvalidArgument("startingOffsets for " + tp.ToString() +
                                       " can't be latest for batch queries on Kafka");
      }
    }
  }
  if (EqualsIgnoreCase(ending, "earliest")) {
    return Status::InvalidArgument("ending offset can't be earliest for batch queries on Kafka (option "
                                   "'endingOffsets'; use 'latest' or JSON offsets)");
  }
  if (!EqualsIgnoreCase(ending, "latest")) {
    SLUICE_ASSIGN_OR_RETURN(auto offsets, OffsetsFromJson(ending, "option 'endingOffsets'"));
    for (const auto& [tp, o] : offsets) {
      if (o == kEarliest) {
        return Status::InvalidArgument("ending offset for " + tp.ToString() +
                                       " can't be earliest for batch queries on Kafka");
      }
    }
  }
  return Status::OK();
}

std::string Names(const PartitionOffsets& offsets) {
  std::string s;
  for (const auto& [tp, o] : offsets) s += (s.empty() ? "" : ",") + tp.ToString();
  return s;
}

}  // namespace

Result<std::shared_ptr<KafkaRelation>> KafkaRelation::Make(const SourceOptions& options) {
  auto r = std::shared_ptr<KafkaRelation>(new KafkaRelation());
  r->options_ = options;
  SLUICE_ASSIGN_OR_RETURN(r->config_, KafkaConfig::FromOptions(options, KafkaConfig::Role::kSource));
  SLUICE_ASSIGN_OR_RETURN(r->subscription_, KafkaSubscription::FromOptions(options));
  r->starting_ = options.GetOr("startingOffsets", "earliest");
  r->ending_ = options.GetOr("endingOffsets", "latest");
  SLUICE_RETURN_NOT_OK(CheckBatchOffsets(r->starting_, r->ending_));
  SLUICE_ASSIGN_OR_RETURN(bool include_headers, options.GetBool("includeHeaders", false));
  SLUICE_ASSIGN_OR_RETURN(bool fail_on_data_loss, options.GetBool("failOnDataLoss", true));
  SLUICE_ASSIGN_OR_RETURN(bool json_prefilter, options.GetBool("jsonPrefilter", true));
  SLUICE_ASSIGN_OR_RETURN(int64_t poll_timeout_ms, options.GetInt("kafkaConsumer.pollTimeoutMs", 120000, true));
  r->group_id_ = r->config_.GroupId(options, "sluice-kafka-relation");
  r->config_.set_log_tag(r->description());
  auto ctx = std::make_shared<KafkaReadContext>(r->config_, r->group_id_, fail_on_data_loss, poll_timeout_ms);
  ctx->set_json_prefilter(json_prefilter);
  r->shape_ = std::make_shared<KafkaBatchTable>(std::move(ctx), std::vector<KafkaRange>{}, include_headers);
  return r;
}

std::string KafkaRelation::description() const { return "KafkaRelation[" + subscription_.description() + "]"; }

Result<std::vector<KafkaRange>> KafkaRelation::ResolveRanges() const {
  KafkaMetadataClient::Options mo;
  SLUICE_ASSIGN_OR_RETURN(int64_t retries, options_.GetInt("fetchOffset.numRetries", 3));
  SLUICE_ASSIGN_OR_RETURN(int64_t interval, options_.GetInt("fetchOffset.retryIntervalMs", 1000));
  mo.num_retries = static_cast<int>(retries);
  mo.retry_interval_ms = static_cast<int>(interval);
  mo.timeout_ms = static_cast<int>(std::min<int64_t>(60000, shape_->context()->poll_timeout_ms()));
  SLUICE_ASSIGN_OR_RETURN(auto client, KafkaMetadataClient::Make(config_, group_id_, mo));
  SLUICE_ASSIGN_OR_RETURN(auto parts, subscription_.Partitions(*client));
  SLUICE_ASSIGN_OR_RETURN(auto by_ts, subscription_.ResolveStartingTimestamps(*client, parts, options_));
  PartitionOffsets from;
  if (by_ts) {
    from = std::move(*by_ts);
  } else {
    SLUICE_ASSIGN_OR_RETURN(from, subscription_.ResolveOffsets(*client, parts, "startingOffsets", starting_));
  }
  SLUICE_ASSIGN_OR_RETURN(auto until, subscription_.ResolveOffsets(*client, parts, "endingOffsets", ending_));
  bool same = from.size() == until.size();
  for (const auto& [tp, o] : from) same = same && until.count(tp);
  if (!same) {
    return Status::InvalidArgument("different topic partitions for starting offsets topics[" + Names(from) +
                                   "] and ending offsets topics[" + Names(until) + "] of " + description());
  }
  std::vector<KafkaRange> ranges;
  for (const auto& [tp, f] : from) {
    int64_t u = until[tp];
    if (f > u) {
      return Status::InvalidArgument("Beginning offset " + std::to_string(f) + " is after the ending offset " +
                                     std::to_string(u) + " for topic " + tp.topic + " partition " +
                                     std::to_string(tp.partition) +
                                     ". You either provided an invalid fromOffset, or the Kafka topic has been "
                                     "damaged (options 'startingOffsets' / 'endingOffsets')");
    }
    if (u > f) ranges.push_back({tp, f, u});
  }
  const bool fail = shape_->context()->fail_on_data_loss();
  return SkipDeletedOffsets(*client, std::move(ranges), [&](const std::string& message) {
    if (!fail) return Status::OK();
    return Status::ExecutionError("Kafka data loss: " + message +
                                  ". Some data may have been lost because they are not available in Kafka any more "
                                  "(aged out by retention, deleted, or the topic was deleted). To read what is left, "
                                  "set the option 'failOnDataLoss' to 'false'.");
  });
}

Result<PhysicalOperatorPtr> KafkaRelation::CreateScan(const std::vector<int>& columns, ExprPtr filter) const {
  SLUICE_ASSIGN_OR_RETURN(auto ranges, ResolveRanges());
  {
    // Ranges skipped with failOnDataLoss false: a batch read has no progress
    // to list them in (the streaming source's dataLoss metric).
    KafkaReadMetrics& m = shape_->context()->metrics();
    std::lock_guard<std::mutex> l(m.mu);
    m.lost.clear();
  }
  return shape_->WithRanges(std::move(ranges), nullptr)->CreateScan(columns, std::move(filter));
}

std::shared_ptr<const TableSource> KafkaRelation::WithJsonColumn(const ScanJsonColumn& json) const {
  auto parsed = std::dynamic_pointer_cast<const KafkaBatchTable>(shape_->WithJsonColumn(json));
  if (!parsed) return nullptr;
  auto r = std::shared_ptr<KafkaRelation>(new KafkaRelation(*this));
  r->shape_ = std::move(parsed);
  return r;
}

ConnectorSpec KafkaRelation::Spec() {
  const std::string streaming_only = "a streaming option (readStream); a batch read covers startingOffsets to "
                                     "endingOffsets at once";
  ConnectorSpec spec;
  spec.name = "kafka";
  spec.kind = ConnectorKind::kTable;
  spec.description = "records of Kafka topics between two offsets (spark.read.format(\"kafka\"))";
  spec.schema_policy = SchemaPolicy::kFixed;
  spec.takes_path = false;
  spec.options.Add(KafkaReadOptions("sluice-kafka-relation"))
      .Add(OptionSpec::String("startingOffsets", "earliest",
                              "earliest, or JSON per partition: {\"t\":{\"0\":23,\"1\":-2}} (not latest)"))
      .Add(OptionSpec::String("endingOffsets", "latest",
                              "latest, or JSON per partition: {\"t\":{\"0\":50,\"1\":-1}} (not earliest)"))
      .Unsupported("maxOffsetsPerTrigger", "maxOffsetsPerTrigger is " + streaming_only)
      .Unsupported("minOffsetsPerTrigger", "minOffsetsPerTrigger is " + streaming_only)
      .Unsupported("maxTriggerDelay", "maxTriggerDelay is " + streaming_only)
      .Unsupported("deadLetterTopic", "deadLetterTopic is a streaming option (readStream) in Sluice")
      .Unsupported("endingOffsetsByTimestamp", "not implemented for batch reads; use endingOffsets")
      .Unsupported("endingTimestamp", "not implemented for batch reads; use endingOffsets");
  spec.make_table = [](const SourceOptions& options, std::vector<std::string> paths,
                       std::optional<Schema> schema) -> Result<TableSourcePtr> {
    if (schema) {
      return Status::InvalidArgument(
          "table format 'kafka' has a fixed schema (key, value, topic, partition, offset, timestamp, timestampType, "
          "headers with includeHeaders): remove the schema / column list");
    }
    if (!paths.empty()) {
      return Status::InvalidArgument("table format 'kafka' reads topics, not a path ('" + paths[0] +
                                     "'): name them with subscribe, subscribePattern or assign, and use load() "
                                     "without a path");
    }
    SLUICE_ASSIGN_OR_RETURN(auto r, KafkaRelation::Make(options));
    return TableSourcePtr(r);
  };
  return spec;
}

}  // namespace sluice::kafka
