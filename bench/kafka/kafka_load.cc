// kafka_load: fills a Kafka topic with N JSON ad events of the Yahoo
// Streaming Benchmark's shape, spread round-robin over the topic's
// partitions, with librdkafka's idempotent producer, and prints the rate.
//
//   kafka_load --bootstrap 127.0.0.1:PORT --topic ads --events 5000000
//
// An event (about 240 bytes):
//   {"user_id":"<uuid>","page_id":"<uuid>","ad_id":"<uuid>","ad_type":"banner",
//    "event_type":"view","event_time":"1700000000000","ip_address":"1.2.3.4"}
// ad_id is drawn from --ads distinct ads (YSB: 100 campaigns x 10 ads),
// user_id and page_id are random; event_time advances --events-per-ms events
// per millisecond from --start-ms. The same --seed gives the same events.
//
// YSB's campaign model (bench/ysb): --campaign-table FILE writes the static
// ad -> campaign table the YSB query joins, a CSV "ad_id,campaign_id" with
// one line per ad: ad k (in the order the ad ids are drawn) belongs to
// campaign k / --ads-per-campaign (1000 ads / 10 = 100 campaigns).
//
// --rate R (events per second) hands event i over at start + i / R (every
// 1 ms tick, whatever is due) instead of as fast as possible, and then
// event_time is the wall clock when the event is handed over, which is also
// its Kafka timestamp (CreateTime): the YSB latency runs.
#include <librdkafka/rdkafka.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ad_event.h"

namespace {

using sluice_bench::kAdTypes;
using sluice_bench::kEventTypes;
using sluice_bench::Put;

struct Rng {  // xoshiro256**
  uint64_t s[4];
  explicit Rng(uint64_t seed) {
    for (auto& x : s) {  // splitmix64
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      x = z ^ (z >> 31);
    }
  }
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t operator()() {
    uint64_t r = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
  }
};

// A version-4 UUID from the next two draws of `rng` (hi first).
char* WriteUuid(char* out, Rng& rng) {
  const uint64_t hi = rng();
  const uint64_t lo = rng();
  return sluice_bench::WriteUuid(out, hi, lo);
}

std::atomic<uint64_t> g_delivery_errors{0};
std::string g_first_error;

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (g_delivery_errors.fetch_add(1) == 0) g_first_error = rd_kafka_err2str(m->err);
  }
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fill a Kafka topic with Yahoo Streaming Benchmark ad events (JSON)"};
  std::string bootstrap, topic, compression = "none";
  uint64_t events = 1000000, seed = 42, ads = 1000, events_per_ms = 100, ads_per_campaign = 10;
  double rate = 0;
  std::string campaign_table;
  int64_t start_ms = 1700000000000;
  int linger_ms = 20, batch_size = 1 << 20;
  std::vector<std::string> extra;
  app.add_option("--bootstrap", bootstrap, "bootstrap.servers, e.g. 127.0.0.1:9092")->required();
  app.add_option("--topic", topic, "topic to fill (must exist)")->required();
  app.add_option("--events,-n", events, "number of events")->capture_default_str();
  app.add_option("--compression", compression, "compression.codec: none, lz4, zstd, snappy, gzip")
      ->capture_default_str();
  app.add_option("--linger-ms", linger_ms, "linger.ms")->capture_default_str();
  app.add_option("--batch-size", batch_size, "batch.size in bytes")->capture_default_str();
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  app.add_option("--ads", ads, "distinct ad_id values")->capture_default_str();
  app.add_option("--start-ms", start_ms, "event_time of the first event (epoch ms)")
      ->capture_default_str();
  app.add_option("--events-per-ms", events_per_ms, "events per millisecond of event time")
      ->capture_default_str();
  app.add_option("--ads-per-campaign", ads_per_campaign, "ads per campaign (campaign table)")
      ->capture_default_str();
  app.add_option("--campaign-table", campaign_table,
                 "write the ad -> campaign table here (CSV ad_id,campaign_id with a header)");
  app.add_option("--rate", rate,
                 "events per second, event_time = wall clock at hand-over (0: as fast as possible)")
      ->capture_default_str();
  app.add_option("-X", extra, "extra librdkafka property KEY=VALUE (repeatable)");
  CLI11_PARSE(app, argc, argv);
  if (events_per_ms == 0) events_per_ms = 1;
  if (ads == 0) ads = 1;
  if (ads_per_campaign == 0) ads_per_campaign = 1;

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", bootstrap},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", std::to_string(linger_ms)},
      {"batch.size", std::to_string(batch_size)},
      {"batch.num.messages", "1000000"},
      {"queue.buffering.max.messages", "2000000"},
      {"queue.buffering.max.kbytes", "1048576"},
      {"compression.codec", compression},
      {"message.max.bytes", "10000000"},
      {"log_level", "3"},  // the first PID request may meet "coordinator load in progress"
  };
  for (const auto& kv : extra) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "kafka_load: -X wants KEY=VALUE, got %s\n", kv.c_str());
      return 2;
    }
    props.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "kafka_load: %s=%s: %s\n", k.c_str(), v.c_str(), err);
      return 2;
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_load: %s\n", err);
    return 1;
  }

  // Partition count from the broker's metadata.
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].err) {
    std::fprintf(stderr, "kafka_load: no metadata for topic %s: %s\n", topic.c_str(),
                 rd_kafka_err2str(e ? e : md->topics[0].err));
    return 1;
  }
  const int partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);

  // The 1000 ad ids of YSB are fixed per seed.
  Rng rng(seed);
  std::vector<std::string> ad_ids(ads);
  for (auto& a : ad_ids) {
    char buf[40];
    a.assign(buf, WriteUuid(buf, rng));
  }
  if (!campaign_table.empty()) {
    // Written whole under a temporary name, then renamed.
    const std::string tmp = campaign_table + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << "ad_id,campaign_id\n";
      for (uint64_t k = 0; k < ads; ++k) {
        char buf[40];
        f << ad_ids[k] << ','
          << std::string(buf, sluice_bench::WriteCampaignId(buf, seed, k / ads_per_campaign)) << '\n';
      }
      if (!f.good()) {
        std::fprintf(stderr, "kafka_load: cannot write %s\n", tmp.c_str());
        return 1;
      }
    }
    if (std::rename(tmp.c_str(), campaign_table.c_str()) != 0) {
      std::fprintf(stderr, "kafka_load: cannot rename %s\n", tmp.c_str());
      return 1;
    }
  }

  auto t0 = std::chrono::steady_clock::now();
  uint64_t bytes = 0;
  char buf[512];
  double max_behind_ms = 0;
  for (uint64_t i = 0; i < events; ++i) {
    int64_t event_ms = start_ms + static_cast<int64_t>(i / events_per_ms);
    if (rate > 0) {
      // Event i is due at t0 + i / rate: sleep until it is (1 ms ticks: the
      // events due meanwhile go out together), then stamp it with the clock.
      const auto due = t0 + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(i) * 1e9 / rate));
      auto now = std::chrono::steady_clock::now();
      if (due > now) {
        rd_kafka_poll(rk, 0);
        std::this_thread::sleep_until(std::max(due, now + std::chrono::milliseconds(1)));
        now = std::chrono::steady_clock::now();
      }
      max_behind_ms = std::max(max_behind_ms, std::chrono::duration<double, std::milli>(now - due).count());
      event_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    }
    char* p = buf;
    p = Put(p, "{\"user_id\":\"");
    p = WriteUuid(p, rng);
    p = Put(p, "\",\"page_id\":\"");
    p = WriteUuid(p, rng);
    p = Put(p, "\",\"ad_id\":\"");
    uint64_t r = rng();
    const std::string& ad = ad_ids[r % ads];
    std::memcpy(p, ad.data(), ad.size());
    p += ad.size();
    p = Put(p, "\",\"ad_type\":\"");
    p = Put(p, kAdTypes[(r >> 32) % 5]);
    p = Put(p, "\",\"event_type\":\"");
    p = Put(p, kEventTypes[(r >> 40) % 3]);
    p = Put(p, "\",\"event_time\":\"");
    p += std::snprintf(p, 32, "%lld", static_cast<long long>(event_ms));
    p = Put(p, "\",\"ip_address\":\"1.2.3.4\"}");
    size_t len = static_cast<size_t>(p - buf);
    bytes += len;
    for (;;) {
      e = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt),
                            RD_KAFKA_V_PARTITION(static_cast<int32_t>(i % partitions)),
                            RD_KAFKA_V_VALUE(buf, len), RD_KAFKA_V_TIMESTAMP(rate > 0 ? event_ms : 0),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
      rd_kafka_poll(rk, 5);
    }
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kafka_load: produce failed at event %llu: %s\n",
                   static_cast<unsigned long long>(i), rd_kafka_err2str(e));
      return 1;
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  auto t_enqueued = std::chrono::steady_clock::now();
  while (rd_kafka_outq_len(rk) > 0) {
    e = rd_kafka_flush(rk, 60000);
    if (e == RD_KAFKA_RESP_ERR__TIMED_OUT) {
      std::fprintf(stderr, "kafka_load: still %d messages in flight after 60 s\n", rd_kafka_outq_len(rk));
    }
  }
  auto t1 = std::chrono::steady_clock::now();
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);

  double secs = Seconds(t1 - t0);
  std::printf(
      "kafka_load: %llu events (%.1f MB, %.1f bytes/event) to %s (%d partitions, compression %s) "
      "in %.2f s (enqueue %.2f s): %.0f events/s, %.1f MB/s\n",
      static_cast<unsigned long long>(events), bytes / 1e6, events ? double(bytes) / events : 0.0,
      topic.c_str(), partitions, compression.c_str(), secs, Seconds(t_enqueued - t0), events / secs,
      bytes / 1e6 / secs);
  if (rate > 0) {
    std::printf("kafka_load: fixed rate %.0f events/s asked, latest hand-over %.2f ms after due\n", rate,
                max_behind_ms);
  }
  if (g_delivery_errors.load() != 0) {
    std::fprintf(stderr, "kafka_load: %llu events were NOT delivered (first error: %s)\n",
                 static_cast<unsigned long long>(g_delivery_errors.load()), g_first_error.c_str());
    return 1;
  }
  return 0;
}
