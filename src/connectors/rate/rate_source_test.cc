#include "connectors/rate/rate_source.h"

#include <gtest/gtest.h>

#include <limits>

#include "env/mem_env.h"
#include "exec/function_registry.h"

namespace sluice {
namespace {

// Every batch of one partition of `op`, or the first error.
Result<std::vector<Batch>> Drain(const PhysicalOperator& op, int partition, ExecContext* ctx) {
  return CollectPartition(op, partition, ctx);
}

std::shared_ptr<RatePerMicroBatchSource> MicroBatchSource(std::map<std::string, std::string> options) {
  auto s = RatePerMicroBatchSource::Make(SourceOptions(options));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

TEST(RateMicroBatchTest, ScanGeneratesEveryPartitionInBatchSizedChunks) {
  auto src = MicroBatchSource({{"rowsPerBatch", "10000"}, {"numPartitions", "3"},
                               {"startTimestamp", "5000"}, {"advanceMillisPerBatch", "100"}});
  auto latest = src->LatestOffset("20000", ReadLimit::All());
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_EQ(**latest, "30000");
  auto batch = src->GetBatch(std::string("20000"), "30000");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->num_rows, 10000);
  auto scan = batch->table->CreateScan({0, 1}, nullptr);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ASSERT_EQ((*scan)->num_partitions(), 3);
  ExecContext ctx;
  int64_t expected = 20000;
  for (int p = 0; p < 3; ++p) {
    auto batches = Drain(**scan, p, &ctx);
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
    for (const Batch& b : *batches) {
      ASSERT_LE(b.num_rows, kBatchSize);
      ASSERT_EQ(b.num_columns(), 2u);
      for (size_t i = 0; i < b.num_rows; ++i, ++expected) {
        ASSERT_EQ(b.columns[1].data<int64_t>()[i], expected);
        // Batch 2 of the source (values 20000..29999): 5000 + 2 * 100 ms.
        ASSERT_EQ(b.columns[0].data<int64_t>()[i], int64_t{5200} * 1000);
      }
    }
  }
  EXPECT_EQ(expected, 30000);  // contiguous ranges, every value once
}

TEST(RateMicroBatchTest, ScanProjectsAndFilters) {
  auto src = MicroBatchSource({{"rowsPerBatch", "100000"}, {"numPartitions", "2"}});
  auto batch = src->GetBatch(std::nullopt, "100000");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  // value only; value % 7919 = 0.
  ExprPtr value = MakeColumnRef(0, DataType::Bigint(), "value", false);
  auto mod = BindScalarFunction("%", {value, MakeLiteral(Value::Bigint(7919))});
  ASSERT_TRUE(mod.ok()) << mod.status().ToString();
  auto eq = BindScalarFunction("=", {*mod, MakeLiteral(Value::Bigint(0))});
  ASSERT_TRUE(eq.ok()) << eq.status().ToString();
  auto scan = batch->table->CreateScan({1}, *eq);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ExecContext ctx;
  auto all = CollectAll(**scan, &ctx);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<int64_t> values;
  for (const Batch& b : *all) {
    ASSERT_EQ(b.num_columns(), 1u);
    for (size_t i = 0; i < b.num_rows; ++i) values.push_back(b.columns[0].data<int64_t>()[i]);
  }
  std::vector<int64_t> want;
  for (int64_t v = 0; v < 100000; v += 7919) want.push_back(v);
  EXPECT_EQ(values, want);
}

// A billion-row batch is not generated up front: GetBatch returns at once,
// a partition yields kBatchSize rows at a time from its own range, and a
// cancelled query stops the scan at its next chunk.
TEST(RateMicroBatchTest, BillionRowBatchStreamsAndStopsWhenCancelled) {
  auto src = MicroBatchSource({{"rowsPerBatch", "1000000000"}, {"numPartitions", "4"}});
  auto batch = src->GetBatch(std::nullopt, "1000000000");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->num_rows, 1000000000);
  auto scan = batch->table->CreateScan({1}, nullptr);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ASSERT_EQ((*scan)->num_partitions(), 4);
  CancellationToken token;
  ExecContext ctx;
  ctx.cancel = &token;
  auto stream = (*scan)->Open(2, &ctx);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  for (int k = 0; k < 3; ++k) {
    auto next = (*stream)->Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    ASSERT_TRUE(next->has_value());
    ASSERT_EQ((*next)->num_rows, kBatchSize);
    EXPECT_EQ((*next)->columns[0].data<int64_t>()[0], 500000000 + k * static_cast<int64_t>(kBatchSize));
  }
  token.Cancel();
  auto next = (*stream)->Next();
  EXPECT_EQ(next.status().code(), StatusCode::kCancelled) << next.status().ToString();
  // A filter that drops every row does not keep a cancelled scan going.
  ExprPtr none = MakeLiteral(Value::Boolean(false));
  auto filtered = batch->table->CreateScan({1}, none);
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  auto drained = Drain(**filtered, 0, &ctx);
  EXPECT_EQ(drained.status().code(), StatusCode::kCancelled) << drained.status().ToString();
}

TEST(RateMicroBatchTest, OffsetsAndTimestampsStayInRange) {
  // The largest offset the log reads back is 18 digits.
  auto src = MicroBatchSource({{"rowsPerBatch", "1000000000"}});
  auto last = src->LatestOffset("999999998999999999", ReadLimit::All());
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(**last, "999999999999999999");
  auto past = src->LatestOffset("999999999999999999", ReadLimit::All());
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(past.status().message().find("RatePerMicroBatchStream[rowsPerBatch=1000000000"), std::string::npos)
      << past.status().ToString();
  EXPECT_NE(past.status().message().find("largest offset"), std::string::npos) << past.status().ToString();

  // A year per batch from 9998-01-01: batch 1 (9999-01-01) is fine, batch 2 would pass 9999-12-31.
  auto yearly = MicroBatchSource({{"rowsPerBatch", "1"}, {"startTimestamp", "253339228800000"},
                                  {"advanceMillisPerBatch", "31536000000"}});
  auto b1 = yearly->LatestOffset("1", ReadLimit::All());
  ASSERT_TRUE(b1.ok()) << b1.status().ToString();
  EXPECT_EQ(**b1, "2");
  auto b2 = yearly->LatestOffset("2", ReadLimit::All());
  ASSERT_FALSE(b2.ok());
  EXPECT_NE(b2.status().message().find("after 9999-12-31T23:59:59.999Z"), std::string::npos)
      << b2.status().ToString();
  // The same range read back from an (edited) offset log is corruption;
  // so is a range that goes backwards.
  auto logged = yearly->GetBatch(std::string("2"), "3");
  EXPECT_EQ(logged.status().code(), StatusCode::kCorruption) << logged.status().ToString();
  auto backwards = yearly->GetBatch(std::string("2"), "1");
  EXPECT_EQ(backwards.status().code(), StatusCode::kCorruption) << backwards.status().ToString();
  EXPECT_NE(backwards.status().message().find("goes backwards"), std::string::npos) << backwards.status().ToString();
}

class RateTest : public ::testing::Test {
 protected:
  Result<std::shared_ptr<RateSource>> Open(const std::string& rows_per_second) {
    SLUICE_ASSIGN_OR_RETURN(auto src, RateSource::Make(SourceOptions({{"rowsPerSecond", rows_per_second}})));
    SourceContext ctx;
    ctx.env = &env;
    ctx.clock = &clock;
    ctx.metadata_dir = "/ckpt/sources/0";
    SLUICE_RETURN_NOT_OK(src->Open(ctx));
    return src;
  }
  MemEnv env;
  ManualClock clock{int64_t{1700000000000} * 1000};
};

TEST_F(RateTest, TimestampsAreExactAtTheLargestRate) {
  auto src = Open("1000000000");
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  // Second 200000000 (~6 years after the start): value v * 1000 would
  // overflow int64; the timestamps are still start + floor(v / 1e6) ms.
  int64_t s = 200000000;
  auto batch = (*src)->GetBatch(std::to_string(s), std::to_string(s + 1));
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->num_rows, 1000000000);
  auto scan = batch->table->CreateScan({0, 1}, nullptr);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ExecContext ctx;
  auto stream = (*scan)->Open(0, &ctx);
  ASSERT_TRUE(stream.ok());
  auto first = (*stream)->Next();
  ASSERT_TRUE(first.ok() && first->has_value());
  const Batch& b = **first;
  int64_t v0 = s * 1000000000;
  EXPECT_EQ(b.columns[1].data<int64_t>()[0], v0);
  EXPECT_EQ(b.columns[0].data<int64_t>()[0], (int64_t{1700000000000} + s * 1000) * 1000);
  // Value v0 + 1999999 is 1.999999 ms later: floor -> 1 ms.
  EXPECT_EQ(b.columns[0].data<int64_t>()[kBatchSize - 1],
            (int64_t{1700000000000} + s * 1000 + (kBatchSize - 1) / 1000000) * 1000);
}

TEST_F(RateTest, OffsetsPastTheBigintOrTimestampRangeAreErrors) {
  auto src = Open("1000000000");
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  // 9223372036 s * 1e9 rows/s is past the BIGINT range.
  auto huge = (*src)->GetBatch(std::string("100"), "9300000000");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), StatusCode::kCorruption);
  EXPECT_NE(huge.status().message().find("RateStreamV2[rowsPerSecond=1000000000"), std::string::npos)
      << huge.status().ToString();
  auto backwards = (*src)->GetBatch(std::string("100"), "99");
  EXPECT_EQ(backwards.status().code(), StatusCode::kCorruption) << backwards.status().ToString();
  // A clock far in the future (past year 9999 for rate 1).
  auto slow = Open("1");
  ASSERT_TRUE(slow.ok());
  clock.SetMicros(int64_t{253402387200000} * 1000);  // 10000-01-01
  auto latest = (*slow)->LatestOffset(std::nullopt, ReadLimit::All());
  ASSERT_FALSE(latest.ok());
  EXPECT_NE(latest.status().message().find("9999-12-31"), std::string::npos) << latest.status().ToString();
}

}  // namespace
}  // namespace sluice
