#include "connectors/kafka/kafka_scan.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "common/parallel.h"
#include "common/sanitizers.h"
#include "exec/operators/filter_project_operator.h"
#include "json/json_record_parser.h"
#include "exec/required_json_texts.h"

namespace sluice::kafka {

namespace {
// True if `text` is empty or only JSON whitespace.
bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
std::string RangeText(const KafkaRange& r) {
  return "topic '" + r.tp.topic + "' partition " + std::to_string(r.tp.partition) + " (batch range [" +
         std::to_string(r.from) + ", " + std::to_string(r.until) + "))";
}
}  // namespace

Schema KafkaSourceSchema(bool include_headers) {
  std::vector<StructField> f = {{"key", DataType::Binary(), true},       {"value", DataType::Binary(), true},
                                {"topic", DataType::String(), false},    {"partition", DataType::Int(), false},
                                {"offset", DataType::Bigint(), false},   {"timestamp", DataType::Timestamp(), false},
                                {"timestampType", DataType::Int(), false}};
  if (include_headers) {
    f.push_back({"headers",
                 DataType::Array(DataType::Struct({{"key", DataType::String(), false}, {"value", DataType::Binary(), true}})),
                 true});
  }
  return Schema(std::move(f));
}

// --- consumers ---

namespace {
// A read waits for records this long at a time (then checks cancellation
// and kafkaConsumer.pollTimeoutMs). It rarely waits that long: it asks for
// no more records than its range still has, and a range whose last offsets
// hold no record (transaction markers, compaction) ends at the next record
// or at PARTITION_EOF, both delivered as messages.
constexpr int kWaitSliceMs = 20;
// librdkafka stops fetching a partition whose queue reached
// queued.max.messages.kbytes and looks at it again only when its broker
// thread wakes up, at the latest after fetch.queue.backoff.ms (1 s by
// default, 5 ms as NewConsumer sets it unless the user set it; 2.0 had no
// setting and waited 1 s): a kept consumer that prefetched a full queue
// ahead of a backlog sits idle once the reads drained it until then. A
// read that got nothing for this long, while its range's records exist,
// assigns the consumer again where it stands (its queue is empty: nothing
// is lost), which fetches at once. The broker answers a fetch
// at once when records are there (unless the user raised fetch.min.bytes:
// then not before fetch.wait.max.ms), and the wait before the next such kick
// doubles, so a slow broker is not asked again and again. A consumer is
// kicked only once it delivered a record or an end of partition since its
// last assign (PartitionConsumer::delivered): assigning again a partition
// whose fetcher has not started, when the previous assignment's stop is
// still pending, makes librdkafka (2.0 up to 2.15, upstream issue 5573) stop
// it twice and abort on an assertion (rd_kafka_assignment_partition_stopped:
// rktp_started). That killed a query whose first fetch was slow on a loaded
// machine (CI, 2026-12-07).
constexpr int64_t kKickAfterMs = 40;
constexpr int64_t kFetchWaitMaxMs = 100;  // our fetch.wait.max.ms
}  // namespace

KafkaReadContext::~KafkaReadContext() {
  // No consumer close: these consumers never joined a group (assign() only).
  std::vector<rd_kafka_t*> clients = idle_;
  for (auto& [tp, c] : kept_) {
    DropPending(c.get());
    if (c->queue) rd_kafka_queue_destroy(c->queue);
    clients.push_back(c->rk);
  }
  DestroyClients(clients);
}

Result<rd_kafka_t*> KafkaReadContext::NewConsumer() {
  // Fetch sizes measured fastest per core (docs/benchmarks.md); the user's
  // kafka.* settings win.
  std::map<std::string, std::string> extra;
  auto def = [&](const char* k, const std::string& v) {
    if (config_.properties().find(k) == config_.properties().end()) extra[k] = v;
  };
  // Prefetch bounded by bytes: 64 MB for a consumer that reads one range
  // and is unassigned; kept consumers (they fetch between batches) share
  // 64 MB, at least 4 MB each. Measured with 4 partitions: at 200K
  // events/s, 8 MB each filled up and parked (see kKickAfterMs), adding
  // 50-80 ms of fetch wait per batch, 16 MB did not; on a rate-limited
  // catch-up both ran as fast, 8 MB with 65 MB less RSS.
  const int64_t kbytes = keep_ ? std::max<int64_t>(4096, 65536 / partitions_.load()) : 65536;
  def("fetch.max.bytes", std::to_string(std::min<int64_t>(52428800, kbytes * 1024)));
  def("max.partition.fetch.bytes", "2097152");
  def("queued.max.messages.kbytes", std::to_string(kbytes));
  // Prefetch bounded by bytes only: at the default 100000 messages the
  // fetcher stops with a few MB queued and backs off for
  // fetch.error.backoff.ms (500 ms), and the scan then waits for it.
  def("queued.min.messages", "10000000");
  // A fetcher whose queue reached queued.max.messages.kbytes looks at it
  // again after this long (librdkafka's default: 1 s). A kept consumer
  // that prefetched ahead of a backlog fills its queue and parks; the reads
  // drain it within milliseconds, and it fetches again at once instead of
  // waiting for the kick (kKickAfterMs). Checking a full queue costs
  // nothing on the wire: no request is sent while it is full.
  def("fetch.queue.backoff.ms", "5");
  // How long the broker holds a fetch at the end of the log. New records
  // answer it at once, so this only bounds what an idle partition's kept
  // consumer costs (a fetch request per wait) and how long a consumer
  // moved elsewhere waits for its last fetch (a seek, a pooled consumer
  // assigned anew while at the log end).
  def("fetch.wait.max.ms", std::to_string(kFetchWaitMaxMs));
  def("group.id", group_id_);
  extra["enable.auto.commit"] = "false";
  extra["enable.auto.offset.store"] = "false";
  extra["enable.partition.eof"] = "true";
  extra["auto.offset.reset"] = "error";
  return config_.NewClient(RD_KAFKA_CONSUMER, extra);
}

void KafkaReadContext::DropPending(PartitionConsumer* c) {
  for (auto* m : c->pending) rd_kafka_message_destroy(m);
  c->pending.clear();
}

Status KafkaReadContext::Reassign(PartitionConsumer* c, int64_t from) {
  DropPending(c);
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(l, c->tp.topic.c_str(), c->tp.partition)->offset = from;
  rd_kafka_resp_err_t e = rd_kafka_assign(c->rk, l);
  rd_kafka_topic_partition_list_destroy(l);
  assigns_.fetch_add(1);
  c->delivered = false;
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("cannot assign topic '" + c->tp.topic + "' partition " + std::to_string(c->tp.partition) +
                           " at offset " + std::to_string(from) + ": " + rd_kafka_err2str(e));
  }
  c->next = from;
  return Status::OK();
}

Result<std::unique_ptr<PartitionConsumer>> KafkaReadContext::Take(const TopicPartition& tp, int64_t from,
                                                                  PhaseTimes* times) {
  std::unique_ptr<PartitionConsumer> c;
  rd_kafka_t* rk = nullptr;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = kept_.find(tp);
    if (it != kept_.end()) {
      c = std::move(it->second);
      kept_.erase(it);
    } else if (!idle_.empty()) {
      rk = idle_.back();
      idle_.pop_back();
    }
  }
  if (c && c->next == from) return c;  // where the last range ended: its records may be here already
  if (!c) {
    if (!rk) {
      PhaseTimes::Scope timed(times, "kafkaConsumerCreate");
      SLUICE_ASSIGN_OR_RETURN(rk, NewConsumer());
    }
    c = std::make_unique<PartitionConsumer>();
    c->rk = rk;
    c->queue = rd_kafka_queue_get_consumer(rk);
    c->tp = tp;
  }
  Status st;
  {
    PhaseTimes::Scope timed(times, "kafkaConsumerAssign");
    st = Reassign(c.get(), from);
  }
  if (!st.ok()) {
    Release(std::move(c));
    return st;
  }
  return c;
}

void KafkaReadContext::Keep(std::unique_ptr<PartitionConsumer> c) {
  if (keep_) {
    std::lock_guard<std::mutex> l(mu_);
    auto& slot = kept_[c->tp];
    if (!slot) {
      slot = std::move(c);
      return;
    }
    if (c->next > slot->next) std::swap(slot, c);
  }
  Release(std::move(c));
}

void KafkaReadContext::Release(std::unique_ptr<PartitionConsumer> c) {
  DropPending(c.get());
  if (c->queue) rd_kafka_queue_destroy(c->queue);
  rd_kafka_assign(c->rk, nullptr);
  std::lock_guard<std::mutex> l(mu_);
  idle_.push_back(c->rk);
}

void KafkaReadContext::ReleaseKeptExcept(const std::set<TopicPartition>& live) {
  std::vector<std::unique_ptr<PartitionConsumer>> gone;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto it = kept_.begin(); it != kept_.end();) {
      if (live.count(it->first)) {
        ++it;
        continue;
      }
      gone.push_back(std::move(it->second));
      it = kept_.erase(it);
    }
  }
  for (auto& c : gone) Release(std::move(c));
}

std::optional<int64_t> KafkaReadContext::KeptAt(const TopicPartition& tp) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = kept_.find(tp);
  if (it == kept_.end()) return std::nullopt;
  return it->second->next;
}

std::optional<PartitionOffsets> KafkaReadContext::ReceivedEnds(const PartitionOffsets& from) {
  if (!keep_ || from.empty()) return std::nullopt;
  std::vector<std::unique_ptr<PartitionConsumer>> failed;
  PartitionOffsets ends;
  bool all = true;
  {
    // Kept consumers are out of every read's hands while they are in kept_.
    std::lock_guard<std::mutex> l(mu_);
    std::vector<rd_kafka_message_t*> buf(256);
    for (const auto& [tp, at] : from) {
      auto it = kept_.find(tp);
      if (it == kept_.end() || it->second->next != at) {
        all = false;
        break;
      }
      PartitionConsumer* c = it->second.get();
      bool error = false;
      for (;;) {
        const ssize_t n = rd_kafka_consume_batch_queue(c->queue, 0, buf.data(), buf.size());
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; ++i) {
          rd_kafka_message_t* m = buf[static_cast<size_t>(i)];
          const bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
          if ((m->err && !eof) || m->partition != tp.partition) {
            error = error || (m->err && !eof);
            rd_kafka_message_destroy(m);
            continue;
          }
          c->delivered = true;
          c->pending.push_back(m);
        }
        if (static_cast<size_t>(n) < buf.size()) break;
      }
      if (error) {
        failed.push_back(std::move(it->second));
        kept_.erase(it);
        all = false;
        break;
      }
      int64_t end = c->next;
      for (const rd_kafka_message_t* m : c->pending) end = std::max(end, m->err ? m->offset : m->offset + 1);
      int64_t low = -1, high = -1;
      if (rd_kafka_get_watermark_offsets(c->rk, tp.topic.c_str(), tp.partition, &low, &high) !=
              RD_KAFKA_RESP_ERR_NO_ERROR ||
          high < 0 || end < high) {
        all = false;
        break;
      }
      ends[tp] = end;
    }
  }
  for (auto& c : failed) Release(std::move(c));
  if (!all) return std::nullopt;
  return ends;
}

int64_t KafkaReadContext::held_fetch_ms() const {
  if (config_.properties().find("fetch.min.bytes") == config_.properties().end()) return 0;
  auto it = config_.properties().find("fetch.wait.max.ms");
  if (it == config_.properties().end()) return kFetchWaitMaxMs;
  char* end = nullptr;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  // A bad value: librdkafka refuses it when the consumer is created.
  return end != it->second.c_str() && v >= 0 ? static_cast<int64_t>(v) : kFetchWaitMaxMs;
}

size_t KafkaReadContext::kept_count() {
  std::lock_guard<std::mutex> l(mu_);
  return kept_.size();
}

// --- range reader ---

KafkaRangeReader::KafkaRangeReader(std::shared_ptr<KafkaReadContext> ctx, KafkaRange range, PhaseTimes* times)
    : ctx_(std::move(ctx)), range_(std::move(range)), times_(times), next_(range_.from) {}

KafkaRangeReader::~KafkaRangeReader() {
  FreeMessages();
  if (!c_) return;
  if (done_ && keepable_) {
    c_->next = range_.until;
    ctx_->Keep(std::move(c_));
  } else {
    ctx_->Release(std::move(c_));
  }
}

void KafkaRangeReader::FreeMessages() {
  for (auto* m : out_) rd_kafka_message_destroy(m);
  out_.clear();
}

Status KafkaRangeReader::Start() {
  SLUICE_ASSIGN_OR_RETURN(c_, ctx_->Take(range_.tp, next_, times_));
  return Status::OK();
}

Status KafkaRangeReader::OnOffsetGone(int64_t at) {
  int64_t low = -1, high = -1;
  rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(c_->rk, range_.tp.topic.c_str(), range_.tp.partition,
                                                           &low, &high, 30000);
  std::string now = e == RD_KAFKA_RESP_ERR_NO_ERROR ? "the earliest available offset is now " + std::to_string(low)
                                                    : std::string("the partition is gone: ") + rd_kafka_err2str(e);
  if (ctx_->fail_on_data_loss()) {
    keepable_ = false;
    return Status::ExecutionError(
        "Kafka data loss: cannot fetch offset " + std::to_string(at) + " of " + RangeText(range_) + "; " + now +
        ". Some data may have been lost because they are not available in Kafka any more: either aged out by "
        "retention, deleted, or the topic was deleted before all its data was processed. If you want the query to "
        "go on in such cases, set the source option 'failOnDataLoss' to 'false'.");
  }
  int64_t resume = e == RD_KAFKA_RESP_ERR_NO_ERROR ? std::max(low, at) : range_.until;
  {
    std::lock_guard<std::mutex> l(ctx_->metrics().mu);
    ctx_->metrics().lost.push_back(range_.tp.ToString() + " [" + std::to_string(at) + ", " +
                                   std::to_string(std::min(resume, range_.until)) + ")");
  }
  if (resume >= range_.until) {
    done_ = true;
    keepable_ = false;  // it stands before the range's end (or nowhere)
    return Status::OK();
  }
  next_ = resume;
  PhaseTimes::Scope timed(times_, "kafkaConsumerAssign");
  return ctx_->Reassign(c_.get(), resume);
}

Status KafkaRangeReader::Take(rd_kafka_message_t* m, std::string* last_error) {
  const bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
  if ((!m->err || eof) && m->partition != range_.tp.partition) {  // not expected: one partition per consumer
    rd_kafka_message_destroy(m);
    return Status::OK();
  }
  if (!m->err || eof) c_->delivered = true;
  if (done_) {
    // Past the range: the next range of the partition starts with it (a
    // record at or after `until`, or the end of the partition there).
    if (keepable_ && (eof || !m->err)) {
      c_->pending.push_back(m);
    } else {
      rd_kafka_message_destroy(m);
    }
    return Status::OK();
  }
  if (m->err && !eof) {
    rd_kafka_resp_err_t err = m->err;
    if (err != RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE && err != RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
      *last_error = rd_kafka_message_errstr(m);
    }
    rd_kafka_message_destroy(m);
    if (err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE || err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
      return OnOffsetGone(next_);
    }
    return Status::OK();
  }
  if (m->offset >= range_.until) {
    // The range ends before this record (or this end of the partition):
    // the offsets in between hold no record. Kept for the next range.
    done_ = true;
    c_->pending.push_back(m);
    return Status::OK();
  }
  if (eof || m->offset < next_) {
    rd_kafka_message_destroy(m);
    return Status::OK();
  }
  next_ = m->offset + 1;
  out_.push_back(m);
  if (next_ >= range_.until) done_ = true;
  return Status::OK();
}

Result<const std::vector<rd_kafka_message_t*>*> KafkaRangeReader::Next(size_t max) {
  FreeMessages();
  if (done_) return &out_;
  if (!c_) SLUICE_RETURN_NOT_OK(Start());
  std::string last_error;
  // What the last range of the partition read past its end comes first.
  while (!done_ && !c_->pending.empty() && out_.size() < max) {
    rd_kafka_message_t* m = c_->pending.front();
    if (m->offset >= range_.until) {
      done_ = true;  // stays for the range after this one
      break;
    }
    c_->pending.pop_front();
    SLUICE_RETURN_NOT_OK(Take(m, &last_error));
  }
  int64_t last_progress = NowMs();
  int64_t kick_after = kKickAfterMs + ctx_->held_fetch_ms();
  while (out_.empty() && !done_) {
    if (ctx_->cancel()->IsCancelled()) return ctx_->cancel()->Check("reading " + RangeText(range_));
    // Never more than the range still has: the call returns as soon as they
    // are there instead of waiting out its timeout.
    const size_t want = static_cast<size_t>(std::clamp<int64_t>(range_.until - next_, 1, static_cast<int64_t>(max)));
    fetched_.resize(want);
    ssize_t n;
    {
      PhaseTimes::Scope timed(times_, "kafkaFetchWait");
      n = rd_kafka_consume_batch_queue(c_->queue, kWaitSliceMs, fetched_.data(), want);
    }
    if (n < 0) return Status::IOError("consuming " + RangeText(range_) + ": " + rd_kafka_err2str(rd_kafka_last_error()));
    Status st;
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = fetched_[static_cast<size_t>(i)];
      if (!st.ok()) {
        rd_kafka_message_destroy(m);
        continue;
      }
      st = Take(m, &last_error);
    }
    if (!st.ok()) return st;
    if (!out_.empty() || done_) break;
    const int64_t waited = NowMs() - last_progress;
    if (n == 0 && waited >= kick_after && c_->pending.empty() && c_->delivered) {
      kick_after *= 2;
      PhaseTimes::Scope timed(times_, "kafkaConsumerAssign");
      SLUICE_RETURN_NOT_OK(ctx_->Reassign(c_.get(), next_));
    }
    if (waited > ctx_->poll_timeout_ms()) {
      return Status::IOError("timed out after " + std::to_string(ctx_->poll_timeout_ms()) +
                             " ms (kafkaConsumer.pollTimeoutMs) reading offset " + std::to_string(next_) + " of " +
                             RangeText(range_) + (last_error.empty() ? "" : ": " + last_error));
    }
  }
  return &out_;
}

// --- the scan ---

namespace {

// One JSON parse in the scan: a requested column past the source's own.
struct JsonParse {
  size_t out;  // output column
  ScanJsonColumn spec;
  std::unique_ptr<JsonRecordParser> parser;
  std::vector<Vector*> outs;  // the struct's children, per batch
  // RequiredJsonTexts of the scan's filter for this column: a record with no
  // backslash and none of one set's texts cannot pass, and is not parsed.
  std::vector<std::vector<std::string>> required;
};

// True if the record cannot pass the scan's filter by `j.required`.
bool CannotPass(const JsonParse& j, const rd_kafka_message_t* m) {
  const bool key = j.spec.source_column == kKey;
  const void* p = key ? m->key : m->payload;
  if (p == nullptr) return true;  // from_json(NULL) is NULL: no field equals a text
  std::string_view text(static_cast<const char*>(p), key ? m->key_len : m->len);
  for (const auto& any : j.required) {
    bool found = false;
    for (const auto& t : any) {
      if (text.find(t) != std::string_view::npos) {
        found = true;
        break;
      }
    }
    if (!found) return std::memchr(text.data(), '\\', text.size()) == nullptr;
  }
  return false;
}

// simdjson reads up to kJsonPadding bytes past a value (their contents do
// not matter). When those bytes lie on the same memory page as the value's
// last byte they are readable, and the value is parsed in place, in
// librdkafka's fetch buffer; otherwise (1 value in 64 or so) it is copied
// into a padded buffer first. Sanitizer builds always copy: ASan would
// rightly report the read past the allocation.
bool PaddingReadable(const char* p, size_t len) {
#if SLUICE_ADDRESS_SANITIZER
  (void)p;
  (void)len;
  return false;
#else
  if (len == 0) return false;
  constexpr uintptr_t kPage = 4096;  // the smallest page size of the CPUs we build for
  uintptr_t last = reinterpret_cast<uintptr_t>(p) + len - 1;
  return (last & ~(kPage - 1)) == ((last + kJsonPadding) & ~(kPage - 1));
#endif
}

// "key" or "value": the Kafka column a JSON parse reads.
const char* SourceName(const ScanJsonColumn& json) { return json.source_column == kKey ? "key" : "value"; }

class KafkaScanStream : public BatchStream {
 public:
  KafkaScanStream(std::shared_ptr<KafkaReadContext> ctx, KafkaRange range, std::vector<int> columns, Schema out,
                  const std::vector<ScanJsonColumn>& json, int first_json_column,
                  const std::vector<std::vector<std::vector<std::string>>>& required,
                  std::shared_ptr<std::atomic<int64_t>> rows_read, PhaseTimes* times)
      : ctx_(ctx), reader_(std::move(ctx), range, times), range_(std::move(range)), columns_(std::move(columns)),
        out_(std::move(out)), rows_read_(std::move(rows_read)) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (columns_[c] < first_json_column) continue;
      const ScanJsonColumn& spec = json[static_cast<size_t>(columns_[c] - first_json_column)];
      json_.push_back({c, spec, NewJsonRecordParser(spec.type.fields()), std::vector<Vector*>(spec.type.fields().size()),
                       required[c]});
      prefilter_ |= !required[c].empty();
    }
  }

  Result<std::optional<Batch>> Next() override {
    const std::vector<rd_kafka_message_t*>* msgs;
    std::vector<Vector> json_cols;
    for (;;) {
      SLUICE_ASSIGN_OR_RETURN(msgs, reader_.Next(kBatchSize));
      if (msgs->empty()) {
        // Dead letters of this range acknowledged before the batch can commit.
        if (ctx_->dead_letter()) SLUICE_RETURN_NOT_OK(ctx_->dead_letter()->Flush());
        return std::optional<Batch>();
      }
      if (rows_read_) rows_read_->fetch_add(static_cast<int64_t>(msgs->size()), std::memory_order_relaxed);
      if (json_.empty()) break;
      SLUICE_ASSIGN_OR_RETURN(msgs, ParseJson(*msgs, &json_cols));
      if (!msgs->empty()) break;  // every record dropped: read on
    }
    size_t n = msgs->size();
    std::vector<Vector> cols;
    cols.reserve(columns_.size());
    size_t next_json = 0;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (next_json < json_.size() && json_[next_json].out == c) {
        cols.push_back(std::move(json_cols[next_json++]));
        continue;
      }
      Vector v(out_.field(c).type, n);
      switch (columns_[c]) {
        case kKey:
        case kValue: {
          bool key = columns_[c] == kKey;
          auto* d = v.data<std::string_view>();
          size_t bytes = 0;
          for (auto* m : *msgs) bytes += key ? m->key_len : m->len;
          char* p = bytes ? v.heap().Allocate(bytes) : nullptr;
          for (size_t i = 0; i < n; ++i) {
            auto* m = (*msgs)[i];
            const void* src = key ? m->key : m->payload;
            size_t len = key ? m->key_len : m->len;
            if (src == nullptr) {
              v.SetNull(i);
              continue;
            }
            std::memcpy(p, src, len);
            d[i] = std::string_view(p, len);
            p += len;
          }
          break;
        }
        case kTopic: {
          std::string_view t = v.heap().Add(range_.tp.topic);
          auto* d = v.data<std::string_view>();
          for (size_t i = 0; i < n; ++i) d[i] = t;
          break;
        }
        case kPartition: {
          auto* d = v.data<int32_t>();
          for (size_t i = 0; i < n; ++i) d[i] = range_.tp.partition;
          break;
        }
        case kOffset: {
          auto* d = v.data<int64_t>();
          for (size_t i = 0; i < n; ++i) d[i] = (*msgs)[i]->offset;
          break;
        }
        case kTimestamp:
        case kTimestampType: {
          bool ts = columns_[c] == kTimestamp;
          for (size_t i = 0; i < n; ++i) {
            rd_kafka_timestamp_type_t type;
            int64_t ms = rd_kafka_message_timestamp((*msgs)[i], &type);
            if (ts) {
              v.data<int64_t>()[i] = ms * 1000;
            } else {
              v.data<int32_t>()[i] = type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 1 : 0;
            }
          }
          break;
        }
        case kHeaders: {
          const DataType& st = out_.field(c).type.element();
          for (size_t i = 0; i < n; ++i) {
            rd_kafka_headers_t* h = nullptr;
            std::vector<Value> elems;
            if (rd_kafka_message_headers((*msgs)[i], &h) == RD_KAFKA_RESP_ERR_NO_ERROR && h) {
              const char* name;
              const void* val;
              size_t size;
              for (size_t k = 0; rd_kafka_header_get_all(h, k, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++k) {
                elems.push_back(Value::Nested(
                    st, {Value::String(name), val ? Value::Binary(std::string(static_cast<const char*>(val), size))
                                                  : Value::Null(DataType::Binary())}));
              }
            }
            v.SetValue(i, Value::Nested(out_.field(c).type, std::move(elems)));
          }
          break;
        }
        default:
          return Status::Internal("kafka scan: bad column " + std::to_string(columns_[c]));
      }
      cols.push_back(std::move(v));
    }
    return std::optional<Batch>(Batch(std::move(cols), n));
  }

 private:
  // Parses the JSON columns of `msgs` into `cols` (one STRUCT vector per
  // parse); returns the records that stay (all but DROPMALFORMED ones).
  Result<const std::vector<rd_kafka_message_t*>*> ParseJson(const std::vector<rd_kafka_message_t*>& msgs,
                                                            std::vector<Vector>* cols) {
    const size_t n = msgs.size();
    cols->clear();
    for (auto& j : json_) {
      cols->emplace_back(j.spec.type, n);
      Vector& v = cols->back();
      for (size_t f = 0; f < j.outs.size(); ++f) j.outs[f] = &v.child(f);
      j.parser->SetOutputs(j.outs.data());
    }
    kept_.clear();
    int64_t skipped = 0;
    for (rd_kafka_message_t* m : msgs) {
      if (prefilter_) {
        bool cannot = false;
        for (const auto& j : json_) cannot = cannot || (!j.required.empty() && CannotPass(j, m));
        if (cannot) {
          ++skipped;
          continue;
        }
      }
      const size_t row = kept_.size();
      bool malformed = false, drop = false;
      std::string reason;
      for (size_t k = 0; k < json_.size(); ++k) {
        JsonParse& j = json_[k];
        Vector& v = (*cols)[k];
        const bool key = j.spec.source_column == kKey;
        const void* p = key ? m->key : m->payload;
        const size_t len = key ? m->key_len : m->len;
        if (p == nullptr) {  // from_json(NULL) is NULL
          SetRowNull(v, row);
          continue;
        }
        const char* text = static_cast<const char*>(p);
        if (!PaddingReadable(text, len)) {
          if (scratch_.size() < len + kJsonPadding) scratch_.resize(len + kJsonPadding);
          std::memcpy(scratch_.data(), p, len);
          text = scratch_.data();
        }
        auto outcome = j.parser->Parse(std::string_view(text, len), len + kJsonPadding, row);
        if (outcome == JsonRecordParser::Outcome::kOk) continue;
        if (outcome == JsonRecordParser::Outcome::kSyntax) {
          // As from_json in PERMISSIVE mode (Spark 4): a struct of NULL
          // fields; an empty or blank value holds no record: NULL.
          SetRowNull(v, row);
          if (!IsBlank(std::string_view(text, len))) v.SetValid(row);
        }
        const std::string source = SourceName(j.spec);
        if (!malformed) reason = source + ": " + j.parser->reason();
        malformed = true;
        if (j.spec.mode == ParseMode::kFailFast) {
          return Status::MalformedRecord(
              "[MALFORMED_RECORD_IN_PARSING] malformed JSON in the " + source + " of the Kafka record at topic '" +
              range_.tp.topic + "' partition " + std::to_string(m->partition) + " offset " +
              std::to_string(m->offset) + ": " + j.parser->reason() + "; the " + source + " is " +
              QuoteRecordStart(std::string_view(static_cast<const char*>(p), len), 120) +
              " (from_json mode FAILFAST; use PERMISSIVE or DROPMALFORMED, and the source option deadLetterTopic, "
              "to keep going)");
        }
        drop |= j.spec.mode == ParseMode::kDropMalformed;
      }
      if (malformed) {
        ctx_->metrics().malformed.fetch_add(1, std::memory_order_relaxed);
        if (const auto& dlq = ctx_->dead_letter()) {
          SLUICE_RETURN_NOT_OK(dlq->Write(m, range_.tp.topic, reason));
          ctx_->metrics().dead_lettered.fetch_add(1, std::memory_order_relaxed);
        }
      }
      if (drop) {
        for (auto& v : *cols) ResetRow(v, row);
        continue;
      }
      kept_.push_back(m);
    }
    if (skipped) ctx_->metrics().prefiltered.fetch_add(skipped, std::memory_order_relaxed);
    for (auto& v : *cols) v.Resize(kept_.size());
    return &kept_;
  }

  std::shared_ptr<KafkaReadContext> ctx_;
  KafkaRangeReader reader_;
  KafkaRange range_;
  std::vector<int> columns_;
  Schema out_;
  std::vector<JsonParse> json_;
  std::vector<rd_kafka_message_t*> kept_;
  std::vector<char> scratch_;
  std::shared_ptr<std::atomic<int64_t>> rows_read_;
  bool prefilter_ = false;  // some parse has required texts
};

class KafkaScanOperator : public PhysicalOperator {
 public:
  KafkaScanOperator(std::shared_ptr<KafkaReadContext> ctx, std::vector<KafkaRange> ranges, std::vector<int> columns,
                    Schema out, std::vector<ScanJsonColumn> json, int first_json_column,
                    std::vector<std::vector<std::vector<std::string>>> required,
                    std::shared_ptr<std::atomic<int64_t>> rows_read)
      : PhysicalOperator(out, {}), ctx_(std::move(ctx)), ranges_(std::move(ranges)), columns_(std::move(columns)),
        json_(std::move(json)), first_json_column_(first_json_column), required_(std::move(required)),
        rows_read_(std::move(rows_read)) {}
  int num_partitions() const override { return static_cast<int>(ranges_.size()); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override {
    return std::unique_ptr<BatchStream>(
        std::make_unique<KafkaScanStream>(ctx_, ranges_[static_cast<size_t>(partition)], columns_, output_schema(),
                                          json_, first_json_column_, required_, rows_read_,
                                          ctx ? ctx->phase_times : nullptr));
  }
  std::string name() const override { return "KafkaScan"; }
  std::string details() const override {
    std::string s;
    for (const auto& r : ranges_) {
      if (!s.empty()) s += ", ";
      s += r.tp.ToString() + "[" + std::to_string(r.from) + "," + std::to_string(r.until) + ")";
    }
    std::string j;
    for (const auto& p : json_) {
      j += std::string(j.empty() ? "" : ", ") + SourceName(p) + " as " + p.type.ToString() + " " +
           ParseModeName(p.mode);
    }
    std::string pre;
    for (size_t c = 0; c < required_.size(); ++c) {
      if (required_[c].empty()) continue;
      std::string sets;
      for (const auto& any : required_[c]) {
        std::string alts;
        for (const auto& t : any) alts += (alts.empty() ? "'" : " | '") + t + "'";
        sets += (sets.empty() ? "" : " & ") + alts;
      }
      pre += std::string(pre.empty() ? "" : ", ") + output_schema().field(c).name + " holds " + sets;
    }
    return "ranges=[" + s + "]" + (j.empty() ? "" : " json=[" + j + "]") + (pre.empty() ? "" : " prefilter=[" + pre + "]");
  }

 private:
  std::shared_ptr<KafkaReadContext> ctx_;
  std::vector<KafkaRange> ranges_;
  std::vector<int> columns_;
  std::vector<ScanJsonColumn> json_;
  int first_json_column_;
  std::vector<std::vector<std::vector<std::string>>> required_;  // per output column
  std::shared_ptr<std::atomic<int64_t>> rows_read_;
};

}  // namespace

KafkaBatchTable::KafkaBatchTable(std::shared_ptr<KafkaReadContext> ctx, std::vector<KafkaRange> ranges,
                                 bool include_headers, std::shared_ptr<std::atomic<int64_t>> rows_read)
    : ctx_(std::move(ctx)), schema_(KafkaSourceSchema(include_headers)),
      rows_read_(std::move(rows_read)) {
  ranges_ = Chunk(ranges);
}

std::vector<KafkaRange> KafkaBatchTable::Chunk(const std::vector<KafkaRange>& ranges) {
  // Enough pieces to keep every thread of the pool busy: big ranges are cut
  // into chunks (each read by its own consumer) of at least 100K offsets.
  std::vector<KafkaRange> out;
  int64_t total = 0;
  for (const auto& r : ranges) total += std::max<int64_t>(0, r.until - r.from);
  int64_t threads = ParallelForConcurrency();
  int64_t chunk = std::max<int64_t>(100000, total / std::max<int64_t>(1, threads));
  for (const auto& r : ranges) {
    if (r.until <= r.from) continue;
    for (int64_t f = r.from; f < r.until; f += chunk) out.push_back({r.tp, f, std::min(r.until, f + chunk)});
  }
  return out;
}

std::shared_ptr<const KafkaBatchTable> KafkaBatchTable::WithRanges(
    std::vector<KafkaRange> ranges, std::shared_ptr<std::atomic<int64_t>> rows_read) const {
  auto t = std::make_shared<KafkaBatchTable>(*this);
  t->ranges_ = Chunk(ranges);
  t->rows_read_ = std::move(rows_read);
  return t;
}

std::string KafkaBatchTable::description() const { return "kafka"; }

std::shared_ptr<const TableSource> KafkaBatchTable::WithJsonColumn(const ScanJsonColumn& json) const {
  if (json.source_column != kKey && json.source_column != kValue) return nullptr;
  if (json.type.id() != TypeId::kStruct) return nullptr;
  auto t = std::make_shared<KafkaBatchTable>(*this);
  t->json_.push_back(json);
  std::vector<StructField> fields = schema_.fields();
  fields.push_back({std::string("from_json(") + SourceName(json) + ")", json.type, true});
  t->schema_ = Schema(std::move(fields));
  return t;
}

Result<PhysicalOperatorPtr> KafkaBatchTable::CreateScan(const std::vector<int>& columns, ExprPtr filter) const {
  std::vector<StructField> fields;
  for (int c : columns) fields.push_back(schema_.field(static_cast<size_t>(c)));
  Schema out(fields);
  const int first_json = static_cast<int>(schema_.size() - json_.size());
  bool parses = false;
  for (int c : columns) parses |= c >= first_json;
  if (const auto& dlq = ctx_->dead_letter()) {
    if (!parses) {
      return Status::InvalidArgument(
          "the Kafka source has deadLetterTopic '" + dlq->topic() +
          "' but the query does not parse its value with from_json(CAST(value AS STRING), schema) directly over "
          "the source, so no record could be found malformed; drop the option or parse the value");
    }
    for (const auto& j : json_) {
      if (j.mode == ParseMode::kFailFast) {
        return Status::InvalidArgument("the Kafka source has deadLetterTopic '" + dlq->topic() +
                                       "' but from_json's mode is FAILFAST, which stops at the first malformed "
                                       "record; use PERMISSIVE or DROPMALFORMED with a dead-letter topic");
      }
    }
  }
  // Records that cannot pass the filter are not parsed, unless every record
  // must be parsed: FAILFAST fails on any malformed one, and a dead-letter
  // topic gets every malformed one (or the source option jsonPrefilter is
  // false).
  std::vector<std::vector<std::vector<std::string>>> required(columns.size());
  const bool prefilter = filter && !ctx_->dead_letter() && ctx_->json_prefilter();
  for (size_t c = 0; c < columns.size() && prefilter; ++c) {
    if (columns[c] < first_json) continue;
    if (json_[static_cast<size_t>(columns[c] - first_json)].mode == ParseMode::kFailFast) continue;
    required[c] = RequiredJsonTexts(filter, static_cast<int>(c));
  }
  PhysicalOperatorPtr op =
      std::make_shared<KafkaScanOperator>(ctx_, ranges_, columns, out, json_, first_json, std::move(required), rows_read_);
  if (filter) {
    std::vector<ExprPtr> identity;
    for (size_t i = 0; i < out.size(); ++i) {
      identity.push_back(MakeColumnRef(static_cast<int>(i), out.field(i).type, out.field(i).name, out.field(i).nullable));
    }
    op = std::make_shared<FilterProjectOperator>(op, filter, std::move(identity), out);
  }
  return op;
}

}  // namespace sluice::kafka
