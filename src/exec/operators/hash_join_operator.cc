#include "exec/operators/hash_join_operator.h"

#include <algorithm>
#include <atomic>
#include <deque>

#include "common/parallel.h"
#include "exec/expression_evaluator.h"
#include "exec/operators/key_hasher.h"

namespace sluice {

const char* JoinTypeName(JoinType type) {
  switch (type) {
    case JoinType::kInner: return "Inner";
    case JoinType::kLeftOuter: return "LeftOuter";
    case JoinType::kRightOuter: return "RightOuter";
    case JoinType::kFullOuter: return "FullOuter";
    case JoinType::kLeftSemi: return "LeftSemi";
    case JoinType::kLeftAnti: return "LeftAnti";
    case JoinType::kCross: return "Cross";
  }
  return "?";
}

// The right side, hashed. Shared (read-only after Build, except the atomic
// matched flags) by every probing stream of one execution.
struct JoinBuildSide {
  std::mutex mu;
  bool built = false;
  Status status;

  Batch rows;
  KeyHasher keys;  // normalized build keys and their hashes
  std::vector<uint32_t> heads;
  std::vector<uint32_t> next;
  uint64_t mask = 0;
  std::unique_ptr<std::atomic<uint8_t>[]> matched;
};

namespace {

constexpr uint32_t kEnd = ~uint32_t{0};

Vector NullVector(const DataType& type, size_t n) {
  Vector v(type, n);
  if (n > 0) {
    v.MutableValidity();
    for (size_t i = 0; i < n; ++i) v.SetNull(i);
  }
  return v;
}

bool IsRightOrFull(JoinType t) { return t == JoinType::kRightOuter || t == JoinType::kFullOuter; }
bool IsLeftOnly(JoinType t) { return t == JoinType::kLeftSemi || t == JoinType::kLeftAnti; }

Status Build(const HashJoinOperator& op, ExecContext* ctx, JoinBuildSide* b) {
  const PhysicalOperator& right = *op.children()[1];
  size_t parts = static_cast<size_t>(right.num_partitions());
  std::vector<std::vector<Batch>> collected(parts);
  SLUICE_RETURN_NOT_OK(ParallelFor(
      parts,
      [&](size_t p) -> Status {
        SLUICE_ASSIGN_OR_RETURN(collected[p], CollectPartition(right, static_cast<int>(p), ctx));
        return Status::OK();
      },
      ctx->max_threads));
  std::vector<Batch> all;
  for (auto& p : collected) {
    for (auto& batch : p) all.push_back(std::move(batch));
  }
  if (all.empty()) {
    b->rows = Batch::Empty(right.output_schema());
  } else if (all.size() == 1) {
    b->rows = std::move(all[0]);
  } else {
    b->rows = Batch::Concat(all);
  }
  size_t n = b->rows.num_rows;
  b->matched.reset(new std::atomic<uint8_t>[n == 0 ? 1 : n]);
  for (size_t i = 0; i < n; ++i) b->matched[i].store(0, std::memory_order_relaxed);
  if (op.right_keys().empty()) return Status::OK();
  std::vector<const Vector*> cols;
  for (int c : op.right_keys()) cols.push_back(&b->rows.columns[static_cast<size_t>(c)]);
  b->keys.Prepare(cols, n);
  size_t cap = 16;
  while (cap < 2 * n) cap *= 2;
  b->heads.assign(cap, kEnd);
  b->mask = cap - 1;
  b->next.assign(n, kEnd);
  const uint64_t* h = b->keys.hashes();
  const uint8_t* any_null = b->keys.any_null();
  // Reverse insertion so that each chain lists rows in input order.
  for (size_t r = n; r-- > 0;) {
    if (any_null && any_null[r]) continue;
    uint64_t bucket = h[r] & b->mask;
    b->next[r] = b->heads[bucket];
    b->heads[bucket] = static_cast<uint32_t>(r);
  }
  return Status::OK();
}

// Probes the build side with one left partition.
class JoinProbeStream : public BatchStream {
 public:
  JoinProbeStream(const HashJoinOperator& op, std::shared_ptr<JoinBuildSide> build,
                  std::unique_ptr<BatchStream> left, ExecContext* ctx)
      : op_(op), type_(op.join_type()), build_(std::move(build)), left_(std::move(left)), ctx_(ctx) {}

  Result<std::optional<Batch>> Next() override {
    while (true) {
      if (!out_.empty()) {
        Batch b = std::move(out_.front());
        out_.pop_front();
        return std::optional<Batch>(std::move(b));
      }
      if (done_) return std::optional<Batch>();
      if (!have_batch_) {
        SLUICE_ASSIGN_OR_RETURN(auto next, left_->Next());
        if (!next) {
          done_ = true;
          continue;
        }
        StartBatch(std::move(*next));
      }
      SLUICE_RETURN_NOT_OK(ProcessChunk());
    }
  }

 private:
  void StartBatch(Batch b) {
    batch_ = std::move(b);
    have_batch_ = true;
    row_ = 0;
    chain_ = kStart;
    left_matched_.assign(batch_.num_rows, 0);
    if (!op_.left_keys().empty()) {
      std::vector<const Vector*> cols;
      for (int c : op_.left_keys()) cols.push_back(&batch_.columns[static_cast<size_t>(c)]);
      keys_.Prepare(cols, batch_.num_rows);
    }
  }

  bool KeysEqual(size_t i, uint32_t r) const {
    const auto& lc = keys_.columns();
    const auto& rc = build_->keys.columns();
    for (size_t c = 0; c < lc.size(); ++c) {
      if (!NormalizedEqual(lc[c], i, rc[c], r)) return false;
    }
    return true;
  }

  // Fills lsel_/rsel_ with up to kBatchSize candidate pairs, resuming at
  // (row_, chain_).
  void GenerateCandidates() {
    lsel_.clear();
    rsel_.clear();
    size_t n = batch_.num_rows;
    // Semi/anti without residual only need to know whether a match exists.
    bool first_match_only = IsLeftOnly(type_) && op_.residual() == nullptr;
    if (op_.left_keys().empty()) {
      uint32_t nb = static_cast<uint32_t>(build_->rows.num_rows);
      while (row_ < n && lsel_.size() < kBatchSize) {
        uint32_t r = chain_ == kStart ? 0 : chain_;
        uint32_t end = first_match_only ? std::min<uint32_t>(nb, r + 1) : nb;
        for (; r < end && lsel_.size() < kBatchSize; ++r) {
          lsel_.push_back(static_cast<uint32_t>(row_));
          rsel_.push_back(r);
        }
        if (r >= end) {
          ++row_;
          chain_ = kStart;
        } else {
          chain_ = r;
        }
      }
      return;
    }
    const uint64_t* lh = keys_.hashes();
    const uint8_t* lnull = keys_.any_null();
    const uint64_t* bh = build_->keys.hashes();
    const uint32_t* heads = build_->heads.data();
    const uint32_t* next = build_->next.data();
    uint64_t mask = build_->mask;
    const auto& lc = keys_.columns();
    const auto& rc = build_->keys.columns();
    bool single_fixed = lc.size() == 1 && lc[0].form == KeyForm::kFixed;
    const uint64_t* lf = single_fixed ? lc[0].fixed : nullptr;
    const uint64_t* rf = single_fixed ? rc[0].fixed : nullptr;
    while (row_ < n && lsel_.size() < kBatchSize) {
      uint32_t r;
      if (chain_ == kStart) {
        r = (lnull && lnull[row_]) ? kEnd : heads[lh[row_] & mask];
      } else {
        r = chain_;
      }
      uint64_t h = lh[row_];
      while (r != kEnd && lsel_.size() < kBatchSize) {
        if (bh[r] == h && (single_fixed ? lf[row_] == rf[r] : KeysEqual(row_, r))) {
          lsel_.push_back(static_cast<uint32_t>(row_));
          rsel_.push_back(r);
          if (first_match_only) {
            r = kEnd;
            break;
          }
        }
        r = next[r];
      }
      if (r == kEnd) {
        ++row_;
        chain_ = kStart;
      } else {
        chain_ = r;
      }
    }
  }

  Batch Joined(const SelectionVector& lsel, const SelectionVector& rsel) const {
    Batch out;
    out.num_rows = lsel.size();
    for (const auto& c : batch_.columns) out.columns.push_back(c.Gather(lsel));
    for (const auto& c : build_->rows.columns) out.columns.push_back(c.Gather(rsel));
    return out;
  }

  Status ProcessChunk() {
    GenerateCandidates();
    if (!lsel_.empty()) {
      Batch candidate;
      bool have_candidate = false;
      if (op_.residual() != nullptr) {
        candidate = Joined(lsel_, rsel_);
        have_candidate = true;
        SLUICE_ASSIGN_OR_RETURN(SelectionVector keep,
                                ExpressionEvaluator::Select(*op_.residual(), candidate, nullptr, ctx_->eval));
        if (keep.size() != lsel_.size()) {
          SelectionVector l2, r2;
          l2.reserve(keep.size());
          r2.reserve(keep.size());
          for (uint32_t k : keep) {
            l2.push_back(lsel_[k]);
            r2.push_back(rsel_[k]);
          }
          lsel_.swap(l2);
          rsel_.swap(r2);
          candidate = candidate.Gather(keep);
        }
      }
      for (uint32_t l : lsel_) left_matched_[l] = 1;
      if (IsRightOrFull(type_)) {
        for (uint32_t r : rsel_) build_->matched[r].store(1, std::memory_order_relaxed);
      }
      if (!IsLeftOnly(type_) && !lsel_.empty()) {
        out_.push_back(have_candidate ? std::move(candidate) : Joined(lsel_, rsel_));
      }
    }
    if (row_ >= batch_.num_rows) FinishBatch();
    return Status::OK();
  }

  // After the last pair of the current left batch: unmatched left rows
  // (outer/anti) or matched ones (semi).
  void FinishBatch() {
    have_batch_ = false;
    bool want_matched = type_ == JoinType::kLeftSemi;
    bool emit = type_ == JoinType::kLeftSemi || type_ == JoinType::kLeftAnti ||
                type_ == JoinType::kLeftOuter || type_ == JoinType::kFullOuter;
    if (!emit) return;
    SelectionVector sel;
    for (size_t i = 0; i < batch_.num_rows; ++i) {
      if ((left_matched_[i] != 0) == want_matched) sel.push_back(static_cast<uint32_t>(i));
    }
    if (sel.empty()) return;
    Batch out = sel.size() == batch_.num_rows ? batch_ : batch_.Gather(sel);
    if (!IsLeftOnly(type_)) {
      for (const auto& c : build_->rows.columns) out.columns.push_back(NullVector(c.type(), sel.size()));
    }
    out_.push_back(std::move(out));
  }

  static constexpr uint32_t kStart = kEnd - 1;

  const HashJoinOperator& op_;
  JoinType type_;
  std::shared_ptr<JoinBuildSide> build_;
  std::unique_ptr<BatchStream> left_;
  ExecContext* ctx_;

  Batch batch_;
  bool have_batch_ = false;
  bool done_ = false;
  KeyHasher keys_;
  size_t row_ = 0;
  uint32_t chain_ = kStart;
  std::vector<uint8_t> left_matched_;
  SelectionVector lsel_, rsel_;
  std::deque<Batch> out_;
};

// RIGHT / FULL OUTER: probes every left partition (in parallel), then emits
// the build rows no probe matched.
class OuterBuildJoinStream : public BatchStream {
 public:
  OuterBuildJoinStream(const HashJoinOperator& op, ExecContext* ctx) : op_(op), ctx_(ctx) {}

  Result<std::optional<Batch>> Next() override {
    if (!ran_) {
      ran_ = true;
      SLUICE_RETURN_NOT_OK(Run());
    }
    if (pos_ < out_.size()) return std::optional<Batch>(std::move(out_[pos_++]));
    return std::optional<Batch>();
  }

 private:
  Status Run() {
    SLUICE_ASSIGN_OR_RETURN(auto build, op_.GetBuildSide(ctx_));
    const PhysicalOperator& left = *op_.children()[0];
    size_t parts = static_cast<size_t>(left.num_partitions());
    std::vector<std::vector<Batch>> results(parts);
    SLUICE_RETURN_NOT_OK(ParallelFor(
        parts,
        [&](size_t p) -> Status {
          SLUICE_ASSIGN_OR_RETURN(auto ls, left.Execute(static_cast<int>(p), ctx_));
          JoinProbeStream probe(op_, build, std::move(ls), ctx_);
          while (true) {
            SLUICE_ASSIGN_OR_RETURN(auto b, probe.Next());
            if (!b) break;
            results[p].push_back(std::move(*b));
          }
          return Status::OK();
        },
        ctx_->max_threads));
    for (auto& r : results) {
      for (auto& b : r) out_.push_back(std::move(b));
    }
    size_t n = build->rows.num_rows;
    SelectionVector unmatched;
    for (size_t r = 0; r < n; ++r) {
      if (build->matched[r].load(std::memory_order_relaxed) == 0) {
        unmatched.push_back(static_cast<uint32_t>(r));
      }
      if (unmatched.size() == kBatchSize || (r + 1 == n && !unmatched.empty())) {
        Batch b;
        b.num_rows = unmatched.size();
        for (const auto& f : left.output_schema().fields()) b.columns.push_back(NullVector(f.type, unmatched.size()));
        for (const auto& c : build->rows.columns) b.columns.push_back(c.Gather(unmatched));
        out_.push_back(std::move(b));
        unmatched.clear();
      }
    }
    return Status::OK();
  }

  const HashJoinOperator& op_;
  ExecContext* ctx_;
  bool ran_ = false;
  std::vector<Batch> out_;
  size_t pos_ = 0;
};

}  // namespace

HashJoinOperator::HashJoinOperator(PhysicalOperatorPtr left, PhysicalOperatorPtr right, JoinType type,
                                   std::vector<int> left_keys, std::vector<int> right_keys,
                                   ExprPtr residual, Schema output)
    : PhysicalOperator(std::move(output), {std::move(left), std::move(right)}),
      type_(type),
      left_keys_(std::move(left_keys)),
      right_keys_(std::move(right_keys)),
      residual_(std::move(residual)) {}

int HashJoinOperator::num_partitions() const {
  return IsRightOrFull(type_) ? 1 : children()[0]->num_partitions();
}

std::string HashJoinOperator::details() const {
  std::string s = std::string(JoinTypeName(type_)) + ", keys=[";
  for (size_t i = 0; i < left_keys_.size(); ++i) {
    if (i) s += ", ";
    s += "#" + std::to_string(left_keys_[i]) + " = #" + std::to_string(right_keys_[i]);
  }
  s += "]";
  if (residual_) s += ", residual=" + residual_->ToString();
  return s;
}

Result<std::shared_ptr<JoinBuildSide>> HashJoinOperator::GetBuildSide(ExecContext* ctx) const {
  // One build side per execution, shared by every probe partition.
  std::shared_ptr<JoinBuildSide> build =
      ctx->Shared<JoinBuildSide>(this, [] { return std::make_shared<JoinBuildSide>(); });
  std::lock_guard<std::mutex> lock(build->mu);
  if (!build->built) {
    build->status = Build(*this, ctx, build.get());
    build->built = true;
  }
  if (!build->status.ok()) return build->status;
  return build;
}

Result<std::unique_ptr<BatchStream>> HashJoinOperator::Open(int partition, ExecContext* ctx) const {
  if (IsRightOrFull(type_)) {
    if (partition != 0) return Status::Internal("outer HashJoin has one partition");
    return std::unique_ptr<BatchStream>(std::make_unique<OuterBuildJoinStream>(*this, ctx));
  }
  SLUICE_ASSIGN_OR_RETURN(auto build, GetBuildSide(ctx));
  SLUICE_ASSIGN_OR_RETURN(auto left, children()[0]->Execute(partition, ctx));
  return std::unique_ptr<BatchStream>(std::make_unique<JoinProbeStream>(*this, build, std::move(left), ctx));
}

}  // namespace sluice
