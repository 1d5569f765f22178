// StateSchema: what a stateful operator keeps in the state store, recorded
// in the checkpoint at the operator's first batch as
// `<checkpoint>/state/<operatorId>/_metadata/schema` (format in
// docs/checkpoint-format.md) and compared at every restart, so that a query
// changed in a way its stored state cannot follow fails with an error that
// says which operator, which columns and how (Spark's
// STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE family), instead of reading old bytes
// as new columns.
//
// Compatible means: the same operator kind; the same key columns (count,
// names ignoring case, types); the same value columns in the same order
// (SQL text ignoring case, function, argument type, result type and the
// types of the intermediate state). A key column's name and a value column's
// SQL text are the names the binder gives the grouping expression and the
// aggregate ("user_id", "length(user_id)", "sum(x)"), so a changed grouping
// expression or aggregate argument is a change; the alias a value column is
// shown under (`sum(x) AS s`) is not: renaming an output column keeps the
// state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "env/env.h"
#include "sluice/status.h"

namespace sluice {

struct StateKeyColumn {
  std::string name;
  std::string type;  // DataType::ToString(): "STRING", "DECIMAL(12,2)"
};

// One value column of a stateful aggregation: an aggregate function.
struct StateValueColumn {
  std::string name;                          // the name the query shows it under: "n" (display only)
  std::string function;                      // "count", "sum", "first"...
  std::string sql;                           // the aggregate's own name: "count(1)", "sum(x)"
  std::optional<std::string> argument_type;  // none for count(*)
  std::string result_type;
  std::vector<std::string> state_types;  // AggregateStateTypes
  bool ignore_nulls = false;             // first(x, true) / last(x, true)

  // "sum(x) AS s BIGINT" ("sum(x) BIGINT" when not renamed).
  std::string ToString() const;
};

// One named store of an operator that keeps several per partition
// (`state/<op>/<partition>/<name>/`): a stream-stream join's "left" and
// "right". Its key bytes are EncodeStateRow of `keys[*].type`, its value
// bytes EncodeStateRow of the concatenation of `values[*].state_types`.
struct StateStoreSchema {
  std::string name;
  std::vector<StateKeyColumn> keys;
  std::vector<StateValueColumn> values;
};

struct StateSchema {
  // The operator kind: "StatefulAggregate" (later "Deduplicate", ...).
  std::string operator_name;
  std::vector<StateKeyColumn> keys;
  std::vector<StateValueColumn> values;
  // Empty for an operator with one store per partition (described by `keys`
  // and `values`). Otherwise the layout of each named store; `keys` and
  // `values` then hold the union that the compatibility check compares
  // (a join: the stores' key columns, then every store's value columns).
  std::vector<StateStoreSchema> stores = {};

  // The file's text: "v1\n" then one JSON line.
  std::string Serialize() const;
  // Corruption naming `path` if `text` is not such a file.
  static Result<StateSchema> Parse(const std::string& path, const std::string& text);
};

// `<checkpoint_dir>/state/<operator_id>/_metadata/schema`.
std::string StateSchemaPath(const std::string& checkpoint_dir, int operator_id);

// OK if state written under `stored` can be read by an operator of
// `current`; otherwise InvalidArgument naming operator `operator_id`, the
// checkpoint and the first difference, e.g.
//   StatefulAggregate (operator 0): the query's state schema is not
//   compatible with the checkpoint /ck: key columns changed from
//   (user_id STRING) to (ad_id STRING) [STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]; ...
Status CheckStateSchemaCompatible(const StateSchema& stored, const StateSchema& current, int operator_id,
                                  const std::string& checkpoint_dir);

// Reads the schema file of `operator_id`; nullopt if there is none.
Result<std::optional<StateSchema>> ReadStateSchema(Env* env, const std::string& checkpoint_dir, int operator_id);
// Writes it atomically (creating `_metadata/`).
Status WriteStateSchema(Env* env, const std::string& checkpoint_dir, int operator_id, const StateSchema& schema);

}  // namespace sluice
