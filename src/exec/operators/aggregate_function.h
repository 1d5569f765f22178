// Aggregate functions: resolution of count/sum/avg/min/max/first/last/
// collect_list/collect_set (with DISTINCT) to an AggregateCall the
// HashAggregate runs.
//
// Aggregates take their input from a column of the child batch: the planner
// puts a projection below the aggregate that computes each aggregate's
// argument, so aggregates never evaluate expressions themselves.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"
#include "types/data_type.h"

namespace sluice {

enum class AggregateKind : uint8_t {
  kCountStar,  // count(*) / count(1): rows, nulls included
  kCount,      // count(x): non-null x
  kSum,
  kAvg,
  kMin,
  kMax,
  kFirst,
  kLast,
  kCollectList,
  kCollectSet,  // collect_set(x): the distinct non-null values (no order guaranteed)
};

struct AggregateCall {
  AggregateKind kind = AggregateKind::kCountStar;
  std::string name;           // lower-case SQL name, for EXPLAIN
  bool distinct = false;      // count(DISTINCT x), sum(DISTINCT x)...
  bool ignore_nulls = false;  // first(x, true) / last(x, true)
  int input_column = -1;      // column of the child batch; -1 for count(*)
  DataType input_type;
  DataType result_type;       // Spark's: count BIGINT, sum(INT) BIGINT, avg DOUBLE...
};

bool IsAggregateFunction(std::string_view name);
// All aggregate function names, lower case (the Python package checks that
// each has a function in sluice.sql.functions).
std::vector<std::string> AggregateFunctionNames();
// Resolves `name` over arguments of types `arg_types`. Spark's result types:
// count -> BIGINT; sum(INT/BIGINT) -> BIGINT, sum(DOUBLE) -> DOUBLE,
// sum(DECIMAL(p,s)) -> DECIMAL(min(38,p+10),s); avg(integral/DOUBLE) -> DOUBLE,
// avg(DECIMAL(p,s)) -> DECIMAL(min(38,p+4),min(38,s+4)); min/max/first/last ->
// input type; collect_list -> ARRAY<input>. input_column is left -1 for the
// caller to fill. AnalysisError for wrong arity or type ("sum(STRING)").
// ignore_nulls is left false: first(x, true) passes its second argument's
// type only, so the caller sets ignore_nulls from the literal's value.
Result<AggregateCall> BindAggregate(std::string_view name, const std::vector<DataType>& arg_types,
                                    bool distinct);
// Same, with the SQL text of each argument for error messages:
//   cannot resolve "sum(name)": argument 1 requires a numeric type, got STRING
Result<AggregateCall> BindAggregate(std::string_view name, const std::vector<DataType>& arg_types,
                                    bool distinct, const std::vector<std::string>& arg_sql);

// The state columns an aggregate keeps between micro-batches (see
// aggregate_hash_table.h): count -> [BIGINT]; sum -> [result type];
// avg -> [sum type, BIGINT count]; min/max -> [input type];
// first/last -> [input type, BOOLEAN seen]; collect_list -> [ARRAY<input>];
// collect_set and any DISTINCT aggregate -> [ARRAY<input>] (the distinct
// values).
std::vector<DataType> AggregateStateTypes(const AggregateCall& call);

}  // namespace sluice
