// A real Apache Kafka broker for GoogleTest suites.
//
// TestKafkaBroker runs scripts/kafka/broker.sh in a private temporary folder:
// one KRaft broker+controller JVM on 127.0.0.1 on free ports, Kafka fetched
// from Maven Central on first use and cached in ~/.cache/sluice. The
// destructor stops the broker and removes its data; a watchdog started by the
// script also stops it if the test process dies without running destructors.
// Topic administration goes through librdkafka's admin API (no JVM per call)
// and waits until the broker's metadata shows the change.
//
//   auto broker = sluice::kafka::TestKafkaBroker::Start();
//   ASSERT_TRUE(broker.ok()) << broker.status().ToString();
//   ASSERT_TRUE((*broker)->CreateTopic("events", 3).ok());
//   ... bootstrap.servers = (*broker)->bootstrap_servers() ...
//
// Several brokers (in one process or many) can run at once.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "sluice/status.h"

namespace sluice::kafka {

class TestKafkaBroker {
 public:
  struct Options {
    // How long to wait for the broker to answer (the first start also
    // downloads Kafka through Maven). 0: the script's default (90 s).
    int start_timeout_seconds = 0;
    // -Xmx of the broker JVM, e.g. "512m". Empty: the script's default.
    std::string heap;
  };

  // Starts a broker; its error names the cause and shows the broker log tail
  // (or Maven's output when the download failed).
  static Result<std::unique_ptr<TestKafkaBroker>> Start(Options options);
  static Result<std::unique_ptr<TestKafkaBroker>> Start() { return Start(Options()); }

  TestKafkaBroker(const TestKafkaBroker&) = delete;
  TestKafkaBroker& operator=(const TestKafkaBroker&) = delete;
  // Stops the broker (SIGTERM, then SIGKILL after 30 s) and removes its data.
  ~TestKafkaBroker();

  // "127.0.0.1:PORT". Stays the same across Restart() and Shutdown()/Resume().
  const std::string& bootstrap_servers() const { return bootstrap_; }
  // The broker's state folder (server.properties, broker.log, data/).
  const std::string& dir() const { return broker_dir_; }
  bool running() const { return running_; }

  // Creates a topic with replication factor 1 and waits until every
  // partition has a leader. `configs` are topic configs, e.g.
  // {{"retention.ms", "1000"}}.
  Status CreateTopic(const std::string& name, int partitions,
                     const std::map<std::string, std::string>& configs = {});
  // Deletes a topic and waits until the broker no longer lists it.
  Status DeleteTopic(const std::string& name);
  // Grows a topic to `total_partitions` partitions and waits for them.
  Status AddPartitions(const std::string& name, int total_partitions);
  // Number of partitions of a topic as the broker reports it (NotFound if it
  // has no such topic).
  Result<int> PartitionCount(const std::string& name);

  // Clean stop and start of the same broker: same port, same data.
  Status Restart();
  // The two halves of Restart(), for tests that need the broker down for a
  // while (clients see connection errors meanwhile).
  Status Shutdown();
  Status Resume();

  // The last `lines` lines of the broker log, for test failure messages.
  std::string LogTail(int lines = 40) const;

 private:
  TestKafkaBroker() = default;
  Status RunScript(const std::string& command, const std::string& extra_arg,
                   std::string* output) const;
  Status StartProcess();
  Status WaitForTopic(const std::string& name, int partitions, bool present);

  Options options_;
  std::string script_;
  std::string temp_dir_;
  std::string broker_dir_;
  std::string bootstrap_;
  bool running_ = false;
};

}  // namespace sluice::kafka
