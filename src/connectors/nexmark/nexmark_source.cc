#include "connectors/nexmark/nexmark_source.h"

#include <algorithm>
#include <limits>

#include "connectors/generated_source.h"
#include "exec/expression_evaluator.h"
#include "types/datetime.h"

namespace sluice {

namespace {

constexpr int64_t kMaxPartitions = 1024;
constexpr int64_t kMaxRate = 1000000000;
// The largest offset the offset log reads back (18 digits).
constexpr int64_t kMaxOffset = 999999999999999999;
// Unbounded and unlimited (eventsPerSecond 0): events per batch unless maxEventsPerBatch says otherwise.
constexpr int64_t kDefaultUnlimitedBatch = 1000000;
constexpr const char* kDefaultBaseTime = "2026-01-01 00:00:00";

// The event type a pushed filter fixes: a conjunct `event_type = k` (either
// side) on the projected event_type column; -1 when there is none.
int FixedEventType(const ExprPtr& filter, const std::vector<int>& columns) {
  std::vector<ExprPtr> conjuncts;
  SplitConjuncts(filter, &conjuncts);
  for (const auto& c : conjuncts) {
    if (c->kind != ExprKind::kCall || c->name != "=" || c->args.size() != 2) continue;
    for (int side = 0; side < 2; ++side) {
      const Expr& col = *c->args[static_cast<size_t>(side)];
      const Expr& lit = *c->args[static_cast<size_t>(1 - side)];
      if (col.kind != ExprKind::kColumnRef || lit.kind != ExprKind::kLiteral || lit.literal.is_null()) continue;
      if (col.column_index < 0 || static_cast<size_t>(col.column_index) >= columns.size() ||
          columns[static_cast<size_t>(col.column_index)] != NexmarkGenerator::kEventTypeColumn) {
        continue;
      }
      int64_t k = -1;
      if (lit.type.id() == TypeId::kInt) k = lit.literal.int_value();
      if (lit.type.id() == TypeId::kBigint) k = lit.literal.bigint_value();
      if (k >= 0 && k <= 2) return static_cast<int>(k);
    }
  }
  return -1;
}

class NexmarkScanOperator final : public PhysicalOperator {
 public:
  NexmarkScanOperator(Schema output, NexmarkGenerator gen, int64_t from, int64_t to, std::vector<int> columns,
                      ExprPtr filter)
      : PhysicalOperator(std::move(output), {}),
        gen_(gen),
        from_(from),
        to_(to),
        only_type_(filter ? FixedEventType(filter, columns) : -1),
        columns_(std::move(columns)),
        filter_(std::move(filter)) {}

  int num_partitions() const override { return std::max(1, gen_.config().partitions); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override {
    if (partition < 0 || partition >= num_partitions()) {
      return Status::Internal("NexmarkScan has " + std::to_string(num_partitions()) + " partitions, asked for " +
                              std::to_string(partition));
    }
    int64_t lo = gen_.PartitionStart(from_, to_, partition), hi = gen_.PartitionStart(from_, to_, partition + 1);
    return MakeGeneratedScanStream(
        [gen = gen_, columns = columns_, only_type = only_type_](int64_t first, size_t n) {
          return gen.Generate(first, n, columns, only_type);
        },
        lo, hi, filter_, ctx, "nexmark scan");
  }
  std::string name() const override { return "NexmarkScan"; }
  std::string details() const override {
    std::string s = "events=[" + std::to_string(from_) + ", " + std::to_string(to_) + ")";
    s += ", partitions=" + std::to_string(num_partitions());
    if (only_type_ >= 0) s += ", event_type=" + std::to_string(only_type_);
    if (filter_) s += ", filter=" + filter_->ToString();
    return s;
  }

 private:
  NexmarkGenerator gen_;
  int64_t from_;
  int64_t to_;
  int only_type_;
  std::vector<int> columns_;
  ExprPtr filter_;
};

}  // namespace

Result<PhysicalOperatorPtr> NexmarkTable::CreateScan(const std::vector<int>& columns, ExprPtr filter) const {
  Schema out;
  for (int c : columns) {
    if (c < 0 || static_cast<size_t>(c) >= schema_.size()) {
      return Status::Internal("nexmark scan: no column " + std::to_string(c));
    }
    out.Add(schema_.field(static_cast<size_t>(c)));
  }
  if (filter && filter->type.id() != TypeId::kBoolean) {
    return Status::Internal("nexmark scan: pushed filter must be BOOLEAN, got " + filter->type.ToString());
  }
  return PhysicalOperatorPtr(
      std::make_shared<NexmarkScanOperator>(std::move(out), gen_, from_, to_, columns, std::move(filter)));
}

Result<NexmarkConfig> NexmarkSource::ConfigFromOptions(const SourceOptions& options) {
  NexmarkConfig c;
  SLUICE_ASSIGN_OR_RETURN(int64_t seed, options.GetInt("seed", 0));
  c.seed = static_cast<uint64_t>(seed);
  SLUICE_ASSIGN_OR_RETURN(c.events_per_second, options.GetInt("eventsPerSecond", 0));
  SLUICE_ASSIGN_OR_RETURN(int64_t parts, options.GetInt("numPartitions", 1, true));
  c.partitions = static_cast<int>(std::min(parts, kMaxPartitions));
  std::string base = options.GetOr("baseTime", kDefaultBaseTime);
  auto base_us = ParseTimestamp(base);
  if (!base_us) {
    return Status::InvalidArgument("option 'baseTime' must be a timestamp such as '" + std::string(kDefaultBaseTime) +
                                   "' (UTC), got '" + base + "'");
  }
  // Whole milliseconds (floor), as every event time is.
  c.base_time_ms = *base_us >= 0 ? *base_us / 1000 : -((-*base_us + 999) / 1000);
  SLUICE_ASSIGN_OR_RETURN(c.num_events, options.GetInt("numEvents", 0));
  SLUICE_ASSIGN_OR_RETURN(c.out_of_order_group_size, options.GetInt("outOfOrderGroupSize", 1, true));
  if (c.out_of_order_group_size % NexmarkConfig::kOutOfOrderMultiplier == 0) {
    return Status::InvalidArgument("option 'outOfOrderGroupSize' must not be a multiple of 953 (the shuffle within a "
                                   "group multiplies by 953), got " +
                                   std::to_string(c.out_of_order_group_size));
  }
  SLUICE_ASSIGN_OR_RETURN(c.person_proportion, options.GetInt("personProportion", 1, true));
  SLUICE_ASSIGN_OR_RETURN(c.auction_proportion, options.GetInt("auctionProportion", 3, true));
  SLUICE_ASSIGN_OR_RETURN(c.bid_proportion, options.GetInt("bidProportion", 46, true));
  SLUICE_ASSIGN_OR_RETURN(c.num_active_people, options.GetInt("numActivePeople", 1000, true));
  SLUICE_ASSIGN_OR_RETURN(c.num_in_flight_auctions, options.GetInt("numInFlightAuctions", 100, true));
  SLUICE_ASSIGN_OR_RETURN(c.hot_auction_ratio, options.GetInt("hotAuctionRatio", 2, true));
  SLUICE_ASSIGN_OR_RETURN(c.hot_sellers_ratio, options.GetInt("hotSellersRatio", 4, true));
  SLUICE_ASSIGN_OR_RETURN(c.hot_bidders_ratio, options.GetInt("hotBiddersRatio", 4, true));
  SLUICE_ASSIGN_OR_RETURN(c.avg_person_bytes, options.GetInt("avgPersonByteSize", 200, true));
  SLUICE_ASSIGN_OR_RETURN(c.avg_auction_bytes, options.GetInt("avgAuctionByteSize", 500, true));
  SLUICE_ASSIGN_OR_RETURN(c.avg_bid_bytes, options.GetInt("avgBidByteSize", 100, true));
  return c;
}

Result<std::shared_ptr<NexmarkSource>> NexmarkSource::Make(const SourceOptions& options) {
  auto s = std::make_shared<NexmarkSource>();
  SLUICE_ASSIGN_OR_RETURN(s->config_, ConfigFromOptions(options));
  s->num_events_ = s->config_.num_events;
  SLUICE_ASSIGN_OR_RETURN(s->max_events_per_batch_, options.GetInt("maxEventsPerBatch", 0));
  return s;
}

std::string NexmarkSource::description() const {
  return "Nexmark[seed=" + std::to_string(config_.seed) + ", eventsPerSecond=" +
         std::to_string(config_.events_per_second) + ", numEvents=" + std::to_string(num_events_) +
         ", numPartitions=" + std::to_string(config_.partitions) + "]";
}

Status NexmarkSource::Open(const SourceContext& ctx) {
  clock_ = ctx.clock;
  // The wall-clock start of the rate limit, fixed on the first run and read back on restarts.
  SLUICE_ASSIGN_OR_RETURN(start_ms_, RecordedStartMillis(ctx));
  return Status::OK();
}

ReadLimit NexmarkSource::DefaultReadLimit() const {
  ReadLimit l;
  if (max_events_per_batch_ > 0) l.max_rows = max_events_per_batch_;
  return l;
}

Result<std::optional<std::string>> NexmarkSource::LatestOffset(const std::optional<std::string>& start,
                                                               const ReadLimit& limit) {
  int64_t from = 0;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, ParseLongOffset(*start, description()));
  }
  int64_t to;
  if (config_.events_per_second > 0 && !(available_now_ && num_events_ > 0)) {
    int64_t elapsed = std::max<int64_t>(0, clock_->NowMillis() - start_ms_);
    // elapsed * rate / 1000 without overflow.
    to = (elapsed / 1000) * config_.events_per_second + (elapsed % 1000) * config_.events_per_second / 1000;
  } else if (num_events_ > 0) {
    to = num_events_;
  } else {
    to = from + (max_events_per_batch_ > 0 ? max_events_per_batch_ : kDefaultUnlimitedBatch);
  }
  if (num_events_ > 0) to = std::min(to, num_events_);
  if (available_now_) {
    if (!cap_) cap_ = to;
    to = std::min(to, *cap_);
  }
  if (limit.max_rows > 0 && to - from > limit.max_rows) to = from + limit.max_rows;
  if (to > kMaxOffset) {
    return Status::InvalidArgument(description() + ": event number " + std::to_string(to) +
                                   " passes the largest offset the offset log holds; start a new checkpoint");
  }
  if (to <= from) return start;
  return std::optional<std::string>(std::to_string(to));
}

Result<SourceBatch> NexmarkSource::GetBatch(const std::optional<std::string>& start, const std::string& end) {
  int64_t from = 0;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, ParseLongOffset(*start, description()));
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t to, ParseLongOffset(end, description()));
  if (from > to) {
    return Status::Corruption(description() + ": offset range (" + *start + ", " + end + "] goes backwards");
  }
  return SourceBatch{std::make_shared<NexmarkTable>(NexmarkGenerator(config_), from, to), to - from, nullptr};
}

ConnectorSpec NexmarkSource::Spec() {
  ConnectorSpec spec;
  spec.name = "nexmark";
  spec.kind = ConnectorKind::kSource;
  spec.description =
      "the Nexmark benchmark's people, auctions and bids (event_type INT, person, auction, bid STRUCTs; docs/nexmark.md)";
  spec.schema_policy = SchemaPolicy::kFixed;
  spec.source_schema = [](const SourceOptions&, const std::optional<Schema>&) -> Result<Schema> {
    return NexmarkSchema();
  };
  constexpr int64_t kBig = std::numeric_limits<int64_t>::max();
  spec.options.Add(OptionSpec::Int("seed", "0", 0, kBig, "the random seed: the same seed, the same events"))
      .Add(OptionSpec::Int("eventsPerSecond", "0", 0, kMaxRate,
                           "event time advances 1/eventsPerSecond s per event, and a live stream generates no faster; "
                           "0: as fast as possible, event time as at 10000 per second"))
      .Add(OptionSpec::Int("numEvents", "0", 0, kMaxOffset, "events in the stream (0: unbounded)"))
      .Add(OptionSpec::Int("numPartitions", "1", 1, kMaxPartitions, "partitions (contiguous event ranges)"))
      .Add(OptionSpec::Int("maxEventsPerBatch", "0", 0, kMaxRate,
                           "at most this many events per micro-batch (0: no limit; 1000000 when unbounded and "
                           "eventsPerSecond is 0)"))
      .Add(OptionSpec::String("baseTime", kDefaultBaseTime, "event time of the first event (UTC)"))
      .Add(OptionSpec::Int("outOfOrderGroupSize", "1", 1, kMaxRate,
                           "events are shuffled within groups of this many (1: in order)"))
      .Add(OptionSpec::Int("personProportion", "1", 1, 1000, "people per personProportion + auctionProportion + "
                                                            "bidProportion events"))
      .Add(OptionSpec::Int("auctionProportion", "3", 1, 1000, "auctions per that many events"))
      .Add(OptionSpec::Int("bidProportion", "46", 1, 1000, "bids per that many events"))
      .Add(OptionSpec::Int("numActivePeople", "1000", 1, kMaxRate, "people a cold bid or auction refers to"))
      .Add(OptionSpec::Int("numInFlightAuctions", "100", 1, kMaxRate, "auctions a cold bid refers to"))
      .Add(OptionSpec::Int("hotAuctionRatio", "2", 1, 1000, "1 - 1/ratio of bids go to a hot auction"))
      .Add(OptionSpec::Int("hotSellersRatio", "4", 1, 1000, "1 - 1/ratio of auctions are by a hot seller"))
      .Add(OptionSpec::Int("hotBiddersRatio", "4", 1, 1000, "1 - 1/ratio of bids are by a hot bidder"))
      .Add(OptionSpec::Int("avgPersonByteSize", "200", 1, 1500, "average size of a person event"))
      .Add(OptionSpec::Int("avgAuctionByteSize", "500", 1, 1500, "average size of an auction event"))
      .Add(OptionSpec::Int("avgBidByteSize", "100", 1, 1500, "average size of a bid event"));
  spec.make_source = [](const SourceOptions& options, const Schema&) -> Result<SourcePtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, NexmarkSource::Make(options));
    return SourcePtr(s);
  };
  return spec;
}

}  // namespace sluice
