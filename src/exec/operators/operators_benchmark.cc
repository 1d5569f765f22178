// Operator throughput, single-threaded (ctx.max_threads = 1): rows/s is the
// per-core rate. Inputs are generated once, outside the timed loop.
#include <benchmark/benchmark.h>

#include <memory>

#include "exec/operators/aggregate_hash_table.h"
#include "exec/operators/hash_aggregate_operator.h"
#include "exec/operators/hash_join_operator.h"
#include "exec/operators/sort_operator.h"
#include "exec/operators/values_operator.h"

namespace sluice {
namespace {

const Schema kKV({{"k", DataType::Bigint(), false}, {"v", DataType::Bigint(), false}});

// `rows` rows in batches of kBatchSize: k = pseudo-random in [0, keys), v = i.
std::vector<Batch> MakeInput(size_t rows, uint64_t keys, uint64_t seed = 42) {
  std::vector<Batch> out;
  uint64_t x = seed;
  for (size_t off = 0; off < rows; off += kBatchSize) {
    size_t n = std::min(kBatchSize, rows - off);
    Batch b = Batch::Empty(kKV);
    b.columns[0].Resize(n);
    b.columns[1].Resize(n);
    int64_t* k = b.columns[0].data<int64_t>();
    int64_t* v = b.columns[1].data<int64_t>();
    for (size_t i = 0; i < n; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      k[i] = static_cast<int64_t>((x >> 20) % keys);
      v[i] = static_cast<int64_t>(off + i);
    }
    b.num_rows = n;
    out.push_back(std::move(b));
  }
  return out;
}

AggregateCall Call(const char* name, int col) {
  std::vector<DataType> args;
  if (col >= 0) args.push_back(DataType::Bigint());
  AggregateCall c = BindAggregate(name, args, false).ValueOrDie();
  c.input_column = col;
  return c;
}

// count(*) + sum(v) GROUP BY k through the HashAggregateOperator.
void BM_HashAggregateCountSum(benchmark::State& state) {
  const size_t rows = 4 << 20;
  auto input = std::make_shared<ValuesOperator>(kKV, MakeInput(rows, static_cast<uint64_t>(state.range(0))));
  std::vector<AggregateCall> aggs = {Call("count", -1), Call("sum", 1)};
  Schema out({kKV.field(0), {"count", DataType::Bigint(), false}, {"sum", DataType::Bigint(), true}});
  HashAggregateOperator op(input, {0}, aggs, out);
  ExecContext ctx;
  ctx.max_threads = 1;
  for (auto _ : state) {
    auto r = CollectAll(op, &ctx);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
}
BENCHMARK(BM_HashAggregateCountSum)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The table alone (no operator / stream overhead, no result emission).
void BM_AggregateHashTableUpdate(benchmark::State& state) {
  const size_t rows = 4 << 20;
  auto input = MakeInput(rows, static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    AggregateHashTable t({DataType::Bigint()}, {0}, {Call("count", -1), Call("sum", 1)});
    for (const auto& b : input) {
      Status s = t.Update(b);
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
    benchmark::DoNotOptimize(t.num_groups());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
}
BENCHMARK(BM_AggregateHashTableUpdate)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// 1M probe rows against 100K build rows (unique build keys, every probe key
// in range: one match per probe row). Items = probe rows.
void BM_HashJoinInner(benchmark::State& state) {
  const size_t probe_rows = 1 << 20;
  const size_t build_rows = 100000;
  std::vector<Batch> build;
  for (size_t off = 0; off < build_rows; off += kBatchSize) {
    size_t n = std::min(kBatchSize, build_rows - off);
    Batch b = Batch::Empty(kKV);
    b.columns[0].Resize(n);
    b.columns[1].Resize(n);
    for (size_t i = 0; i < n; ++i) {
      b.columns[0].data<int64_t>()[i] = static_cast<int64_t>(off + i);
      b.columns[1].data<int64_t>()[i] = static_cast<int64_t>(i);
    }
    b.num_rows = n;
    build.push_back(std::move(b));
  }
  auto left = std::make_shared<ValuesOperator>(kKV, MakeInput(probe_rows, build_rows, 7));
  auto right = std::make_shared<ValuesOperator>(kKV, std::move(build));
  Schema out({kKV.field(0), kKV.field(1), kKV.field(0), kKV.field(1)});
  HashJoinOperator op(left, right, JoinType::kInner, {0}, {0}, nullptr, out);
  ExecContext ctx;
  ctx.max_threads = 1;
  for (auto _ : state) {
    auto r = CollectAll(op, &ctx);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * probe_rows));
}
BENCHMARK(BM_HashJoinInner)->Unit(benchmark::kMillisecond);

// ORDER BY k (BIGINT, 1M rows), and ORDER BY k DESC with a NULL-able
// second key through the general comparator; and top-100.
void BM_Sort(benchmark::State& state) {
  const size_t rows = 1 << 20;
  auto input = std::make_shared<ValuesOperator>(kKV, MakeInput(rows, 1u << 30));
  std::vector<SortKey> keys = {{0, true, true}};
  if (state.range(0) == 1) keys = {{0, false, false}, {1, true, true}};
  std::optional<int64_t> limit;
  if (state.range(0) == 2) limit = 100;
  SortOperator op(input, keys, limit);
  ExecContext ctx;
  ctx.max_threads = 1;
  for (auto _ : state) {
    auto r = CollectAll(op, &ctx);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.SetLabel(state.range(0) == 0 ? "one BIGINT key" : state.range(0) == 1 ? "two keys, comparator" : "top 100");
}
BENCHMARK(BM_Sort)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice
