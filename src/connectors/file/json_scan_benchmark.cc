// Scan throughput of the file formats on Yahoo Streaming Benchmark ad events
// (user_id, page_id, ad_id, ad_type, event_type, event_time, ip_address),
// single-threaded: bytes/s and rows/s per core. The file (64 MB) is written
// once to /tmp and stays in the page cache.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>

#include "connectors/file/file_scan.h"
#include "connectors/file/json_split_reader.h"
#include "env/env.h"
#include "json/json_record_parser.h"

namespace sluice {
namespace {

constexpr size_t kTargetBytes = size_t{64} << 20;

std::string Uuid(std::mt19937_64& rng) {
  static const char* hex = "0123456789abcdef";
  std::string s(36, '-');
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    s[i] = hex[rng() & 15];
  }
  return s;
}

const std::string& DataFile(bool csv) {
  static std::string paths[2];
  std::string& path = paths[csv];
  if (!path.empty()) return path;
  path = std::string("/tmp/sluice_ysb_bench.") + (csv ? "csv" : "json");
  std::mt19937_64 rng(42);
  std::vector<std::string> ads, pages;
  for (int i = 0; i < 1000; ++i) ads.push_back(Uuid(rng));
  for (int i = 0; i < 100; ++i) pages.push_back(Uuid(rng));
  const char* ad_types[] = {"banner", "modal", "sponsored-search", "mail", "mobile"};
  const char* event_types[] = {"view", "click", "purchase"};
  std::string out;
  out.reserve(kTargetBytes + 4096);
  int64_t t = 1704103200000;  // 2024-01-01T10:00:00Z
  while (out.size() < kTargetBytes) {
    std::string user = Uuid(rng);
    const std::string& page = pages[rng() % pages.size()];
    const std::string& ad = ads[rng() % ads.size()];
    const char* at = ad_types[rng() % 5];
    const char* et = event_types[rng() % 3];
    t += static_cast<int64_t>(rng() % 3);
    char ts[32];
    std::snprintf(ts, sizeof(ts), "2024-01-01T%02d:%02d:%02d.%03dZ", static_cast<int>(10 + t / 3600000 % 10),
                  static_cast<int>(t / 60000 % 60), static_cast<int>(t / 1000 % 60), static_cast<int>(t % 1000));
    std::string ip = std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) + ".1." +
                     std::to_string(rng() % 256);
    if (csv) {
      out += user + "," + page + "," + ad + "," + at + "," + et + "," + ts + "," + ip + "\n";
    } else {
      out += "{\"user_id\":\"" + user + "\",\"page_id\":\"" + page + "\",\"ad_id\":\"" + ad +
             "\",\"ad_type\":\"" + at + "\",\"event_type\":\"" + et + "\",\"event_time\":\"" + ts +
             "\",\"ip_address\":\"" + ip + "\"}\n";
    }
  }
  Status written = Env::Default()->WriteFile(path, out, /*sync=*/false);
  if (!written.ok()) std::fprintf(stderr, "cannot write the benchmark's data: %s\n", written.ToString().c_str());
  return path;
}

Schema AdSchema() {
  return Schema({{"user_id", DataType::String()},
                 {"page_id", DataType::String()},
                 {"ad_id", DataType::String()},
                 {"ad_type", DataType::String()},
                 {"event_type", DataType::String()},
                 {"event_time", DataType::Timestamp()},
                 {"ip_address", DataType::String()}});
}

void RunScan(benchmark::State& state, bool csv, std::vector<int> projection) {
  const std::string& path = DataFile(csv);
  auto scan = FileScan::Make(Env::Default(), csv ? FileFormat::kCsv : FileFormat::kJson, {path}, AdSchema(),
                             FileFormatOptions{}, projection);
  if (!scan.ok()) {
    state.SkipWithError(scan.status().ToString().c_str());
    return;
  }
  int64_t bytes = 0, rows = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < (*scan)->splits().size(); ++i) {
      auto stream = (*scan)->OpenSplit(i);
      if (!stream.ok()) {
        state.SkipWithError(stream.status().ToString().c_str());
        return;
      }
      while (true) {
        auto b = (*stream)->Next();
        if (!b.ok() || !*b) break;
        rows += static_cast<int64_t>((*b)->num_rows);
      }
      bytes += (*scan)->splits()[i].length;
    }
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(rows);
  state.counters["bytes_per_row"] = static_cast<double>(bytes) / static_cast<double>(std::max<int64_t>(rows, 1));
  state.counters["avx2"] = JsonParserUsesAvx2() ? 1 : 0;
}

void BM_JsonScanAllColumns(benchmark::State& s) { RunScan(s, false, {0, 1, 2, 3, 4, 5, 6}); }
void BM_JsonScanTwoColumns(benchmark::State& s) { RunScan(s, false, {2, 4}); }
void BM_CsvScanAllColumns(benchmark::State& s) { RunScan(s, true, {0, 1, 2, 3, 4, 5, 6}); }
void BM_CsvScanTwoColumns(benchmark::State& s) { RunScan(s, true, {2, 4}); }

BENCHMARK(BM_JsonScanAllColumns)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_JsonScanTwoColumns)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_CsvScanAllColumns)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_CsvScanTwoColumns)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace sluice
