// StreamingQuery::lastPlan() (issue 16, the UI's /plan): the plans of the last
// batch with each operator's rows for that batch. Expected counts are worked
// out by hand from the rows added.
#include <gtest/gtest.h>

#include <functional>

#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "stream/stream_test_util.h"

namespace sluice {
namespace {

// The first operator (depth first) whose name starts with `prefix`.
const PlanOperatorMetrics* Find(const std::vector<PlanOperatorMetrics>& ops, const std::string& prefix) {
  for (const auto& o : ops) {
    if (o.name.rfind(prefix, 0) == 0) return &o;
    if (const auto* c = Find(o.children, prefix)) return c;
  }
  return nullptr;
}

TEST(PlanMetricsTest, LastBatchOperatorsWithTheirRows) {
  auto spark = Session::Create();
  TempDir dir;
  auto input = std::make_shared<MemoryStream>(KV());
  auto df = spark->readStream().source(input).filter("v > 1").groupBy({"k"}).count();
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto q = df.writeStream().format("memory").queryName("counts").outputMode("update")
               .option("checkpointLocation", dir.path() + "/ck").start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->lastPlan().batchId, -1);
  EXPECT_TRUE(q->lastPlan().operators.empty());

  // Batch 0: 5 rows, 3 with v > 1 in keys a and b.
  ASSERT_TRUE(input->AddRows(KVRows({{"a", 1}, {"a", 2}, {"b", 3}, {"b", 4}, {"c", 0}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  StreamingQueryPlan p = q->lastPlan();
  EXPECT_EQ(p.batchId, 0);
  EXPECT_NE(p.logical.find("Aggregate"), std::string::npos) << p.logical;
  EXPECT_EQ(p.physical, q->explain());
  ASSERT_EQ(p.operators.size(), 1u);
  const auto* agg = Find(p.operators, "StatefulAggregate");
  ASSERT_NE(agg, nullptr) << p.physical;
  EXPECT_EQ(agg->numOutputRows, 2);  // update mode: a and b
  EXPECT_GE(agg->timeMs, 0);
  ASSERT_EQ(agg->children.size(), 1u);
  // Below the aggregation: the 3 rows that passed the filter; the leaf read all 5.
  EXPECT_EQ(agg->children[0].numOutputRows, 3);
  const PlanOperatorMetrics* leaf = &agg->children[0];
  while (!leaf->children.empty()) leaf = &leaf->children[0];
  EXPECT_EQ(leaf->numOutputRows, 5) << p.physical;

  // Batch 1: counts are of that batch only: 2 rows, 1 passes (key c).
  ASSERT_TRUE(input->AddRows(KVRows({{"c", 7}, {"d", 1}})).ok());
  ASSERT_TRUE(q->processAllAvailable().ok());
  p = q->lastPlan();
  EXPECT_EQ(p.batchId, 1);
  agg = Find(p.operators, "StatefulAggregate");
  ASSERT_NE(agg, nullptr);
  EXPECT_EQ(agg->numOutputRows, 1);
  EXPECT_EQ(agg->children[0].numOutputRows, 1);
  leaf = &agg->children[0];
  while (!leaf->children.empty()) leaf = &leaf->children[0];
  EXPECT_EQ(leaf->numOutputRows, 2);
  ASSERT_TRUE(q->stop().ok());
}

}  // namespace
}  // namespace sluice
