#include "exec/operators/sort_operator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/parallel.h"

namespace sluice {

namespace {

struct SortColumn {
  const Vector* vec;
  TypeId type;
  bool ascending;
  bool nulls_first;
  bool may_have_nulls;
};

template <typename T>
inline int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

inline int CmpDouble(double a, double b) {
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);  // -0.0 == 0.0
}

inline int CompareRows(const SortColumn& c, uint32_t a, uint32_t b) {
  const Vector& v = *c.vec;
  if (c.may_have_nulls) {
    bool an = v.IsNull(a), bn = v.IsNull(b);
    if (an || bn) {
      if (an && bn) return 0;
      return an == c.nulls_first ? -1 : 1;
    }
  }
  int r = 0;
  switch (c.type) {
    case TypeId::kBoolean: r = Cmp(v.data<uint8_t>()[a], v.data<uint8_t>()[b]); break;
    case TypeId::kInt:
    case TypeId::kDate: r = Cmp(v.data<int32_t>()[a], v.data<int32_t>()[b]); break;
    case TypeId::kBigint:
    case TypeId::kTimestamp: r = Cmp(v.data<int64_t>()[a], v.data<int64_t>()[b]); break;
    case TypeId::kDouble: r = CmpDouble(v.data<double>()[a], v.data<double>()[b]); break;
    case TypeId::kDecimal: r = Cmp(v.data<int128_t>()[a], v.data<int128_t>()[b]); break;
    case TypeId::kString:
    case TypeId::kBinary: {
      int x = v.GetString(a).compare(v.GetString(b));
      r = x < 0 ? -1 : (x > 0 ? 1 : 0);
      break;
    }
    default:  // NULL type; nested types are not orderable
      r = 0;
      break;
  }
  return c.ascending ? r : -r;
}

// Rows of `parts` (already in input order) -> top rows by keys.
Batch SortAndTrim(std::vector<Batch>& parts, const Schema& schema, const std::vector<SortKey>& keys,
                  std::optional<int64_t> limit) {
  Batch all;
  if (parts.empty()) return Batch::Empty(schema);
  all = parts.size() == 1 ? std::move(parts[0]) : Batch::Concat(parts);
  parts.clear();
  std::vector<uint32_t> order = SortOperator::SortedOrder(all, keys, limit);
  if (order.size() == all.num_rows) {
    bool identity = true;
    for (size_t i = 0; i < order.size() && identity; ++i) identity = order[i] == i;
    if (identity) return all;
  }
  return all.Gather(order);
}

class SortStream : public BatchStream {
 public:
  SortStream(const SortOperator& op, ExecContext* ctx) : op_(op), ctx_(ctx) {}

  Result<std::optional<Batch>> Next() override {
    if (!ran_) {
      ran_ = true;
      SLUICE_RETURN_NOT_OK(Run());
    }
    if (pos_ >= result_.num_rows) return std::optional<Batch>();
    size_t len = std::min(kBatchSize, result_.num_rows - pos_);
    Batch out = (pos_ == 0 && len == result_.num_rows) ? std::move(result_) : result_.Slice(pos_, len);
    pos_ += len;
    return std::optional<Batch>(std::move(out));
  }

 private:
  Status Run() {
    const PhysicalOperator& child = *op_.children()[0];
    const Schema& schema = child.output_schema();
    auto limit = op_.limit();
    if (limit && *limit <= 0) return Status::OK();
    size_t parts = static_cast<size_t>(child.num_partitions());
    std::vector<std::vector<Batch>> per_part(parts);
    size_t cap = limit ? std::max<size_t>(2 * static_cast<size_t>(*limit), 4096) : 0;
    SLUICE_RETURN_NOT_OK(ParallelFor(
        parts,
        [&](size_t p) -> Status {
          SLUICE_ASSIGN_OR_RETURN(auto stream, child.Execute(static_cast<int>(p), ctx_));
          auto& buf = per_part[p];
          size_t buffered = 0;
          while (true) {
            SLUICE_ASSIGN_OR_RETURN(auto b, stream->Next());
            if (!b) break;
            buffered += b->num_rows;
            buf.push_back(std::move(*b));
            if (limit && buffered > cap) {
              Batch top = SortAndTrim(buf, schema, op_.keys(), limit);
              buffered = top.num_rows;
              buf.push_back(std::move(top));
            }
          }
          if (limit && buffered > static_cast<size_t>(*limit)) {
            Batch top = SortAndTrim(buf, schema, op_.keys(), limit);
            buf.push_back(std::move(top));
          }
          return Status::OK();
        },
        ctx_->max_threads));
    std::vector<Batch> all;
    for (auto& p : per_part) {
      for (auto& b : p) {
        if (b.num_rows > 0) all.push_back(std::move(b));
      }
    }
    if (all.empty()) return Status::OK();
    result_ = SortAndTrim(all, schema, op_.keys(), limit);
    return Status::OK();
  }

  const SortOperator& op_;
  ExecContext* ctx_;
  bool ran_ = false;
  Batch result_;
  size_t pos_ = 0;
};

}  // namespace

SortOperator::SortOperator(PhysicalOperatorPtr child, std::vector<SortKey> keys,
                           std::optional<int64_t> limit)
    : PhysicalOperator(child->output_schema(), {child}), keys_(std::move(keys)), limit_(limit) {}

std::string SortOperator::details() const {
  std::string s = "[";
  for (size_t i = 0; i < keys_.size(); ++i) {
    const auto& k = keys_[i];
    if (i) s += ", ";
    s += "#" + std::to_string(k.column) + (k.ascending ? " ASC" : " DESC") +
         (k.nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  s += "]";
  if (limit_) s += ", limit=" + std::to_string(*limit_);
  return s;
}

std::vector<uint32_t> SortOperator::SortedOrder(const Batch& batch, const std::vector<SortKey>& keys,
                                                std::optional<int64_t> limit) {
  size_t n = batch.num_rows;
  size_t keep = limit ? std::min<size_t>(n, static_cast<size_t>(std::max<int64_t>(0, *limit))) : n;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  if (n == 0 || keys.empty()) {
    order.resize(keep);
    return order;
  }
  // Fast path: one integer-like key without NULLs sorts (key, row) pairs;
  // the row number as tiebreak makes it stable.
  if (keys.size() == 1) {
    const Vector& v = batch.columns[static_cast<size_t>(keys[0].column)];
    TypeId t = v.type().id();
    bool integral = t == TypeId::kBigint || t == TypeId::kTimestamp || t == TypeId::kInt || t == TypeId::kDate;
    if (integral && v.CountNulls() == 0) {
      std::vector<std::pair<int64_t, uint32_t>> kv(n);
      bool asc = keys[0].ascending;
      for (size_t i = 0; i < n; ++i) {
        int64_t x = (t == TypeId::kInt || t == TypeId::kDate) ? v.data<int32_t>()[i] : v.data<int64_t>()[i];
        // Descending: order by the bitwise complement (no overflow, reverses order).
        kv[i] = {asc ? x : ~x, static_cast<uint32_t>(i)};
      }
      if (keep < n) {
        std::partial_sort(kv.begin(), kv.begin() + static_cast<ptrdiff_t>(keep), kv.end());
      } else {
        std::sort(kv.begin(), kv.end());
      }
      order.resize(keep);
      for (size_t i = 0; i < keep; ++i) order[i] = kv[i].second;
      return order;
    }
  }
  std::vector<SortColumn> cols;
  for (const auto& k : keys) {
    const Vector& v = batch.columns[static_cast<size_t>(k.column)];
    cols.push_back({&v, v.type().id(), k.ascending, k.nulls_first, v.MayHaveNulls() || v.type().is_null()});
  }
  auto less = [&](uint32_t a, uint32_t b) {
    for (const auto& c : cols) {
      int r = CompareRows(c, a, b);
      if (r != 0) return r < 0;
    }
    return a < b;  // stability: input order breaks ties
  };
  if (keep < n) {
    std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(keep), order.end(), less);
    order.resize(keep);
  } else {
    std::sort(order.begin(), order.end(), less);
  }
  return order;
}

Result<std::unique_ptr<BatchStream>> SortOperator::Open(int partition, ExecContext* ctx) const {
  if (partition != 0) return Status::Internal("Sort has one partition");
  return std::unique_ptr<BatchStream>(std::make_unique<SortStream>(*this, ctx));
}

}  // namespace sluice
