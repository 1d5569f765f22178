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
// column. A Project or Aggregate right above that Project is merged into
// it first (its reads of `data.f` then reach from_json directly), so
// `SELECT data.a FROM (SELECT from_json(...) AS data FROM src)` parses only
// `a`. A from_json used whole (not only through data.f) keeps its schema.
#pragma once

#include "plan/logical_plan.h"

namespace sluice {

Result<LogicalPlanPtr> PushJsonParseIntoScans(const LogicalPlanPtr& plan);

// The texts a JSON record must contain for a scan `filter` (bound over the
// scan's output) to be TRUE of the row parsed from it into output column
// `json_column` (a STRUCT): one set per conjunct, and the record holds at
// least one text of every set. Only conjuncts `s = 'lit'` and
// `s IN ('lit', ...)` give a set, where `s` is a STRING field (at any depth)
// of `json_column`. It holds only for records with no backslash: a JSON
// string with no escape is its text between quotes, and a number, true,
// false or null read as STRING is its token, so a field equal to 'view' has
// `view` in the record; a literal starting with '{' or '[' (it could equal
// a nested object's minified text) or holding '"', '\' or a control
// character gives no set. The Kafka scan skips the parse of records that
// cannot pass (Sparser's raw filtering).
std::vector<std::vector<std::string>> RequiredJsonTexts(const ExprPtr& filter, int json_column);

}  // namespace sluice
