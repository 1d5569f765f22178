// CheckpointLogWriter: one thread that runs a query's checkpoint log writes
// (offsets/<id>, commits/<id>, the purge of old entries) in the order they
// were submitted, so that the micro-batch runner can go on with the batch
// while a write waits for its fsyncs, and wait for the write only where the
// protocol needs it durable (MicroBatchExecution: the offset log before the
// batch's state or output is committed, the commit log before the next
// offset-log entry is written).
//
// Writes run one at a time and in submission order: the logs see the same
// sequence of operations as when the runner wrote them itself (a purge never
// lists a directory while an entry is being added to it), and a write starts
// only after the one before is durable. After a write fails, the later ones
// do not run: they fail with its error (offsets/<id + 1> is never written
// when commits/<id> could not be).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "sluice/status.h"

namespace sluice {

class CheckpointLogWriter {
 public:
  // One submitted write. Its fields are read through Wait / the accessors.
  class Ticket;
  using TicketPtr = std::shared_ptr<Ticket>;

  CheckpointLogWriter() = default;
  // Runs what was submitted, then stops the thread.
  ~CheckpointLogWriter();
  CheckpointLogWriter(const CheckpointLogWriter&) = delete;
  CheckpointLogWriter& operator=(const CheckpointLogWriter&) = delete;

  // Queues `write` behind everything submitted before (the thread starts at
  // the first call).
  TicketPtr Submit(std::function<Status()> write);
  // Blocks until the write ran; its status.
  Status Wait(const TicketPtr& ticket);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<TicketPtr> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;        // GUARDED_BY(mu_)
  Status failed_;                // the first failed write's status (written by the thread only)
  std::thread thread_;
};

class CheckpointLogWriter::Ticket {
 public:
  // Steady-clock microseconds when the write started and ended on the
  // writer's thread (valid once Wait returned): how long the write itself
  // took, whoever waited for it.
  int64_t start_micros() const { return start_micros_; }
  int64_t end_micros() const { return end_micros_; }
  int64_t micros() const { return end_micros_ - start_micros_; }

 private:
  friend class CheckpointLogWriter;
  std::function<Status()> write_;
  bool done_ = false;  // GUARDED_BY(the writer's mu_)
  Status status_;
  int64_t start_micros_ = 0;
  int64_t end_micros_ = 0;
};

}  // namespace sluice
