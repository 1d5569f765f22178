// AggregateHashTable: the grouping hash table behind HashAggregateOperator,
// built to be reused by the streaming engine for stateful aggregation across
// micro-batches.
//
// Layout (DESIGN.md section 6: no per-row virtual calls or allocations):
//   * Keys of a batch are normalized and hashed a batch at a time
//     (KeyHasher) into a uint64 array.
//   * The table is open addressing with linear probing over a flat array of
//     8-byte slots: (upper 32 bits of the hash, group id). Load factor <= 1/2.
//   * Group ids index column-wise key storage (uint64 / int128 /
//     string_view into an arena the table owns) and column-wise accumulator
//     arrays (int64 counts, int64/double/int128 sums, min/max values...).
//   * Accumulators are updated per aggregate in one tight loop over the
//     batch's group-id array: one virtual call per aggregate per batch.
//   * DISTINCT aggregates keep a set of (group, value) in a nested
//     AggregateHashTable; a value updates the aggregate the first time it is
//     seen in its group.
//
// Results: Finalize() gives keys followed by one column per aggregate (the
// aggregate's result_type). Intermediate state: ExportState() gives keys
// followed by each aggregate's state columns (AggregateStateTypes, e.g. avg
// as sum + count); MergeState() folds such a batch back in, so
//   restored.MergeState(table.ExportState())
// restores a table saved to a state store, and Merge(other) combines two
// partial tables (partial aggregation per thread, then a merge).
//
// A table with no keys (global aggregation) always holds exactly one group,
// so that count(*) over empty input is 0 and sum is NULL.
//
// Not thread-safe: one table per thread, merged afterwards.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exec/operators/aggregate_function.h"
#include "exec/operators/key_hasher.h"
#include "sluice/status.h"
#include "vector/vector.h"

namespace sluice {

class AggregateAccumulator;

class AggregateHashTable {
 public:
  // key_columns: the columns of the batches given to Update that form the
  // grouping key; key_types their types. aggs[i].input_column is a column of
  // those batches as well (-1 for count(*)).
  AggregateHashTable(std::vector<DataType> key_types, std::vector<int> key_columns,
                     std::vector<AggregateCall> aggs);
  ~AggregateHashTable();
  AggregateHashTable(const AggregateHashTable&) = delete;
  AggregateHashTable& operator=(const AggregateHashTable&) = delete;

  // Folds every row of `input` into its group. ExecutionError on ANSI
  // overflow ("[ARITHMETIC_OVERFLOW] ...").
  Status Update(const Batch& input);
  // Folds another table built with the same keys and aggregates into this.
  Status Merge(const AggregateHashTable& other);

  size_t num_groups() const { return num_groups_; }
  const std::vector<DataType>& key_types() const { return key_types_; }
  const std::vector<AggregateCall>& aggregates() const { return aggs_; }

  // Keys then one finalized column per aggregate, one row per group (in
  // group-creation order), as one batch.
  Result<Batch> Finalize() const;
  // Keys then the state columns of every aggregate (see StateSchema).
  Batch ExportState() const;
  // Folds a batch laid out as StateSchema() (from ExportState of a table
  // with the same keys and aggregates) into this table.
  Status MergeState(const Batch& state);
  // Names and types of the ExportState columns: key_<i>, then
  // agg_<j>_<part> (e.g. agg_1_sum, agg_1_count).
  Schema StateSchema() const;

  // Finds or creates the group of each row of `keys` (n rows each, types
  // key_types()). group_ids[i] receives row i's group; rows that created a
  // new group are appended to new_rows (may be null) in row order.
  void FindOrInsert(const std::vector<const Vector*>& keys, size_t n, uint32_t* group_ids,
                    std::vector<uint32_t>* new_rows);
  // Key column c of every group, as a vector.
  Vector KeyColumn(size_t c) const;

 private:
  struct StoredKey {
    KeyForm form = KeyForm::kFixed;
    std::vector<uint64_t> fixed;
    std::vector<int128_t> decimal;
    std::vector<std::string_view> str;
    std::vector<Value> value;
    std::vector<uint8_t> null;
    bool any_null = false;
  };

  uint32_t NewGroup(const KeyHasher& h, size_t row, uint64_t hash);
  bool KeyEquals(uint32_t group, const KeyHasher& h, size_t row) const;
  void Grow();
  template <typename Eq>
  void Probe(const KeyHasher& h, size_t n, uint32_t* group_ids, std::vector<uint32_t>* new_rows,
             Eq eq);
  void ResizeAccumulators();

  std::vector<DataType> key_types_;
  std::vector<int> key_columns_;
  std::vector<AggregateCall> aggs_;
  std::vector<std::unique_ptr<AggregateAccumulator>> accs_;

  static constexpr uint64_t kEmptySlot = ~uint64_t{0};
  std::vector<uint64_t> slots_;  // (hash >> 32) << 32 | group id
  uint64_t mask_ = 0;
  size_t num_groups_ = 0;
  std::vector<uint64_t> group_hashes_;
  std::vector<StoredKey> keys_;
  std::shared_ptr<StringHeap> arena_;  // bytes of STRING/BINARY keys

  // Scratch reused across batches.
  KeyHasher hasher_;
  std::vector<uint32_t> group_ids_;
};

}  // namespace sluice
