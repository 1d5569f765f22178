// ysb_check: the Yahoo Streaming Benchmark's reader (bench/ysb/run.sh). It
// works the expected counts out of the input topic itself, independently of
// any engine, and checks the engine's output topic against them; with
// --latency it also measures each window's latency.
//
//   ysb_check --bootstrap B --input ads --output out --table campaigns.csv --events N
//
// The input: kafka_load's ad events (bench/kafka/kafka_load.cc), JSON with
// "ad_id", "event_type" and "event_time" (epoch milliseconds, as a string).
// The table: CSV "ad_id,campaign_id" (kafka_load --campaign-table). The
// expected result: for every view, its ad's campaign and its 10-second
// event-time window [floor(t / W) * W, + W): the count of views per
// (campaign, window), and the latest view's event time in it.
//
// The output: one JSON record per (campaign, window) update,
//   {"campaign_id":"<uuid>","window_end_ms":E,"count":N}
// read from every partition from the beginning with isolation.level
// read_committed, until the input holds --events records and every window
// that must be there is there with its count (then --grace-ms more for
// extra records), or --idle-timeout seconds pass without a record.
//
// --mode update (YSB's own semantics: a window's count is written again as
//   it grows): every window must appear; its largest count must equal the
//   expected one, and no record may exceed it. The window's final count is
//   written by the first record that carries it.
// --mode append (a window is written once, when the watermark passes its
//   end): every window whose end + --delay-ms <= the latest event time in
//   the input must appear exactly once, with the expected count; later
//   windows are not closed by the input and are not checked.
//
// --latency: per window with the right final count,
//   latency = when the final count was written - the event time of the
//             window's last view (the record's Kafka timestamp for "sink",
//             when this reader received it for "visible": the latter
//             includes the transaction commit of an exactly-once sink)
// and the same measured from the window's end (YSB's original figure,
// "window end"). Windows that start before the first event time +
// --warmup-ms stay out of the percentiles. Meaningful only when event time
// is the wall clock (kafka_load --rate).
//
// Output: "RESULT key=value ..." and a human line. digest= is a 64-bit
// FNV-1a hash of the sorted lines "campaign_id,window_end_ms,count" of the
// final counts (expected_digest= of the expected ones): two engines agree
// when their digests are equal. Exit 0 when every window checked is right,
// 3 otherwise, 2 for errors.
#include <librdkafka/rdkafka.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The position just past `"key":` (and spaces) in the JSON text, or npos.
size_t ValueAt(const char* s, size_t n, const char* key) {
  const size_t kl = std::strlen(key);
  for (size_t i = 0; i + kl + 3 <= n; ++i) {
    if (s[i] != '"' || std::memcmp(s + i + 1, key, kl) != 0 || s[i + 1 + kl] != '"') continue;
    size_t j = i + kl + 2;
    while (j < n && (s[j] == ' ' || s[j] == ':')) ++j;
    return j;
  }
  return std::string::npos;
}

// A string value (no escapes in these records), or false.
bool FindString(const char* s, size_t n, const char* key, std::string* out) {
  size_t j = ValueAt(s, n, key);
  if (j == std::string::npos || j >= n || s[j] != '"') return false;
  const char* end = static_cast<const char*>(std::memchr(s + j + 1, '"', n - j - 1));
  if (end == nullptr) return false;
  out->assign(s + j + 1, end);
  return true;
}

// An integer value, bare or quoted ("event_time":"1700000000000").
bool FindInt(const char* s, size_t n, const char* key, int64_t* out) {
  size_t j = ValueAt(s, n, key);
  if (j == std::string::npos) return false;
  if (j < n && s[j] == '"') ++j;
  bool neg = false;
  if (j < n && s[j] == '-') neg = true, ++j;
  if (j >= n || s[j] < '0' || s[j] > '9') return false;
  int64_t v = 0;
  while (j < n && s[j] >= '0' && s[j] <= '9') v = v * 10 + (s[j++] - '0');
  *out = neg ? -v : v;
  return true;
}

double Percentile(const std::vector<double>& v, double p) {  // nearest rank; v sorted
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size(), std::max<size_t>(k, 1)) - 1];
}

uint64_t Fnv1a(uint64_t h, const std::string& s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

struct Key {
  std::string campaign;
  int64_t end;
  bool operator<(const Key& o) const { return end != o.end ? end < o.end : campaign < o.campaign; }
};

struct Expected {
  int64_t count = 0;
  int64_t last_event_ms = 0;
};

struct Written {
  int64_t max_count = -1;
  int64_t records = 0;
  std::vector<std::pair<int64_t, int64_t>> seen;   // (count, Kafka timestamp ms) per record
  std::vector<std::pair<int64_t, int64_t>> times;  // (count, when this reader received it)
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"YSB reader: expected counts from the input, the engine's output checked, window latency"};
  std::string bootstrap, input, output, table, mode = "update";
  int64_t events = -1, window_ms = 10000, delay_ms = 0, warmup_ms = 0;
  double idle_timeout_s = 30;
  int grace_ms = 500;
  bool latency = false;
  app.add_option("--bootstrap", bootstrap, "bootstrap.servers")->required();
  app.add_option("--input", input, "the input topic (ad events)")->required();
  app.add_option("--output", output, "the engine's output topic")->required();
  app.add_option("--table", table, "the ad -> campaign CSV (ad_id,campaign_id)")->required();
  app.add_option("--events", events, "the input holds this many records once complete")->required();
  app.add_option("--window-ms", window_ms, "tumbling window size")->capture_default_str();
  app.add_option("--mode", mode, "update | append")->capture_default_str();
  app.add_option("--delay-ms", delay_ms, "the job's watermark delay (append)")->capture_default_str();
  app.add_option("--idle-timeout", idle_timeout_s, "stop after this many seconds without a record")
      ->capture_default_str();
  app.add_option("--grace-ms", grace_ms, "wait for extra records once everything arrived")->capture_default_str();
  app.add_flag("--latency", latency, "measure each window's latency (event time = wall clock)");
  app.add_option("--warmup-ms", warmup_ms, "windows starting this soon after the first event stay out of the latency")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (mode != "update" && mode != "append") {
    std::fprintf(stderr, "ysb_check: --mode must be update or append\n");
    return 2;
  }
  if (window_ms <= 0 || input == output) {
    std::fprintf(stderr, "ysb_check: --window-ms must be positive and --input differ from --output\n");
    return 2;
  }

  std::unordered_map<std::string, std::string> campaign_of;
  {
    std::ifstream f(table);
    std::string line;
    bool header = true;
    while (std::getline(f, line)) {
      if (header) {
        header = false;
        continue;
      }
      auto comma = line.find(',');
      if (comma != std::string::npos) campaign_of[line.substr(0, comma)] = line.substr(comma + 1);
    }
    if (campaign_of.empty()) {
      std::fprintf(stderr, "ysb_check: no ad in %s\n", table.c_str());
      return 2;
    }
  }

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", bootstrap},
      {"group.id", "ysb-check-" + std::to_string(WallMillis())},  // never committed
      {"enable.auto.commit", "false"},
      {"isolation.level", "read_committed"},
      {"fetch.wait.max.ms", "5"},
      {"log_level", "3"},
  };
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "ysb_check: %s=%s: %s\n", k.c_str(), v.c_str(), err);
      return 2;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "ysb_check: %s\n", err);
    return 2;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(8);
  for (const std::string& topic : {input, output}) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].err) {
      std::fprintf(stderr, "ysb_check: no metadata for topic %s\n", topic.c_str());
      return 2;
    }
    for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
      rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
  }
  if (rd_kafka_assign(rk, parts) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "ysb_check: assign failed\n");
    return 2;
  }
  rd_kafka_topic_partition_list_destroy(parts);

  std::map<Key, Expected> expected;
  std::map<Key, Written> written;
  int64_t inputs = 0, views = 0, unknown_ads = 0, unparsed = 0, outputs = 0, tombstones = 0;
  int64_t min_event_ms = INT64_MAX, max_event_ms = INT64_MIN;
  auto last_record = SteadyClock::now();
  SteadyClock::time_point all_at{};
  const char* stop = "every window arrived";
  std::string ad, type, campaign;
  // Whether window `k` must be in the output (append: closed by the input).
  auto must_close = [&](const Key& k) { return mode == "update" || k.end + delay_ms <= max_event_ms; };
  for (;;) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 50);
    if (m != nullptr) {
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        last_record = SteadyClock::now();
        const char* v = static_cast<const char*>(m->payload);
        const size_t n = v ? m->len : 0;
        if (std::strcmp(rd_kafka_topic_name(m->rkt), input.c_str()) == 0) {
          ++inputs;
          int64_t t;
          if (!FindString(v, n, "ad_id", &ad) || !FindString(v, n, "event_type", &type) ||
              !FindInt(v, n, "event_time", &t)) {
            ++unparsed;
          } else {
            min_event_ms = std::min(min_event_ms, t);
            max_event_ms = std::max(max_event_ms, t);
            if (type == "view") {
              ++views;
              auto it = campaign_of.find(ad);
              if (it == campaign_of.end()) {
                ++unknown_ads;
              } else {
                const int64_t start = t - ((t % window_ms) + window_ms) % window_ms;
                Expected& x = expected[Key{it->second, start + window_ms}];
                ++x.count;
                x.last_event_ms = std::max(x.last_event_ms, t);
              }
            }
          }
        } else if (v == nullptr) {
          ++tombstones;  // an upsert sink's delete: no count to check
        } else {
          ++outputs;
          int64_t end, count;
          if (!FindString(v, n, "campaign_id", &campaign) || !FindInt(v, n, "window_end_ms", &end) ||
              !FindInt(v, n, "count", &count)) {
            if (unparsed++ == 0) {
              std::fprintf(stderr, "ysb_check: output record without campaign_id/window_end_ms/count: %.*s\n",
                           static_cast<int>(std::min<size_t>(n, 300)), v ? v : "");
            }
          } else {
            rd_kafka_timestamp_type_t tstype;
            Written& w = written[Key{campaign, end}];
            ++w.records;
            w.max_count = std::max(w.max_count, count);
            w.seen.emplace_back(count, rd_kafka_message_timestamp(m, &tstype));
            w.times.emplace_back(count, WallMillis());
          }
        }
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        std::fprintf(stderr, "ysb_check: consume error: %s\n", rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    if (inputs >= events) {
      bool all = true;
      for (const auto& [k, x] : expected) {
        if (!must_close(k)) continue;
        auto it = written.find(k);
        if (it == written.end() || it->second.max_count < x.count) {
          all = false;
          break;
        }
      }
      if (all && all_at == SteadyClock::time_point{}) all_at = SteadyClock::now();
      if (all && SteadyClock::now() - all_at >= std::chrono::milliseconds(grace_ms)) break;
    }
    if (SteadyClock::now() - last_record > std::chrono::duration<double>(idle_timeout_s)) {
      stop = inputs >= events ? "idle timeout" : "idle timeout before the whole input was read";
      break;
    }
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);

  int64_t checked = 0, missing = 0, wrong = 0, over = 0, duplicates = 0, unknown = 0;
  std::vector<double> sink, visible, sink_end, visible_end;
  uint64_t digest = 0xcbf29ce484222325ULL, expected_digest = 0xcbf29ce484222325ULL;
  for (const auto& [k, x] : expected) {
    if (!must_close(k)) continue;
    ++checked;
    const std::string line = k.campaign + "," + std::to_string(k.end) + "," + std::to_string(x.count) + "\n";
    expected_digest = Fnv1a(expected_digest, line);
    auto it = written.find(k);
    if (it == written.end()) {
      if (missing++ == 0) std::fprintf(stderr, "ysb_check: window %s ending %" PRId64 " missing\n", k.campaign.c_str(), k.end);
      continue;
    }
    const Written& w = it->second;
    digest = Fnv1a(digest, k.campaign + "," + std::to_string(k.end) + "," + std::to_string(w.max_count) + "\n");
    if (w.max_count != x.count) {
      if (wrong++ == 0) {
        std::fprintf(stderr, "ysb_check: window %s ending %" PRId64 " has count %" PRId64 ", the input %" PRId64 "\n",
                     k.campaign.c_str(), k.end, w.max_count, x.count);
      }
      continue;
    }
    int64_t copies = 0;
    size_t first = w.seen.size();
    for (size_t i = 0; i < w.seen.size(); ++i) {
      if (w.seen[i].first != x.count) continue;
      if (copies++ == 0) first = i;
    }
    if (mode == "append") duplicates += w.records - 1;
    else duplicates += copies - 1;
    if (latency && k.end - window_ms >= min_event_ms + warmup_ms && first < w.seen.size()) {
      sink.push_back(static_cast<double>(w.seen[first].second - x.last_event_ms));
      visible.push_back(static_cast<double>(w.times[first].second - x.last_event_ms));
      sink_end.push_back(static_cast<double>(w.seen[first].second - k.end));
      visible_end.push_back(static_cast<double>(w.times[first].second - k.end));
    }
  }
  for (const auto& [k, w] : written) {
    auto it = expected.find(k);
    if (it == expected.end()) {
      if (unknown++ == 0) std::fprintf(stderr, "ysb_check: window %s ending %" PRId64 " not in the input\n", k.campaign.c_str(), k.end);
    } else if (w.max_count > it->second.count) {
      ++over;
    }
  }
  for (auto* v : {&sink, &visible, &sink_end, &visible_end}) std::sort(v->begin(), v->end());
  const bool exact = inputs >= events && missing == 0 && wrong == 0 && over == 0 && unknown == 0 &&
                     unknown_ads == 0 && unparsed == 0 && (mode == "update" || duplicates == 0);
  std::printf(
      "RESULT ysb_check output=%s mode=%s inputs=%" PRId64 " views=%" PRId64 " windows=%" PRId64
      " missing=%" PRId64 " wrong=%" PRId64 " over=%" PRId64 " unknown_windows=%" PRId64 " duplicates=%" PRId64
      " unknown_ads=%" PRId64 " unparsed=%" PRId64 " output_records=%" PRId64 " tombstones=%" PRId64 " digest=%016" PRIx64
      " expected_digest=%016" PRIx64 " measured=%zu last_event_p50_ms=%.0f last_event_p90_ms=%.0f"
      " last_event_p99_ms=%.0f last_event_max_ms=%.0f visible_p50_ms=%.0f visible_p99_ms=%.0f"
      " visible_max_ms=%.0f window_end_p50_ms=%.0f window_end_p99_ms=%.0f window_end_max_ms=%.0f"
      " visible_end_p50_ms=%.0f visible_end_p99_ms=%.0f exact=%d stop=\"%s\"\n",
      output.c_str(), mode.c_str(), inputs, views, checked, missing, wrong, over, unknown, duplicates, unknown_ads,
      unparsed, outputs, tombstones, digest, expected_digest, sink.size(), Percentile(sink, 0.5), Percentile(sink, 0.9),
      Percentile(sink, 0.99), sink.empty() ? 0.0 : sink.back(), Percentile(visible, 0.5), Percentile(visible, 0.99),
      visible.empty() ? 0.0 : visible.back(), Percentile(sink_end, 0.5), Percentile(sink_end, 0.99),
      sink_end.empty() ? 0.0 : sink_end.back(), Percentile(visible_end, 0.5), Percentile(visible_end, 0.99),
      exact ? 1 : 0, stop);
  std::printf("ysb_check: %s: %" PRId64 " inputs (%" PRId64 " views), %" PRId64 " windows checked: %" PRId64
              " missing, %" PRId64 " wrong, %" PRId64 " over, %" PRId64 " not in the input, %" PRId64
              " repeated final counts, %" PRId64 " views of ads not in the table, %" PRId64 " unparsed (%s)\n",
              output.c_str(), inputs, views, checked, missing, wrong, over, unknown, duplicates, unknown_ads,
              unparsed, stop);
  if (latency) {
    std::printf("ysb_check: latency of the final count after the window's last view over %zu windows: sink p50 %.0f "
                "p99 %.0f max %.0f ms, visible (read_committed) p50 %.0f p99 %.0f ms\n",
                sink.size(), Percentile(sink, 0.5), Percentile(sink, 0.99), sink.empty() ? 0.0 : sink.back(),
                Percentile(visible, 0.5), Percentile(visible, 0.99));
  }
  std::fflush(stdout);
  return exact ? 0 : 3;
}
