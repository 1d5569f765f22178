// Filter + project over 2048-row batches of numeric columns:
//   SELECT a * 2 + b, c FROM t WHERE a > K AND b < M
// a BIGINT, b DOUBLE, c BIGINT. Reports rows/s (items) and input bytes/s.
// Also from_json and upper/lower/initcap (BM_FromJson, BM_CaseMapping).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>

#include "exec/expression_evaluator.h"
#include "exec/function_registry.h"

namespace sluice {
namespace {

constexpr size_t kBatches = 64;

struct Fixture {
  std::vector<Batch> batches;
  ExprPtr filter, project, c;
  explicit Fixture(double selectivity_a) {
    std::mt19937_64 rng(42);
    for (size_t b = 0; b < kBatches; ++b) {
      Vector a(DataType::Bigint(), kBatchSize), bb(DataType::Double(), kBatchSize), c(DataType::Bigint(), kBatchSize);
      for (size_t i = 0; i < kBatchSize; ++i) {
        a.data<int64_t>()[i] = static_cast<int64_t>(rng() % 1000);
        bb.data<double>()[i] = static_cast<double>(rng() % 1000) / 10.0;
        c.data<int64_t>()[i] = static_cast<int64_t>(rng());
      }
      batches.emplace_back(std::vector<Vector>{a, bb, c}, kBatchSize);
    }
    auto ca = MakeColumnRef(0, DataType::Bigint(), "a");
    auto cb = MakeColumnRef(1, DataType::Double(), "b");
    c = MakeColumnRef(2, DataType::Bigint(), "c");
    int64_t k = static_cast<int64_t>(1000 * (1 - selectivity_a));
    auto gt = BindScalarFunction(">", {ca, MakeLiteral(Value::Bigint(k))}).ValueOrDie();
    auto lt = BindScalarFunction("<", {cb, MakeLiteral(Value::Double(90.0))}).ValueOrDie();
    filter = BindScalarFunction("and", {gt, lt}).ValueOrDie();
    auto mul = BindScalarFunction("*", {ca, MakeLiteral(Value::Bigint(2))}).ValueOrDie();
    project = BindScalarFunction("+", {mul, cb}).ValueOrDie();
  }
};

void BM_FilterProject(benchmark::State& state) {
  Fixture f(static_cast<double>(state.range(0)) / 100.0);
  EvalContext ctx;
  size_t i = 0, out_rows = 0;
  for (auto _ : state) {
    const Batch& b = f.batches[i++ % kBatches];
    auto sel = ExpressionEvaluator::Select(*f.filter, b, nullptr, ctx);
    auto p = ExpressionEvaluator::Evaluate(*f.project, b, &*sel, ctx);
    auto c = ExpressionEvaluator::Evaluate(*f.c, b, &*sel, ctx);
    out_rows += sel->size();
    benchmark::DoNotOptimize(p);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatchSize));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatchSize * 24));
  state.counters["selected"] = static_cast<double>(out_rows) / static_cast<double>(state.iterations() * kBatchSize);
}
BENCHMARK(BM_FilterProject)->Arg(10)->Arg(50)->Arg(90);

void BM_FilterOnly(benchmark::State& state) {
  Fixture f(0.5);
  EvalContext ctx;
  size_t i = 0;
  for (auto _ : state) {
    auto sel = ExpressionEvaluator::Select(*f.filter, f.batches[i++ % kBatches], nullptr, ctx);
    benchmark::DoNotOptimize(sel);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatchSize));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatchSize * 16));
}
BENCHMARK(BM_FilterOnly);

void BM_ProjectOnly(benchmark::State& state) {
  Fixture f(0.5);
  EvalContext ctx;
  size_t i = 0;
  for (auto _ : state) {
    auto p = ExpressionEvaluator::Evaluate(*f.project, f.batches[i++ % kBatches], nullptr, ctx);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatchSize));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatchSize * 16));
}
BENCHMARK(BM_ProjectOnly);

// from_json over 2048-row batches of ~250-byte YSB ad events (the Kafka
// end-to-end pipeline's schema, bench/kafka/e2e.sh) into a 7-field STRUCT.
// Items are rows, bytes the JSON text parsed.
struct JsonFixture {
  std::vector<Batch> batches;
  ExprPtr from_json;
  size_t bytes_per_batch = 0;
  JsonFixture() {
    std::mt19937_64 rng(7);
    auto uuid = [&] {
      char buf[40];
      uint64_t a = rng(), b = rng();
      std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                    static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xffff,
                    static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
      return std::string(buf);
    };
    const char* types[] = {"view", "click", "purchase"};
    int64_t t = 1700000000000;
    for (size_t b = 0; b < 8; ++b) {
      Vector v(DataType::String(), kBatchSize);
      for (size_t i = 0; i < kBatchSize; ++i) {
        std::string s = "{\"user_id\":\"" + uuid() + "\",\"page_id\":\"" + uuid() + "\",\"ad_id\":\"" + uuid() +
                        "\",\"ad_type\":\"banner\",\"event_type\":\"" + types[rng() % 3] +
                        "\",\"event_time\":\"" + std::to_string(t++) + "\",\"ip_address\":\"1.2.3.4\"}";
        bytes_per_batch += b == 0 ? s.size() : 0;
        v.SetString(i, s);
      }
      batches.emplace_back(std::vector<Vector>{v}, kBatchSize);
    }
    auto value = MakeColumnRef(0, DataType::String(), "value");
    from_json = BindScalarFunction(
                    "from_json", {value, MakeLiteral(Value::String(
                                             "user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, "
                                             "event_type STRING, event_time STRING, ip_address STRING"))})
                    .ValueOrDie();
  }
};

void BM_FromJson(benchmark::State& state) {
  JsonFixture f;
  EvalContext ctx;
  size_t i = 0;
  for (auto _ : state) {
    auto v = ExpressionEvaluator::Evaluate(*f.from_json, f.batches[i++ % f.batches.size()], nullptr, ctx);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatchSize));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes_per_batch));
  state.counters["bytes_per_row"] = static_cast<double>(f.bytes_per_batch) / kBatchSize;
}
BENCHMARK(BM_FromJson);

// upper / lower / initcap over 2048-row batches of 24-byte words, all ASCII
// (arg 1 = 0: the fast path, never ICU) or with one non-ASCII letter in
// every word (arg 1 = 1: ICU's full case mapping). Arg 0: 0 upper, 1 lower,
// 2 initcap. Items are rows, bytes the input text.
struct CaseFixture {
  std::vector<Batch> batches;
  ExprPtr call;
  size_t bytes_per_batch = 0;
  CaseFixture(int function, bool non_ascii) {
    std::mt19937_64 rng(11);
    const char* words[] = {"streaming", "Engine", "micro BATCH", "checkpoint", "Kafka offset", "sink"};
    for (size_t b = 0; b < 8; ++b) {
      Vector v(DataType::String(), kBatchSize);
      for (size_t i = 0; i < kBatchSize; ++i) {
        std::string s = std::string(non_ascii ? "stra\xc3\x9f" "e " : "") + words[rng() % 6] + " " + words[rng() % 6];
        s.resize(24, 'x');  // cuts ASCII only: the non-ASCII word comes first
        bytes_per_batch += b == 0 ? s.size() : 0;
        v.SetString(i, s);
      }
      batches.emplace_back(std::vector<Vector>{v}, kBatchSize);
    }
    const char* names[] = {"upper", "lower", "initcap"};
    call = BindScalarFunction(names[function], {MakeColumnRef(0, DataType::String(), "s")}).ValueOrDie();
  }
};

void BM_CaseMapping(benchmark::State& state) {
  CaseFixture f(static_cast<int>(state.range(0)), state.range(1) != 0);
  EvalContext ctx;
  size_t i = 0;
  for (auto _ : state) {
    auto v = ExpressionEvaluator::Evaluate(*f.call, f.batches[i++ % f.batches.size()], nullptr, ctx);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatchSize));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes_per_batch));
}
BENCHMARK(BM_CaseMapping)->ArgsProduct({{0, 1, 2}, {0, 1}});

}  // namespace
}  // namespace sluice
