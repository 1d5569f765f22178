// Helpers for the tests against a real broker: produce records (plain,
// with timestamps, in committed or aborted transactions), read a whole
// topic back with a plain librdkafka consumer, delete records. Expected
// answers in the tests come from what these helpers wrote, never from the
// engine.
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace sluice::kafka::testing {

inline rd_kafka_t* NewClient(rd_kafka_type_t type, const std::string& bootstrap,
                             const std::map<std::string, std::string>& extra = {}) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> all = {{"bootstrap.servers", bootstrap}, {"log_level", "3"}};
  for (const auto& [k, v] : extra) all[k] = v;
  for (const auto& [k, v] : all) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      ADD_FAILURE() << k << "=" << v << ": " << err;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  EXPECT_NE(rk, nullptr) << err;
  return rk;
}

struct Record {
  Record(int32_t p, std::string v, std::string k = "", int64_t ts = 0,
         std::vector<std::pair<std::string, std::string>> h = {})
      : partition(p), value(std::move(v)), key(std::move(k)), timestamp_ms(ts), headers(std::move(h)) {}
  int32_t partition = -1;
  std::string value;
  std::string key;
  int64_t timestamp_ms = 0;  // 0: now
  std::vector<std::pair<std::string, std::string>> headers;
};

class Producer {
 public:
  // transactional_id non-empty: a transactional producer.
  explicit Producer(const std::string& bootstrap, const std::string& transactional_id = "") {
    std::map<std::string, std::string> c = {{"enable.idempotence", "true"}, {"linger.ms", "5"}};
    if (!transactional_id.empty()) c["transactional.id"] = transactional_id;
    rk_ = NewClient(RD_KAFKA_PRODUCER, bootstrap, c);
    if (!transactional_id.empty()) {
      rd_kafka_error_t* e = rd_kafka_init_transactions(rk_, 30000);
      EXPECT_EQ(e, nullptr) << (e ? rd_kafka_error_string(e) : "");
    }
  }
  ~Producer() { rd_kafka_destroy(rk_); }
  void Send(const std::string& topic, const Record& r) {
    rd_kafka_resp_err_t e;
    do {
      rd_kafka_headers_t* h = nullptr;
      if (!r.headers.empty()) {
        h = rd_kafka_headers_new(r.headers.size());
        for (const auto& [k, v] : r.headers) rd_kafka_header_add(h, k.data(), k.size(), v.data(), v.size());
      }
      e = rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(r.partition),
                            RD_KAFKA_V_KEY(r.key.empty() ? nullptr : r.key.data(), r.key.size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
                            RD_KAFKA_V_TIMESTAMP(r.timestamp_ms), RD_KAFKA_V_HEADERS(h),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && h) rd_kafka_headers_destroy(h);
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(rk_, 10);
    } while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
  }
  // Values "<prefix><i>" for i in [from, to), round robin over `partitions`.
  void SendRange(const std::string& topic, int from, int to, int partitions, const std::string& prefix = "") {
    for (int i = from; i < to; ++i) Send(topic, {partitions > 0 ? i % partitions : -1, prefix + std::to_string(i)});
    Flush();
  }
  void Flush() { ASSERT_EQ(rd_kafka_flush(rk_, 30000), RD_KAFKA_RESP_ERR_NO_ERROR); }
  void Begin() {
    rd_kafka_error_t* e = rd_kafka_begin_transaction(rk_);
    ASSERT_EQ(e, nullptr) << rd_kafka_error_string(e);
  }
  void Commit() {
    rd_kafka_error_t* e = rd_kafka_commit_transaction(rk_, 30000);
    ASSERT_EQ(e, nullptr) << rd_kafka_error_string(e);
  }
  void Abort() {
    Flush();
    rd_kafka_error_t* e = rd_kafka_abort_transaction(rk_, 30000);
    ASSERT_EQ(e, nullptr) << rd_kafka_error_string(e);
  }

 private:
  rd_kafka_t* rk_;
};

struct ReadRecord {
  int32_t partition;
  int64_t offset;
  std::string key, value;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Every record of `topic` (all partitions, low to high watermark),
// read_committed unless told otherwise.
inline std::vector<ReadRecord> ReadTopic(const std::string& bootstrap, const std::string& topic,
                                         bool read_committed = true) {
  std::vector<ReadRecord> out;
  rd_kafka_t* c = NewClient(RD_KAFKA_CONSUMER, bootstrap,
                            {{"group.id", "sluice-test-reader"}, {"enable.auto.commit", "false"},
                             {"enable.partition.eof", "true"},
                             {"isolation.level", read_committed ? "read_committed" : "read_uncommitted"}});
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(c, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  EXPECT_EQ(rd_kafka_metadata(c, 0, rkt, &md, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  int parts = md ? md->topics[0].partition_cnt : 0;
  if (md) rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(parts);
  for (int p = 0; p < parts; ++p) rd_kafka_topic_partition_list_add(l, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(c, l);
  rd_kafka_topic_partition_list_destroy(l);
  int eofs = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (eofs < parts && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 200);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++eofs;
    } else if (!m->err) {
      ReadRecord r{m->partition, m->offset,
                   m->key ? std::string(static_cast<char*>(m->key), m->key_len) : "",
                   m->payload ? std::string(static_cast<char*>(m->payload), m->len) : "",
                   {}};
      rd_kafka_headers_t* h = nullptr;
      if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* val;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(h, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
          r.headers.push_back({name, val ? std::string(static_cast<const char*>(val), size) : ""});
        }
      }
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_EQ(eofs, parts) << "timed out reading " << topic;
  rd_kafka_destroy(c);
  return out;
}

// Kafka's DeleteRecords: partition `partition` of `topic` starts at `before`.
inline void DeleteRecordsBefore(const std::string& bootstrap, const std::string& topic, int partition,
                                int64_t before) {
  rd_kafka_t* rk = NewClient(RD_KAFKA_PRODUCER, bootstrap);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(l, topic.c_str(), partition)->offset = before;
  rd_kafka_DeleteRecords_t* d = rd_kafka_DeleteRecords_new(l);
  rd_kafka_topic_partition_list_destroy(l);
  rd_kafka_DeleteRecords(rk, &d, 1, nullptr, q);
  rd_kafka_DeleteRecords_destroy(d);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_event_error_string(ev);
  const rd_kafka_DeleteRecords_result_t* res = rd_kafka_event_DeleteRecords_result(ev);
  const rd_kafka_topic_partition_list_t* offs = rd_kafka_DeleteRecords_result_offsets(res);
  EXPECT_EQ(offs->elems[0].err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(offs->elems[0].err);
  rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
}

// The offset group `group` committed for partition `partition` of `topic`
// (read_committed), -1 if none.
inline int64_t CommittedOffset(const std::string& bootstrap, const std::string& group, const std::string& topic,
                               int partition) {
  rd_kafka_t* c = NewClient(RD_KAFKA_CONSUMER, bootstrap,
                            {{"group.id", group}, {"enable.auto.commit", "false"}, {"isolation.level", "read_committed"}});
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(l, topic.c_str(), partition);
  rd_kafka_resp_err_t e = rd_kafka_committed(c, l, 30000);
  EXPECT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
  EXPECT_EQ(l->elems[0].err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(l->elems[0].err);
  int64_t off = l->elems[0].offset;
  rd_kafka_topic_partition_list_destroy(l);
  rd_kafka_destroy(c);
  return off < 0 ? -1 : off;
}

}  // namespace sluice::kafka::testing
