#include "connectors/rate/rate_source.h"

#include <algorithm>
#include <limits>

#include "connectors/generated_source.h"
#include "connectors/rate/rate_table.h"

namespace sluice {

namespace {
// Upper bounds that keep a batch's row count and every offset far from
// int64 overflow (a second of rate or a micro-batch of rate-micro-batch is
// at most a billion rows). The registry checks them before Make.
constexpr int64_t kMaxRowsPerUnit = 1000000000;
constexpr int64_t kMaxPartitions = 1024;
// The largest offset the offset log reads back (ParseLongOffset: 18 digits).
constexpr int64_t kMaxOffset = 999999999999999999;
constexpr const char* kMaxTimestampText = "9999-12-31T23:59:59.999Z";
}  // namespace

Schema RateSchema() {
  return Schema({{"timestamp", DataType::Timestamp(), false}, {"value", DataType::Bigint(), false}});
}

Result<std::shared_ptr<RateSource>> RateSource::Make(const SourceOptions& options) {
  auto s = std::make_shared<RateSource>();
  SLUICE_ASSIGN_OR_RETURN(s->rows_per_second_, options.GetInt("rowsPerSecond", 1, true));
  SLUICE_ASSIGN_OR_RETURN(int64_t parts, options.GetInt("numPartitions", 1, true));
  s->partitions_ = static_cast<int>(std::min<int64_t>(parts, kMaxPartitions));
  return s;
}

std::string RateSource::description() const {
  return "RateStreamV2[rowsPerSecond=" + std::to_string(rows_per_second_) +
         ", numPartitions=" + std::to_string(partitions_) + "]";
}

Status RateSource::Open(const SourceContext& ctx) {
  clock_ = ctx.clock;
  // The start time is fixed on the first run and read back on restarts.
  std::string log_path;
  SLUICE_ASSIGN_OR_RETURN(start_ms_, RecordedStartMillis(ctx, &log_path));
  if (start_ms_ > RateGenerator::kMaxTimestampMillis) {
    return Status::Corruption(log_path + ": start time " + std::to_string(start_ms_) + " ms is after " +
                              kMaxTimestampText);
  }
  return Status::OK();
}

int64_t RateSource::MaxSeconds() const {
  // Values [0, s * rps) fit int64; their timestamps are below start + s * 1000 ms.
  return std::min(std::numeric_limits<int64_t>::max() / rows_per_second_,
                  (RateGenerator::kMaxTimestampMillis - start_ms_) / 1000);
}

Result<std::optional<std::string>> RateSource::LatestOffset(const std::optional<std::string>& start,
                                                            const ReadLimit& limit) {
  int64_t seconds = (clock_->NowMillis() - start_ms_) / 1000;
  if (cap_seconds_) seconds = std::min(seconds, *cap_seconds_);
  if (seconds <= 0) return std::optional<std::string>();
  if (seconds > MaxSeconds()) {
    return Status::InvalidArgument(description() + ": " + std::to_string(seconds) +
                                   " seconds after the query's start, rows would have timestamps after " +
                                   kMaxTimestampText + " or values past the BIGINT range; start a new checkpoint");
  }
  if (limit.max_rows > 0) {
    int64_t from = 0;
    if (start) {
      SLUICE_ASSIGN_OR_RETURN(from, ParseLongOffset(*start, description()));
    }
    int64_t max_seconds = std::max<int64_t>(1, limit.max_rows / rows_per_second_);
    if (seconds - from > max_seconds) seconds = from + max_seconds;
  }
  return std::optional<std::string>(std::to_string(seconds));
}

Status RateSource::PrepareForAvailableNow() {
  cap_seconds_ = (clock_->NowMillis() - start_ms_) / 1000;
  return Status::OK();
}

Result<SourceBatch> RateSource::GetBatch(const std::optional<std::string>& start, const std::string& end) {
  int64_t s0 = 0;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(s0, ParseLongOffset(*start, description()));
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t s1, ParseLongOffset(end, description()));
  std::string range = "offset range (" + (start ? *start : std::string("none")) + ", " + end + "]";
  if (s0 > s1) return Status::Corruption(description() + ": " + range + " goes backwards");
  if (s1 > MaxSeconds()) {
    return Status::Corruption(description() + ": " + range + " ends past second " + std::to_string(MaxSeconds()) +
                              ", the last one whose rows have BIGINT values and timestamps up to " +
                              kMaxTimestampText);
  }
  RateGenerator gen;
  gen.start_ms = start_ms_;
  gen.per_second = rows_per_second_;
  gen.partitions = partitions_;
  int64_t from = s0 * rows_per_second_, to = s1 * rows_per_second_;
  return SourceBatch{std::make_shared<RateTable>(schema_, gen, from, to, "rate"), to - from, nullptr};
}

Result<std::shared_ptr<RatePerMicroBatchSource>> RatePerMicroBatchSource::Make(const SourceOptions& options) {
  auto s = std::make_shared<RatePerMicroBatchSource>();
  if (!options.Get("rowsPerBatch")) {
    return Status::InvalidArgument("rate-micro-batch source needs option 'rowsPerBatch' (rows in every batch)");
  }
  SLUICE_ASSIGN_OR_RETURN(s->gen_.group, options.GetInt("rowsPerBatch", 0, true));
  SLUICE_ASSIGN_OR_RETURN(int64_t parts, options.GetInt("numPartitions", 1, true));
  s->gen_.partitions = static_cast<int>(std::min<int64_t>(parts, kMaxPartitions));
  SLUICE_ASSIGN_OR_RETURN(s->gen_.start_ms, options.GetInt("startTimestamp", 0));
  SLUICE_ASSIGN_OR_RETURN(s->gen_.step_ms, options.GetInt("advanceMillisPerBatch", 1000));
  return s;
}

std::string RatePerMicroBatchSource::description() const {
  return "RatePerMicroBatchStream[rowsPerBatch=" + std::to_string(gen_.group) +
         ", numPartitions=" + std::to_string(gen_.partitions) + "]";
}

Status RatePerMicroBatchSource::CheckEnd(int64_t to, StatusCode code) const {
  if (to > kMaxOffset) {
    return Status(code, description() + ": a batch ending at offset " + std::to_string(to) +
                            " would pass the largest offset the offset log holds (" + std::to_string(kMaxOffset) +
                            "); start a new checkpoint");
  }
  // The last value's batch number must keep its timestamp in range:
  // start + batch * step <= max, checked without the product.
  int64_t last_batch = to > 0 ? (to - 1) / gen_.group : 0;
  if (gen_.step_ms > 0 && last_batch > (RateGenerator::kMaxTimestampMillis - gen_.start_ms) / gen_.step_ms) {
    return Status(code, description() + ": batch " + std::to_string(last_batch) + " (values up to offset " +
                            std::to_string(to) + ") would have a timestamp after " + kMaxTimestampText +
                            " (startTimestamp " + std::to_string(gen_.start_ms) + " + batch * advanceMillisPerBatch " +
                            std::to_string(gen_.step_ms) +
                            " ms); lower advanceMillisPerBatch or start a new checkpoint");
  }
  return Status::OK();
}

Result<std::optional<std::string>> RatePerMicroBatchSource::LatestOffset(const std::optional<std::string>& start,
                                                                         const ReadLimit& limit) {
  int64_t from = 0;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, ParseLongOffset(*start, description()));
  }
  int64_t to = from + gen_.group;  // from <= kMaxOffset, group <= 1e9: no overflow
  if (available_now_) {
    if (!cap_) cap_ = to;
    to = std::min(to, *cap_);
    if (to <= from) return start;
  }
  SLUICE_RETURN_NOT_OK(CheckEnd(to, StatusCode::kInvalidArgument));
  return std::optional<std::string>(std::to_string(to));
}

Result<SourceBatch> RatePerMicroBatchSource::GetBatch(const std::optional<std::string>& start,
                                                      const std::string& end) {
  int64_t from = 0;
  if (start) {
    SLUICE_ASSIGN_OR_RETURN(from, ParseLongOffset(*start, description()));
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t to, ParseLongOffset(end, description()));
  if (from > to) {
    return Status::Corruption(description() + ": offset range (" + *start + ", " + end + "] goes backwards");
  }
  SLUICE_RETURN_NOT_OK(CheckEnd(to, StatusCode::kCorruption));
  return SourceBatch{std::make_shared<RateTable>(schema_, gen_, from, to, "rate-micro-batch"), to - from, nullptr};
}

namespace {

ConnectorSpec RateSpecBase(const std::string& name, const std::string& description) {
  ConnectorSpec spec;
  spec.name = name;
  spec.kind = ConnectorKind::kSource;
  spec.description = description;
  spec.schema_policy = SchemaPolicy::kFixed;
  spec.source_schema = [](const SourceOptions&, const std::optional<Schema>&) -> Result<Schema> {
    return RateSchema();
  };
  return spec;
}

}  // namespace

ConnectorSpec RateSource::Spec() {
  ConnectorSpec spec = RateSpecBase("rate", "generated rows (timestamp, value), rowsPerSecond of them per second");
  spec.options.Add(OptionSpec::Int("rowsPerSecond", "1", 1, kMaxRowsPerUnit, "rows generated per second"))
      .Add(OptionSpec::Int("numPartitions", "1", 1, kMaxPartitions, "partitions the rows are spread over"))
      .Unsupported("rampUpTime", "the rate is constant from the start");
  spec.make_source = [](const SourceOptions& options, const Schema&) -> Result<SourcePtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, RateSource::Make(options));
    return SourcePtr(s);
  };
  return spec;
}

ConnectorSpec RatePerMicroBatchSource::Spec() {
  ConnectorSpec spec = RateSpecBase("rate-micro-batch",
                                    "generated rows (timestamp, value), rowsPerBatch of them per micro-batch");
  spec.options.Add(OptionSpec::Int("rowsPerBatch", "", 1, kMaxRowsPerUnit, "rows in every micro-batch").Required())
      .Add(OptionSpec::Int("numPartitions", "1", 1, kMaxPartitions, "partitions the rows are spread over"))
      .Add(OptionSpec::Int("startTimestamp", "0", 0, int64_t{253402300799999}, "timestamp of the first batch (ms)"))
      .Add(OptionSpec::Int("advanceMillisPerBatch", "1000", 0, int64_t{86400000} * 365,
                           "how far each batch's timestamp moves (ms)"));
  spec.make_source = [](const SourceOptions& options, const Schema&) -> Result<SourcePtr> {
    SLUICE_ASSIGN_OR_RETURN(auto s, RatePerMicroBatchSource::Make(options));
    return SourcePtr(s);
  };
  return spec;
}

}  // namespace sluice
