#include "connectors/kafka/kafka_metadata_client.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace sluice::kafka {

Result<std::unique_ptr<KafkaMetadataClient>> KafkaMetadataClient::Make(const KafkaConfig& config,
                                                                       const std::string& group_id,
                                                                       Options options) {
  auto c = std::unique_ptr<KafkaMetadataClient>(new KafkaMetadataClient());
  c->options_ = options;
  c->config_ = config;
  c->group_id_ = group_id;
  SLUICE_RETURN_NOT_OK(c->Connect());
  return c;
}

KafkaMetadataClient::~KafkaMetadataClient() { DropTopicHandles(); }

void KafkaMetadataClient::DropTopicHandles() {
  for (auto& [name, rkt] : topic_handles_) rd_kafka_topic_destroy(rkt);
  topic_handles_.clear();
}

Status KafkaMetadataClient::Connect() {
  SLUICE_ASSIGN_OR_RETURN(rd_kafka_t * rk, config_.NewClient(RD_KAFKA_CONSUMER, {{"group.id", group_id_},
                                                                                   {"enable.auto.commit", "false"}}));
  DropTopicHandles();
  rk_.reset(rk);
  return Status::OK();
}

template <typename F>
Status KafkaMetadataClient::Sliced(const char* what, F call) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  while (true) {
    SLUICE_RETURN_NOT_OK(options_.cancel->Check(what));
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    int slice = static_cast<int>(std::clamp<int64_t>(left.count(), 1, kSliceMs));
    rd_kafka_resp_err_t e = call(slice);
    if (e != RD_KAFKA_RESP_ERR__TIMED_OUT || std::chrono::steady_clock::now() >= deadline) return Status::OK();
  }
}

template <typename F>
auto KafkaMetadataClient::Retry(const char* what, F f) -> decltype(f()) {
  // At least num_retries retries, and more until timeout_ms has passed: a
  // broker restart (connections refused, partitions briefly unknown) is
  // ridden out rather than failing the query.
  auto start = std::chrono::steady_clock::now();
  decltype(f()) r = f();
  for (int i = 0; !r.ok() && r.status().code() != StatusCode::kCancelled; ++i) {
    auto elapsed = std::chrono::steady_clock::now() - start;
    if (i >= options_.num_retries && elapsed > std::chrono::milliseconds(options_.timeout_ms)) break;
    if (!options_.cancel->SleepFor(std::max(options_.retry_interval_ms, 100))) {
      return options_.cancel->Check(what);
    }
    // librdkafka 2.0 may keep answering "Unknown partition" from a stale
    // metadata cache after a broker restart: retry on a fresh client.
    if (!Connect().ok()) continue;
    r = f();
  }
  if (!r.ok()) return r.status().WithContext(what);
  return r;
}

Result<std::map<std::string, int>> KafkaMetadataClient::Metadata(bool all_topics, const char* what) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
  SLUICE_RETURN_NOT_OK(Sliced(what, [&](int slice_ms) {
    e = rd_kafka_metadata(rk_.get(), all_topics ? 1 : 0, nullptr, &md, slice_ms);
    return e;
  }));
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::IOError(std::string("metadata: ") + rd_kafka_err2str(e));
  topics_described_ += md->topic_cnt;
  std::map<std::string, int> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    std::string name = t.topic;
    if (name.rfind("__", 0) == 0) continue;  // __consumer_offsets, __transaction_state
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;  // unknown (not created yet, or deleted)
    out[name] = t.partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

Result<std::map<std::string, int>> KafkaMetadataClient::ListTopics() {
  return Retry("listing Kafka topics", [&] { return Metadata(true, "listing Kafka topics"); });
}

Result<std::map<std::string, int>> KafkaMetadataClient::DescribeTopics(const std::vector<std::string>& names) {
  // A metadata request without all_topics names the topics librdkafka
  // knows locally: those with a handle (a consumer never creates a topic by
  // asking: allow.auto.create.topics is false). Retry may reconnect, which
  // drops the handles: they are made again at each attempt.
  auto attempt = [&]() -> Result<std::map<std::string, int>> {
    for (const auto& name : names) {
      if (topic_handles_.count(name)) continue;
      rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), name.c_str(), nullptr);
      if (rkt == nullptr) {
        return Status::InvalidArgument("kafka: cannot use topic name '" + name +
                                       "': " + rd_kafka_err2str(rd_kafka_last_error()));
      }
      topic_handles_[name] = rkt;
    }
    return Metadata(false, "describing Kafka topics");
  };
  SLUICE_ASSIGN_OR_RETURN(auto known, Retry("describing Kafka topics", attempt));
  // Other topics the client knows (an offsets request of a partition it
  // was asked about) are not the caller's.
  std::map<std::string, int> out;
  for (const auto& name : names) {
    auto it = known.find(name);
    if (it != known.end()) out.insert(*it);
  }
  return out;
}

Result<PartitionOffsets> KafkaMetadataClient::Offsets(const std::vector<TopicPartition>& partitions,
                                                      int64_t timestamp) {
  PartitionOffsets ts;
  for (const auto& tp : partitions) ts[tp] = timestamp;
  return Offsets(ts);
}

namespace {
// The broker (or librdkafka's view of it) does not know the topic or
// partition: for the whole request or for one partition, depending on how
// far librdkafka got.
bool IsUnknownPartition(rd_kafka_resp_err_t e) {
  return e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || e == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
         e == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
}
}  // namespace

Result<PartitionOffsets> KafkaMetadataClient::OffsetsAttempt(const PartitionOffsets& timestamps) {
  rd_kafka_topic_partition_list_t* l = nullptr;
  rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
  // The list is filled anew for every slice (a timed-out call may have
  // written to it).
  Status sliced = Sliced("fetching Kafka offsets", [&](int slice_ms) {
    if (l != nullptr) rd_kafka_topic_partition_list_destroy(l);
    l = rd_kafka_topic_partition_list_new(static_cast<int>(timestamps.size()));
    for (const auto& [tp, ts] : timestamps) rd_kafka_topic_partition_list_add(l, tp.topic.c_str(), tp.partition)->offset = ts;
    e = rd_kafka_offsets_for_times(rk_.get(), l, slice_ms);
    return e;
  });
  if (!sliced.ok()) {
    if (l != nullptr) rd_kafka_topic_partition_list_destroy(l);
    return sliced;
  }
  PartitionOffsets out;
  Status st;
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string msg = std::string("offsets: ") + rd_kafka_err2str(e);
    st = IsUnknownPartition(e) ? Status::NotFound(msg) : Status::IOError(msg);
  } else {
    for (int i = 0; i < l->cnt; ++i) {
      const auto& p = l->elems[i];
      if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string msg = std::string("offsets of topic ") + p.topic + " partition " + std::to_string(p.partition) +
                          ": " + rd_kafka_err2str(p.err);
        st = IsUnknownPartition(p.err) ? Status::NotFound(msg) : Status::IOError(msg);
        break;
      }
      out[{p.topic, p.partition}] = p.offset;
    }
  }
  rd_kafka_topic_partition_list_destroy(l);
  if (!st.ok()) return st;
  return out;
}

Result<PartitionOffsets> KafkaMetadataClient::Offsets(const PartitionOffsets& timestamps) {
  if (timestamps.empty()) return PartitionOffsets{};
  return Retry("fetching Kafka offsets", [&]() -> Result<PartitionOffsets> { return OffsetsAttempt(timestamps); });
}

Result<PartitionOffsets> KafkaMetadataClient::OffsetsOnce(const std::vector<TopicPartition>& partitions,
                                                          int64_t timestamp) {
  if (partitions.empty()) return PartitionOffsets{};
  PartitionOffsets ts;
  for (const auto& tp : partitions) ts[tp] = timestamp;
  return OffsetsAttempt(ts);
}

}  // namespace sluice::kafka
