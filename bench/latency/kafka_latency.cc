// kafka_latency: the two ends of the event-to-sink latency harness (issue 14,
// bench/latency/run.sh).
//
//   kafka_latency produce --bootstrap B --topic in --rate 20000 --seconds 30
//   kafka_latency measure --bootstrap B --topic out --produced-file F
//   kafka_latency run --bootstrap B --input in --output out --rate 20000 --seconds 30
//
// produce: a fixed-rate producer of JSON ad events (kafka_load's shape plus
//   an id and a timestamp, about 240 bytes):
//     {"id":17,"ts_us":1765040000123456,"user_id":"<uuid>","page_id":"<uuid>",
//      "ad_id":"<uuid>","ad_type":"banner","event_type":"view",
//      "event_time":"1765040000123","ip_address":"1.2.3.4"}
//   ids are 0, 1, 2, ... spread round-robin over the partitions; ts_us is the
//   wall clock (microseconds since the epoch) when the record is handed to
//   librdkafka, and the record's Kafka timestamp (CreateTime) is the same
//   moment in milliseconds. event_type is a function of (seed, id) only, so
//   the reader knows which ids a filter on it must let through. Event i is
//   due at start + i / rate: every tick (1 ms) the producer hands over every
//   event that is due, so it catches up when it fell behind; it reports the
//   achieved rate and how late the latest event was handed over.
//   linger.ms is 1 by default (--linger-ms): a record waits at most 1 ms in
//   librdkafka before it is sent. With 0 every tick's burst goes out as
//   several small requests (a wake-up per record that meets an empty queue),
//   which on 2 cores cost the harness about 1.5x the CPU of linger.ms=1 and
//   gave a worse floor under load (docs/benchmarks.md); the 1 ms shows in
//   the floor (run.sh ENGINES=floor).
//
// measure: reads every partition of the output topic from the beginning with
//   isolation.level read_committed and, for each output record (a JSON value
//   that holds the input's "id" and "ts_us"):
//     sink latency    = the output record's Kafka timestamp (ms) - ts_us / 1000
//                       (ms; the definition: when the sink produced it)
//     visible latency = wall clock when this reader received it - ts_us
//                       (what a read_committed reader sees: includes the
//                       transaction commit and this reader's fetch)
//   It stops once every expected id arrived (then waits --grace-ms for
//   duplicates) or after --idle-timeout seconds without a new record. The
//   expected ids: every produced id whose event_type is --expect-event-type
//   (all of them with an empty one). Records of the first --warmup-ids ids
//   are counted (duplicates, missing) but left out of the percentiles.
//
// run: both at once in one process (the reader starts first).
//
// Output: one line "RESULT key=value ..." (machine-readable) and a human line.
// Exit status 0 when every expected id arrived exactly once and nothing
// unexpected arrived, 3 otherwise, 1-2 for errors.
#include <librdkafka/rdkafka.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../kafka/ad_event.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t Mix(uint64_t z) {  // splitmix64's finalizer
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

using sluice_bench::kAdTypes;
using sluice_bench::kEventTypes;
using sluice_bench::Put;
using sluice_bench::WriteUuid;

// The event_type of event `id`: a function of (seed, id) only.
const char* EventTypeOf(uint64_t seed, uint64_t id) {
  return kEventTypes[Mix(seed * 0x100000001b3ULL ^ id) % 3];
}

bool IsExpected(const std::string& want_type, uint64_t seed, uint64_t id) {
  return want_type.empty() || want_type == EventTypeOf(seed, id);
}


bool SetConf(rd_kafka_conf_t* conf, const std::vector<std::pair<std::string, std::string>>& props,
             const char* who) {
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "kafka_latency %s: %s=%s: %s\n", who, k.c_str(), v.c_str(), err);
      return false;
    }
  }
  return true;
}

bool AddExtra(const std::vector<std::string>& extra,
              std::vector<std::pair<std::string, std::string>>* props) {
  for (const auto& kv : extra) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "kafka_latency: -X wants KEY=VALUE, got %s\n", kv.c_str());
      return false;
    }
    props->emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return true;
}

// Partition count of `topic` from the broker's metadata, or -1.
int PartitionCount(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
  int n = -1;
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 && md->topics[0].err == 0) {
    n = md->topics[0].partition_cnt;
  } else {
    std::fprintf(stderr, "kafka_latency: no metadata for topic %s: %s\n", topic.c_str(),
                 rd_kafka_err2str(e ? e : md->topics[0].err));
  }
  if (md != nullptr) rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  return n;
}

// ---- produce ----------------------------------------------------------------

struct ProduceOptions {
  std::string bootstrap, topic;
  double rate = 20000;
  double seconds = 10;
  double warmup_seconds = 0;
  uint64_t seed = 42;
  int linger_ms = 1;
  int tick_us = 1000;
  std::string result_file;
  std::vector<std::string> extra;
};

struct ProduceResult {
  bool ok = false;
  uint64_t produced = 0, expected_views = 0, warmup_ids = 0;
  uint64_t delivery_errors = 0, bytes = 0;
  double achieved_rate = 0, seconds = 0;
  double max_behind_ms = 0;    // latest hand-over of an event after its due time
  uint64_t max_behind_events = 0;  // most events due and not yet handed over
  double enqueue_stall_ms = 0;     // time spent waiting on a full local queue
  int64_t start_wall_us = 0, measured_from_wall_us = 0, end_wall_us = 0;
};

std::atomic<uint64_t> g_delivery_errors{0};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && g_delivery_errors.fetch_add(1) == 0) {
    std::fprintf(stderr, "kafka_latency produce: delivery failed: %s\n", rd_kafka_err2str(m->err));
  }
}

ProduceResult Produce(const ProduceOptions& o, const std::string& expect_type) {
  ProduceResult r;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", o.bootstrap},
      {"enable.idempotence", "true"},  // no duplicate from a retry
      {"acks", "all"},
      {"linger.ms", std::to_string(o.linger_ms)},
      {"queue.buffering.max.messages", "2000000"},
      {"queue.buffering.max.kbytes", "1048576"},
      {"log_level", "3"},
  };
  if (!AddExtra(o.extra, &props) || !SetConf(conf, props, "produce")) return r;
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_latency produce: %s\n", err);
    return r;
  }
  const int partitions = PartitionCount(rk, o.topic);
  if (partitions <= 0) {
    rd_kafka_destroy(rk);
    return r;
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);

  // 1000 ads, as in kafka_load.
  std::vector<std::string> ad_ids(1000);
  for (size_t i = 0; i < ad_ids.size(); ++i) {
    char buf[40];
    ad_ids[i].assign(buf, WriteUuid(buf, Mix(o.seed + 2 * i), Mix(o.seed + 2 * i + 1)));
  }

  const uint64_t warmup = static_cast<uint64_t>(std::llround(o.rate * o.warmup_seconds));
  const uint64_t total = warmup + static_cast<uint64_t>(std::llround(o.rate * o.seconds));
  r.warmup_ids = warmup;
  const auto t0 = SteadyClock::now();
  r.start_wall_us = WallMicros();
  auto due = [&](uint64_t i) {
    return t0 + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(i) * 1e9 / o.rate));
  };
  uint64_t next = 0;
  uint64_t rng = Mix(o.seed ^ 0x5eed);
  char buf[512];
  SteadyClock::duration stall{0};
  while (next < total) {
    auto now = SteadyClock::now();
    uint64_t target = static_cast<uint64_t>(
                          std::chrono::duration<double>(now - t0).count() * o.rate) + 1;
    target = std::min(target, total);
    if (target > next) r.max_behind_events = std::max(r.max_behind_events, target - next);
    while (next < target) {
      const uint64_t id = next;
      if (id == warmup) r.measured_from_wall_us = WallMicros();
      uint64_t a = Mix(++rng), b = Mix(++rng), c = Mix(++rng), d = Mix(++rng), e = Mix(++rng);
      const int64_t ts_us = WallMicros();
      char* p = buf;
      p += std::snprintf(p, 64, "{\"id\":%" PRIu64 ",\"ts_us\":%" PRId64 ",\"user_id\":\"", id, ts_us);
      p = WriteUuid(p, a, b);
      p = Put(p, "\",\"page_id\":\"");
      p = WriteUuid(p, c, d);
      p = Put(p, "\",\"ad_id\":\"");
      const std::string& ad = ad_ids[e % ad_ids.size()];
      std::memcpy(p, ad.data(), ad.size());
      p += ad.size();
      p = Put(p, "\",\"ad_type\":\"");
      p = Put(p, kAdTypes[(e >> 32) % 5]);
      p = Put(p, "\",\"event_type\":\"");
      const char* type = EventTypeOf(o.seed, id);
      p = Put(p, type);
      p = Put(p, "\",\"event_time\":\"");
      p += std::snprintf(p, 32, "%" PRId64, ts_us / 1000);
      p = Put(p, "\",\"ip_address\":\"1.2.3.4\"}");
      const size_t len = static_cast<size_t>(p - buf);
      rd_kafka_resp_err_t err_code;
      for (;;) {
        err_code = rd_kafka_producev(
            rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(static_cast<int32_t>(id % partitions)),
            RD_KAFKA_V_VALUE(buf, len), RD_KAFKA_V_TIMESTAMP(ts_us / 1000),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err_code != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        auto s0 = SteadyClock::now();
        rd_kafka_poll(rk, 1);
        stall += SteadyClock::now() - s0;
      }
      if (err_code != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "kafka_latency produce: produce failed at id %" PRIu64 ": %s\n", id,
                     rd_kafka_err2str(err_code));
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        return r;
      }
      r.bytes += len;
      if (IsExpected(expect_type, o.seed, id)) ++r.expected_views;
      ++next;
      if ((next & 63) == 0) {
        rd_kafka_poll(rk, 0);
        now = SteadyClock::now();
      }
      r.max_behind_ms = std::max(r.max_behind_ms,
                                 std::chrono::duration<double, std::milli>(now - due(id)).count());
    }
    rd_kafka_poll(rk, 0);
    if (next >= total) break;
    // Sleep until the next event is due, at least one tick.
    auto wake = std::max(due(next), SteadyClock::now() + std::chrono::microseconds(o.tick_us));
    std::this_thread::sleep_until(wake);
  }
  const auto t_last = SteadyClock::now();
  r.end_wall_us = WallMicros();
  r.produced = next;
  r.seconds = std::chrono::duration<double>(t_last - t0).count();
  // Events 0..n-1 are due over (n-1)/rate seconds; the rate counts the last
  // event's own interval.
  r.achieved_rate = next / (r.seconds + 1.0 / o.rate);
  r.enqueue_stall_ms = std::chrono::duration<double, std::milli>(stall).count();
  if (warmup >= total) r.measured_from_wall_us = r.end_wall_us;
  while (rd_kafka_outq_len(rk) > 0) {
    if (rd_kafka_flush(rk, 60000) == RD_KAFKA_RESP_ERR__TIMED_OUT) {
      std::fprintf(stderr, "kafka_latency produce: %d records still in flight after 60 s\n",
                   rd_kafka_outq_len(rk));
    }
  }
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  r.delivery_errors = g_delivery_errors.load();
  r.ok = r.delivery_errors == 0;
  return r;
}

void PrintProduce(const ProduceOptions& o, const ProduceResult& r, const std::string& expect_type) {
  std::printf(
      "RESULT produce topic=%s rate=%.0f produced=%" PRIu64 " expected=%" PRIu64
      " expect_event_type=%s warmup_ids=%" PRIu64 " achieved_rate=%.1f seconds=%.3f"
      " max_behind_ms=%.2f max_behind_events=%" PRIu64 " enqueue_stall_ms=%.1f bytes_per_event=%.1f"
      " delivery_errors=%" PRIu64 " linger_ms=%d start_wall_us=%" PRId64 " measured_from_wall_us=%" PRId64
      " end_wall_us=%" PRId64 "\n",
      o.topic.c_str(), o.rate, r.produced, r.expected_views, expect_type.empty() ? "*" : expect_type.c_str(),
      r.warmup_ids, r.achieved_rate, r.seconds, r.max_behind_ms, r.max_behind_events,
      r.enqueue_stall_ms, r.produced ? double(r.bytes) / r.produced : 0.0, r.delivery_errors,
      o.linger_ms, r.start_wall_us, r.measured_from_wall_us, r.end_wall_us);
  std::printf(
      "produce: %" PRIu64 " events (%" PRIu64 " warm-up) to %s at %.0f/s asked, %.0f/s achieved; "
      "latest hand-over %.2f ms after due, at most %" PRIu64 " events behind; %" PRIu64
      " with event_type %s\n",
      r.produced, r.warmup_ids, o.topic.c_str(), o.rate, r.achieved_rate, r.max_behind_ms,
      r.max_behind_events, r.expected_views, expect_type.empty() ? "*" : expect_type.c_str());
  std::fflush(stdout);
}

// ---- measure ------------------------------------------------------------------

struct MeasureOptions {
  std::string bootstrap, topic;
  uint64_t seed = 42;
  std::string expect_event_type = "view";
  double idle_timeout_s = 20;
  int grace_ms = 500;
  int fetch_wait_ms = 5;
  uint64_t warmup_ids = 0;
  int64_t produced = -1;  // known up front (measure after the fact), else from the producer
  std::string produced_file;
  std::vector<std::string> extra;
  // Windowed query (run --window-ms): the output holds one record per closed
  // event-time window, {"window_end_ms":E,"n":N} (the count of expected
  // events with ts_us in [E - window, E)); the reader also reads the input
  // topic (`input`) to work the counts out itself.
  int64_t window_ms = 0;
  int64_t delay_ms = 0;
  std::string input;
};

// What the producer tells the reader while both run.
struct Shared {
  std::atomic<bool> producer_done{false};
  std::atomic<bool> producer_failed{false};
  std::atomic<uint64_t> produced{0};
  std::atomic<uint64_t> warmup_ids{0};
  std::atomic<bool> reader_ready{false};
};

// Value of the integer after `"key":` in a JSON text, if found.
bool FindInt(const char* s, size_t n, const char* key, int64_t* out) {
  const size_t kl = std::strlen(key);
  for (size_t i = 0; i + kl + 3 <= n; ++i) {
    if (s[i] != '"' || std::memcmp(s + i + 1, key, kl) != 0 || s[i + 1 + kl] != '"') continue;
    size_t j = i + kl + 2;
    while (j < n && (s[j] == ' ' || s[j] == ':')) ++j;
    bool neg = false;
    if (j < n && s[j] == '-') neg = true, ++j;
    if (j >= n || s[j] < '0' || s[j] > '9') return false;
    int64_t v = 0;
    while (j < n && s[j] >= '0' && s[j] <= '9') v = v * 10 + (s[j++] - '0');
    *out = neg ? -v : v;
    return true;
  }
  return false;
}

double Percentile(std::vector<double>& v, double p) {  // nearest rank; v sorted
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size(), std::max<size_t>(k, 1)) - 1];
}

struct Stats {
  double p50, p90, p99, p999, max;
};

Stats Summarize(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  return {Percentile(v, 0.5), Percentile(v, 0.9), Percentile(v, 0.99), Percentile(v, 0.999),
          v.empty() ? 0 : v.back()};
}

// A read_committed consumer assigned to every partition of `topics` from the
// beginning (the group id is never committed); null after printing why.
rd_kafka_t* OpenReader(const MeasureOptions& o, const std::vector<std::string>& topics) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", o.bootstrap},
      {"group.id", "kafka-latency-" + std::to_string(WallMicros())},  // never committed
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "false"},
      {"isolation.level", "read_committed"},
      {"fetch.wait.max.ms", std::to_string(o.fetch_wait_ms)},
      {"fetch.min.bytes", "1"},
      {"log_level", "3"},
  };
  if (!AddExtra(o.extra, &props) || !SetConf(conf, props, "measure")) return nullptr;
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_latency measure: %s\n", err);
    return nullptr;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(8);
  for (const std::string& topic : topics) {
    const int partitions = PartitionCount(rk, topic);
    if (partitions <= 0) {
      rd_kafka_topic_partition_list_destroy(parts);
      rd_kafka_destroy(rk);
      return nullptr;
    }
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  rd_kafka_resp_err_t e = rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "kafka_latency measure: assign: %s\n", rd_kafka_err2str(e));
    rd_kafka_destroy(rk);
    return nullptr;
  }
  return rk;
}

int Measure(const MeasureOptions& o, Shared* shared) {
  rd_kafka_t* rk = OpenReader(o, {o.topic});
  if (rk == nullptr) return 2;
  if (shared) shared->reader_ready.store(true);

  // Known count (after the fact or from a file the producer wrote).
  int64_t produced = o.produced;
  uint64_t warmup_ids = o.warmup_ids;
  auto poll_produced_file = [&] {
    if (produced >= 0 || o.produced_file.empty()) return;
    std::ifstream in(o.produced_file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("RESULT produce ", 0) != 0) continue;
      auto get = [&](const char* key, int64_t* out) {
        std::string k = std::string(" ") + key + "=";
        auto pos = line.find(k);
        if (pos == std::string::npos) return false;
        *out = std::strtoll(line.c_str() + pos + k.size(), nullptr, 10);
        return true;
      };
      int64_t n, w;
      if (get("produced", &n) && get("warmup_ids", &w)) {
        produced = n;
        warmup_ids = static_cast<uint64_t>(w);
      }
    }
  };

  std::vector<uint8_t> seen;  // times each id arrived (saturating)
  uint64_t records = 0, unique = 0, duplicates = 0, unexpected = 0, unparsed = 0;
  uint64_t expected_seen = 0, not_create_time = 0;
  std::vector<double> sink_ms, visible_ms;
  std::vector<std::pair<int64_t, std::pair<double, double>>> pending;  // (id, (sink, visible))
  auto last_record = SteadyClock::now();
  SteadyClock::time_point all_seen_at{};
  bool all_seen = false;
  bool failed = false;
  int64_t counted_for = -1;  // `produced` the expected count was worked out for
  uint64_t counted = 0;
  const char* stop_reason = "all expected ids arrived";
  for (;;) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 50);
    const int64_t now_us = WallMicros();
    if (m != nullptr) {
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        last_record = SteadyClock::now();
        ++records;
        rd_kafka_timestamp_type_t tstype;
        const int64_t out_ms = rd_kafka_message_timestamp(m, &tstype);
        if (tstype != RD_KAFKA_TIMESTAMP_CREATE_TIME) ++not_create_time;
        int64_t id, ts_us;
        const char* v = static_cast<const char*>(m->payload);
        if (v == nullptr || !FindInt(v, m->len, "id", &id) || !FindInt(v, m->len, "ts_us", &ts_us) ||
            id < 0) {
          if (unparsed++ == 0) {
            std::fprintf(stderr, "kafka_latency measure: output record without id/ts_us: %.*s\n",
                         static_cast<int>(std::min<size_t>(m->len, 300)), v ? v : "");
          }
        } else {
          const auto uid = static_cast<uint64_t>(id);
          if (uid >= seen.size()) seen.resize(std::max<size_t>(uid + 1, seen.size() * 2), 0);
          if (seen[uid] == 0) {
            ++unique;
            if (IsExpected(o.expect_event_type, o.seed, uid)) {
              ++expected_seen;
            } else {
              ++unexpected;
            }
            const double s = static_cast<double>(out_ms - ts_us / 1000);
            const double vis = static_cast<double>(now_us - ts_us) / 1000.0;
            pending.push_back({id, {s, vis}});
          } else {
            ++duplicates;
          }
          if (seen[uid] < 255) ++seen[uid];
        }
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        std::fprintf(stderr, "kafka_latency measure: consume error: %s\n", rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    if (shared && produced < 0 && shared->producer_done.load()) {
      if (shared->producer_failed.load()) failed = true;
      produced = static_cast<int64_t>(shared->produced.load());
      warmup_ids = shared->warmup_ids.load();
    }
    poll_produced_file();
    if (failed) {
      stop_reason = "the producer failed";
      break;
    }
    if (produced >= 0 && !all_seen) {
      // Expected ids are those below `produced` with the wanted type.
      if (counted_for != produced) {
        counted = 0;
        for (uint64_t i = 0; i < static_cast<uint64_t>(produced); ++i) {
          counted += IsExpected(o.expect_event_type, o.seed, i);
        }
        counted_for = produced;
      }
      if (expected_seen >= counted) {
        all_seen = true;
        all_seen_at = SteadyClock::now();
      }
    }
    if (all_seen && SteadyClock::now() - all_seen_at >= std::chrono::milliseconds(o.grace_ms)) break;
    if (SteadyClock::now() - last_record > std::chrono::duration<double>(o.idle_timeout_s) &&
        (produced >= 0 || (!shared && o.produced_file.empty()))) {
      stop_reason = "idle timeout";
      break;
    }
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);

  // Missing: expected ids below `produced` never seen.
  uint64_t expected = 0, missing = 0;
  int64_t first_missing = -1;
  for (uint64_t i = 0; produced >= 0 && i < static_cast<uint64_t>(produced); ++i) {
    if (!IsExpected(o.expect_event_type, o.seed, i)) continue;
    ++expected;
    if (i >= seen.size() || seen[i] == 0) {
      if (missing++ == 0) first_missing = static_cast<int64_t>(i);
    }
  }
  uint64_t beyond = 0;  // ids at or past `produced`: not from this run
  for (uint64_t i = produced >= 0 ? static_cast<uint64_t>(produced) : 0; i < seen.size(); ++i) {
    beyond += seen[i] != 0;
  }
  for (const auto& [id, lat] : pending) {
    if (static_cast<uint64_t>(id) < warmup_ids) continue;
    sink_ms.push_back(lat.first);
    visible_ms.push_back(lat.second);
  }
  const size_t n = sink_ms.size();
  Stats s = Summarize(sink_ms), v = Summarize(visible_ms);
  const bool exact = produced >= 0 && missing == 0 && duplicates == 0 && unexpected == 0 &&
                     unparsed == 0 && beyond == 0;
  std::printf(
      "RESULT measure topic=%s records=%" PRIu64 " unique=%" PRIu64 " expected=%" PRIu64
      " missing=%" PRIu64 " first_missing_id=%" PRId64 " duplicates=%" PRIu64 " unexpected=%" PRIu64
      " unknown_ids=%" PRIu64 " unparsed=%" PRIu64 " not_create_time=%" PRIu64 " warmup_ids=%" PRIu64
      " measured=%zu sink_p50_ms=%.0f sink_p90_ms=%.0f sink_p99_ms=%.0f sink_p999_ms=%.0f"
      " sink_max_ms=%.0f visible_p50_ms=%.2f visible_p90_ms=%.2f visible_p99_ms=%.2f"
      " visible_p999_ms=%.2f visible_max_ms=%.2f exact=%d stop=\"%s\"\n",
      o.topic.c_str(), records, unique, expected, missing, first_missing, duplicates, unexpected,
      beyond, unparsed, not_create_time, warmup_ids, n, s.p50, s.p90, s.p99, s.p999, s.max, v.p50,
      v.p90, v.p99, v.p999, v.max, exact ? 1 : 0, stop_reason);
  std::printf(
      "measure: %" PRIu64 " records from %s, %" PRIu64 " of %" PRIu64 " expected ids (%" PRIu64
      " missing, %" PRIu64 " duplicates, %" PRIu64 " unexpected); over %zu records after warm-up: "
      "sink latency p50 %.0f p90 %.0f p99 %.0f p99.9 %.0f max %.0f ms; visible (read_committed) "
      "p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f ms (%s)\n",
      records, o.topic.c_str(), expected - missing, expected, missing, duplicates, unexpected, n,
      s.p50, s.p90, s.p99, s.p999, s.max, v.p50, v.p90, v.p99, v.p999, v.max, stop_reason);
  std::fflush(stdout);
  if (failed || produced < 0) return 2;
  return exact ? 0 : 3;
}

// The windowed reader: input and output topics on one consumer. A window
// [E - W, E) closes once the watermark (the largest event time seen minus
// the delay) passes E, i.e. once an event at E + delay or later has been
// processed; its latency is the output record's timestamp (sink) or the
// receipt time (visible) minus E + delay. Every window that must have
// closed (E + delay <= the last expected event's time) is checked: present
// once, with the count of expected events the reader saw in the input.
int MeasureWindows(const MeasureOptions& o, Shared* shared) {
  if (o.input == o.topic) {
    std::fprintf(stderr, "kafka_latency measure: the windowed reader needs distinct input and output topics\n");
    return 2;
  }
  rd_kafka_t* rk = OpenReader(o, {o.input, o.topic});
  if (rk == nullptr) return 2;
  if (shared) shared->reader_ready.store(true);

  const int64_t W = o.window_ms;
  std::map<int64_t, int64_t> expected_count;  // window end (ms) -> expected events in it
  struct Out {
    int64_t n = 0;
    int copies = 0;
    double sink = 0, visible = 0;
  };
  std::map<int64_t, Out> out;  // window end -> what the job wrote
  int64_t max_ts_ms = -1, warmup_end_ms = -1, inputs = 0, unparsed = 0;
  auto last_record = SteadyClock::now();
  bool producer_done = false, failed = false;
  SteadyClock::time_point all_at{};  // when every closed window was there
  const char* stop_reason = "every closed window arrived";
  for (;;) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 50);
    const int64_t now_us = WallMicros();
    if (m != nullptr) {
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        last_record = SteadyClock::now();
        const char* v = static_cast<const char*>(m->payload);
        const bool is_input = std::strcmp(rd_kafka_topic_name(m->rkt), o.input.c_str()) == 0;
        int64_t id, ts_us, end, n;
        if (is_input) {
          if (v != nullptr && FindInt(v, m->len, "id", &id) && FindInt(v, m->len, "ts_us", &ts_us) && id >= 0) {
            ++inputs;
            const int64_t ts_ms = ts_us / 1000;
            if (static_cast<uint64_t>(id) < (shared ? shared->warmup_ids.load() : o.warmup_ids)) {
              warmup_end_ms = std::max(warmup_end_ms, ts_ms);
            }
            if (IsExpected(o.expect_event_type, o.seed, static_cast<uint64_t>(id))) {
              ++expected_count[ts_ms - ((ts_ms % W) + W) % W + W];
              // The job's watermark sees only the events its filter keeps:
              // a window is closed by the last expected event, not by a
              // later filtered-out one (a CI run expected a window whose
              // closing events were all clicks, and failed).
              max_ts_ms = std::max(max_ts_ms, ts_ms);
            }
          } else {
            ++unparsed;
          }
        } else if (v != nullptr && FindInt(v, m->len, "window_end_ms", &end) && FindInt(v, m->len, "n", &n)) {
          rd_kafka_timestamp_type_t tstype;
          const int64_t out_ms = rd_kafka_message_timestamp(m, &tstype);
          Out& w = out[end];
          if (w.copies++ == 0) {
            w.n = n;
            w.sink = static_cast<double>(out_ms - (end + o.delay_ms));
            w.visible = static_cast<double>(now_us) / 1000.0 - static_cast<double>(end + o.delay_ms);
          }
        } else if (unparsed++ == 0) {
          std::fprintf(stderr, "kafka_latency measure: output record without window_end_ms/n: %.*s\n",
                       static_cast<int>(std::min<size_t>(m->len, 300)), v ? v : "");
        }
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        std::fprintf(stderr, "kafka_latency measure: consume error: %s\n", rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    if (shared && shared->producer_done.load()) {
      producer_done = true;
      failed = shared->producer_failed.load();
    }
    if (failed) {
      stop_reason = "the producer failed";
      break;
    }
    if (producer_done && static_cast<uint64_t>(inputs) >= shared->produced.load()) {
      // Every window that must close is there (and a grace for duplicates).
      bool all = true;
      for (const auto& [end, count] : expected_count) {
        if (end + o.delay_ms <= max_ts_ms && !out.count(end)) all = false;
      }
      if (all && all_at == SteadyClock::time_point{}) all_at = SteadyClock::now();
      if (all && SteadyClock::now() - all_at >= std::chrono::milliseconds(o.grace_ms)) break;
    }
    if (producer_done && SteadyClock::now() - last_record > std::chrono::duration<double>(o.idle_timeout_s)) {
      stop_reason = "idle timeout";
      break;
    }
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);

  int64_t closed = 0, missing = 0, wrong = 0, duplicates = 0, unknown = 0;
  std::vector<double> sink_ms, visible_ms;
  for (const auto& [end, count] : expected_count) {
    if (end + o.delay_ms > max_ts_ms) continue;  // not closed by the data produced
    ++closed;
    auto it = out.find(end);
    if (it == out.end()) {
      if (missing++ == 0) std::fprintf(stderr, "kafka_latency measure: window ending %" PRId64 " missing\n", end);
      continue;
    }
    if (it->second.n != count && wrong++ == 0) {
      std::fprintf(stderr, "kafka_latency measure: window ending %" PRId64 " has n=%" PRId64 ", the input %" PRId64 "\n",
                   end, it->second.n, count);
    }
    if (end - W > warmup_end_ms) {
      sink_ms.push_back(it->second.sink);
      visible_ms.push_back(it->second.visible);
    }
  }
  for (const auto& [end, w] : out) {
    duplicates += w.copies - 1;
    unknown += expected_count.count(end) == 0;
  }
  Stats s = Summarize(sink_ms), v = Summarize(visible_ms);
  const bool exact = !failed && missing == 0 && wrong == 0 && duplicates == 0 && unknown == 0 && unparsed == 0;
  std::printf(
      "RESULT measure topic=%s windowed=1 window_ms=%" PRId64 " delay_ms=%" PRId64 " inputs=%" PRId64
      " closed_windows=%" PRId64 " missing=%" PRId64 " wrong_counts=%" PRId64 " duplicates=%" PRId64
      " unknown_windows=%" PRId64 " unparsed=%" PRId64 " measured=%zu sink_p50_ms=%.0f sink_p90_ms=%.0f"
      " sink_p99_ms=%.0f sink_p999_ms=%.0f sink_max_ms=%.0f visible_p50_ms=%.2f visible_p90_ms=%.2f"
      " visible_p99_ms=%.2f visible_p999_ms=%.2f visible_max_ms=%.2f exact=%d stop=\"%s\"\n",
      o.topic.c_str(), W, o.delay_ms, inputs, closed, missing, wrong, duplicates, unknown, unparsed,
      sink_ms.size(), s.p50, s.p90, s.p99, s.p999, s.max, v.p50, v.p90, v.p99, v.p999, v.max, exact ? 1 : 0,
      stop_reason);
  std::printf(
      "measure: %" PRId64 " closed %" PRId64 " ms windows (%" PRId64 " missing, %" PRId64 " wrong counts, %" PRId64
      " duplicates); latency past window end + %" PRId64 " ms delay over %zu windows after warm-up: sink p50 %.0f"
      " p99 %.0f max %.0f ms; visible (read_committed) p50 %.1f p99 %.1f max %.1f ms (%s)\n",
      closed, W, missing, wrong, duplicates, o.delay_ms, sink_ms.size(), s.p50, s.p99, s.max, v.p50, v.p99, v.max,
      stop_reason);
  std::fflush(stdout);
  if (failed) return 2;
  return exact ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Event-to-sink latency harness: fixed-rate producer and read_committed reader"};
  app.require_subcommand(1);
  ProduceOptions po;
  MeasureOptions mo;

  auto add_produce = [&](CLI::App* c) {
    c->add_option("--rate", po.rate, "events per second")->capture_default_str();
    c->add_option("--seconds", po.seconds, "seconds of measured events")->capture_default_str();
    c->add_option("--warmup-seconds", po.warmup_seconds,
                  "seconds of events before those (same rate; left out of the percentiles)")
        ->capture_default_str();
    c->add_option("--linger-ms", po.linger_ms, "producer linger.ms")->capture_default_str();
    c->add_option("--tick-us", po.tick_us, "producer tick (microseconds)")->capture_default_str();
    c->add_option("-X", po.extra, "extra producer property KEY=VALUE (repeatable)");
  };
  auto add_measure = [&](CLI::App* c) {
    c->add_option("--idle-timeout", mo.idle_timeout_s,
                  "stop after this many seconds without an output record (once the producer is done)")
        ->capture_default_str();
    c->add_option("--grace-ms", mo.grace_ms, "wait for duplicates after the last expected id")
        ->capture_default_str();
    c->add_option("--fetch-wait-ms", mo.fetch_wait_ms, "reader fetch.wait.max.ms")->capture_default_str();
    c->add_option("-C", mo.extra, "extra consumer property KEY=VALUE (repeatable)");
  };
  auto add_common = [&](CLI::App* c) {
    c->add_option("--bootstrap", po.bootstrap, "bootstrap.servers")->required();
    c->add_option("--seed", po.seed, "seed of the events (event_type of each id)")->capture_default_str();
    c->add_option("--expect-event-type", mo.expect_event_type,
                  "the ids expected in the output: those with this event_type ('' = all)")
        ->capture_default_str();
  };

  auto* produce = app.add_subcommand("produce", "fixed-rate producer");
  add_common(produce);
  produce->add_option("--topic", po.topic, "input topic")->required();
  produce->add_option("--result-file", po.result_file, "also write the RESULT line here (for measure)");
  add_produce(produce);

  auto* measure = app.add_subcommand("measure", "read_committed reader of the output topic");
  add_common(measure);
  measure->add_option("--topic", mo.topic, "output topic")->required();
  auto* pf = measure->add_option("--produced-file", mo.produced_file,
                                 "the producer's --result-file: read the count from it when it appears");
  auto* pn = measure->add_option("--produced", mo.produced, "ids 0..N-1 were produced");
  pf->excludes(pn);
  measure->add_option("--warmup-ids", mo.warmup_ids, "ids below this stay out of the percentiles");
  add_measure(measure);

  auto* run = app.add_subcommand("run", "produce and measure at once");
  add_common(run);
  run->add_option("--input", po.topic, "input topic")->required();
  run->add_option("--output", mo.topic, "output topic")->required();
  run->add_option("--window-ms", mo.window_ms,
                  "the job counts expected events per tumbling event-time window of this size and writes "
                  "{\"window_end_ms\":E,\"n\":N} per closed window (0: the stateless job)")
      ->capture_default_str();
  run->add_option("--delay-ms", mo.delay_ms, "the job's watermark delay (windowed)")->capture_default_str();
  add_produce(run);
  add_measure(run);

  CLI11_PARSE(app, argc, argv);
  mo.bootstrap = po.bootstrap;
  mo.seed = po.seed;
  if (po.rate <= 0) {
    std::fprintf(stderr, "kafka_latency: --rate must be positive\n");
    return 2;
  }

  if (*produce) {
    ProduceResult r = Produce(po, mo.expect_event_type);
    if (r.produced == 0 && !r.ok) return 2;
    PrintProduce(po, r, mo.expect_event_type);
    if (!po.result_file.empty()) {
      // Written whole under a temporary name, then renamed: a reader never
      // sees half a line.
      std::string tmp = po.result_file + ".tmp";
      FILE* f = std::fopen(tmp.c_str(), "w");
      if (f == nullptr) return 2;
      std::fprintf(f, "RESULT produce produced=%" PRIu64 " warmup_ids=%" PRIu64 "\n", r.produced, r.warmup_ids);
      std::fclose(f);
      if (std::rename(tmp.c_str(), po.result_file.c_str()) != 0) return 2;
    }
    return r.ok ? 0 : 2;
  }
  if (*measure) return Measure(mo, nullptr);

  Shared shared;
  std::atomic<int> measure_rc{-1};
  mo.input = po.topic;
  std::thread reader([&] { measure_rc.store(mo.window_ms > 0 ? MeasureWindows(mo, &shared) : Measure(mo, &shared)); });
  while (!shared.reader_ready.load() && measure_rc.load() < 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (measure_rc.load() > 0) {  // the reader could not start
    reader.join();
    return measure_rc.load();
  }
  ProduceResult r = Produce(po, mo.expect_event_type);
  PrintProduce(po, r, mo.expect_event_type);
  shared.produced.store(r.produced);
  shared.warmup_ids.store(r.warmup_ids);
  shared.producer_failed.store(!r.ok);
  shared.producer_done.store(true);
  reader.join();
  if (!r.ok) return 2;
  return measure_rc.load();
}
