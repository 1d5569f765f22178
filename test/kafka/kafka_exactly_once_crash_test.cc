// Exactly-once Kafka to Kafka under SIGKILL: a real `sluice run job.sql`
// child process copies 60 ids from an input topic to an output topic with
// the transactional sink (exactlyOnce 'true'), in batches of at most 20
// offsets, and is killed (SLUICE_KILL_AT) at every phase of a batch:
// after the offset log, inside the sink between producing and
// commit_transaction, after the sink, after the commit log; at the 1st and
// 2nd batch. It is then restarted until done. The checker reads the output
// read_committed: every input id exactly once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "kafka_test_util.h"
#include "sluice_process.h"
#include "connectors/kafka/test_broker.h"
#include "env/temp_dir.h"

namespace sluice::kafka {
namespace {

using testing::ReadText;
using testing::RunSluice;

TEST(KafkaExactlyOnceCrashTest, SigkillAtEveryBatchPhase) {
  auto b = TestKafkaBroker::Start();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  TestKafkaBroker& broker = **b;
  TempDir dir;
  const int kIds = 60;
  int n = 0;
  for (const char* point : {"after_offset_log", "kafka_sink:before_commit_transaction", "after_sink", "after_commit"}) {
    for (int hit : {1, 2}) {
      std::string tag = std::to_string(n++);
      std::string in = "eos-in-" + tag, out = "eos-out-" + tag;
      ASSERT_TRUE(broker.CreateTopic(in, 2).ok());
      ASSERT_TRUE(broker.CreateTopic(out, 2).ok());
      {
        testing::Producer p(broker.bootstrap_servers());
        p.SendRange(in, 0, kIds, 2, "id-");
      }
      std::string job = dir.path() + "/job" + tag + ".sql";
      std::ofstream(job) << "CREATE STREAM input USING kafka OPTIONS (kafka.bootstrap.servers '"
                         << broker.bootstrap_servers() << "', subscribe '" << in
                         << "', startingOffsets 'earliest', maxOffsetsPerTrigger 20);\n"
                         << "CREATE SINK out USING kafka OPTIONS (kafka.bootstrap.servers '"
                         << broker.bootstrap_servers() << "', topic '" << out << "', exactlyOnce 'true');\n"
                         << "START STREAMING QUERY copy INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '"
                         << dir.path() << "/ck" << tag << "'\n"
                         << "  AS SELECT CAST(value AS STRING) AS value, CAST(partition AS STRING) AS key FROM input;\n";
      std::string what = std::string(point) + ":" + std::to_string(hit);
      int st = RunSluice(job, what, dir.path() + "/err" + tag + "a");
      ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
          << what << ": expected a SIGKILL, got status " << st << "\n" << ReadText(dir.path() + "/err" + tag + "a");
      for (const char* round : {"b", "c"}) {
        st = RunSluice(job, "", dir.path() + "/err" + tag + round);
        ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
            << what << ": restart failed\n" << ReadText(dir.path() + "/err" + tag + round);
      }
      std::map<std::string, int> seen;
      for (const auto& r : testing::ReadTopic(broker.bootstrap_servers(), out)) ++seen[r.value];
      for (int i = 0; i < kIds; ++i) {
        EXPECT_EQ(seen["id-" + std::to_string(i)], 1) << what << ": id-" << i;
        seen.erase("id-" + std::to_string(i));
      }
      EXPECT_TRUE(seen.empty()) << what << ": unexpected records in the output";
    }
  }
}

}  // namespace
}  // namespace sluice::kafka
