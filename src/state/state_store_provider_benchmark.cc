// The two state store providers side by side, on the local file system
// (deltas fsynced as in a real query), over a state of `state_keys` keys
// (16-byte keys, 32-byte values):
//   BM_Put<P>/keys:    one micro-batch: load the latest version, put 10,000
//                      new keys, commit (delta written, snapshot every 10
//                      versions). items/s = puts/s including the commit.
//   BM_Get<P>/keys:    10,000 random gets of existing keys from a loaded
//                      version (no commit). items/s = gets/s.
//   BM_Update<P>/keys: an aggregation's batch: 10,000 random keys read,
//                      changed and written back, then commit.
//   BM_Reload<P>/keys: a restarted process loading the latest version
//                      from files (snapshot + deltas). items/s = keys/s.
// Counters: mem = the store's MemoryUsedBytes (file provider: its maps;
// RocksDB: memtables + table readers, the block cache is shared and not
// counted), rss_mb = the process's resident memory after the run.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "env/temp_dir.h"
#include "state/file_state_store_provider.h"
#include "state/rocksdb_state_store_provider.h"

namespace sluice {
namespace {

constexpr int kOpsPerBatch = 10000;

std::string Key(uint64_t i) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(i * 0x9E3779B97F4A7C15ull));
  return std::string(buf, 16);
}
std::string Value(uint64_t i) { return std::string(24, 'v') + std::to_string(10000000 + i % 90000000); }

double RssMb() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  long pages = 0, resident = 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<double>(resident) * 4096 / (1 << 20);
}

struct FileP {
  static std::unique_ptr<StateStoreProvider> Open(const std::string& dir) {
    return FileStateStoreProvider::Open(Env::Default(), dir).ValueOrDie();
  }
};
struct RocksP {
  static std::unique_ptr<StateStoreProvider> Open(const std::string& dir) {
    return RocksDBStateStoreProvider::Open(Env::Default(), dir).ValueOrDie();
  }
};

// A provider holding `keys` keys at version `*version`.
template <typename P>
std::unique_ptr<StateStoreProvider> Filled(const std::string& dir, int64_t keys, int64_t* version) {
  auto p = P::Open(dir);
  int64_t v = 0;
  for (int64_t done = 0; done < keys;) {
    auto s = p->Load(v).ValueOrDie();
    for (int i = 0; i < 100000 && done < keys; ++i, ++done) s->Put(Key(done), Value(done));
    v = s->Commit().ValueOrDie();
  }
  *version = v;
  return p;
}

template <typename P>
void BM_Put(benchmark::State& state) {
  TempDir tmp;
  int64_t v = 0;
  auto p = Filled<P>(tmp.path() + "/st", state.range(0), &v);
  uint64_t next = static_cast<uint64_t>(state.range(0));
  size_t mem = 0;
  for (auto _ : state) {
    auto s = p->Load(v).ValueOrDie();
    for (int i = 0; i < kOpsPerBatch; ++i, ++next) s->Put(Key(next), Value(next));
    mem = s->MemoryUsedBytes();
    v = s->Commit().ValueOrDie();
  }
  state.SetItemsProcessed(state.iterations() * kOpsPerBatch);
  state.counters["mem"] = static_cast<double>(mem);
  state.counters["rss_mb"] = RssMb();
}

template <typename P>
void BM_Get(benchmark::State& state) {
  TempDir tmp;
  int64_t v = 0;
  auto p = Filled<P>(tmp.path() + "/st", state.range(0), &v);
  std::mt19937_64 rng(7);
  auto s = p->Load(v).ValueOrDie();
  size_t found = 0;
  for (auto _ : state) {
    for (int i = 0; i < kOpsPerBatch; ++i) found += s->Get(Key(rng() % state.range(0))) != nullptr;
  }
  if (found != static_cast<size_t>(state.iterations()) * kOpsPerBatch) state.SkipWithError("a key was not found");
  state.SetItemsProcessed(state.iterations() * kOpsPerBatch);
  state.counters["mem"] = static_cast<double>(s->MemoryUsedBytes());
  state.counters["rss_mb"] = RssMb();
  s->Abort();
}

template <typename P>
void BM_Update(benchmark::State& state) {
  TempDir tmp;
  int64_t v = 0;
  auto p = Filled<P>(tmp.path() + "/st", state.range(0), &v);
  std::mt19937_64 rng(9);
  for (auto _ : state) {
    auto s = p->Load(v).ValueOrDie();
    for (int i = 0; i < kOpsPerBatch; ++i) {
      std::string k = Key(rng() % state.range(0));
      const std::string* old = s->Get(k);
      std::string nv = old ? *old : std::string();
      nv.back() = static_cast<char>('0' + (nv.back() - '0' + 1) % 10);
      s->Put(k, nv);
    }
    v = s->Commit().ValueOrDie();
  }
  state.SetItemsProcessed(state.iterations() * kOpsPerBatch);
  state.counters["rss_mb"] = RssMb();
}

template <typename P>
void BM_Reload(benchmark::State& state) {
  TempDir tmp;
  int64_t v = 0;
  std::string dir = tmp.path() + "/st";
  Filled<P>(dir, state.range(0), &v).reset();
  for (auto _ : state) {
    auto p = P::Open(dir);
    auto s = p->Load(v).ValueOrDie();
    benchmark::DoNotOptimize(s->NumKeys());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

#define SLUICE_STATE_BENCH(fn)                                                                      \
  BENCHMARK_TEMPLATE(fn, FileP)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);         \
  BENCHMARK_TEMPLATE(fn, RocksP)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)

SLUICE_STATE_BENCH(BM_Put);
SLUICE_STATE_BENCH(BM_Get);
SLUICE_STATE_BENCH(BM_Update);
SLUICE_STATE_BENCH(BM_Reload);

}  // namespace
}  // namespace sluice
