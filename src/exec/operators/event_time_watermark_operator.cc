#include "exec/operators/event_time_watermark_operator.h"

#include <algorithm>
#include <functional>
#include <mutex>

namespace sluice {

void EventTimeStats::Add(const EventTimeStats& o) {
  if (o.count == 0) return;
  if (count == 0) {
    min_micros = o.min_micros;
    max_micros = o.max_micros;
  } else {
    min_micros = std::min(min_micros, o.min_micros);
    max_micros = std::max(max_micros, o.max_micros);
  }
  count += o.count;
  sum_micros += o.sum_micros;
}

struct EventTimeWatermarkOperator::Collector {
  std::mutex mu;
  EventTimeStats stats;  // GUARDED_BY(mu)
};

EventTimeWatermarkOperator::EventTimeWatermarkOperator(PhysicalOperatorPtr child, int column, int64_t delay_ms)
    : PhysicalOperator(child->output_schema(), {child}), column_(column), delay_ms_(delay_ms) {}

std::string EventTimeWatermarkOperator::details() const {
  return "#" + std::to_string(column_) + ", delay=" + std::to_string(delay_ms_) + " ms";
}

namespace {

class WatermarkStream : public BatchStream {
 public:
  WatermarkStream(std::unique_ptr<BatchStream> in, int column, std::function<void(const EventTimeStats&)> report)
      : in_(std::move(in)), column_(column), report_(std::move(report)) {}
  ~WatermarkStream() override { report_(local_); }

  Result<std::optional<Batch>> Next() override {
    SLUICE_ASSIGN_OR_RETURN(auto b, in_->Next());
    if (!b) {
      report_(local_);
      local_ = EventTimeStats{};
      return b;
    }
    const Vector& v = b->columns[static_cast<size_t>(column_)];
    const auto* ts = v.data<int64_t>();
    EventTimeStats s;
    for (size_t i = 0; i < b->num_rows; ++i) {
      if (v.IsNull(i)) continue;
      int64_t t = ts[i];
      if (s.count == 0) {
        s.min_micros = s.max_micros = t;
      } else {
        s.min_micros = std::min(s.min_micros, t);
        s.max_micros = std::max(s.max_micros, t);
      }
      ++s.count;
      s.sum_micros += static_cast<double>(t);
    }
    local_.Add(s);
    return b;
  }

 private:
  std::unique_ptr<BatchStream> in_;
  int column_;
  std::function<void(const EventTimeStats&)> report_;
  EventTimeStats local_;
};

void Collect(const PhysicalOperator& op, std::vector<const EventTimeWatermarkOperator*>* out) {
  if (auto* w = dynamic_cast<const EventTimeWatermarkOperator*>(&op)) out->push_back(w);
  for (const auto& c : op.children()) Collect(*c, out);
}

}  // namespace

Result<std::unique_ptr<BatchStream>> EventTimeWatermarkOperator::Open(int partition, ExecContext* ctx) const {
  SLUICE_ASSIGN_OR_RETURN(auto in, children()[0]->Execute(partition, ctx));
  auto collector = ctx->Shared<Collector>(this, [] { return std::make_shared<Collector>(); });
  auto report = [collector](const EventTimeStats& s) {
    std::lock_guard<std::mutex> l(collector->mu);
    collector->stats.Add(s);
  };
  return std::unique_ptr<BatchStream>(std::make_unique<WatermarkStream>(std::move(in), column_, std::move(report)));
}

EventTimeStats EventTimeWatermarkOperator::Stats(ExecContext* ctx) const {
  auto collector = ctx->Shared<Collector>(this, [] { return std::make_shared<Collector>(); });
  std::lock_guard<std::mutex> l(collector->mu);
  return collector->stats;
}

std::vector<const EventTimeWatermarkOperator*> FindEventTimeWatermarks(const PhysicalOperator& plan) {
  std::vector<const EventTimeWatermarkOperator*> out;
  Collect(plan, &out);
  return out;
}

}  // namespace sluice
