#include "connectors/kafka/kafka_sink.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <vector>

#include "checkpoint/metadata_log.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "env/kill_point.h"

namespace sluice::kafka {

struct KafkaSink::ProducerEvents {
  static constexpr int kApiKeys = 128;  // Kafka's ApiKeys are below 100
  static constexpr int16_t kInitProducerId = 22;
  std::array<std::atomic<int64_t>, kApiKeys> sent{};
  std::mutex mu;
  std::condition_variable cv;
  // GUARDED_BY(mu): an InitProducerId request was answered. Not
  // necessarily with an id: the interceptor sees transport errors only,
  // and librdkafka retries a broker's error (a coordinator still loading,
  // on a new cluster) on its own.
  bool pid_answered = false;
};

namespace {
int Col(const Schema& s, const char* name) { return s.IndexOf(name); }

// The events of each live producer, by handle: librdkafka's interceptors
// may still run on its threads while a client is destroyed, so they find
// the sink's state here (a client whose sink is gone finds nothing) rather
// than through a pointer that could dangle.
std::mutex& EventsMutex() {
  static std::mutex mu;
  return mu;
}
std::unordered_map<const rd_kafka_t*, std::shared_ptr<KafkaSink::ProducerEvents>>& EventsByClient() {
  static std::unordered_map<const rd_kafka_t*, std::shared_ptr<KafkaSink::ProducerEvents>> m;
  return m;
}
// The events of the producer being created on this thread (on_new runs
// inside rd_kafka_new, before its handle is returned).
thread_local std::shared_ptr<KafkaSink::ProducerEvents>* t_new_events = nullptr;

std::shared_ptr<KafkaSink::ProducerEvents> EventsOf(const rd_kafka_t* rk) {
  std::lock_guard<std::mutex> l(EventsMutex());
  auto it = EventsByClient().find(rk);
  return it == EventsByClient().end() ? nullptr : it->second;
}

rd_kafka_resp_err_t OnRequestSent(rd_kafka_t* rk, int, const char*, int32_t, int16_t api_key, int16_t, int32_t,
                                  size_t, void*) {
  if (auto ev = EventsOf(rk); ev && api_key >= 0 && api_key < KafkaSink::ProducerEvents::kApiKeys) {
    ev->sent[static_cast<size_t>(api_key)].fetch_add(1);
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

rd_kafka_resp_err_t OnResponseReceived(rd_kafka_t* rk, int, const char*, int32_t, int16_t api_key, int16_t, int32_t,
                                       size_t, int64_t, rd_kafka_resp_err_t err, void*) {
  if (api_key != KafkaSink::ProducerEvents::kInitProducerId || err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return RD_KAFKA_RESP_ERR_NO_ERROR;
  }
  if (auto ev = EventsOf(rk)) {
    std::lock_guard<std::mutex> l(ev->mu);
    ev->pid_answered = true;
    ev->cv.notify_all();
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

rd_kafka_resp_err_t OnNew(rd_kafka_t* rk, const rd_kafka_conf_t*, void*, char*, size_t) {
  if (t_new_events != nullptr) {
    std::lock_guard<std::mutex> l(EventsMutex());
    EventsByClient()[rk] = *t_new_events;
  }
  rd_kafka_interceptor_add_on_request_sent(rk, "sluice-kafka-sink", OnRequestSent, nullptr);
  rd_kafka_interceptor_add_on_response_received(rk, "sluice-kafka-sink", OnResponseReceived, nullptr);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

void ForgetEvents(const rd_kafka_t* rk) {
  std::lock_guard<std::mutex> l(EventsMutex());
  EventsByClient().erase(rk);
}
}  // namespace

Result<std::shared_ptr<KafkaSink>> KafkaSink::Make(const SourceOptions& options) {
  auto s = std::shared_ptr<KafkaSink>(new KafkaSink());
  SLUICE_ASSIGN_OR_RETURN(s->config_, KafkaConfig::FromOptions(options, KafkaConfig::Role::kSink));
  s->topic_ = options.GetOr("topic", "");
  SLUICE_ASSIGN_OR_RETURN(s->exactly_once_, options.GetBool("exactlyOnce", false));
  s->txn_prefix_ = options.GetOr("transactionalIdPrefix", "sluice-");
  SLUICE_ASSIGN_OR_RETURN(s->timeout_ms_, options.GetInt("kafka.transaction.timeout.ms", 60000, true));
  if (s->exactly_once_ && s->topic_.empty()) {
    return Status::InvalidArgument(
        "The kafka sink with exactlyOnce 'true' needs the option 'topic' (its partition 0 records which batches "
        "are committed)");
  }
  s->config_.set_log_tag(s->description());
  return s;
}

KafkaSink::~KafkaSink() { Stop(); }

std::string KafkaSink::description() const {
  return "KafkaSink[" + (topic_.empty() ? std::string("topic column") : "topic=" + topic_) +
         (exactly_once_ ? ", exactlyOnce" : "") + "]";
}

Status KafkaSink::Open(const SinkContext& ctx) {
  cancel_ = ctx.cancel;
  checkpoint_dir_ = ctx.checkpoint_dir;
  std::map<std::string, std::string> extra = {{"enable.idempotence", "true"}, {"acks", "all"}};
  // Batching (the user's kafka.* settings win): a record set is sent when
  // it holds batch.size bytes, batch.num.messages records, or linger.ms
  // passed. Every batch ends with a flush, which sends what lingers at
  // once, so linger.ms never adds to a batch's latency; it only decides
  // how many records go per Produce request while rows stream in. With 5 ms
  // (and at most 10,000 records a set) a high-rate batch went out in sets of
  // a few hundred records: the broker, on the same cores, spent about twice
  // the CPU per record handling requests (docs/benchmarks.md, "Kafka sink
  // throughput").
  for (const auto& [k, v] : kProducerDefaults) {
    if (config_.properties().find(k) == config_.properties().end()) extra[k] = v;
  }
  if (exactly_once_) {
    if (config_.properties().find("transaction.timeout.ms") == config_.properties().end()) {
      extra["transaction.timeout.ms"] = std::to_string(timeout_ms_);
    }
    // A transaction begun right after the previous one of its producer
    // committed finds the coordinator still writing its commit markers:
    // AddOffsetsToTxn answers CONCURRENT_TRANSACTIONS, retried after
    // retry.backoff.ms, 100 ms by default, which was the p90 of a batch's
    // commit at one batch every few ms. The markers take a few ms. (The
    // two lanes make this rare; AddPartitionsToTxn's retry is librdkafka's
    // fixed 20 ms.)
    if (config_.properties().find("retry.backoff.ms") == config_.properties().end()) {
      extra["retry.backoff.ms"] = std::to_string(kTxnRetryBackoffMs);
    }
  }
  Stop();
  stopped_ = false;
  const int lanes = exactly_once_ ? kTxnLanes : 1;
  for (int i = 0; i < lanes; ++i) {
    if (exactly_once_) extra["transactional.id"] = txn_prefix_ + ctx.query_id + (i == 0 ? "" : "-" + std::to_string(i));
    SLUICE_ASSIGN_OR_RETURN(auto lane, NewLane(i, extra));
    lanes_.push_back(std::move(lane));
  }
  if (exactly_once_) {
    // Fences any older producer with these transactional.ids and aborts
    // their open transactions (a batch half-written before a crash); then
    // the newest batch either group offset records is the last committed.
    Committed newest;
    for (auto& lane : lanes_) {
      SLUICE_RETURN_NOT_OK(InitTransactions(lane.get()));
      SLUICE_ASSIGN_OR_RETURN(Committed c, ReadCommittedBatch(*lane));
      if (c.batch > newest.batch) newest = std::move(c);
    }
    last_committed_ = newest.batch;
    begun_digests_ = newest.digests;
    std::lock_guard<std::mutex> l(committed_mu_);
    committed_digests_ = std::move(newest.digests);
  }
  for (auto& lane : lanes_) SLUICE_RETURN_NOT_OK(WarmUp(lane.get()));
  return Status::OK();
}

Result<std::unique_ptr<KafkaSink::Lane>> KafkaSink::NewLane(int index,
                                                            const std::map<std::string, std::string>& extra) {
  SLUICE_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, config_.NewConf({}));
  char err[512];
  for (const auto& [k, v] : extra) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument("kafka sink: " + k + ": " + err);
    }
  }
  auto lane = std::make_unique<Lane>();
  rd_kafka_conf_set_dr_msg_cb(conf, CountDeliveryErrors);
  rd_kafka_conf_set_opaque(conf, &lane->delivery);
  rd_kafka_conf_interceptor_add_on_new(conf, "sluice-kafka-sink", OnNew, nullptr);
  lane->events = std::make_shared<ProducerEvents>();
  auto it = extra.find("transactional.id");
  if (it != extra.end()) lane->transactional_id = it->second;
  t_new_events = &lane->events;
  const std::string tag = index == 0 ? config_.log_tag() : config_.log_tag() + " lane " + std::to_string(index);
  rd_kafka_t* rk = NewKafkaClient(RD_KAFKA_PRODUCER, conf, err, sizeof err, tag);
  t_new_events = nullptr;
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(std::string("cannot create the Kafka producer: ") + err);
  }
  lane->producer.reset(rk);
  return lane;
}

std::string KafkaSink::TransactionalIds() const {
  std::string out;
  for (const auto& lane : lanes_) out += (out.empty() ? "" : " and ") + lane->transactional_id;
  return out;
}

Status KafkaSink::InitTransactions(Lane* lane) {
  // init_transactions may be called again after a retriable error, a
  // time-out included (librdkafka's contract): it is called kSliceMs at a
  // time, so that a stop is seen, and again on retriable errors (a
  // coordinator still loading answers "Not coordinator") until timeout_ms_.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  while (rd_kafka_error_t* e = rd_kafka_init_transactions(lane->producer.get(), kSliceMs)) {
    bool retriable = rd_kafka_error_is_retriable(e) || rd_kafka_error_code(e) == RD_KAFKA_RESP_ERR__TIMED_OUT;
    bool again = retriable && !rd_kafka_error_is_fatal(e) && std::chrono::steady_clock::now() < deadline;
    if (!again) return TxnError(lane, e, "init_transactions (transactional.id " + lane->transactional_id + ")", false);
    rd_kafka_error_destroy(e);
    SLUICE_RETURN_NOT_OK(cancel_->Check("kafka sink: init_transactions"));
  }
  return Status::OK();
}

Status KafkaSink::WarmUp(Lane* lane) {
  rd_kafka_t* rk = lane->producer.get();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  if (!topic_.empty()) {
    // librdkafka learns a topic's partitions when a record for it is
    // produced, on its next topic scan (once a second): batch 0's records
    // waited for it. A metadata request naming the topic fills its cache
    // now (it may create the topic where the broker auto-creates topics,
    // as the first record would).
    lane->topic_handle = rd_kafka_topic_new(rk, topic_.c_str(), nullptr);
    for (;;) {
      const rd_kafka_metadata_t* md = nullptr;
      rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, lane->topic_handle, &md, kSliceMs);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          // Batches fail naming the topic if it is still missing then.
          LogDebug(description(), "topic '{}': {}", topic_,
                   md->topic_cnt == 1 ? rd_kafka_err2str(md->topics[0].err) : "not in the metadata");
        }
        rd_kafka_metadata_destroy(md);
        break;
      }
      if (e != RD_KAFKA_RESP_ERR__TIMED_OUT || std::chrono::steady_clock::now() >= deadline) {
        LogDebug(description(), "no metadata for topic '{}' before the first batch: {}", topic_, rd_kafka_err2str(e));
        break;
      }
      SLUICE_RETURN_NOT_OK(cancel_->Check("kafka sink: metadata of topic '" + topic_ + "'"));
    }
  }
  // The idempotent producer sends nothing before it has a producer id,
  // asked for once a broker is connected (init_transactions got it in
  // exactly-once mode). Its first answer usually brings it; librdkafka has
  // no call that says so, and retries a refusal by itself.
  ProducerEvents& events = *lane->events;
  std::unique_lock<std::mutex> l(events.mu);
  while (!events.pid_answered) {
    if (std::chrono::steady_clock::now() >= deadline) {
      LogDebug(description(), "no producer id before the first batch");
      break;
    }
    events.cv.wait_for(l, std::chrono::milliseconds(kSliceMs));
    if (!events.pid_answered) SLUICE_RETURN_NOT_OK(cancel_->Check("kafka sink: producer id"));
  }
  return Status::OK();
}

int64_t KafkaSink::records_acknowledged() const {
  int64_t n = 0;
  for (const auto& lane : lanes_) n += lane->delivery.acknowledged.load();
  return n;
}

int64_t KafkaSink::requests_sent(int api_key) const {
  if (api_key < 0 || api_key >= ProducerEvents::kApiKeys) return 0;
  int64_t n = 0;
  for (const auto& lane : lanes_) n += lane->events->sent[static_cast<size_t>(api_key)].load();
  return n;
}

Result<KafkaSink::Committed> KafkaSink::ReadCommittedBatch(const Lane& lane) {
  SLUICE_ASSIGN_OR_RETURN(rd_kafka_t * c, config_.NewClient(RD_KAFKA_CONSUMER, {{"group.id", lane.transactional_id},
                                                                                 {"enable.auto.commit", "false"},
                                                                                 {"isolation.level", "read_committed"}}));
  RdKafkaPtr consumer(c);
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(l, topic_.c_str(), 0);
  rd_kafka_resp_err_t e = rd_kafka_committed(c, l, static_cast<int>(timeout_ms_));
  int64_t off = l->elems[0].offset;
  rd_kafka_resp_err_t pe = l->elems[0].err;
  std::string metadata;
  if (l->elems[0].metadata != nullptr) {
    metadata.assign(static_cast<const char*>(l->elems[0].metadata), l->elems[0].metadata_size);
  }
  rd_kafka_topic_partition_list_destroy(l);
  const std::string where = "group " + lane.transactional_id + ", topic '" + topic_ + "' partition 0";
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR || pe != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("kafka sink: cannot read which batches are committed (" + where +
                           "): " + rd_kafka_err2str(e ? e : pe));
  }
  Committed out;
  if (off < 0) return out;
  auto digests = DecodeCommitMetadata(metadata);
  if (!digests.ok()) {
    return Status::Corruption("kafka sink: the committed offset of " + where + " has metadata " +
                              JsonQuote(metadata) + " that is not Sluice's record of committed batches: " +
                              digests.status().message());
  }
  out.batch = off - 1;
  out.digests = std::move(*digests);
  return out;
}

std::string KafkaSink::EncodeCommitMetadata(const std::map<int64_t, std::string>& digests) {
  if (digests.empty()) return "";
  JsonWriter w;
  w.BeginObject().Key("offsetsDigests").BeginObject();
  for (const auto& [id, digest] : digests) w.Key(std::to_string(id)).String(digest);
  w.EndObject().EndObject();
  return w.Take();
}

Result<std::map<int64_t, std::string>> KafkaSink::DecodeCommitMetadata(std::string_view metadata) {
  std::map<int64_t, std::string> out;
  if (metadata.empty()) return out;  // committed before digests were recorded
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(metadata.data(), metadata.size()).get(doc)) {
    return Status::Corruption(std::string("not valid JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object digests;
  if (doc["offsetsDigests"].get_object().get(digests)) {
    return Status::Corruption("expected {\"offsetsDigests\":{\"<batchId>\":\"<digest>\",...}}");
  }
  for (auto field : digests) {
    std::string_view digest;
    auto id = MetadataLog::ParseBatchId(field.key);
    if (!id || field.value.get_string().get(digest)) {
      return Status::Corruption("entry " + JsonQuote(field.key) + " is not \"<batchId>\":\"<digest>\"");
    }
    out[*id] = std::string(digest);
  }
  return out;
}

Status KafkaSink::TxnError(Lane* lane, rd_kafka_error_t* e, const std::string& what, bool abort) {
  std::string msg = rd_kafka_error_string(e);
  bool fatal = rd_kafka_error_is_fatal(e);
  bool needs_abort = rd_kafka_error_txn_requires_abort(e);
  rd_kafka_error_destroy(e);
  if (abort && needs_abort && !fatal) {
    if (rd_kafka_error_t* a = rd_kafka_abort_transaction(lane->producer.get(), static_cast<int>(timeout_ms_))) {
      rd_kafka_error_destroy(a);
    }
  }
  return Status::IOError("kafka sink: " + what + " failed: " + msg + (fatal ? " (fatal)" : ""));
}

Result<KafkaSink::Columns> KafkaSink::ResolveColumns(const Schema& schema) const {
  Columns c{Col(schema, "value"), Col(schema, "key"), Col(schema, "topic"), Col(schema, "partition"),
            Col(schema, "headers")};
  if (c.value < 0) {
    return Status::AnalysisError("Required attribute 'value' not found in the query's output (the kafka sink writes "
                                 "a 'value' column, and optional 'key', 'topic', 'partition', 'headers')");
  }
  auto string_like = [&](int col, const char* name) -> Status {
    if (col >= 0 && !schema.field(static_cast<size_t>(col)).type.is_string_like()) {
      return Status::AnalysisError(std::string(name) + " attribute type must be a string or binary, got " +
                                   schema.field(static_cast<size_t>(col)).type.ToString());
    }
    return Status::OK();
  };
  SLUICE_RETURN_NOT_OK(string_like(c.value, "value"));
  SLUICE_RETURN_NOT_OK(string_like(c.key, "key"));
  if (c.topic >= 0 && schema.field(static_cast<size_t>(c.topic)).type.id() != TypeId::kString) {
    return Status::AnalysisError("topic attribute type must be a string");
  }
  if (c.partition >= 0 && schema.field(static_cast<size_t>(c.partition)).type.id() != TypeId::kInt) {
    return Status::AnalysisError("partition attribute type must be an int");
  }
  if (topic_.empty() && c.topic < 0) {
    return Status::AnalysisError(
        "topic option required when no 'topic' attribute is present. Use the topic option for setting a topic.");
  }
  return c;
}

Status KafkaSink::Produce(Lane* lane, const Columns& cols, const Batch& b) {
  rd_kafka_t* rk = lane->producer.get();
  rd_kafka_topic_t* const topic_handle = lane->topic_handle;
  const Vector& val = b.columns[static_cast<size_t>(cols.value)];
  // With the topic option every record goes through the topic handle kept
  // since Open (librdkafka then looks no topic up by name per record);
  // else the row's topic column names it.
  const bool by_handle = !topic_.empty() && topic_handle != nullptr;
  if (by_handle && cols.partition < 0 && cols.headers < 0) return ProduceBatched(lane, cols, b);
  std::string last_topic = topic_;  // the topic column's: recorded in the lane's batch_topics when it changes
  for (size_t i = 0; i < b.num_rows; ++i) {
    std::string_view v = val.IsNull(i) ? std::string_view() : val.GetString(i);
    const void* vp = val.IsNull(i) ? nullptr : v.data();
    std::string_view k;
    const void* kp = nullptr;
    if (cols.key >= 0 && b.columns[static_cast<size_t>(cols.key)].IsValid(i)) {
      k = b.columns[static_cast<size_t>(cols.key)].GetString(i);
      kp = k.data() ? k.data() : "";
    }
    if (!by_handle) {
      const Vector& t = b.columns[static_cast<size_t>(cols.topic)];
      if (t.IsNull(i)) return Status::ExecutionError("kafka sink: the topic column is null and no topic option is set");
      std::string_view name = t.GetString(i);
      if (name != last_topic) {
        last_topic = std::string(name);
        std::lock_guard<std::mutex> l(lane->batch_topics_mu);
        lane->batch_topics.insert(last_topic);
      }
    }
    const std::string& topic = by_handle ? topic_ : last_topic;
    int32_t partition = RD_KAFKA_PARTITION_UA;
    if (cols.partition >= 0 && b.columns[static_cast<size_t>(cols.partition)].IsValid(i)) {
      partition = b.columns[static_cast<size_t>(cols.partition)].data<int32_t>()[i];
    }
    rd_kafka_headers_t* hdrs = nullptr;
    if (cols.headers >= 0 && b.columns[static_cast<size_t>(cols.headers)].IsValid(i)) {
      Value hv = b.columns[static_cast<size_t>(cols.headers)].GetValue(i);
      hdrs = rd_kafka_headers_new(hv.children().size());
      for (const auto& h : hv.children()) {
        if (h.is_null()) continue;
        const auto& kv = h.children();
        std::string hk = kv[0].is_null() ? "" : kv[0].str_value();
        if (kv[1].is_null()) {
          rd_kafka_header_add(hdrs, hk.data(), static_cast<ssize_t>(hk.size()), nullptr, 0);
        } else {
          const std::string& hval = kv[1].str_value();
          rd_kafka_header_add(hdrs, hk.data(), static_cast<ssize_t>(hk.size()), hval.data(),
                              static_cast<ssize_t>(hval.size()));
        }
      }
    }
    for (;;) {
      rd_kafka_resp_err_t e;
      if (hdrs) {
        e = by_handle ? rd_kafka_producev(rk, RD_KAFKA_V_RKT(topic_handle), RD_KAFKA_V_PARTITION(partition),
                                          RD_KAFKA_V_KEY(kp, k.size()), RD_KAFKA_V_VALUE(const_cast<void*>(vp), v.size()),
                                          RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                          RD_KAFKA_V_END)
                      : rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                                          RD_KAFKA_V_KEY(kp, k.size()), RD_KAFKA_V_VALUE(const_cast<void*>(vp), v.size()),
                                          RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                          RD_KAFKA_V_END);
      } else {
        e = by_handle ? rd_kafka_producev(rk, RD_KAFKA_V_RKT(topic_handle), RD_KAFKA_V_PARTITION(partition),
                                          RD_KAFKA_V_KEY(kp, k.size()), RD_KAFKA_V_VALUE(const_cast<void*>(vp), v.size()),
                                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)
                      : rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                                          RD_KAFKA_V_KEY(kp, k.size()), RD_KAFKA_V_VALUE(const_cast<void*>(vp), v.size()),
                                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      }
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        SLUICE_RETURN_NOT_OK(cancel_->Check("kafka sink: producing to topic '" + topic + "'"));
        rd_kafka_poll(rk, 10);
        continue;
      }
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (hdrs) rd_kafka_headers_destroy(hdrs);
        return Status::IOError("kafka sink: cannot produce to topic '" + topic + "': " + rd_kafka_err2str(e));
      }
      break;
    }
  }
  rd_kafka_poll(rk, 0);
  return Status::OK();
}

Status KafkaSink::ProduceBatched(Lane* lane, const Columns& cols, const Batch& b) {
  // One rd_kafka_produce_batch call per kProduceChunk rows: librdkafka then
  // reads the clock, takes the topic's lock and runs its partitioner loop
  // once per call rather than once per record (the records, their
  // partitions by key or, without one, librdkafka's sticky choice, and the
  // bytes sent are the same as producev's).
  constexpr size_t kProduceChunk = 1024;
  rd_kafka_t* rk = lane->producer.get();
  const Vector& val = b.columns[static_cast<size_t>(cols.value)];
  const Vector* key = cols.key >= 0 ? &b.columns[static_cast<size_t>(cols.key)] : nullptr;
  std::vector<rd_kafka_message_t> msgs;
  msgs.reserve(std::min(b.num_rows, kProduceChunk));
  for (size_t from = 0; from < b.num_rows; from += kProduceChunk) {
    const size_t to = std::min(b.num_rows, from + kProduceChunk);
    msgs.assign(to - from, rd_kafka_message_t{});
    for (size_t i = from; i < to; ++i) {
      rd_kafka_message_t& m = msgs[i - from];
      if (val.IsValid(i)) {
        std::string_view v = val.GetString(i);
        m.payload = const_cast<char*>(v.data());
        m.len = v.size();
      }
      if (key != nullptr && key->IsValid(i)) {
        std::string_view k = key->GetString(i);
        m.key = const_cast<char*>(k.data() ? k.data() : "");
        m.key_len = k.size();
      }
    }
    // Records the queue had no room for (QUEUE_FULL) are offered again, in
    // their order, once deliveries made room.
    size_t pending = msgs.size();
    for (;;) {
      rd_kafka_produce_batch(lane->topic_handle, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, msgs.data(),
                             static_cast<int>(pending));
      size_t kept = 0;
      for (size_t j = 0; j < pending; ++j) {
        if (msgs[j].err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
        if (msgs[j].err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          return Status::IOError("kafka sink: cannot produce to topic '" + topic_ + "': " +
                                 rd_kafka_err2str(msgs[j].err));
        }
        msgs[kept] = msgs[j];
        msgs[kept].err = RD_KAFKA_RESP_ERR_NO_ERROR;
        ++kept;
      }
      if (kept == 0) break;
      pending = kept;
      SLUICE_RETURN_NOT_OK(cancel_->Check("kafka sink: producing to topic '" + topic_ + "'"));
      rd_kafka_poll(rk, 10);
    }
  }
  rd_kafka_poll(rk, 0);
  return Status::OK();
}

Status KafkaSink::CheckTopicsExist(Lane* lane, int64_t batch_id) {
  std::set<std::string> topics;
  if (!topic_.empty()) {
    topics.insert(topic_);
  } else {
    std::lock_guard<std::mutex> l(lane->batch_topics_mu);
    topics = lane->batch_topics;
  }
  if (topics.empty()) return Status::OK();
  // All topics: a request naming a topic could auto-create it.
  const rd_kafka_metadata_t* md = nullptr;
  topic_checks_.fetch_add(1);
  if (rd_kafka_metadata(lane->producer.get(), 1, nullptr, &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::OK();  // the cluster cannot say now; keep waiting
  }
  for (int i = 0; i < md->topic_cnt; ++i) topics.erase(md->topics[i].topic);
  rd_kafka_metadata_destroy(md);
  if (topics.empty()) return Status::OK();
  return Status::NotFound("kafka sink: topic '" + *topics.begin() + "' does not exist (was it deleted while the " +
                          "query ran?): the records of batch " + std::to_string(batch_id) +
                          " cannot be delivered to it. Create the topic and restart the query (the batch is "
                          "written again), or write to another topic with a new checkpoint");
}

Status KafkaSink::FlushDelivered(Lane* lane, int64_t batch_id) {
  DeliveryErrors& delivery = lane->delivery;
  auto now = std::chrono::steady_clock::now();
  auto deadline = now + std::chrono::milliseconds(timeout_ms_);
  auto next_topic_check = now + std::chrono::milliseconds(kTopicCheckMs);
  rd_kafka_resp_err_t fe;
  while ((fe = rd_kafka_flush(lane->producer.get(), kSliceMs)) == RD_KAFKA_RESP_ERR__TIMED_OUT &&
         (now = std::chrono::steady_clock::now()) < deadline) {
    SLUICE_RETURN_NOT_OK(cancel_->Check("kafka sink: flush"));
    if (delivery.failed.load() > 0) break;  // the batch fails anyway
    if (now >= next_topic_check) {
      SLUICE_RETURN_NOT_OK(CheckTopicsExist(lane, batch_id));
      next_topic_check = now + std::chrono::milliseconds(kTopicCheckMs);
    }
  }
  if (delivery.failed.load() > 0) {
    // A deleted topic shows as "Unknown partition": say which topic is gone.
    SLUICE_RETURN_NOT_OK(CheckTopicsExist(lane, batch_id));
    std::lock_guard<std::mutex> l(delivery.mu);
    return Status::IOError("kafka sink: " + std::to_string(delivery.failed.load()) + " records of batch " +
                           std::to_string(batch_id) + " were not delivered: " + delivery.first_error);
  }
  if (fe != RD_KAFKA_RESP_ERR_NO_ERROR) {
    SLUICE_RETURN_NOT_OK(CheckTopicsExist(lane, batch_id));
    return Status::IOError(std::string("kafka sink: flush of batch ") + std::to_string(batch_id) + ": " +
                           rd_kafka_err2str(fe));
  }
  return Status::OK();
}

KafkaSink::PendingOffsets KafkaSink::SendOffsets(Lane* lane, int64_t batch_id, const std::string& offsets_digest,
                                                 PhaseTimes* times) {
  // The batch id and what the newest batches covered, committed atomically
  // with the records. Nothing in it depends on the records, so it is sent
  // while they are produced: the commit then waits for the records alone.
  // The previous batch may still be committing (pipelined commits): its
  // digest is among the begun ones, and this batch commits after it.
  PendingOffsets pending;
  if (!offsets_digest.empty()) begun_digests_[batch_id] = offsets_digest;
  while (!begun_digests_.empty() && begun_digests_.begin()->first <= batch_id - kDigestWindow) {
    begun_digests_.erase(begun_digests_.begin());
  }
  pending.digests = begun_digests_;
  std::string metadata = EncodeCommitMetadata(pending.digests);
  pending.sent = std::async(std::launch::async, [this, lane, batch_id, metadata = std::move(metadata), times,
                                                 abandon = pending.abandon]() -> Status {
    PhaseTimes::Scope timed(times, "kafkaSendOffsets");
    const std::string what = "send_offsets_to_transaction (batch " + std::to_string(batch_id) + ")";
    rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_t* p = rd_kafka_topic_partition_list_add(l, topic_.c_str(), 0);
    p->offset = batch_id + 1;
    if (!metadata.empty()) {
      p->metadata = std::malloc(metadata.size());  // freed by the list (rd_free)
      std::memcpy(p->metadata, metadata.data(), metadata.size());
      p->metadata_size = metadata.size();
    }
    rd_kafka_consumer_group_metadata_t* cgmd = rd_kafka_consumer_group_metadata_new(lane->transactional_id.c_str());
    // Retriable errors (a time-out of a slice included) are retried with
    // the same offsets, as librdkafka asks, until timeout_ms_, a stop, or
    // the batch's failure (the sink topic deleted: its partition 0 never
    // takes the offset, and the abort must not wait a minute for it).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
    Status st;
    while (rd_kafka_error_t* se = rd_kafka_send_offsets_to_transaction(lane->producer.get(), l, cgmd, kSliceMs)) {
      bool again = rd_kafka_error_is_retriable(se) && !rd_kafka_error_is_fatal(se) &&
                   !rd_kafka_error_txn_requires_abort(se) && std::chrono::steady_clock::now() < deadline &&
                   !abandon->load() && !cancel_->IsCancelled();
      if (!again) {
        LogDebug(description(), "{}: {} (retriable {}, abortable {}, fatal {}, batch failed {})", what,
                 rd_kafka_error_string(se), rd_kafka_error_is_retriable(se), rd_kafka_error_txn_requires_abort(se),
                 rd_kafka_error_is_fatal(se), abandon->load());
        // No abort here: the batch's thread aborts the transaction when it
        // learns of the failure (CommitTransaction, or the writer's end).
        st = TxnError(lane, se, what, false);
        break;
      }
      LogDebug(description(), "{}: {} (retrying)", what, rd_kafka_error_string(se));
      rd_kafka_error_destroy(se);
    }
    rd_kafka_consumer_group_metadata_destroy(cgmd);
    rd_kafka_topic_partition_list_destroy(l);
    return st;
  });
  return pending;
}

Status KafkaSink::CommitTransaction(Lane* lane, int64_t batch_id, PendingOffsets offsets, PhaseTimes* times) {
  Status sent;
  {
    PhaseTimes::Scope timed(times, "kafkaSendOffsetsWait");
    sent = offsets.sent.get();
  }
  if (!sent.ok()) {
    AbortTransaction(lane);
    return sent;
  }
  SLUICE_KILL_POINT("kafka_sink:before_commit_transaction");
  rd_kafka_error_t* ce;
  {
    PhaseTimes::Scope timed(times, "kafkaTransactionCommit");
    ce = rd_kafka_commit_transaction(lane->producer.get(), static_cast<int>(timeout_ms_));
  }
  if (ce) return TxnError(lane, ce, "commit_transaction (batch " + std::to_string(batch_id) + ")", true);
  {
    std::lock_guard<std::mutex> l(committed_mu_);
    committed_digests_ = std::move(offsets.digests);
  }
  last_committed_ = batch_id;
  return Status::OK();
}

void KafkaSink::AbortTransaction(Lane* lane) {
  if (stopped_.load()) return;  // stopped: the next init_transactions aborts it
  if (rd_kafka_error_t* a = rd_kafka_abort_transaction(lane->producer.get(), static_cast<int>(timeout_ms_))) {
    rd_kafka_error_destroy(a);
  }
}

namespace {

// One batch on one lane: partitions produce their rows as they come (the
// producer is thread-safe); Flush waits until every record is
// acknowledged, Commit flushes (unless done) and, in exactly-once mode,
// commits the batch's transaction. A writer dropped before Commit aborts it.
class KafkaSinkWriter final : public SinkWriter {
 public:
  KafkaSinkWriter(KafkaSink* sink, KafkaSink::Lane* lane, SinkBatchInfo batch, KafkaSink::Columns cols, bool skip,
                  std::optional<KafkaSink::PendingOffsets> txn = std::nullopt)
      : sink_(sink), lane_(lane), batch_(std::move(batch)), cols_(cols), skip_(skip), txn_(std::move(txn)) {}
  ~KafkaSinkWriter() override {
    if (!txn_) return;
    txn_->abandon->store(true);
    if (txn_->sent.valid()) txn_->sent.wait();  // a transaction API call at a time
    sink_->AbortTransaction(lane_);
  }
  Status Write(int, Batch batch) override {
    if (skip_) return Status::OK();
    PhaseTimes::Scope timed(batch_.phase_times, "kafkaProduce");
    return sink_->Produce(lane_, cols_, batch);
  }
  Status Flush() override {
    if (skip_ || flushed_) return Status::OK();
    PhaseTimes::Scope timed(batch_.phase_times, "kafkaProducerFlush");
    SLUICE_RETURN_NOT_OK(sink_->FlushDelivered(lane_, batch_.id));  // failed: the destructor aborts
    flushed_ = true;
    return Status::OK();
  }
  Status Commit() override {
    if (skip_) return Status::OK();
    SLUICE_RETURN_NOT_OK(Flush());
    if (!txn_) return Status::OK();
    KafkaSink::PendingOffsets offsets = std::move(*txn_);
    txn_.reset();  // committed, or aborted by CommitTransaction on failure
    return sink_->CommitTransaction(lane_, batch_.id, std::move(offsets), batch_.phase_times);
  }

 private:
  KafkaSink* sink_;
  KafkaSink::Lane* lane_;
  SinkBatchInfo batch_;
  KafkaSink::Columns cols_;
  bool skip_;  // exactly-once: the batch is already in Kafka
  bool flushed_ = false;
  std::optional<KafkaSink::PendingOffsets> txn_;  // a transaction is open
};

}  // namespace

Result<std::unique_ptr<SinkWriter>> KafkaSink::BeginBatch(const SinkBatchInfo& batch, const Schema& schema,
                                                          OutputMode, int) {
  SLUICE_ASSIGN_OR_RETURN(Columns cols, ResolveColumns(schema));
  // Batch N on lane N % kTxnLanes (exactly-once): the previous batch's
  // lane may still be committing, in the coordinator (its markers) or, with
  // pipelined commits, in this process.
  Lane* lane = lanes_[static_cast<size_t>(batch.id % static_cast<int64_t>(lanes_.size()))].get();
  lane->delivery.failed = 0;
  {
    std::lock_guard<std::mutex> l(lane->batch_topics_mu);
    lane->batch_topics.clear();
  }
  if (!exactly_once_) {
    return std::unique_ptr<SinkWriter>(std::make_unique<KafkaSinkWriter>(this, lane, batch, cols, false));
  }
  if (batch.id <= last_committed_.load()) {  // already in Kafka
    std::lock_guard<std::mutex> l(committed_mu_);
    auto it = committed_digests_.find(batch.id);
    if (it != committed_digests_.end() && !batch.offsets_digest.empty() && it->second != batch.offsets_digest) {
      return Status::Corruption(
          "kafka sink: batch " + std::to_string(batch.id) + " is already committed to topic '" + topic_ +
          "' (transactional ids " + TransactionalIds() + ", newest committed batch " +
          std::to_string(last_committed_.load()) + ") for other source offsets: Kafka recorded the offsets digest " +
          it->second + ", the batch now covers " + batch.offsets_digest + ". The checkpoint " + checkpoint_dir_ +
          " no longer matches the output (its offsets/" + std::to_string(batch.id) +
          " was deleted, edited or re-planned with other options, e.g. a changed maxOffsetsPerTrigger); skipping "
          "the batch would lose its rows and writing it would duplicate rows. Restore the checkpoint's offsets/ "
          "and commits/ files as they were, or write to a new topic with a new checkpoint");
    }
    return std::unique_ptr<SinkWriter>(std::make_unique<KafkaSinkWriter>(this, lane, batch, cols, true));
  }
  rd_kafka_error_t* e;
  {
    PhaseTimes::Scope timed(batch.phase_times, "kafkaBeginTransaction");
    e = rd_kafka_begin_transaction(lane->producer.get());
  }
  if (e) return TxnError(lane, e, "begin_transaction", false);
  return std::unique_ptr<SinkWriter>(std::make_unique<KafkaSinkWriter>(
      this, lane, batch, cols, false, SendOffsets(lane, batch.id, batch.offsets_digest, batch.phase_times)));
}

void KafkaSink::Stop() {
  stopped_ = true;
  for (auto& lane : lanes_) {
    // Records still queued belong to a batch that failed or was cancelled
    // (a committed batch was flushed): drop them rather than wait for a
    // topic that may be gone.
    rd_kafka_purge(lane->producer.get(), RD_KAFKA_PURGE_F_QUEUE);
    rd_kafka_flush(lane->producer.get(), 10000);
    if (lane->topic_handle != nullptr) {
      rd_kafka_topic_destroy(lane->topic_handle);
      lane->topic_handle = nullptr;
    }
    const rd_kafka_t* rk = lane->producer.get();
    lane->producer.reset();
    ForgetEvents(rk);
  }
  lanes_.clear();
}

ConnectorSpec KafkaSink::Spec() {
  ConnectorSpec spec;
  spec.name = "kafka";
  spec.kind = ConnectorKind::kSink;
  spec.description = "writes rows (value[, key, topic, partition, headers]) to Kafka; exactly-once with transactions";
  spec.output_modes = {OutputMode::kAppend, OutputMode::kUpdate, OutputMode::kComplete};
  spec.options.Add(OptionSpec::Prefix("kafka.", "passed to librdkafka (kafka.bootstrap.servers is required)"))
      .Add(OptionSpec::String("topic", "", "the topic of every row (else the row's topic column)"))
      .Add(OptionSpec::Bool("exactlyOnce", "false", "write each micro-batch in one Kafka transaction (Sluice)"))
      .Add(OptionSpec::String("transactionalIdPrefix", "sluice-",
                                "prefix of the transactional ids: prefix + query id, and that + \"-1\" (Sluice)"));
  spec.make_sink = [](const SourceOptions& options, const SinkCreateContext&) -> Result<SinkPtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, KafkaSink::Make(options));
    return SinkPtr(s);
  };
  return spec;
}

}  // namespace sluice::kafka
