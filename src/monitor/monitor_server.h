// MonitorServer: an HTTP server beside running streaming queries (issue 16):
// the REST API (/api/v1/...), Prometheus metrics (/metrics) and the embedded
// web page (ui_assets.h). Off for library use; `sluice run` starts one unless
// --no-ui. docs/ui.md lists the endpoints, their JSON and the metrics.
//
// Everything it serves comes from the queries' own records (recentProgress,
// lastProgress, status, explain) plus totals it counts as a listener of the
// manager, so it never disagrees with the progress the engine posts.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sluice/status.h"
#include "sluice/streaming.h"

namespace sluice::monitor {

class MonitorServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    // First port tried; when taken, the next ones (up to port + 100). 0: any
    // free port (tests).
    int port = 4040;
    // When non-empty, every request needs "Authorization: Bearer <token>".
    std::string token;
    // /api/v1/environment: "version" and these options (secret values are
    // redacted here, src/common/redaction.h).
    std::string version;
    std::map<std::string, std::string> environment;
  };

  // Listens to `manager`'s progress events (counters) from now on; serves
  // nothing until Start().
  MonitorServer(StreamingQueryManager* manager, Options options);
  ~MonitorServer();  // Stop()
  MonitorServer(const MonitorServer&) = delete;
  MonitorServer& operator=(const MonitorServer&) = delete;

  // The queries to show, finished ones included (default: the manager's
  // active ones).
  void SetQueries(std::function<std::vector<StreamingQuery>()> queries);
  // Binds and serves on a thread of its own.
  Status Start();
  void Stop();
  int port() const;
  std::string url() const;

  // The responses, without HTTP (unit tests and the server's handlers).
  std::string QueriesJson() const;
  // nullopt: no such query.
  std::optional<std::string> ProgressJson(const std::string& id, int64_t from_batch) const;
  std::optional<std::string> PlanJson(const std::string& id) const;
  std::string EnvironmentJson() const;
  std::string MetricsText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lag per (topic, partition) from a Kafka source's offsets JSON
// ({"topic":{"0":12,"1":7}}): latest - end; empty when either is not of
// that shape. Exposed for tests.
struct PartitionLag {
  std::string topic;
  std::string partition;
  int64_t lag = 0;
};
std::vector<PartitionLag> KafkaLag(const std::string& end_offset, const std::string& latest_offset);

// Milliseconds since the epoch of "2024-05-01T12:00:00.000Z"; nullopt if
// not of that form.
std::optional<int64_t> ParseIsoMillis(const std::string& ts);

}  // namespace sluice::monitor
