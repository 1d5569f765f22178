// kafka_consume_raw: the ceiling for any Kafka source on this machine. Reads
// a whole topic (every partition, from its low watermark to the high
// watermark seen at start) with librdkafka as fast as it goes: assign() on
// explicit partitions (no consumer group, no commits), tuned fetches, batch
// consumption from the consumer queue, one consumer per thread with the
// partitions dealt round-robin over the threads. Every value byte is read
// (summed into a checksum) so nothing is left untouched that a real source
// would have to touch.
//
//   kafka_consume_raw --bootstrap 127.0.0.1:PORT --topic ads [--threads 2]
//
// Prints events/s, MB/s, events/s per core (user+sys CPU time of the whole
// process, librdkafka's threads included) and peak RSS; the last line,
// starting with "RESULT", is meant for scripts.
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Config {
  std::string bootstrap, topic;
  int threads = 1;
  int batch = 8192;
  // Measured on the 2-core machine (docs/benchmarks.md): per-partition
  // fetches of 0.5-2 MB cost 35-40% less CPU per event than 16 MB ones (each
  // fetch response lands in a fresh buffer; big ones are fresh mmaps that
  // page-fault on every page) and use a quarter of the memory.
  std::string fetch_max_bytes = "52428800";          // 50 MB per fetch request
  std::string max_partition_fetch_bytes = "2097152";  // 2 MB per partition
  std::string queued_max_kbytes = "65536";           // 64 MB prefetched per consumer
  std::vector<std::string> extra;
  double timeout_s = 600;
};

struct PartitionRange {
  int32_t partition;
  int64_t low, high;
};

struct ThreadResult {
  uint64_t messages = 0, bytes = 0, checksum = 0, errors = 0;
  std::string error;
};

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Reads every byte of the value: 8 bytes at a time plus the tail.
inline uint64_t Touch(const uint8_t* p, size_t n) {
  uint64_t a = 0, b = 0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    uint64_t x, y;
    std::memcpy(&x, p + i, 8);
    std::memcpy(&y, p + i + 8, 8);
    a += x;
    b ^= y;
  }
  for (; i < n; ++i) a += p[i];
  return a + b;
}

rd_kafka_t* NewConsumer(const Config& c, std::string* error) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", c.bootstrap},
      // librdkafka 2.0 wants a group.id even for assign(); the consumer
      // never joins it and commits nothing.
      {"group.id", "sluice-consume-raw"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
      {"fetch.max.bytes", c.fetch_max_bytes},
      {"max.partition.fetch.bytes", c.max_partition_fetch_bytes},
      {"receive.message.max.bytes", std::to_string(std::stoll(c.fetch_max_bytes) + 1000000)},
      {"queued.max.messages.kbytes", c.queued_max_kbytes},
      {"queued.min.messages", "1000000"},
      {"fetch.wait.max.ms", "100"},
      {"fetch.min.bytes", "1"},
      {"check.crcs", "false"},
      {"log_level", "3"},
  };
  for (const auto& kv : c.extra) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      *error = "-X wants KEY=VALUE, got " + kv;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
    props.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      *error = k + "=" + v + ": " + err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) *error = err;
  return rk;
}

void Consume(const Config& c, const std::vector<PartitionRange>& parts, ThreadResult* out) {
  std::string error;
  rd_kafka_t* rk = NewConsumer(c, &error);
  if (rk == nullptr) {
    out->error = error;
    ++out->errors;
    return;
  }
  // Highest offset still to read per partition (index = partition id).
  int32_t max_p = 0;
  for (const auto& r : parts) max_p = std::max(max_p, r.partition);
  std::vector<int64_t> last(max_p + 1, -1);
  size_t remaining = 0;
  rd_kafka_topic_partition_list_t* tpl = rd_kafka_topic_partition_list_new(static_cast<int>(parts.size()));
  for (const auto& r : parts) {
    if (r.high <= r.low) continue;
    rd_kafka_topic_partition_list_add(tpl, c.topic.c_str(), r.partition)->offset = r.low;
    last[r.partition] = r.high - 1;
    ++remaining;
  }
  rd_kafka_resp_err_t e = rd_kafka_assign(rk, tpl);
  rd_kafka_topic_partition_list_destroy(tpl);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out->error = std::string("assign: ") + rd_kafka_err2str(e);
    ++out->errors;
    remaining = 0;
  }
  rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk);
  std::vector<rd_kafka_message_t*> msgs(c.batch);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(c.timeout_s);
  uint64_t n = 0, bytes = 0, sum = 0;
  while (remaining > 0) {
    ssize_t got = rd_kafka_consume_batch_queue(q, 100, msgs.data(), msgs.size());
    if (got < 0) {
      out->error = std::string("consume: ") + rd_kafka_err2str(rd_kafka_last_error());
      ++out->errors;
      break;
    }
    for (ssize_t i = 0; i < got; ++i) {
      rd_kafka_message_t* m = msgs[i];
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (out->errors++ == 0) out->error = rd_kafka_message_errstr(m);
      } else {
        ++n;
        bytes += m->len;
        sum += Touch(static_cast<const uint8_t*>(m->payload), m->len);
        int64_t& l = last[m->partition];
        if (l >= 0 && m->offset >= l) {
          l = -1;
          --remaining;
        }
      }
      rd_kafka_message_destroy(m);
    }
    if (got == 0 && std::chrono::steady_clock::now() > deadline) {
      out->error = "timed out";
      ++out->errors;
      break;
    }
  }
  out->messages = n;
  out->bytes = bytes;
  out->checksum = sum;
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);  // no consumer_close: there is no group to leave
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Raw librdkafka consume rate of a whole topic (the Kafka ceiling)"};
  Config c;
  app.add_option("--bootstrap", c.bootstrap, "bootstrap.servers")->required();
  app.add_option("--topic", c.topic, "topic to read")->required();
  app.add_option("--threads", c.threads, "consumer threads (each with its own consumer)")
      ->capture_default_str();
  app.add_option("--batch", c.batch, "messages per rd_kafka_consume_batch_queue call")
      ->capture_default_str();
  app.add_option("--fetch-max-bytes", c.fetch_max_bytes, "fetch.max.bytes")->capture_default_str();
  app.add_option("--max-partition-fetch-bytes", c.max_partition_fetch_bytes,
                 "max.partition.fetch.bytes")
      ->capture_default_str();
  app.add_option("--queued-max-kbytes", c.queued_max_kbytes, "queued.max.messages.kbytes")
      ->capture_default_str();
  app.add_option("--timeout", c.timeout_s, "give up after this many seconds")->capture_default_str();
  app.add_option("-X", c.extra, "extra librdkafka property KEY=VALUE (repeatable)");
  CLI11_PARSE(app, argc, argv);
  if (c.threads < 1) c.threads = 1;

  // Partitions and their watermarks, through a throwaway consumer.
  std::string error;
  rd_kafka_t* meta = NewConsumer(c, &error);
  if (meta == nullptr) {
    std::fprintf(stderr, "kafka_consume_raw: %s\n", error.c_str());
    return 2;
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(meta, c.topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(meta, 0, rkt, &md, 10000);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].err) {
    std::fprintf(stderr, "kafka_consume_raw: no metadata for topic %s: %s\n", c.topic.c_str(),
                 rd_kafka_err2str(e ? e : md->topics[0].err));
    return 1;
  }
  std::vector<PartitionRange> ranges;
  for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
    PartitionRange r{md->topics[0].partitions[i].id, 0, 0};
    e = rd_kafka_query_watermark_offsets(meta, c.topic.c_str(), r.partition, &r.low, &r.high, 10000);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kafka_consume_raw: watermarks of partition %d: %s\n", r.partition,
                   rd_kafka_err2str(e));
      return 1;
    }
    ranges.push_back(r);
  }
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(meta);
  uint64_t expected = 0;
  for (const auto& r : ranges) expected += static_cast<uint64_t>(r.high - r.low);

  int threads = std::min<int>(c.threads, static_cast<int>(ranges.size()));
  if (threads < 1) threads = 1;
  std::vector<std::vector<PartitionRange>> assignment(threads);
  for (size_t i = 0; i < ranges.size(); ++i) assignment[i % threads].push_back(ranges[i]);

  double cpu0 = CpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  std::vector<ThreadResult> results(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(Consume, std::cref(c), std::cref(assignment[t]), &results[t]);
  }
  for (auto& w : workers) w.join();
  auto t1 = std::chrono::steady_clock::now();
  double cpu = CpuSeconds() - cpu0;
  double secs = std::chrono::duration<double>(t1 - t0).count();

  uint64_t n = 0, bytes = 0, sum = 0, errors = 0;
  for (const auto& r : results) {
    n += r.messages;
    bytes += r.bytes;
    sum += r.checksum;
    errors += r.errors;
    if (!r.error.empty()) std::fprintf(stderr, "kafka_consume_raw: %s\n", r.error.c_str());
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double rss_mb = ru.ru_maxrss / 1024.0;
  double eps = n / secs;
  std::printf(
      "kafka_consume_raw: %llu events (%.1f MB) from %zu partitions with %d thread(s) in %.3f s: "
      "%.0f events/s, %.1f MB/s, CPU %.2f s, %.0f events/s per core, peak RSS %.0f MB "
      "(checksum %016llx)\n",
      static_cast<unsigned long long>(n), bytes / 1e6, ranges.size(), threads, secs, eps,
      bytes / 1e6 / secs, cpu, cpu > 0 ? n / cpu : 0.0, rss_mb, static_cast<unsigned long long>(sum));
  std::printf(
      "RESULT events=%llu bytes=%llu seconds=%.3f events_per_s=%.0f mb_per_s=%.1f cpu_s=%.2f "
      "events_per_core_s=%.0f peak_rss_mb=%.0f\n",
      static_cast<unsigned long long>(n), static_cast<unsigned long long>(bytes), secs, eps,
      bytes / 1e6 / secs, cpu, cpu > 0 ? n / cpu : 0.0, rss_mb);
  if (errors != 0 || n != expected) {
    std::fprintf(stderr, "kafka_consume_raw: read %llu of %llu events, %llu errors\n",
                 static_cast<unsigned long long>(n), static_cast<unsigned long long>(expected),
                 static_cast<unsigned long long>(errors));
    return 1;
  }
  return 0;
}
