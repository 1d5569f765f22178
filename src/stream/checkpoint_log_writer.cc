#include "stream/checkpoint_log_writer.h"

#include "common/phase_times.h"

namespace sluice {

CheckpointLogWriter::~CheckpointLogWriter() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

CheckpointLogWriter::TicketPtr CheckpointLogWriter::Submit(std::function<Status()> write) {
  auto ticket = std::make_shared<Ticket>();
  ticket->write_ = std::move(write);
  {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(ticket);
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }
  cv_.notify_all();
  return ticket;
}

Status CheckpointLogWriter::Wait(const TicketPtr& ticket) {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return ticket->done_; });
  return ticket->status_;
}

void CheckpointLogWriter::Loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything ran
    TicketPtr t = queue_.front();
    queue_.pop_front();
    l.unlock();
    t->start_micros_ = PhaseTimes::NowMicros();
    Status st = failed_.ok() ? t->write_()
                             : Status(failed_.code(), "not written: an earlier checkpoint log write failed: " +
                                                          failed_.message());
    if (!st.ok() && failed_.ok()) failed_ = st;
    t->end_micros_ = PhaseTimes::NowMicros();
    t->write_ = nullptr;
    l.lock();
    t->status_ = std::move(st);
    t->done_ = true;
    cv_.notify_all();
  }
}

}  // namespace sluice
