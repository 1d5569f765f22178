#include "connectors/kafka/kafka_source.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <thread>

#include "checkpoint/metadata_log.h"

namespace sluice::kafka {

namespace {

// "15m", "30s", "500ms", "2h", "1000" (ms) -> ms.
Result<int64_t> ParseDurationMs(const std::string& key, const std::string& v) {
  size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  if (i == 0) return Status::InvalidArgument("option '" + key + "' must be a duration like '15m', '30s' or '500ms', got '" + v + "'");
  int64_t n = std::stoll(v.substr(0, i));
  std::string unit = ToLower(v.substr(i));
  unit.erase(0, unit.find_first_not_of(' '));
  if (unit.empty() || unit == "ms") return n;
  if (unit == "s" || unit == "sec" || unit == "second" || unit == "seconds") return n * 1000;
  if (unit == "m" || unit == "min" || unit == "minute" || unit == "minutes") return n * 60000;
  if (unit == "h" || unit == "hour" || unit == "hours") return n * 3600000;
  if (unit == "d" || unit == "day" || unit == "days") return n * 86400000;
  return Status::InvalidArgument("option '" + key + "': unknown time unit in '" + v + "'");
}

}  // namespace

Result<std::shared_ptr<KafkaSource>> KafkaSource::Make(const SourceOptions& options) {
  auto s = std::shared_ptr<KafkaSource>(new KafkaSource());
  s->options_ = options;
  SLUICE_ASSIGN_OR_RETURN(s->config_, KafkaConfig::FromOptions(options, KafkaConfig::Role::kSource));
  SLUICE_ASSIGN_OR_RETURN(s->subscription_, KafkaSubscription::FromOptions(options));
  SLUICE_ASSIGN_OR_RETURN(s->include_headers_, options.GetBool("includeHeaders", false));
  s->dead_letter_topic_ = options.GetOr("deadLetterTopic", "");
  SLUICE_ASSIGN_OR_RETURN(s->fail_on_data_loss_, options.GetBool("failOnDataLoss", true));
  SLUICE_ASSIGN_OR_RETURN(s->json_prefilter_, options.GetBool("jsonPrefilter", true));
  if (options.Get("maxOffsetsPerTrigger")) {
    SLUICE_ASSIGN_OR_RETURN(s->max_offsets_, options.GetInt("maxOffsetsPerTrigger", -1, true));
  }
  if (options.Get("minOffsetsPerTrigger")) {
    SLUICE_ASSIGN_OR_RETURN(s->min_offsets_, options.GetInt("minOffsetsPerTrigger", -1, true));
  }
  if (auto v = options.Get("maxTriggerDelay")) {
    SLUICE_ASSIGN_OR_RETURN(s->max_trigger_delay_ms_, ParseDurationMs("maxTriggerDelay", *v));
  }
  SLUICE_ASSIGN_OR_RETURN(s->poll_timeout_ms_, options.GetInt("kafkaConsumer.pollTimeoutMs", 120000, true));
  // Starting offsets: checked now, resolved against the broker in Open.
  if (auto v = options.Get("startingOffsets")) SLUICE_RETURN_NOT_OK(CheckOffsetsOption("startingOffsets", *v));
  if (options.Get("endingOffsets")) {
    return Status::InvalidArgument("Ending offset not valid in streaming queries: option 'endingOffsets'");
  }
  s->schema_ = KafkaSourceSchema(s->include_headers_);
  s->group_id_ = s->config_.GroupId(options, "sluice-kafka-source");
  s->config_.set_log_tag(s->description());
  return s;
}

std::string KafkaSource::description() const { return "KafkaV2[" + subscription_.description() + "]"; }

Result<std::vector<TopicPartition>> KafkaSource::CurrentPartitions(bool fresh) {
  if (subscription_.is_assign()) return subscription_.Partitions(*client_);
  SLUICE_ASSIGN_OR_RETURN(auto topics, subscription_.TopicsForTrigger(*client_, fresh));
  std::vector<TopicPartition> out = subscription_.Partitions(topics);
  // The query waits (no data) while a subscribed topic does not exist: say
  // so every few seconds, not at every poll.
  std::string missing = subscription_.MissingTopics(topics);
  if (!missing.empty()) {
    if (missing_topic_warning_.Ready()) {
      LogWarn(description(), "topic {} does not exist on {}; waiting for it to be created", missing,
              config_.bootstrap_servers());
    }
  } else if (subscription_.is_pattern() && out.empty()) {
    if (missing_topic_warning_.Ready()) {
      LogWarn(description(), "no topic on {} matches subscribePattern '{}'; waiting for one to be created",
              config_.bootstrap_servers(), subscription_.pattern_text());
    }
  } else {
    missing_topic_warning_.Reset();
  }
  return out;
}

Result<PartitionOffsets> KafkaSource::ResolveInitialOffsets() {
  SLUICE_ASSIGN_OR_RETURN(auto parts, CurrentPartitions(true));
  SLUICE_ASSIGN_OR_RETURN(auto by_ts, subscription_.ResolveStartingTimestamps(*client_, parts, options_));
  if (by_ts) return std::move(*by_ts);
  return subscription_.ResolveOffsets(*client_, parts, "startingOffsets", options_.GetOr("startingOffsets", "latest"));
}

Status KafkaSource::Open(const SourceContext& ctx) {
  clock_ = ctx.clock;
  last_trigger_ms_ = clock_->NowMillis();
  KafkaMetadataClient::Options mo;
  SLUICE_ASSIGN_OR_RETURN(int64_t retries, options_.GetInt("fetchOffset.numRetries", 3));
  SLUICE_ASSIGN_OR_RETURN(int64_t interval, options_.GetInt("fetchOffset.retryIntervalMs", 1000));
  mo.num_retries = static_cast<int>(retries);
  mo.retry_interval_ms = static_cast<int>(interval);
  mo.timeout_ms = static_cast<int>(std::min<int64_t>(60000, poll_timeout_ms_));
  mo.cancel = ctx.cancel;
  SLUICE_ASSIGN_OR_RETURN(client_, KafkaMetadataClient::Make(config_, group_id_, mo));
  read_ctx_ = std::make_shared<KafkaReadContext>(config_, group_id_, fail_on_data_loss_, poll_timeout_ms_);
  read_ctx_->set_json_prefilter(json_prefilter_);
  read_ctx_->set_cancel(ctx.cancel);
  // One consumer per partition stays assigned between batches where the
  // last batch ended: the next batch's records are prefetched.
  read_ctx_->set_keep_consumers(true);
  if (!dead_letter_topic_.empty()) {
    read_ctx_->set_dead_letter(std::make_shared<DeadLetterWriter>(config_, dead_letter_topic_));
  }
  // The initial offsets are resolved once and kept (a replay of batch 0
  // must read the same range even with startingOffsets latest).
  SLUICE_ASSIGN_OR_RETURN(auto log, MetadataLog::Open(ctx.env, ctx.metadata_dir, 1, ctx.log_checksums_from));
  auto entry = log.Get(0);
  if (entry.ok()) {
    if (entry->size() != 1) return Status::Corruption(log.PathFor(0) + ": expected one line with the initial offsets");
    SLUICE_ASSIGN_OR_RETURN(initial_, OffsetsFromJson((*entry)[0], log.PathFor(0)));
    return Status::OK();
  }
  if (entry.status().code() != StatusCode::kNotFound) return entry.status();
  SLUICE_ASSIGN_OR_RETURN(initial_, ResolveInitialOffsets());
  return log.Add(0, {OffsetsToJson(initial_)});
}

Status KafkaSource::ReportDataLoss(const std::string& message) {
  if (fail_on_data_loss_) {
    return Status::ExecutionError(
        "Kafka data loss: " + message +
        ". Some data may have been lost because they are not available in Kafka any more; either the data was aged "
        "out by Kafka or the topic may have been deleted before all the data in the topic was processed. If you "
        "don't want your streaming query to fail on such cases, set the source option 'failOnDataLoss' to 'false'.");
  }
  lost_.push_back(message);
  return Status::OK();
}

Result<std::optional<std::string>> KafkaSource::LatestOffset(const std::optional<std::string>& start,
                                                             const ReadLimit& limit) {
  lost_.clear();
  available_rows_ = -1;
  reported_latest_.reset();
  PartitionOffsets from = initial_;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, OffsetsFromJson(*start, description() + " offset"));
  }
  std::vector<TopicPartition> parts;
  PartitionOffsets begin;
  // The partitions now, and where each known one continues; a partition that
  // is gone (its topic deleted) is data loss.
  auto survey = [&](bool fresh) -> Status {
    lost_.clear();
    begin.clear();
    SLUICE_ASSIGN_OR_RETURN(parts, CurrentPartitions(fresh));
    std::set<TopicPartition> current(parts.begin(), parts.end());
    for (const auto& [tp, o] : from) {
      if (!current.count(tp)) {
        SLUICE_RETURN_NOT_OK(ReportDataLoss("partition " + tp.ToString() + " is gone (topic '" + tp.topic +
                                            "' deleted?) after offset " + std::to_string(o)));
      } else {
        begin[tp] = o;
      }
    }
    return Status::OK();
  };
  // The partition list is asked of the broker at most once a second while
  // batches follow each other; after a trigger that found nothing new
  // (idle, so its latency matters little) at every trigger, so that a new
  // topic or partition is read as soon as it has data.
  SLUICE_RETURN_NOT_OK(survey(!last_found_data_));
  last_found_data_ = false;
  // While a topic is being deleted the metadata may still list it but the
  // broker no longer knows it: look again at the metadata (a few times)
  // rather than retrying the stale partition list until the timeout.
  auto not_found = [](const Result<PartitionOffsets>& r) {
    return !r.ok() && r.status().code() == StatusCode::kNotFound;
  };
  // Partitions the broker keeps listing (to fresh clients too) while it
  // answers that it does not know them: under load a deleted topic can stay
  // in the metadata for seconds. They are gone like a partition missing
  // from the metadata (data loss), rather than retried until the offsets
  // request times out.
  auto drop_unknown = [&]() -> Status {
    std::vector<TopicPartition> known;
    for (const auto& tp : parts) {
      if (!not_found(client_->OffsetsOnce({tp}, kLatest))) {
        known.push_back(tp);
        continue;
      }
      auto it = begin.find(tp);
      if (it == begin.end()) continue;  // new and already unknown: never read
      SLUICE_RETURN_NOT_OK(ReportDataLoss("partition " + tp.ToString() + " is gone (the broker no longer knows it: " +
                                          "topic '" + tp.topic + "' deleted?) after offset " +
                                          std::to_string(it->second)));
      begin.erase(it);
    }
    parts = std::move(known);
    return Status::OK();
  };
  // The broker's latest offsets.
  auto ask_broker = [&]() -> Result<PartitionOffsets> {
    // Measured: the metadata and the offsets request take 1.3-3.9 ms
    // together on a loaded 2-core machine; sending them at once (a thread per
    // trigger) was no faster (1.8-3.6 ms): the broker answers one connection's
    // requests in turn.
    auto quick = client_->OffsetsOnce(parts, kLatest);
    if (not_found(quick)) {
      // The partition list may be up to a second old (a deleted topic still
      // in it): ask the broker for it now before waiting.
      SLUICE_RETURN_NOT_OK(survey(true));
      quick = client_->OffsetsOnce(parts, kLatest);
    }
    for (int attempt = 0; not_found(quick) && attempt < 20; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      // Every second a fresh client, in case librdkafka's cache is the stale one.
      if (attempt % 4 == 3) SLUICE_RETURN_NOT_OK(client_->Reconnect());
      SLUICE_RETURN_NOT_OK(survey(true));
      quick = client_->OffsetsOnce(parts, kLatest);
    }
    if (not_found(quick)) {
      SLUICE_RETURN_NOT_OK(drop_unknown());
      quick = client_->OffsetsOnce(parts, kLatest);
    }
    if (quick.ok()) return quick;
    // Anything else (a broker restarting...): the retrying path, which can
    // also end on partitions the broker does not know.
    auto slow = client_->Offsets(parts, kLatest);
    if (not_found(slow)) {
      SLUICE_RETURN_NOT_OK(drop_unknown());
      slow = client_->Offsets(parts, kLatest);
    }
    return slow;
  };
  // Between batches the kept consumers have usually fetched the new records
  // already. When they hold all the broker had at its last fetch response,
  // their ends are the latest offsets, without a broker round trip (0.3-1 ms
  // a trigger on a 2-core machine). The broker is still asked when the
  // consumers show nothing new (so an idle trigger is the broker's word, as
  // before) and at least every kReceivedEndsMaxMs: a fetcher that stalled
  // would otherwise hide its partition's new records. Not with a read limit
  // (maxOffsetsPerTrigger, targetLatency, minOffsetsPerTrigger): a batch then
  // takes part of what was drained, and draining at every trigger would pile
  // records up in memory faster than batches take them.
  const auto now = std::chrono::steady_clock::now();
  std::optional<PartitionOffsets> received;
  const bool limited = limit.max_rows > 0 || min_offsets_ > 0;
  if (!limited && !available_now_cap_ && lost_.empty() && begin.size() == parts.size() && broker_latest_at_ &&
      now - *broker_latest_at_ < std::chrono::milliseconds(kReceivedEndsMaxMs)) {
    received = read_ctx_->ReceivedEnds(begin);
    if (received && *received == begin) received.reset();
  }
  latest_from_consumers_ = received.has_value();
  PartitionOffsets latest;
  if (received) {
    latest = std::move(*received);
  } else {
    SLUICE_ASSIGN_OR_RETURN(latest, ask_broker());
    broker_latest_at_ = now;
  }
  std::vector<TopicPartition> added;
  for (const auto& tp : parts) {
    if (!begin.count(tp)) added.push_back(tp);
  }
  PartitionOffsets added_earliest;
  if (!added.empty()) {
    SLUICE_ASSIGN_OR_RETURN(added_earliest, client_->Offsets(added, kEarliest));
  }
  if (available_now_cap_) {
    PartitionOffsets capped;
    for (const auto& [tp, o] : latest) {
      auto it = available_now_cap_->find(tp);
      if (it != available_now_cap_->end()) capped[tp] = std::min(o, it->second);
    }
    latest = std::move(capped);
  }
  // Where each partition's next range starts (new partitions: their earliest).
  PartitionOffsets lo = begin;
  for (const auto& [tp, o] : added_earliest) lo[tp] = o;
  int64_t total = 0;
  for (const auto& [tp, hi] : latest) {
    auto it = lo.find(tp);
    if (it != lo.end() && hi > it->second) total += hi - it->second;
  }
  available_rows_ = total;
  reported_latest_ = OffsetsToJson(latest);
  // minOffsetsPerTrigger: wait for enough data, at most maxTriggerDelay.
  if (min_offsets_ > 0 && total < min_offsets_ && clock_->NowMillis() - last_trigger_ms_ < max_trigger_delay_ms_ &&
      lost_.empty()) {
    return start;
  }
  int64_t max_rows = limit.max_rows;
  PartitionOffsets end = begin;  // partitions without new data keep their offset
  for (const auto& [tp, hi] : latest) {
    auto it = lo.find(tp);
    if (it == lo.end()) continue;
    int64_t b = it->second;
    int64_t e = hi;
    if (max_rows > 0 && total > max_rows && hi > b) {
      // Spark's rateLimit: the limit is split across partitions by lag.
      double prorate = static_cast<double>(max_rows) * static_cast<double>(hi - b) / static_cast<double>(total);
      int64_t n = static_cast<int64_t>(prorate < 1 ? std::ceil(prorate) : std::floor(prorate));
      e = std::min(hi, b + n);
    }
    if (!begin.count(tp)) {
      if (e <= b) continue;  // a new partition with no data yet: not part of the offsets yet
      // A new partition starts at 0 (GetBatch checks what is still there).
      b = 0;
    }
    end[tp] = e;
  }
  std::string end_json = OffsetsToJson(end);
  if (start ? end_json == *start : end_json == OffsetsToJson(initial_)) return start;
  last_trigger_ms_ = clock_->NowMillis();
  last_found_data_ = true;
  return std::optional<std::string>(end_json);
}

Result<SourceBatch> KafkaSource::GetBatch(const std::optional<std::string>& start, const std::string& end) {
  PartitionOffsets from = initial_;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, OffsetsFromJson(*start, description() + " start offset"));
  }
  SLUICE_ASSIGN_OR_RETURN(auto until, OffsetsFromJson(end, description() + " end offset"));
  std::vector<KafkaRange> ranges;
  {
    // Partitions no longer read (topic deleted or no longer matching) let
    // their kept consumers go; the others share the prefetch memory.
    std::set<TopicPartition> live;
    for (const auto& [tp, u] : until) live.insert(tp);
    read_ctx_->ReleaseKeptExcept(live);
    read_ctx_->set_partition_count(static_cast<int>(live.size()));
  }
  for (const auto& [tp, u] : until) {
    auto it = from.find(tp);
    int64_t f = it == from.end() ? 0 : it->second;
    if (u < f) {
      SLUICE_RETURN_NOT_OK(ReportDataLoss("partition " + tp.ToString() + "'s offset was changed from " +
                                          std::to_string(f) + " to " + std::to_string(u) +
                                          " (topic recreated?), some data may have been missed"));
      continue;
    }
    if (u > f) ranges.push_back({tp, f, u});
  }
  // Ranges whose start has been deleted (retention, DeleteRecords). Not
  // asked (a broker round trip per batch) when every range continues where
  // its partition's kept consumer stands: that consumer finds offsets gone
  // itself (OFFSET_OUT_OF_RANGE), and the read reports them as data loss.
  bool all_kept = true;
  for (const auto& r : ranges) all_kept = all_kept && read_ctx_->KeptAt(r.tp) == r.from;
  if (!all_kept) {
    SLUICE_ASSIGN_OR_RETURN(ranges, SkipDeletedOffsets(*client_, std::move(ranges),
                                                       [&](const std::string& m) { return ReportDataLoss(m); }));
  }
  {
    // Data found gone by the scans: counted per batch (reported with this
    // batch's progress, as the JSON counters below).
    std::lock_guard<std::mutex> l(read_ctx_->metrics().mu);
    read_ctx_->metrics().lost.clear();
  }
  read_ctx_->metrics().malformed = 0;
  read_ctx_->metrics().dead_lettered = 0;
  read_ctx_->metrics().prefiltered = 0;
  auto read = std::make_shared<std::atomic<int64_t>>(0);
  auto table = std::make_shared<KafkaBatchTable>(read_ctx_, std::move(ranges), include_headers_, read);
  return SourceBatch{table, -1, read};
}

Status KafkaSource::PrepareForAvailableNow() {
  SLUICE_ASSIGN_OR_RETURN(auto parts, CurrentPartitions(true));
  SLUICE_ASSIGN_OR_RETURN(auto latest, client_->Offsets(parts, kLatest));
  available_now_cap_ = std::move(latest);
  return Status::OK();
}

ReadLimit KafkaSource::DefaultReadLimit() const {
  ReadLimit l;
  l.max_rows = max_offsets_;
  return l;
}

std::map<std::string, std::string> KafkaSource::Metrics() const {
  std::map<std::string, std::string> m;
  // Found by LatestOffset and GetBatch, then by this batch's scans (a kept
  // consumer finds records deleted under it).
  std::vector<std::string> lost = lost_;
  if (read_ctx_) {
    std::lock_guard<std::mutex> l(read_ctx_->metrics().mu);
    lost.insert(lost.end(), read_ctx_->metrics().lost.begin(), read_ctx_->metrics().lost.end());
  }
  if (!lost.empty()) {
    std::string s;
    for (const auto& l : lost) s += (s.empty() ? "" : "; ") + l;
    m["dataLoss"] = s;
    m["numDataLossEvents"] = std::to_string(lost.size());
  }
  // Where the batch's end offsets came from: the kept consumers' received
  // records, or the broker.
  m["latestOffsetsFromConsumers"] = latest_from_consumers_ ? "true" : "false";
  if (read_ctx_) {
    // Counted by this batch's scans (JSON parsed in the scan).
    m["numMalformedRecords"] = std::to_string(read_ctx_->metrics().malformed.load());
    m["numPrefilteredRecords"] = std::to_string(read_ctx_->metrics().prefiltered.load());
    if (read_ctx_->dead_letter()) {
      m["numDeadLetterRecords"] = std::to_string(read_ctx_->metrics().dead_lettered.load());
    }
  }
  return m;
}

void KafkaSource::Stop() {
  client_.reset();
  read_ctx_.reset();
}

ConnectorSpec KafkaSource::Spec() {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ConnectorSpec spec;
  spec.name = "kafka";
  spec.kind = ConnectorKind::kSource;
  spec.description = "records of Kafka topics (key, value, topic, partition, offset, timestamp, timestampType)";
  spec.schema_policy = SchemaPolicy::kFixed;
  spec.options.Add(KafkaReadOptions("sluice-kafka-source"))
      .Add(OptionSpec::String("startingOffsets", "latest",
                              "earliest, latest, or JSON per partition: {\"t\":{\"0\":23,\"1\":-2}}"))
      .Add(OptionSpec::Int("maxOffsetsPerTrigger", "", 1, kMax, "at most this many records per micro-batch"))
      .Add(OptionSpec::Int("minOffsetsPerTrigger", "", 1, kMax,
                           "wait for this many new records (up to maxTriggerDelay) before a batch"))
      .Add(OptionSpec::String("maxTriggerDelay", "15m", "longest wait for minOffsetsPerTrigger (e.g. 30s, 5m)"))
      .Add(OptionSpec::String("deadLetterTopic", "", "malformed from_json records go to this topic (Sluice)"))
      .Add(OptionSpec::String("endingOffsets", "", "batch queries only: an error in a streaming query"))
      .Unsupported("endingOffsetsByTimestamp", "batch queries only (spark.read)")
      .Unsupported("endingTimestamp", "batch queries only (spark.read)");
  spec.source_schema = [](const SourceOptions& options, const std::optional<Schema>&) -> Result<Schema> {
    SLUICE_ASSIGN_OR_RETURN(auto probe, KafkaSource::Make(options));  // every option checked now
    return probe->schema();
  };
  spec.make_source = [](const SourceOptions& options, const Schema&) -> Result<SourcePtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, KafkaSource::Make(options));
    return SourcePtr(s);
  };
  return spec;
}

}  // namespace sluice::kafka
