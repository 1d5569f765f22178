// HashJoinOperator: equi-join (plus an optional residual predicate) of two
// children, building a hash table on the right side and probing it with the
// left side a batch at a time.
//
// Build: every right partition is drained in parallel, the rows are
// concatenated, their keys hashed in one vectorized pass, and rows are
// chained per bucket (heads[] + next[] arrays over row numbers). Rows with a
// NULL key are never inserted (NULL never equals anything).
// Probe: a left batch's keys are hashed at once; each row walks its chain
// comparing hashes then normalized keys; matching (left row, right row)
// pairs fill two SelectionVectors, both sides are gathered, and the residual
// (bound over left columns followed by right columns) filters the joined
// candidate batch with ExpressionEvaluator::Select.
//
// Output columns: left then right, except LEFT SEMI / LEFT ANTI (left only).
// Outer joins fill the missing side with NULLs.
// Partitions: one per left partition, except RIGHT and FULL OUTER, which
// produce one partition (left partitions are probed in parallel inside it,
// matched build rows are flagged with atomic bytes, and unmatched build rows
// are emitted once after all probing).
// The build side is shared by all partitions opened with the same
// ExecContext (built once, by whichever stream asks first).
// Cross join (and any join with no keys): every pair is a candidate.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exec/expression.h"
#include "exec/physical_operator.h"

namespace sluice {

enum class JoinType : uint8_t { kInner, kLeftOuter, kRightOuter, kFullOuter, kLeftSemi, kLeftAnti, kCross };

const char* JoinTypeName(JoinType type);

struct JoinBuildSide;

class HashJoinOperator : public PhysicalOperator {
 public:
  HashJoinOperator(PhysicalOperatorPtr left, PhysicalOperatorPtr right, JoinType type,
                   std::vector<int> left_keys, std::vector<int> right_keys, ExprPtr residual,
                   Schema output);

  JoinType join_type() const { return type_; }
  int num_partitions() const override;
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return "HashJoin"; }
  std::string details() const override;

  // Builds (or finds) the hash table over the right side: once per
  // execution, kept in the ExecContext's shared state.
  Result<std::shared_ptr<JoinBuildSide>> GetBuildSide(ExecContext* ctx) const;
  const std::vector<int>& left_keys() const { return left_keys_; }
  const std::vector<int>& right_keys() const { return right_keys_; }
  const ExprPtr& residual() const { return residual_; }

 private:
  JoinType type_;
  std::vector<int> left_keys_;
  std::vector<int> right_keys_;
  ExprPtr residual_;
};

}  // namespace sluice
