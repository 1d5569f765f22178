// SessionWindowMergeOperator: the batch half of session_window() (Spark's
// MergingSessionsExec / UpdatingSessionsExec). Its input has a session
// column STRUCT<start: TIMESTAMP, end: TIMESTAMP> holding each event's own
// session [ts, ts + gap), never NULL (the binder filters NULL sessions out).
// Per value of the other grouping keys, the sessions are sorted by start
// and merged while the next one starts at or before the current end (Spark:
// `sessionStart <= currentSessionEnd`); every row leaves with its merged
// session in that column, so that an ordinary aggregation grouped by the
// keys and the column computes one row per session.
//
// Blocking: drains all child partitions, then emits one partition.
#pragma once

#include <string>
#include <vector>

#include "exec/physical_operator.h"

namespace sluice {

class SessionWindowMergeOperator : public PhysicalOperator {
 public:
  SessionWindowMergeOperator(PhysicalOperatorPtr child, std::vector<int> key_columns, int session_column);

  int num_partitions() const override { return 1; }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override { return "SessionWindowMerge"; }
  std::string details() const override;

  // The merged session of every row of `batch`: rows with equal keys whose
  // sessions overlap get one session. start/end receive one value per row.
  static void MergeSessions(const Batch& batch, const std::vector<int>& key_columns, int session_column,
                            std::vector<int64_t>* start, std::vector<int64_t>* end);

 private:
  std::vector<int> key_columns_;
  int session_column_;
};

}  // namespace sluice
