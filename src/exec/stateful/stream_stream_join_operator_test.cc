#include "exec/stateful/stream_stream_join_operator.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "env/mem_env.h"
#include "exec/function_registry.h"
#include "exec/operators/operator_test_util.h"
#include "exec/stateful/state_row_codec.h"

namespace sluice {
namespace {

using testing::Rows;

// Both sides: a key, an event time, a value.
const Schema kLeft({{"k", DataType::String()}, {"lt", DataType::Timestamp()}, {"lv", DataType::Bigint()}});
const Schema kRight({{"k", DataType::String()}, {"rt", DataType::Timestamp()}, {"rv", DataType::Bigint()}});
constexpr int64_t kSecond = 1000000;

Rows R(std::vector<std::tuple<std::optional<std::string>, int64_t, int64_t>> rows) {
  Rows out;
  for (auto& [k, t, v] : rows) {
    out.push_back({k ? Value::String(*k) : Value::Null(DataType::String()), Value::Timestamp(t * kSecond),
                   Value::Bigint(v)});
  }
  return out;
}

Schema Output(JoinType type) {
  Schema s;
  bool lnull = type == JoinType::kRightOuter || type == JoinType::kFullOuter;
  bool rnull = type == JoinType::kLeftOuter || type == JoinType::kFullOuter;
  for (const auto& f : kLeft.fields()) s.Add({f.name, f.type, lnull});
  if (type == JoinType::kLeftSemi) return s;
  for (const auto& f : kRight.fields()) s.Add({f.name, f.type, rnull});
  return s;
}

// A row as "a,5s,1|a,1s,10" (times in seconds).
std::vector<std::string> Render(const std::vector<Batch>& batches) {
  std::vector<std::string> out;
  for (const auto& b : batches) {
    for (size_t i = 0; i < b.num_rows; ++i) {
      std::string s;
      auto row = b.Row(i);
      for (size_t c = 0; c < row.size(); ++c) {
        s += c == 0 ? "" : c == 3 ? "|" : ",";
        const Value& v = row[c];
        if (v.is_null()) {
          s += "NULL";
        } else if (v.type().id() == TypeId::kTimestamp) {
          s += std::to_string(v.bigint_value() / kSecond) + "s";
        } else {
          s += v.ToString();
        }
      }
      out.push_back(s);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Batch0 {
  Rows left, right;
  std::optional<int64_t> late_ms, eviction_ms;
};

struct Spec {
  JoinType type = JoinType::kInner;
  StreamJoinSide left{{0}, 1, {}};
  StreamJoinSide right{{0}, 1, {}};
  ExprPtr residual;
};

std::shared_ptr<StreamStreamJoinOperator> Make(StateCheckpoint* state, int64_t batch, const Spec& spec,
                                               const Batch0& in) {
  StatefulOperatorStateInfo info;
  info.batch.checkpoint = state;
  info.batch.batch_id = batch;
  info.batch.num_partitions = 3;
  info.batch.output_mode = StatefulOutputMode::kAppend;
  info.batch.watermark_for_late_events_ms = in.late_ms;
  info.batch.watermark_for_eviction_ms = in.eviction_ms;
  info.operator_id = 0;
  // Two input partitions per side, to check that rows of one key meet whatever partition they come from.
  auto split = [](const Rows& rows) {
    std::vector<Rows> parts(2);
    for (size_t i = 0; i < rows.size(); ++i) parts[i % 2].push_back(rows[i]);
    return std::vector<std::vector<Rows>>{{parts[0]}, {parts[1]}};
  };
  return std::make_shared<StreamStreamJoinOperator>(
      testing::Source(kLeft, split(in.left)), testing::Source(kRight, split(in.right)), spec.type, spec.left,
      spec.right, spec.residual, Output(spec.type), info,
      StreamStreamJoinOperator::MakeStateSchema(kLeft, kRight, {0}, {"k"}));
}

struct Result0 {
  std::vector<std::string> rows;
  StateOperatorMetrics metrics;
};

Result0 RunBatch(StateCheckpoint* state, int64_t batch, const Spec& spec, const Batch0& in) {
  auto op = Make(state, batch, spec, in);
  ExecContext ctx;
  auto rows = CollectAll(*op, &ctx);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  auto m = op->Finish(&ctx);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!rows.ok() || !m.ok()) return {};
  return {Render(*rows), *m};
}

using Strings = std::vector<std::string>;

TEST(StreamStreamJoinOperatorTest, InnerJoinMatchesNewRowsWithBothStatesAcrossBatchesAndRestart) {
  MemEnv env;
  Spec spec;
  spec.left.watermark_column = spec.right.watermark_column = -1;
  {
    StateCheckpoint state(&env, "/ck");
    auto r = RunBatch(&state, 0, spec, {R({{"a", 0, 1}, {"b", 0, 2}}), R({{"a", 0, 10}}), {}, {}});
    EXPECT_EQ(r.rows, (Strings{"a,0s,1|a,0s,10"}));
    EXPECT_EQ(r.metrics.operator_name, "symmetricHashJoin");
    EXPECT_EQ(r.metrics.num_rows_total, 3);
    EXPECT_EQ(r.metrics.num_rows_updated, 3);
    EXPECT_EQ(r.metrics.num_rows_removed, 0);
    EXPECT_EQ(r.metrics.num_shuffle_partitions, 3);
    EXPECT_GT(r.metrics.memory_used_bytes, 0);
    // New left rows meet the stored right rows; new right rows meet the
    // stored left rows, the new left rows included (a3 with a30), once.
    r = RunBatch(&state, 1, spec, {R({{"a", 0, 3}}), R({{"b", 0, 20}, {"a", 0, 30}}), {}, {}});
    EXPECT_EQ(r.rows, (Strings{"a,0s,1|a,0s,30", "a,0s,3|a,0s,10", "a,0s,3|a,0s,30", "b,0s,2|b,0s,20"}));
    EXPECT_EQ(r.metrics.num_rows_total, 6);
    EXPECT_EQ(r.metrics.num_rows_updated, 3);
  }
  EXPECT_TRUE(env.FileExists("/ck/state/0/_metadata/schema"));
  EXPECT_TRUE(env.FileExists("/ck/state/0/0/left/2.delta"));
  EXPECT_TRUE(env.FileExists("/ck/state/0/2/right/2.delta"));
  // A new run reads the state from the files.
  StateCheckpoint state(&env, "/ck");
  auto r = RunBatch(&state, 2, spec, {R({{"b", 0, 4}}), {}, {}, {}});
  EXPECT_EQ(r.rows, (Strings{"b,0s,4|b,0s,20"}));
  EXPECT_EQ(r.metrics.num_rows_total, 7);
}

TEST(StreamStreamJoinOperatorTest, StoredRowsFollowTheRecordedSchemaOfEachStore) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Spec spec;
  RunBatch(&state, 0, spec, {R({{"a", 5, 1}, {"a", 6, 2}}), R({{"a", 7, 10}}), {}, {}});
  auto schema = ReadStateSchema(&env, "/ck", 0);
  ASSERT_TRUE(schema.ok() && schema->has_value());
  const StateSchema& s = **schema;
  EXPECT_EQ(s.operator_name, "StreamingSymmetricHashJoin");
  ASSERT_EQ(s.stores.size(), 2u);
  EXPECT_EQ(s.stores[0].name, "left");
  ASSERT_EQ(s.stores[0].keys.size(), 2u);
  EXPECT_EQ(s.stores[0].keys[0].type, "STRING");
  EXPECT_EQ(s.stores[0].keys[1].name, "index");
  EXPECT_EQ(s.stores[0].keys[1].type, "BIGINT");
  ASSERT_EQ(s.stores[1].values.size(), 4u);
  EXPECT_EQ(s.stores[1].values[1].name, "rt");
  EXPECT_EQ(s.stores[1].values[3].name, "matched");
  EXPECT_EQ(s.stores[1].values[3].state_types, (std::vector<std::string>{"BOOLEAN"}));
  // Decoding every store with those types (the rule the state inspector relies on).
  Strings rows;
  for (int p = 0; p < 3; ++p) {
    for (const char* side : {"left", "right"}) {
      auto provider = state.Provider(0, p, side);
      ASSERT_TRUE(provider.ok());
      auto store = (*provider)->Load(1);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      (*store)->ForEach([&](std::string_view k, std::string_view v) {
        StateRowDecoder kd({DataType::String(), DataType::Bigint()});
        StateRowDecoder vd({DataType::String(), DataType::Timestamp(), DataType::Bigint(), DataType::Boolean()});
        ASSERT_TRUE(kd.Add(k).ok());
        ASSERT_TRUE(vd.Add(v).ok());
        Batch kb(kd.Finish(), 1), vb(vd.Finish(), 1);
        rows.push_back(std::string(side) + ":" + kb.Row(0)[0].ToString() + "#" + kb.Row(0)[1].ToString() + "=" +
                       vb.Row(0)[2].ToString() + "," + vb.Row(0)[3].ToString());
      });
    }
  }
  std::sort(rows.begin(), rows.end());
  // Both left rows of key a matched the right one; indexes 0 and 1 in arrival order.
  EXPECT_EQ(rows, (Strings{"left:a#0=1,true", "left:a#1=2,true", "right:a#0=10,true"}));
}

// lt >= rt AND lt <= rt + 10 seconds, over left columns then right columns.
ExprPtr RangeCondition() {
  auto lt = MakeColumnRef(1, DataType::Timestamp(), "lt");
  auto rt = MakeColumnRef(4, DataType::Timestamp(), "rt");
  auto ge = *BindScalarFunction(">=", {lt, rt});
  auto plus = *BindScalarFunction("timestamp_add_micros", {rt, MakeLiteral(Value::Bigint(10 * kSecond))});
  auto le = *BindScalarFunction("<=", {lt, plus});
  return *BindScalarFunction("and", {ge, le});
}

TEST(StreamStreamJoinOperatorTest, LeftOuterEmitsUnmatchedRowsWhenTheRangeConditionEvictsThem) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Spec spec;
  spec.type = JoinType::kLeftOuter;
  spec.residual = RangeCondition();
  // lt >= rt: left state watermark = W - 1 ms; rt >= lt - 10 s: right state watermark = W - 10 s - 1 ms.
  spec.left.bounds = {{1, 0, true}};
  spec.right.bounds = {{1, -10 * kSecond, true}};
  auto r = RunBatch(&state, 0, spec, {R({{"a", 5, 1}, {"b", 6, 2}, {"c", 7, 3}}), R({{"a", 1, 10}}), 0, 0});
  EXPECT_EQ(r.rows, (Strings{"a,5s,1|a,1s,10"}));
  EXPECT_EQ(r.metrics.num_rows_total, 4);
  EXPECT_EQ(r.metrics.num_rows_removed, 0);
  // Watermark 8 s: left rows with lt <= 7.999 s are evicted, the unmatched
  // ones (b, c) come out with NULLs, the matched one (a 5 s) silently. a 20 s
  // fails the range against a 1 s (20 > 1 + 10).
  r = RunBatch(&state, 1, spec, {R({{"a", 20, 4}}), R({{"b", 30, 20}}), 0, 8000});
  EXPECT_EQ(r.rows, (Strings{"b,6s,2|NULL,NULL,NULL", "c,7s,3|NULL,NULL,NULL"}));
  EXPECT_EQ(r.metrics.num_rows_removed, 3);
  EXPECT_EQ(r.metrics.num_rows_total, 3);  // left a 20 s; right a 1 s, b 30 s
  // b 7 s is late (7 s <= 8 s) and dropped. a 15 s joins a 20 s; then the
  // watermark 25 s evicts left a 20 s (matched) and right a 1 s (<= 14.999 s).
  r = RunBatch(&state, 2, spec, {R({{"b", 7, 5}, {"d", 40, 6}}), R({{"a", 15, 30}}), 8000, 25000});
  EXPECT_EQ(r.rows, (Strings{"a,20s,4|a,15s,30"}));
  EXPECT_EQ(r.metrics.num_rows_dropped_by_watermark, 1);
  EXPECT_EQ(r.metrics.num_rows_removed, 2);
  EXPECT_EQ(r.metrics.num_rows_total, 3);  // left d 40 s; right b 30 s, a 15 s
}

TEST(StreamStreamJoinOperatorTest, RightOuterIsTheMirrorOfLeftOuter) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Spec spec;
  spec.type = JoinType::kRightOuter;
  spec.residual = RangeCondition();
  spec.left.bounds = {{1, 0, true}};
  spec.right.bounds = {{1, -10 * kSecond, true}};
  auto r = RunBatch(&state, 0, spec, {R({{"a", 5, 1}}), R({{"a", 1, 10}, {"b", 2, 20}}), 0, 0});
  EXPECT_EQ(r.rows, (Strings{"a,5s,1|a,1s,10"}));
  // Watermark 13 s: right state watermark 2.999 s evicts a 1 s (matched) and b 2 s (unmatched).
  r = RunBatch(&state, 1, spec, {{}, {}, 0, 13000});
  EXPECT_EQ(r.rows, (Strings{"NULL,NULL,NULL|b,2s,20"}));
  EXPECT_EQ(r.metrics.num_rows_removed, 3);  // and left a 5 s (<= 12.999 s)
  EXPECT_EQ(r.metrics.num_rows_total, 0);
}

TEST(StreamStreamJoinOperatorTest, FullOuterWithAWatermarkedJoinKeyEvictsBothSides) {
  MemEnv env;
  Spec spec;
  spec.type = JoinType::kFullOuter;
  // Joined on (k, t), t watermarked: both sides' state watermark is W itself.
  spec.left = {{0, 1}, 1, {{1, 0, false}}};
  spec.right = {{0, 1}, 1, {{1, 0, false}}};
  auto make = [&](StateCheckpoint* state, int64_t batch, const Batch0& in) {
    StatefulOperatorStateInfo info;
    info.batch.checkpoint = state;
    info.batch.batch_id = batch;
    info.batch.num_partitions = 2;
    info.batch.watermark_for_late_events_ms = in.late_ms;
    info.batch.watermark_for_eviction_ms = in.eviction_ms;
    return std::make_shared<StreamStreamJoinOperator>(
        testing::Source(kLeft, {{in.left}}), testing::Source(kRight, {{in.right}}), spec.type, spec.left, spec.right,
        nullptr, Output(spec.type), info, StreamStreamJoinOperator::MakeStateSchema(kLeft, kRight, {0, 1}, {"k", "t"}));
  };
  auto run = [&](StateCheckpoint* state, int64_t batch, const Batch0& in) {
    auto op = make(state, batch, in);
    ExecContext ctx;
    auto rows = CollectAll(*op, &ctx);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    auto m = op->Finish(&ctx);
    EXPECT_TRUE(m.ok());
    return Result0{rows.ok() ? Render(*rows) : Strings{}, m.ok() ? *m : StateOperatorMetrics{}};
  };
  {
    StateCheckpoint state(&env, "/ck");
    auto r = run(&state, 0, {R({{"a", 1, 1}, {"b", 2, 2}}), R({{"a", 1, 10}, {"c", 3, 30}}), 0, 0});
    EXPECT_EQ(r.rows, (Strings{"a,1s,1|a,1s,10"}));
    EXPECT_EQ(r.metrics.num_rows_total, 4);
    r = run(&state, 1, {R({{"c", 3, 3}}), R({{"d", 9, 40}}), 0, 2500});
    EXPECT_EQ(r.rows, (Strings{"b,2s,2|NULL,NULL,NULL", "c,3s,3|c,3s,30"}));
    EXPECT_EQ(r.metrics.num_rows_removed, 3);  // left a, b; right a
    EXPECT_EQ(r.metrics.num_rows_total, 3);
  }
  // After a restart: x 1 s is late; the watermark 10 s evicts everything,
  // d 9 s unmatched on the right.
  StateCheckpoint state(&env, "/ck");
  auto r = run(&state, 2, {R({{"x", 1, 9}}), {}, 2500, 10000});
  EXPECT_EQ(r.rows, (Strings{"NULL,NULL,NULL|d,9s,40"}));
  EXPECT_EQ(r.metrics.num_rows_dropped_by_watermark, 1);
  EXPECT_EQ(r.metrics.num_rows_removed, 3);
  EXPECT_EQ(r.metrics.num_rows_total, 0);
}

TEST(StreamStreamJoinOperatorTest, EvictionInTheMiddleOfAKeyKeepsTheOtherRowsFindable) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Spec spec;
  spec.left.bounds = {{1, 0, false}};  // left state watermark = W
  auto r = RunBatch(&state, 0, spec, {R({{"a", 1, 1}, {"a", 5, 2}, {"a", 2, 3}, {"a", 6, 4}}), {}, 0, 0});
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.metrics.num_rows_total, 4);
  r = RunBatch(&state, 1, spec, {{}, {}, 0, 3000});
  EXPECT_EQ(r.metrics.num_rows_removed, 2);
  EXPECT_EQ(r.metrics.num_rows_total, 2);
  r = RunBatch(&state, 2, spec, {R({{"a", 7, 5}}), R({{"a", 8, 10}}), 0, 3000});
  EXPECT_EQ(r.rows, (Strings{"a,5s,2|a,8s,10", "a,6s,4|a,8s,10", "a,7s,5|a,8s,10"}));
  EXPECT_EQ(r.metrics.num_rows_total, 4);
}

TEST(StreamStreamJoinOperatorTest, WatermarkBoundariesAreInclusiveAsSparks) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Spec spec;
  spec.left.bounds = {{1, 0, true}};    // from lt >= rt: W - 1 ms
  spec.right.bounds = {{1, 0, false}};  // from rt > lt: W
  auto r = RunBatch(&state, 0, spec, {R({{"a", 7, 1}}), R({{"b", 7, 2}}), 0, 0});
  EXPECT_EQ(r.metrics.num_rows_total, 2);
  // W = 7 s: the right row (7 s <= 7 s) goes, the left one (7 s > 6.999 s) stays.
  r = RunBatch(&state, 1, spec, {{}, {}, 0, 7000});
  EXPECT_EQ(r.metrics.num_rows_removed, 1);
  EXPECT_EQ(r.metrics.num_rows_total, 1);
  r = RunBatch(&state, 2, spec, {{}, {}, 7000, 7001});
  EXPECT_EQ(r.metrics.num_rows_removed, 1);
  EXPECT_EQ(r.metrics.num_rows_total, 0);
  // A row exactly at the late-events watermark is late; one microsecond after is not.
  r = RunBatch(&state, 3, spec, {R({{"c", 7, 3}}), {}, 7000, 7001});
  EXPECT_EQ(r.metrics.num_rows_dropped_by_watermark, 1);
  Rows after = R({{"c", 7, 3}});
  after[0][1] = Value::Timestamp(7 * kSecond + 1);
  r = RunBatch(&state, 4, spec, {after, {}, 7000, 7001});
  EXPECT_EQ(r.metrics.num_rows_dropped_by_watermark, 0);
  EXPECT_EQ(r.metrics.num_rows_total, 1);
}

TEST(StreamStreamJoinOperatorTest, NewRowsAlreadyBehindTheStateWatermarkStillMeetTheOtherSidesNewRows) {
  MemEnv env;
  Spec spec;
  spec.type = JoinType::kLeftOuter;
  spec.residual = RangeCondition();
  spec.left.bounds = {{1, 0, true}};
  spec.right.bounds = {{1, -10 * kSecond, true}};
  {
    // W = 20 s: left state watermark 19.999 s, right 9.999 s. Both left rows
    // are behind it when they arrive: stored (they have not met the new right
    // rows yet), a 15 s joins a 12 s, then both are evicted in the same batch
    // and b 16 s, unmatched, comes out with NULLs.
    StateCheckpoint state(&env, "/ck");
    auto r = RunBatch(&state, 0, spec, {R({{"a", 15, 1}, {"b", 16, 2}}), R({{"a", 12, 10}}), 0, 20000});
    EXPECT_EQ(r.rows, (Strings{"a,15s,1|a,12s,10", "b,16s,2|NULL,NULL,NULL"}));
    EXPECT_EQ(r.metrics.num_rows_updated, 3);
    EXPECT_EQ(r.metrics.num_rows_removed, 2);
    EXPECT_EQ(r.metrics.num_rows_total, 1);  // right a 12 s
  }
  // Right outer: a right row behind its state watermark is stored only if it
  // matched nothing (its eviction outputs it with NULLs).
  MemEnv env2;
  StateCheckpoint state(&env2, "/ck");
  spec.type = JoinType::kRightOuter;
  auto r = RunBatch(&state, 0, spec, {R({{"a", 15, 1}}), R({{"a", 8, 40}, {"c", 5, 30}}), 0, 20000});
  EXPECT_EQ(r.rows, (Strings{"NULL,NULL,NULL|c,5s,30", "a,15s,1|a,8s,40"}));
  EXPECT_EQ(r.metrics.num_rows_updated, 2);  // left a 15 s, right c 5 s
  EXPECT_EQ(r.metrics.num_rows_removed, 2);
  EXPECT_EQ(r.metrics.num_rows_total, 0);
}

TEST(StreamStreamJoinOperatorTest, PreJoinFiltersOutputFailingRowsAtOnceOnThePreservedSide) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Spec spec;
  spec.type = JoinType::kLeftOuter;
  spec.left.watermark_column = spec.right.watermark_column = -1;
  auto make = [&](int64_t batch, const Batch0& in) {
    StatefulOperatorStateInfo info;
    info.batch.checkpoint = &state;
    info.batch.batch_id = batch;
    info.batch.num_partitions = 2;
    auto lv = MakeColumnRef(2, DataType::Bigint(), "lv");
    auto rv = MakeColumnRef(2, DataType::Bigint(), "rv");
    return std::make_shared<StreamStreamJoinOperator>(
        testing::Source(kLeft, {{in.left}}), testing::Source(kRight, {{in.right}}), spec.type, spec.left, spec.right,
        nullptr, Output(spec.type), info, StreamStreamJoinOperator::MakeStateSchema(kLeft, kRight, {0}, {"k"}),
        *BindScalarFunction(">", {lv, MakeLiteral(Value::Bigint(1))}),
        *BindScalarFunction("<", {rv, MakeLiteral(Value::Bigint(100))}));
  };
  auto op = make(0, {R({{"a", 0, 1}, {"a", 0, 2}}), R({{"a", 0, 10}, {"a", 0, 500}}), {}, {}});
  ExecContext ctx;
  auto rows = CollectAll(*op, &ctx);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(Render(*rows), (Strings{"a,0s,1|NULL,NULL,NULL", "a,0s,2|a,0s,10"}));
  auto m = op->Finish(&ctx);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->num_rows_total, 2);  // left a 2, right a 10
  // The filtered-out rows were not stored: nothing more joins with them.
  op = make(1, {R({{"a", 0, 3}}), {}, {}, {}});
  ExecContext ctx2;
  rows = CollectAll(*op, &ctx2);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(Render(*rows), (Strings{"a,0s,3|a,0s,10"}));
}

TEST(StreamStreamJoinOperatorTest, LeftSemiOutputsEachLeftRowOnceWhenItFirstMatches) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Spec spec;
  spec.type = JoinType::kLeftSemi;
  spec.left.watermark_column = spec.right.watermark_column = -1;
  // a 1 meets a 10 (output once; a 11 finds it matched); b 2 waits.
  auto r = RunBatch(&state, 0, spec, {R({{"a", 0, 1}, {"b", 0, 2}}), R({{"a", 0, 10}, {"a", 0, 11}}), {}, {}});
  EXPECT_EQ(r.rows, (Strings{"a,0s,1"}));
  EXPECT_EQ(r.metrics.num_rows_total, 4);
  // a 3 matches stored right rows at once: output, not stored. b 20 finds b 2.
  r = RunBatch(&state, 1, spec, {R({{"a", 0, 3}}), R({{"b", 0, 20}}), {}, {}});
  EXPECT_EQ(r.rows, (Strings{"a,0s,3", "b,0s,2"}));
  EXPECT_EQ(r.metrics.num_rows_updated, 1);
  EXPECT_EQ(r.metrics.num_rows_total, 5);
  // Every stored left row has matched: new right rows output nothing.
  r = RunBatch(&state, 2, spec, {{}, R({{"a", 0, 12}, {"b", 0, 21}}), {}, {}});
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.metrics.num_rows_total, 7);
}

TEST(StreamStreamJoinOperatorTest, NullKeysNeverMatchAndAreNeverStored) {
  MemEnv env;
  StateCheckpoint state(&env, "/ck");
  Spec spec;
  spec.type = JoinType::kLeftOuter;
  auto r = RunBatch(&state, 0, spec, {R({{std::nullopt, 1, 1}, {"a", 1, 2}}), R({{std::nullopt, 1, 10}}), {}, {}});
  EXPECT_EQ(r.rows, (Strings{"NULL,1s,1|NULL,NULL,NULL"}));
  EXPECT_EQ(r.metrics.num_rows_total, 1);
}

TEST(StreamStreamJoinOperatorTest, RejectsOtherJoinTypesAndUnstorableColumns) {
  EXPECT_TRUE(StreamStreamJoinOperator::Validate(JoinType::kFullOuter, kLeft, kRight).ok());
  auto st = StreamStreamJoinOperator::Validate(JoinType::kLeftAnti, kLeft, kRight);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("LeftAnti"), std::string::npos) << st.message();
  // ARRAY columns are stored too (StateRowCodec encodes them).
  Schema nested({{"k", DataType::String()}, {"a", DataType::Array(DataType::Int())}});
  EXPECT_TRUE(StreamStreamJoinOperator::Validate(JoinType::kInner, nested, kRight).ok());
}

TEST(StreamStreamJoinOperatorTest, StateWatermarkFollowsSparksArithmetic) {
  StreamJoinSide side;
  EXPECT_FALSE(side.StateWatermarkMs(1000).has_value());
  side.bounds = {{1, -10 * kSecond, true}, {1, -5 * kSecond, false}};
  EXPECT_FALSE(side.StateWatermarkMs(std::nullopt).has_value());
  EXPECT_EQ(side.StateWatermarkMs(20000), 20000 - 10000 - 1);  // the smaller bound
  side.bounds = {{1, 1500, false}};                            // 1.5 ms: truncated to whole ms
  EXPECT_EQ(side.StateWatermarkMs(20000), 20001);
}

}  // namespace
}  // namespace sluice
