// The engine's side of StreamingQuery and StreamingQueryManager
// (include/sluice/streaming.h): the runner behind a query handle, and the
// registration of running queries and the listeners they report to. Not part
// of the public API.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sluice/streaming.h"

namespace sluice {

struct StreamingQueryAccess {
  static StreamingQuery MakeQuery(std::shared_ptr<MicroBatchExecution> exec) { return StreamingQuery(std::move(exec)); }
  static const std::shared_ptr<MicroBatchExecution>& Execution(const StreamingQuery& q) { return q.exec_; }
  // The listeners now (a copy: callbacks run without the manager's lock).
  static std::vector<std::shared_ptr<StreamingQueryListener>> Listeners(const StreamingQueryManager& m);
  // A started query is active until its runner unregisters it.
  static void Register(StreamingQueryManager& m, const StreamingQuery& q);
  static void Unregister(StreamingQueryManager& m, const std::string& run_id);
};

}  // namespace sluice
