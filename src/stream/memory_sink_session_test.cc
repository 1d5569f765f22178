// The memory sink's tables belong to the session that ran the query: a
// session never sees the batches of an earlier one, even when it is
// allocated where the earlier session was (the sinks used to be kept in a
// process-wide map keyed by the catalog's address, so a new session at a
// reused address found the old sink, took its batch 0 for a replay and
// skipped it: StateSchemaTest failed about one run in five).
#include <gtest/gtest.h>

#include <set>

#include "api/session_impl.h"
#include "connectors/memory/memory_stream.h"
#include "env/temp_dir.h"
#include "sluice/dataframe.h"
#include "sluice/streaming.h"

namespace sluice {
namespace {

// Runs one batch (the row `i`) into the memory table `out` of a new session
// and returns what SELECT * FROM out shows, as text ("error: ..." if none).
std::string RunOnce(const std::shared_ptr<Session>& spark, const std::string& ck, int64_t i) {
  auto input = std::make_shared<MemoryStream>(Schema({{"i", DataType::Bigint()}}));
  if (!input->AddRows({{Value::Bigint(i)}}).ok()) return "error: AddRows";
  auto q = spark->readStream().source(input).writeStream().format("memory").queryName("out")
               .option("checkpointLocation", ck).start();
  if (!q.ok()) return "error: " + q.status().ToString();
  if (auto s = q->processAllAvailable(); !s.ok()) return "error: " + s.ToString();
  if (auto s = q->stop(); !s.ok()) return "error: " + s.ToString();
  auto r = spark->Sql("SELECT * FROM out");
  if (!r.ok()) return "error: " + r.status().ToString();
  std::string text;
  for (const auto& row : r->Rows()) text += (text.empty() ? "" : ";") + row[0].ToString();
  return text;
}

TEST(MemorySinkSessionTest, ANewSessionAtAReusedAddressStartsWithNoTables) {
  TempDir dir;
  std::set<const TablePublisher*> seen;
  int reused = 0;
  // Sessions are created and destroyed until the allocator has handed out
  // a catalog address twice (almost always at the second session), three
  // times over; each must see its own batch 0 and nothing else.
  for (int64_t i = 0; i < 200 && reused < 3; ++i) {
    auto spark = Session::Create();
    const TablePublisher* catalog = &std::dynamic_pointer_cast<SessionImpl>(spark)->catalog();
    if (!seen.insert(catalog).second) ++reused;
    EXPECT_EQ(RunOnce(spark, dir.path() + "/ck" + std::to_string(i), i), std::to_string(i)) << "session " << i;
  }
  // ASan's quarantine keeps freed memory from being handed out again, so
  // under it no address repeats: the sessions above each saw only their own
  // batch, but the reused-address case itself did not occur. Say so.
  if (reused == 0) {
    GTEST_SKIP() << "no catalog address was reused in " << seen.size()
                 << " sessions (an allocator that does not reuse freed memory, e.g. ASan's quarantine): "
                    "each session saw only its own batch, the reused-address case was not reached";
  }
}

// Within one session the sink is kept across runs of a query of that name:
// a restarted query continues its table, and a replayed batch is not added
// twice.
TEST(MemorySinkSessionTest, ARestartedQueryContinuesItsTableInTheSameSession) {
  TempDir dir;
  auto spark = Session::Create();
  auto input = std::make_shared<MemoryStream>(Schema({{"i", DataType::Bigint()}}));
  for (int64_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(input->AddRows({{Value::Bigint(i)}}).ok());
    auto q = spark->readStream().source(input).writeStream().format("memory").queryName("out")
                 .option("checkpointLocation", dir.path() + "/ck").start();
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    ASSERT_TRUE(q->processAllAvailable().ok());
    ASSERT_TRUE(q->stop().ok());
  }
  auto r = spark->Sql("SELECT i FROM out ORDER BY i");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->Rows().size(), 2u);
  EXPECT_EQ(r->Rows()[0][0], Value::Bigint(0));
  EXPECT_EQ(r->Rows()[1][0], Value::Bigint(1));
}

}  // namespace
}  // namespace sluice
