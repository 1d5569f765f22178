#include "exec/operators/session_window_merge_operator.h"

#include <algorithm>
#include <numeric>

#include "exec/operators/aggregate_hash_table.h"

namespace sluice {

SessionWindowMergeOperator::SessionWindowMergeOperator(PhysicalOperatorPtr child, std::vector<int> key_columns,
                                                       int session_column)
    : PhysicalOperator(child->output_schema(), {child}),
      key_columns_(std::move(key_columns)),
      session_column_(session_column) {}

std::string SessionWindowMergeOperator::details() const {
  std::string s = "keys=[";
  for (size_t i = 0; i < key_columns_.size(); ++i) s += (i ? ", #" : "#") + std::to_string(key_columns_[i]);
  return s + "], session=#" + std::to_string(session_column_);
}

void SessionWindowMergeOperator::MergeSessions(const Batch& batch, const std::vector<int>& key_columns,
                                               int session_column, std::vector<int64_t>* start,
                                               std::vector<int64_t>* end) {
  const size_t n = batch.num_rows;
  std::vector<uint32_t> group(n, 0);
  if (!key_columns.empty() && n > 0) {
    std::vector<DataType> types;
    std::vector<const Vector*> keys;
    for (int k : key_columns) {
      types.push_back(batch.columns[static_cast<size_t>(k)].type());
      keys.push_back(&batch.columns[static_cast<size_t>(k)]);
    }
    std::vector<int> cols(key_columns.size());
    std::iota(cols.begin(), cols.end(), 0);
    AggregateHashTable table(types, cols, {});
    table.FindOrInsert(keys, n, group.data(), nullptr);
  }
  const Vector& session = batch.columns[static_cast<size_t>(session_column)];
  const int64_t* s = session.child(0).data<int64_t>();
  const int64_t* e = session.child(1).data<int64_t>();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (group[a] != group[b]) return group[a] < group[b];
    return s[a] < s[b];
  });
  start->assign(n, 0);
  end->assign(n, 0);
  size_t i = 0;
  while (i < n) {
    // One merged session: [first, j).
    size_t j = i + 1;
    int64_t cur_start = s[order[i]], cur_end = e[order[i]];
    while (j < n && group[order[j]] == group[order[i]] && s[order[j]] <= cur_end) {
      cur_end = std::max(cur_end, e[order[j]]);
      ++j;
    }
    for (size_t k = i; k < j; ++k) {
      (*start)[order[k]] = cur_start;
      (*end)[order[k]] = cur_end;
    }
    i = j;
  }
}

Result<std::unique_ptr<BatchStream>> SessionWindowMergeOperator::Open(int partition, ExecContext* ctx) const {
  if (partition != 0) return Status::Internal("SessionWindowMerge has one partition");
  SLUICE_ASSIGN_OR_RETURN(auto batches, CollectAll(*children()[0], ctx));
  Batch all = Batch::Concat(batches);
  batches.clear();
  if (all.num_rows == 0) return std::unique_ptr<BatchStream>(std::make_unique<VectorBatchStream>(std::vector<Batch>{}));
  std::vector<int64_t> start, end;
  MergeSessions(all, key_columns_, session_column_, &start, &end);
  Vector& session = all.columns[static_cast<size_t>(session_column_)];
  Vector merged(session.type(), all.num_rows);
  std::copy(start.begin(), start.end(), merged.child(0).data<int64_t>());
  std::copy(end.begin(), end.end(), merged.child(1).data<int64_t>());
  session = std::move(merged);
  std::vector<Batch> out;
  for (size_t off = 0; off < all.num_rows; off += kBatchSize) {
    out.push_back(all.Slice(off, std::min(kBatchSize, all.num_rows - off)));
  }
  return std::unique_ptr<BatchStream>(std::make_unique<VectorBatchStream>(std::move(out)));
}

}  // namespace sluice
