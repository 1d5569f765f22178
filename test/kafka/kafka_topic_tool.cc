// kafka_topic_tool: fills and reads Kafka topics for shell tests
// (scripts/sigkill_loop.sh), with plain librdkafka, so that a test checks the
// engine's output with a reader that is not the engine.
//
//   kafka_topic_tool produce --bootstrap B --topic T --from 0 --to 100 [--keys 7]
//       values "0".."99" (round robin over the topic's partitions, librdkafka's
//       default partitioner without a key); --keys K gives record i the key
//       "k<i % K>". Exits 1 unless every record is acknowledged.
//   kafka_topic_tool dump --bootstrap B --topic T [--read-uncommitted]
//       every record from the start of every partition to its end
//       (read_committed by default: the last stable offset), one line each:
//       "<partition> <offset> <key> <value>" (key "-" when null).
#include <librdkafka/rdkafka.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

namespace {

rd_kafka_t* NewClient(rd_kafka_type_t type, const std::map<std::string, std::string>& props) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "kafka_topic_tool: %s=%s: %s\n", k.c_str(), v.c_str(), err);
      return nullptr;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) std::fprintf(stderr, "kafka_topic_tool: %s\n", err);
  return rk;
}

int failed_deliveries = 0;
void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err && failed_deliveries++ == 0) std::fprintf(stderr, "kafka_topic_tool: %s\n", rd_kafka_err2str(m->err));
}

int Produce(const std::string& bootstrap, const std::string& topic, long from, long to, long keys) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : std::map<std::string, std::string>{
           {"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}, {"linger.ms", "5"}, {"log_level", "3"}}) {
    rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err);
  }
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "kafka_topic_tool: %s\n", err);
    return 1;
  }
  for (long i = from; i < to; ++i) {
    std::string value = std::to_string(i);
    std::string key = keys > 0 ? "k" + std::to_string(i % keys) : "";
    rd_kafka_resp_err_t e;
    while ((e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                                  RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
                                  RD_KAFKA_V_VALUE(value.data(), value.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk, 10);
    }
    if (e) {
      std::fprintf(stderr, "kafka_topic_tool: produce: %s\n", rd_kafka_err2str(e));
      rd_kafka_destroy(rk);
      return 1;
    }
  }
  rd_kafka_resp_err_t fe = rd_kafka_flush(rk, 60000);
  rd_kafka_destroy(rk);
  if (fe || failed_deliveries) {
    std::fprintf(stderr, "kafka_topic_tool: %d records not delivered (%s)\n", failed_deliveries, rd_kafka_err2str(fe));
    return 1;
  }
  return 0;
}

int Dump(const std::string& bootstrap, const std::string& topic, bool read_committed) {
  rd_kafka_t* c = NewClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap},
                                                {"group.id", "kafka-topic-tool"},
                                                {"enable.auto.commit", "false"},
                                                {"enable.partition.eof", "true"},
                                                {"log_level", "3"},
                                                {"isolation.level", read_committed ? "read_committed"
                                                                                   : "read_uncommitted"}});
  if (!c) return 1;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(c, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t me = rd_kafka_metadata(c, 0, rkt, &md, 10000);
  rd_kafka_topic_destroy(rkt);
  if (me || md->topic_cnt != 1 || md->topics[0].err) {
    std::fprintf(stderr, "kafka_topic_tool: no metadata for topic %s: %s\n", topic.c_str(),
                 rd_kafka_err2str(me ? me : md->topics[0].err));
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_destroy(c);
    return 1;
  }
  int parts = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(parts);
  for (int p = 0; p < parts; ++p) {
    rd_kafka_topic_partition_list_add(l, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(c, l);
  rd_kafka_topic_partition_list_destroy(l);
  int eofs = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (eofs < parts && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 200);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++eofs;
    } else if (m->err) {
      std::fprintf(stderr, "kafka_topic_tool: %s\n", rd_kafka_message_errstr(m));
    } else {
      std::string key = m->key ? std::string(static_cast<char*>(m->key), m->key_len) : "-";
      std::string value = m->payload ? std::string(static_cast<char*>(m->payload), m->len) : "";
      std::printf("%d %lld %s %s\n", m->partition, static_cast<long long>(m->offset), key.c_str(), value.c_str());
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_destroy(c);
  if (eofs < parts) {
    std::fprintf(stderr, "kafka_topic_tool: timed out reading %s\n", topic.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fill and read Kafka topics for shell tests"};
  app.require_subcommand(1);
  std::string bootstrap, topic;
  long from = 0, to = 0, keys = 0;
  bool read_uncommitted = false;
  auto* produce = app.add_subcommand("produce", "write values from..to-1");
  produce->add_option("--bootstrap", bootstrap)->required();
  produce->add_option("--topic", topic)->required();
  produce->add_option("--from", from)->required();
  produce->add_option("--to", to)->required();
  produce->add_option("--keys", keys, "key record i with k<i % keys>");
  auto* dump = app.add_subcommand("dump", "print every record");
  dump->add_option("--bootstrap", bootstrap)->required();
  dump->add_option("--topic", topic)->required();
  dump->add_flag("--read-uncommitted", read_uncommitted);
  CLI11_PARSE(app, argc, argv);
  if (produce->parsed()) return Produce(bootstrap, topic, from, to, keys);
  return Dump(bootstrap, topic, !read_uncommitted);
}
