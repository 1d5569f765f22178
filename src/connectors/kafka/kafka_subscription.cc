#include "connectors/kafka/kafka_subscription.h"

#include <algorithm>
#include <limits>
#include <set>

namespace sluice::kafka {

namespace {

std::vector<std::string> SplitTopics(const std::string& s) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p <= s.size()) {
    size_t q = s.find(',', p);
    if (q == std::string::npos) q = s.size();
    std::string t = s.substr(p, q - p);
    t.erase(0, t.find_first_not_of(" \t"));
    t.erase(t.find_last_not_of(" \t") + 1);
    if (!t.empty()) out.push_back(t);
    p = q + 1;
  }
  return out;
}

}  // namespace

OptionSet KafkaReadOptions(const std::string& group_id_prefix) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  OptionSet set;
  set.Add(OptionSpec::Prefix("kafka.", "passed to librdkafka (kafka.bootstrap.servers is required)"))
      .Add(OptionSpec::String("subscribe", "", "comma-separated topics (one of subscribe, subscribePattern, assign)"))
      .Add(OptionSpec::String("subscribePattern", "", "a regular expression of topic names"))
      .Add(OptionSpec::String("assign", "", "JSON of topic partitions: {\"t\":[0,1]}"))
      .Add(OptionSpec::String("startingOffsetsByTimestamp", "", "JSON of start timestamps (ms) per partition"))
      .Add(OptionSpec::Int("startingTimestamp", "", 0, kMax, "start of every partition, as a timestamp (ms)"))
      .Add(OptionSpec::Enum("startingOffsetsByTimestampStrategy", "error", {"error", "latest"},
                            "what a partition with no offset at the timestamp does"))
      .Add(OptionSpec::Bool("failOnDataLoss", "true", "fail when offsets were aged out or a topic was deleted"))
      .Add(OptionSpec::Bool("includeHeaders", "false", "add the headers column"))
      .Add(OptionSpec::String("groupIdPrefix", group_id_prefix, "prefix of the generated consumer group id"))
      .Add(OptionSpec::Int("kafkaConsumer.pollTimeoutMs", "120000", 1, kMax, "longest wait for a fetch (ms)"))
      .Add(OptionSpec::Int("fetchOffset.numRetries", "3", 0, 1000, "retries of an offsets request"))
      .Add(OptionSpec::Int("fetchOffset.retryIntervalMs", "1000", 0, 3600000, "wait between those retries (ms)"))
      .Add(OptionSpec::Bool("jsonPrefilter", "true",
                            "skip the JSON parse of records that cannot pass an equality filter (Sluice)"))
      .Unsupported("minPartitions", "each Kafka partition is read as one task")
      .Unsupported("maxRecordsPerPartition", "each Kafka partition is read as one task")
      .Unsupported("kafkaConsumer.pollTimeout", "use kafkaConsumer.pollTimeoutMs");
  return set;
}

Result<std::vector<KafkaRange>> SkipDeletedOffsets(KafkaMetadataClient& client, std::vector<KafkaRange> ranges,
                                                   const std::function<Status(const std::string&)>& on_loss) {
  if (ranges.empty()) return ranges;
  std::vector<TopicPartition> tps;
  for (const auto& r : ranges) tps.push_back(r.tp);
  SLUICE_ASSIGN_OR_RETURN(auto earliest, client.Offsets(tps, kEarliest));
  std::vector<KafkaRange> kept;
  for (auto r : ranges) {
    int64_t low = earliest[r.tp];
    if (low > r.from) {
      SLUICE_RETURN_NOT_OK(on_loss("cannot read offsets [" + std::to_string(r.from) + ", " +
                                   std::to_string(std::min(low, r.until)) + ") of topic '" + r.tp.topic +
                                   "' partition " + std::to_string(r.tp.partition) +
                                   ": the earliest available offset is " + std::to_string(low)));
      r.from = low;
    }
    if (r.until > r.from) kept.push_back(r);
  }
  return kept;
}

Status CheckOffsetsOption(const std::string& option, const std::string& spec) {
  if (EqualsIgnoreCase(spec, "earliest") || EqualsIgnoreCase(spec, "latest")) return Status::OK();
  return OffsetsFromJson(spec, "option '" + option + "'").status();
}

Result<KafkaSubscription> KafkaSubscription::FromOptions(const SourceOptions& options) {
  KafkaSubscription s;
  int strategies = 0;
  if (auto v = options.Get("subscribe")) {
    ++strategies;
    s.subscribe_ = SplitTopics(*v);
    if (s.subscribe_.empty()) return Status::InvalidArgument("No topics to subscribe to: option 'subscribe' is empty");
  }
  if (auto v = options.Get("subscribePattern")) {
    ++strategies;
    if (v->empty()) return Status::InvalidArgument("Pattern to subscribe is empty: option 'subscribePattern'");
    try {
      s.pattern_.emplace(*v, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument("option 'subscribePattern': invalid regular expression '" + *v + "': " + e.what());
    }
    s.pattern_text_ = *v;
  }
  if (auto v = options.Get("assign")) {
    ++strategies;
    SLUICE_ASSIGN_OR_RETURN(s.assign_, PartitionsFromJson(*v));
  }
  if (strategies != 1) {
    return Status::InvalidArgument(
        "One of the options 'subscribe', 'subscribePattern' or 'assign' must be specified for the kafka source "
        "(exactly one; got " + std::to_string(strategies) + ")");
  }
  if (auto v = options.Get("startingOffsetsByTimestamp")) {
    SLUICE_RETURN_NOT_OK(OffsetsFromJson(*v, "option 'startingOffsetsByTimestamp'").status());
  }
  if (options.Get("startingTimestamp")) SLUICE_RETURN_NOT_OK(options.GetInt("startingTimestamp", 0).status());
  auto strategy = options.GetOr("startingOffsetsByTimestampStrategy", "error");
  if (!EqualsIgnoreCase(strategy, "error") && !EqualsIgnoreCase(strategy, "latest")) {
    return Status::InvalidArgument("option 'startingOffsetsByTimestampStrategy' must be 'error' or 'latest', got '" +
                                   strategy + "'");
  }
  return s;
}

std::string KafkaSubscription::description() const {
  std::string what;
  if (!subscribe_.empty()) {
    what = "Subscribe[";
    for (size_t i = 0; i < subscribe_.size(); ++i) what += (i ? "," : "") + subscribe_[i];
    what += "]";
  } else if (pattern_) {
    what = "SubscribePattern[" + pattern_text_ + "]";
  } else {
    what = "Assign[";
    for (size_t i = 0; i < assign_.size(); ++i) what += (i ? ", " : "") + assign_[i].ToString();
    what += "]";
  }
  return what;
}

std::vector<TopicPartition> KafkaSubscription::Partitions(const std::map<std::string, int>& topics) const {
  if (!assign_.empty()) return assign_;
  std::vector<TopicPartition> out;
  for (const auto& [name, n] : topics) {
    bool match = pattern_ ? std::regex_match(name, *pattern_)
                          : std::find(subscribe_.begin(), subscribe_.end(), name) != subscribe_.end();
    if (!match) continue;
    for (int p = 0; p < n; ++p) out.push_back({name, p});
  }
  return out;
}

Result<std::map<std::string, int>> KafkaSubscription::Topics(KafkaMetadataClient& client) const {
  // A pattern may match a topic created at any time: it needs them all.
  if (pattern_) return client.ListTopics();
  return client.DescribeTopics(subscribe_);
}

Result<std::map<std::string, int>> KafkaSubscription::TopicsForTrigger(KafkaMetadataClient& client, bool fresh) {
  const auto now = std::chrono::steady_clock::now();
  if (fresh || !topics_at_ || now - *topics_at_ >= std::chrono::milliseconds(kTopicsRefreshMs)) {
    SLUICE_ASSIGN_OR_RETURN(topics_, Topics(client));
    topics_at_ = now;
  }
  return topics_;
}

Result<std::vector<TopicPartition>> KafkaSubscription::Partitions(KafkaMetadataClient& client) const {
  if (!assign_.empty()) return assign_;
  SLUICE_ASSIGN_OR_RETURN(auto topics, Topics(client));
  return Partitions(topics);
}

std::string KafkaSubscription::MissingTopics(const std::map<std::string, int>& topics) const {
  std::string missing;
  for (const auto& t : subscribe_) {
    if (!topics.count(t)) missing += (missing.empty() ? "'" : ", '") + t + "'";
  }
  return missing;
}

Result<std::optional<PartitionOffsets>> KafkaSubscription::ResolveStartingTimestamps(
    KafkaMetadataClient& client, const std::vector<TopicPartition>& parts, const SourceOptions& options) const {
  std::optional<PartitionOffsets> by_ts;
  if (options.Get("startingTimestamp")) {
    SLUICE_ASSIGN_OR_RETURN(int64_t ts, options.GetInt("startingTimestamp", 0));
    by_ts.emplace();
    for (const auto& tp : parts) (*by_ts)[tp] = ts;
  } else if (auto v = options.Get("startingOffsetsByTimestamp")) {
    SLUICE_ASSIGN_OR_RETURN(by_ts, OffsetsFromJson(*v, "option 'startingOffsetsByTimestamp'"));
    for (const auto& [tp, ts] : *by_ts) {
      if (std::find(parts.begin(), parts.end(), tp) == parts.end()) {
        return Status::InvalidArgument("startingOffsetsByTimestamp names " + tp.ToString() +
                                       ", which is not a partition of the subscribed topics");
      }
    }
  }
  if (!by_ts) return std::optional<PartitionOffsets>();
  SLUICE_ASSIGN_OR_RETURN(auto found, client.Offsets(*by_ts));
  SLUICE_ASSIGN_OR_RETURN(auto latest, client.Offsets(parts, kLatest));
  bool latest_strategy = EqualsIgnoreCase(options.GetOr("startingOffsetsByTimestampStrategy", "error"), "latest");
  PartitionOffsets out;
  for (const auto& tp : parts) {
    auto it = found.find(tp);
    if (it == found.end()) {
      out[tp] = latest[tp];  // partition not named: latest, as Spark
    } else if (it->second < 0) {
      if (!latest_strategy) {
        return Status::InvalidArgument(
            "No offset of " + tp.ToString() + " has a timestamp >= " + std::to_string((*by_ts)[tp]) +
            " (startingOffsetsByTimestamp / startingTimestamp). Set startingOffsetsByTimestampStrategy 'latest' "
            "to start from the latest offset in that case.");
      }
      out[tp] = latest[tp];
    } else {
      out[tp] = it->second;
    }
  }
  return std::optional<PartitionOffsets>(std::move(out));
}

Result<PartitionOffsets> KafkaSubscription::ResolveOffsets(KafkaMetadataClient& client,
                                                           const std::vector<TopicPartition>& parts,
                                                           const std::string& option, const std::string& spec) const {
  if (EqualsIgnoreCase(spec, "earliest") || EqualsIgnoreCase(spec, "latest")) {
    return client.Offsets(parts, EqualsIgnoreCase(spec, "earliest") ? kEarliest : kLatest);
  }
  SLUICE_ASSIGN_OR_RETURN(auto given, OffsetsFromJson(spec, "option '" + option + "'"));
  if (!assign_.empty() || !subscribe_.empty()) {
    std::set<TopicPartition> want(parts.begin(), parts.end()), have;
    for (const auto& [tp, o] : given) have.insert(tp);
    if (want != have) {
      std::string missing;
      for (const auto& tp : want) {
        if (!have.count(tp)) missing += (missing.empty() ? "" : ", ") + tp.ToString();
      }
      for (const auto& tp : have) {
        if (!want.count(tp)) missing += (missing.empty() ? "" : ", ") + tp.ToString() + " (not a partition)";
      }
      return Status::InvalidArgument("If " + option +
                                     " contains specific offsets, you must specify all TopicPartitions. Use -1 for "
                                     "latest, -2 for earliest. Differences: " + missing);
    }
  }
  PartitionOffsets special;
  for (const auto& [tp, o] : given) {
    if (o == kEarliest || o == kLatest) special[tp] = o;
  }
  SLUICE_ASSIGN_OR_RETURN(auto resolved, client.Offsets(special));
  for (auto& [tp, o] : given) {
    if (o == kEarliest || o == kLatest) o = resolved[tp];
  }
  return given;
}

}  // namespace sluice::kafka
