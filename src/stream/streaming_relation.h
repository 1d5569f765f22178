// StreamingRelation: the placeholder a streaming DataFrame scans. A
// streaming query is an ordinary LogicalPlan whose kScan nodes point at
// StreamingRelations; every micro-batch the runner replaces each one by the
// table of the batch's offset range, then plans the result as a batch query.
// Scanning the placeholder itself is an error (Spark's
// "Queries with streaming sources must be executed with writeStream.start()").
#pragma once

#include <functional>
#include <map>
#include <optional>

#include "connectors/source.h"
#include "plan/logical_plan.h"

namespace sluice {

class StreamingRelation : public TableSource {
 public:
  using Factory = std::function<Result<SourcePtr>()>;
  StreamingRelation(Schema schema, std::string format, Factory factory)
      : schema_(std::move(schema)), format_(std::move(format)), factory_(std::move(factory)) {}

  const Schema& schema() const override { return schema_; }
  std::string description() const override { return "StreamingRelation " + format_; }
  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override {
    return Status::AnalysisError(
        "Queries with streaming sources must be executed with writeStream.start() (or START STREAMING QUERY): "
        "source " + format_);
  }
  // A new source instance for one run of a query.
  Result<SourcePtr> CreateSource() const { return factory_(); }
  const std::string& format() const { return format_; }

 private:
  Schema schema_;
  std::string format_;
  Factory factory_;
};

// A StreamingRelation for the registered source `format` (a new source per
// query run). Options are checked now (unknown, misspelt or unsupported
// options, bad values), so a bad readStream fails before any query starts.
Result<std::shared_ptr<StreamingRelation>> MakeStreamingRelation(const std::string& format,
                                                                 const std::map<std::string, std::string>& options,
                                                                 const std::optional<Schema>& schema);

// True if some kScan of the plan reads a StreamingRelation.
bool IsStreamingPlan(const LogicalPlan& plan);
// The distinct StreamingRelations of the plan, in depth-first order (the
// order of the sources in the offset log).
std::vector<const StreamingRelation*> FindStreamingRelations(const LogicalPlan& plan);
// Copy of the plan in which every Aggregate and Deduplicate over streaming
// data and every Join of two streams is a stateful node
// (LogicalPlan::state_operator_id): ids 0, 1, ... in plan order (pre-order,
// left to right, as Spark numbers its stateful operators). Streaming
// Distincts become Aggregates first (ReplaceStreamingDistinctWithAggregate).
LogicalPlanPtr MarkStatefulOperators(const LogicalPlanPtr& plan);
// Copy of the plan in which every Distinct over streaming data (SQL's SELECT
// DISTINCT) is an Aggregate grouping by all its columns with no aggregate
// functions, as Spark's ReplaceDistinctWithAggregate makes of it: a streaming
// aggregation (update / complete mode; append with a watermarked column,
// each row emitted once when it falls behind the watermark), not a
// deduplication. (DataFrame::distinct() is dropDuplicates(), as in Spark.)
LogicalPlanPtr ReplaceStreamingDistinctWithAggregate(const LogicalPlanPtr& plan);
// Copy of the plan with each StreamingRelation scan reading tables[i] (i as in
// FindStreamingRelations).
LogicalPlanPtr ReplaceStreamingRelations(const LogicalPlanPtr& plan,
                                         const std::vector<const StreamingRelation*>& relations,
                                         const std::vector<TableSourcePtr>& tables);

}  // namespace sluice
