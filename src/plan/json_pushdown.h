// PushJsonParseIntoScans: hands from_json(CAST(c AS STRING), schema[, opts])
// over a column c of a scan to the scan itself when its table can parse JSON
// (TableSource::WithJsonColumn; today the Kafka source's value). The scan
// then parses each text once, straight from the source's buffers, into only
// the fields the query reads, and applies the parse mode per record: FAILFAST
// names where the record is (topic, partition, offset), DROPMALFORMED drops
// the whole record, which an expression could not do.
//
// Where it applies: every from_json over the same column with the same
// schema and options in the scan's pushed filter, the Filters right above
// the scan and the first Project or Aggregate above them becomes one scan
// column. The Projects between a Project or Aggregate and that first
// Project (views over views) are merged into it first when no work is
// repeated (its reads of `data.f.g` then reach from_json directly), so
// `SELECT data.a FROM (SELECT from_json(...) AS data FROM src)` parses only
// `a`, and `data.s.x` parses only x of the struct s. A struct used whole
// (not only through its fields) keeps its schema.
#pragma once

#include "plan/logical_plan.h"

namespace sluice {

Result<LogicalPlanPtr> PushJsonParseIntoScans(const LogicalPlanPtr& plan);

}  // namespace sluice
