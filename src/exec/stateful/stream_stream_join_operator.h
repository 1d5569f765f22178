// StreamStreamJoinOperator: an equi-join of two streaming inputs across
// micro-batches (Spark's StreamingSymmetricHashJoinExec): inner, left outer,
// right outer, full outer and left semi.
//
// State: per state partition, one store per side (StateCheckpoint::Provider
// (op, p, "left" / "right"), i.e. `state/<op>/<p>/left/`). A stored row's key
// is the join key columns then a BIGINT index (0, 1, ... for the rows of one
// join key, kept contiguous so that the rows of a key are found by probing
// index 0, 1, ... until one is missing: Spark's keyWithIndexToValue store);
// its value is the side's row then a BOOLEAN "matched" (it has joined with
// some row of the other side). Both are StateRowCodec rows.
//
// Batch N, executed once per ExecContext:
//   1. (first Open of any partition) check / record the state schema, drain
//      both inputs, drop each side's late rows (event time <= the
//      late-events watermark, on the side's watermark column; counted as
//      numRowsDroppedByWatermark) and split the rest by the hash of the join
//      key (KeyHasher, stable across runs) into the state partitions;
//   2. (Open(p), or Finish for partitions nobody opened) load version N of
//      both stores, then as Spark: the new left rows join the stored right
//      rows and are added to the left state; the new right rows join the
//      stored left rows (including the new ones just added) and are added to
//      the right state. A pair is output when the residual condition (the
//      non-equi part of the ON clause) holds; both rows become matched.
//      Then each side's state behind its state watermark is removed; on a
//      preserved side of an outer join, a removed row that never matched is
//      output with NULLs for the other side. Both stores commit N + 1.
// Left semi (output: the left columns): a left row is output once, when it
// first matches; a new left row that matched a stored right row is not
// stored, the new right rows only meet the stored left rows not matched yet
// (Spark's excludeRowsAlreadyMatched).
// A new row already behind its side's state watermark is still stored if
// it is a left row (it has not met the new right rows yet) or an unmatched
// row of a preserved side, and removed (so output with NULLs if unmatched)
// at the end of the same batch, as Spark 3.5 does. Rows with a NULL join
// key never match (SQL equality): on a preserved side they are output with
// NULLs at once, otherwise dropped; they are never stored.
//
// State watermark of a side (ms), from the batch's eviction watermark W
// (StatefulBatchInfo::watermark_for_eviction_ms), as Spark's
// StreamingJoinHelper derives it: each bound (column c, offset, inclusive)
// gives (W * 1000 + offset_us) / 1000, minus 1 if inclusive; the smallest
// of them is the side's state watermark, and a stored row is removed when
// its column c (TIMESTAMP, or a window STRUCT's `end`) is <= it. A
// watermark on a join key is the bound (that key's column, 0, false) on
// both sides; a range condition `other.t + a < this.t + b` (or <=) is the
// bound (this.t, a - b, inclusive) for this side, when other.t carries a
// watermark. No bound (or no watermark): the side's state is never removed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/expression.h"
#include "exec/operators/hash_join_operator.h"
#include "exec/stateful/stateful_operator.h"

namespace sluice {

// One solved range condition: rows of this side whose `column` is <= the
// derived state watermark can no longer match any future row of the other side.
struct JoinStateWatermarkBound {
  int column = -1;         // in the side's rows
  int64_t offset_us = 0;   // added to the watermark (microseconds)
  bool inclusive = false;  // from <= / >=: one millisecond less (Spark)
};

// What the operator knows of one side.
struct StreamJoinSide {
  std::vector<int> keys;     // join key columns in the side's rows (same types as the other side's)
  int watermark_column = -1; // the side's event-time column (watermark metadata), or -1
  std::vector<JoinStateWatermarkBound> bounds;  // empty: state kept forever

  // The side's state watermark in ms for the batch's eviction watermark
  // `eviction_ms`; nullopt when there is none.
  std::optional<int64_t> StateWatermarkMs(std::optional<int64_t> eviction_ms) const;
};

class StreamStreamJoinOperator final : public StatefulOperator {
 public:
  // `residual` is bound over the left row's columns followed by the right
  // row's; `output` is the left columns then the right columns (left semi:
  // the left columns). The
  // pre-join filters (conjuncts of the condition over one side only, bound
  // over that side's columns; may be null) are checked on each new row
  // first: a row failing its side's is never joined nor stored, and is
  // output at once with NULLs on a preserved side (Spark's preJoinFilter).
  StreamStreamJoinOperator(PhysicalOperatorPtr left, PhysicalOperatorPtr right, JoinType type, StreamJoinSide l,
                           StreamJoinSide r, ExprPtr residual, Schema output, StatefulOperatorStateInfo info,
                           StateSchema schema, ExprPtr left_filter = nullptr, ExprPtr right_filter = nullptr);

  // Fails for join types other than inner, outer and left semi, and for
  // columns whose values cannot be stored.
  static Status Validate(JoinType type, const Schema& left, const Schema& right);
  // The state schema: operator "symmetricHashJoin", stores "left" and
  // "right" (keys: the join keys named `key_names`, then `index BIGINT`;
  // values: the side's columns, then `matched BOOLEAN`).
  static StateSchema MakeStateSchema(const Schema& left, const Schema& right, const std::vector<int>& left_keys,
                                     const std::vector<std::string>& key_names);

  JoinType join_type() const { return type_; }
  int num_partitions() const override { return num_partitions_; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  Result<StateOperatorMetrics> Finish(ExecContext* ctx) const override;
  // Spark's: the smaller of the two sides' state watermarks for `input_ms`
  // (a row of either side as old as its state watermark may still be
  // output), or `input_ms` when no side has one.
  std::optional<int64_t> OutputWatermarkMs(std::optional<int64_t> input_ms) const override;
  std::string name() const override { return "StreamingSymmetricHashJoin"; }
  std::string details() const override;

 private:
  struct Execution;
  struct SideRun;
  Result<std::shared_ptr<Execution>> Prepare(ExecContext* ctx) const;
  Status PrepareInput(ExecContext* ctx, Execution* ex) const;
  Status RunPartition(Execution* ex, ExecContext* ctx, int partition) const;
  Status UpdatePartition(Execution* ex, ExecContext* ctx, int partition) const;

  JoinType type_;
  StreamJoinSide sides_[2];
  ExprPtr residual_;
  ExprPtr pre_filters_[2];
  int num_partitions_;
};

}  // namespace sluice
