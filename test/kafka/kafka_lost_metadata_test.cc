// Issue 10 item 1, through the exactly-once Kafka sink: a `sluice run`
// child copies ids from an input topic to an output topic with the
// transactional sink and is killed (SIGKILL) after its first batch reached
// the sink but before the commit log. `<checkpoint>/metadata` is then
// deleted. A restart must fail naming the file: a new query id would give
// the sink a new transactional id, and the replayed batch would be
// committed a second time. The output, read read_committed, still holds the
// first batch's ids exactly once; with the file restored the query finishes
// and every id is there exactly once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "kafka_test_util.h"
#include "shared_broker_test.h"
#include "sluice_process.h"

namespace sluice::kafka {
namespace {

using testing::ReadText;
using testing::RunSluice;

class KafkaLostMetadataTest : public testing::SharedBrokerTest {
 protected:
  std::map<std::string, int> Output(const std::string& topic) {
    std::map<std::string, int> seen;
    for (const auto& r : testing::ReadTopic(bootstrap(), topic)) ++seen[r.value];
    return seen;
  }
};

TEST_F(KafkaLostMetadataTest, DeletedMetadataFailsTheRestartInsteadOfReplayingUnderANewTransactionalId) {
  const int kIds = 40;
  ASSERT_TRUE(broker_->CreateTopic("lost-md-in", 1).ok());
  ASSERT_TRUE(broker_->CreateTopic("lost-md-out", 1).ok());
  {
    testing::Producer p(bootstrap());
    p.SendRange("lost-md-in", 0, kIds, 1, "id-");
  }
  const std::string ck = dir.path() + "/ck", job = dir.path() + "/job.sql";
  std::ofstream(job) << "CREATE STREAM input USING kafka OPTIONS (kafka.bootstrap.servers '" << bootstrap()
                     << "', subscribe 'lost-md-in', startingOffsets 'earliest', maxOffsetsPerTrigger 20);\n"
                     << "CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '" << bootstrap()
                     << "', topic 'lost-md-out', exactlyOnce 'true');\n"
                     << "START STREAMING QUERY copy INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '" << ck
                     << "'\n  AS SELECT CAST(value AS STRING) AS value FROM input;\n";
  // Batch 0 (ids 0..19) is committed to Kafka, not to the commit log.
  int st = RunSluice(job, "after_sink:1", dir.path() + "/err1");
  ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << "status " << st << "\n" << ReadText(dir.path() + "/err1");
  std::string metadata = ReadText(ck + "/metadata");
  ASSERT_FALSE(metadata.empty());
  ASSERT_EQ(std::remove((ck + "/metadata").c_str()), 0);

  st = RunSluice(job, "", dir.path() + "/err2");
  std::string err = ReadText(dir.path() + "/err2");
  EXPECT_FALSE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "the query restarted without its metadata:\n" << err;
  EXPECT_NE(err.find("checkpoint metadata file " + ck + "/metadata is missing"), std::string::npos) << err;
  auto seen = Output("lost-md-out");
  for (int i = 0; i < 20; ++i) EXPECT_EQ(seen["id-" + std::to_string(i)], 1) << "id-" << i;

  // Restored: the replayed batch 0 is recognised (same transactional id),
  // and the query finishes with every id once.
  std::ofstream(ck + "/metadata") << metadata;
  st = RunSluice(job, "", dir.path() + "/err3");
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << ReadText(dir.path() + "/err3");
  seen = Output("lost-md-out");
  for (int i = 0; i < kIds; ++i) {
    EXPECT_EQ(seen["id-" + std::to_string(i)], 1) << "id-" << i;
    seen.erase("id-" + std::to_string(i));
  }
  EXPECT_TRUE(seen.empty()) << "unexpected records in the output";
}

}  // namespace
}  // namespace sluice::kafka
