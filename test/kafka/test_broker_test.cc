// Smoke tests of TestKafkaBroker against a real Apache Kafka broker: topics
// are created, grown, deleted; 1000 messages go in with librdkafka's
// idempotent producer and come back exactly once through assign() on
// explicit partitions and offsets (no consumer group, no commits); data
// survives a broker restart on the same port.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "connectors/kafka/test_broker.h"

namespace sluice::kafka {
namespace {

using Clock = std::chrono::steady_clock;

rd_kafka_t* NewClient(rd_kafka_type_t type, const std::string& bootstrap,
                      const std::map<std::string, std::string>& extra) {
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

// Produces values "<prefix>-<i>" for i in [0, n) to partition i % partitions.
void Produce(const std::string& bootstrap, const std::string& topic, int n, int partitions,
             const std::string& prefix) {
  rd_kafka_t* p = NewClient(RD_KAFKA_PRODUCER, bootstrap,
                            {{"enable.idempotence", "true"}, {"linger.ms", "5"}});
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < n; ++i) {
    std::string key = std::to_string(i);
    std::string value = prefix + "-" + key;
    rd_kafka_resp_err_t e;
    do {
      e = rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(i % partitions),
                            RD_KAFKA_V_KEY(key.data(), key.size()),
                            RD_KAFKA_V_VALUE(value.data(), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(p, 10);
    } while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
    rd_kafka_poll(p, 0);
  }
  ASSERT_EQ(rd_kafka_flush(p, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(rd_kafka_outq_len(p), 0);
  rd_kafka_destroy(p);
}

// Reads every partition from offset 0 up to its high watermark with assign()
// and returns the values in the order read, failing on any consumer error.
std::vector<std::string> ConsumeAll(const std::string& bootstrap, const std::string& topic,
                                    int partitions) {
  std::vector<std::string> values;
  // librdkafka 2.0 wants a group.id even for assign(); with assign() the
  // consumer never joins the group and nothing is committed.
  rd_kafka_t* c = NewClient(RD_KAFKA_CONSUMER, bootstrap,
                            {{"group.id", "sluice-test-" + topic},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"},
                             {"enable.partition.eof", "false"}});
  if (c == nullptr) return values;
  std::vector<int64_t> high(partitions);
  std::vector<int64_t> next(partitions, 0);
  rd_kafka_topic_partition_list_t* tpl = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    int64_t lo = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(c, topic.c_str(), p, &lo, &high[p], 10000);
    EXPECT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
    EXPECT_EQ(lo, 0);
    rd_kafka_topic_partition_list_add(tpl, topic.c_str(), p)->offset = 0;
  }
  rd_kafka_resp_err_t assigned = rd_kafka_assign(c, tpl);
  rd_kafka_topic_partition_list_destroy(tpl);
  if (assigned != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ADD_FAILURE() << "assign: " << rd_kafka_err2str(assigned);
    rd_kafka_destroy(c);
    return values;
  }
  auto done = [&] {
    for (int p = 0; p < partitions; ++p) {
      if (next[p] < high[p]) return false;
    }
    return true;
  };
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (!done() && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 200);
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ADD_FAILURE() << "consumer error: " << rd_kafka_message_errstr(m);
      rd_kafka_message_destroy(m);
      break;
    } else {
      int p = m->partition;
      EXPECT_EQ(m->offset, next[p]) << "partition " << p;
      next[p] = m->offset + 1;
      values.emplace_back(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_TRUE(done()) << "timed out before reaching the high watermarks";
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  return values;
}

void ExpectExactlyOnce(const std::vector<std::string>& values, const std::string& prefix, int n) {
  std::vector<int> seen(n, 0);
  for (const auto& v : values) {
    ASSERT_EQ(v.rfind(prefix + "-", 0), 0u) << v;
    int i = std::stoi(v.substr(prefix.size() + 1));
    ASSERT_GE(i, 0);
    ASSERT_LT(i, n);
    ++seen[i];
  }
  for (int i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "message " << i;
  EXPECT_EQ(values.size(), static_cast<size_t>(n));
}

TEST(TestKafkaBrokerTest, ProduceAndConsumeEveryMessageExactlyOnce) {
  auto broker = TestKafkaBroker::Start();
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  const std::string bootstrap = (*broker)->bootstrap_servers();
  EXPECT_EQ(bootstrap.rfind("127.0.0.1:", 0), 0u) << bootstrap;

  ASSERT_TRUE((*broker)->CreateTopic("smoke", 3).ok());
  auto count = (*broker)->PartitionCount("smoke");
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 3);
  EXPECT_EQ((*broker)->CreateTopic("smoke", 3).code(), StatusCode::kAlreadyExists);

  Produce(bootstrap, "smoke", 1000, 3, "m");
  auto values = ConsumeAll(bootstrap, "smoke", 3);
  ExpectExactlyOnce(values, "m", 1000);
  if (HasFailure()) std::fprintf(stderr, "broker log tail:\n%s", (*broker)->LogTail().c_str());
}

TEST(TestKafkaBrokerTest, AdminOperationsAndRestart) {
  auto broker = TestKafkaBroker::Start();
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  TestKafkaBroker& b = **broker;
  const std::string bootstrap = b.bootstrap_servers();

  ASSERT_TRUE(b.CreateTopic("grow", 2, {{"retention.ms", "-1"}}).ok());
  Produce(bootstrap, "grow", 100, 2, "a");
  Status s = b.AddPartitions("grow", 4);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*b.PartitionCount("grow"), 4);

  ASSERT_TRUE(b.CreateTopic("doomed", 1).ok());
  s = b.DeleteTopic("doomed");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(b.PartitionCount("doomed").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(b.DeleteTopic("doomed").code(), StatusCode::kNotFound);

  s = b.Restart();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(b.bootstrap_servers(), bootstrap);
  EXPECT_TRUE(b.running());
  // The data written before the restart is still there, and the new
  // partitions take writes.
  Produce(bootstrap, "grow", 100, 4, "b");
  auto values = ConsumeAll(bootstrap, "grow", 4);
  std::vector<std::string> a, bv;
  for (auto& v : values) (v[0] == 'a' ? a : bv).push_back(v);
  ExpectExactlyOnce(a, "a", 100);
  ExpectExactlyOnce(bv, "b", 100);
  if (HasFailure()) std::fprintf(stderr, "broker log tail:\n%s", b.LogTail().c_str());
}

TEST(TestKafkaBrokerTest, TwoBrokersAtOnce) {
  auto one = TestKafkaBroker::Start();
  auto two = TestKafkaBroker::Start();
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_NE((*one)->bootstrap_servers(), (*two)->bootstrap_servers());
  ASSERT_TRUE((*one)->CreateTopic("t", 1).ok());
  EXPECT_TRUE((*two)->PartitionCount("t").status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::kafka
