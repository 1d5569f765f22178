#include "exec/operators/aggregate_hash_table.h"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "common/check.h"
#include "exec/functions/kernel_util.h"
#include "types/value.h"

namespace sluice {

// One aggregate's per-group state, column-wise. Every method works on a whole
// batch: one virtual call per aggregate per batch, tight loops inside.
class AggregateAccumulator {
 public:
  virtual ~AggregateAccumulator() = default;
  // Makes room for `groups` groups (new groups start empty).
  virtual void Resize(size_t groups) = 0;
  // Folds rows of `input` into groups: the k-th row folded is rows[k] (k when
  // rows is null) and goes to group gids[k]. input is null for count(*).
  virtual Status Update(const Vector* input, const uint32_t* rows, const uint32_t* gids,
                        size_t n) = 0;
  // Folds state rows (this aggregate's state columns start at state[0]):
  // row k goes to group gids[k].
  virtual Status Combine(const Vector* state, const uint32_t* gids, size_t n) = 0;
  virtual Result<Vector> Finalize(size_t groups) const = 0;
  virtual std::vector<Vector> ExportState(size_t groups) const = 0;
};

namespace {

template <typename T>
struct Tag {
  using type = T;
};

template <typename F>
decltype(auto) DispatchPhysical(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kBoolean:
    case TypeId::kNull: return f(Tag<uint8_t>{});
    case TypeId::kInt:
    case TypeId::kDate: return f(Tag<int32_t>{});
    case TypeId::kBigint:
    case TypeId::kTimestamp: return f(Tag<int64_t>{});
    case TypeId::kDouble: return f(Tag<double>{});
    case TypeId::kDecimal: return f(Tag<int128_t>{});
    case TypeId::kString:
    case TypeId::kBinary: return f(Tag<std::string_view>{});
    default: return f(Tag<Value>{});
  }
}

inline bool BitSet(const uint64_t* bits, size_t i) { return (bits[i >> 6] >> (i & 63)) & 1; }

// Calls f(k, row) for every k in [0, n) whose row (rows[k], or k) is valid.
template <typename F>
inline void ForValidRows(const Vector& in, const uint32_t* rows, size_t n, F&& f) {
  if (in.type().is_null()) return;
  const uint64_t* valid = in.validity();
  if (valid == nullptr) {
    if (rows) {
      for (size_t k = 0; k < n; ++k) f(k, rows[k]);
    } else {
      for (size_t k = 0; k < n; ++k) f(k, k);
    }
  } else if (rows) {
    for (size_t k = 0; k < n; ++k) {
      if (BitSet(valid, rows[k])) f(k, rows[k]);
    }
  } else {
    for (size_t k = 0; k < n; ++k) {
      if (BitSet(valid, k)) f(k, k);
    }
  }
}

template <typename T>
inline T GetAt(const Vector& v, size_t r) {
  if constexpr (std::is_same_v<T, Value>) {
    return v.GetValue(r);
  } else {
    return v.data<T>()[r];
  }
}

template <typename T>
inline void StoreAt(T& dst, const T& src, StringHeap* heap) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    dst = heap->Add(src);
  } else {
    dst = src;
  }
}

// A vector of `type` from per-group values; valid[g] == 0 makes row g NULL.
template <typename T>
Vector BuildVector(const DataType& type, const std::vector<T>& vals, const std::vector<uint8_t>& valid,
                   size_t n, const std::shared_ptr<StringHeap>& heap) {
  if constexpr (std::is_same_v<T, Value>) {
    Vector out(type, 0);
    out.Reserve(n);
    for (size_t g = 0; g < n; ++g) out.AppendValue(valid[g] ? vals[g] : Value::Null(type));
    return out;
  } else {
    Vector out(type, n);
    if constexpr (std::is_same_v<T, std::string_view>) out.SetHeap(heap);
    if (n > 0 && !type.is_null()) std::memcpy(out.template data<T>(), vals.data(), n * sizeof(T));
    for (size_t g = 0; g < n; ++g) {
      if (!valid[g]) out.SetNull(g);
    }
    return out;
  }
}

Vector BigintVector(const std::vector<int64_t>& vals, size_t n) {
  Vector out(DataType::Bigint(), n);
  if (n > 0) std::memcpy(out.data<int64_t>(), vals.data(), n * sizeof(int64_t));
  return out;
}

Status OverflowError(const AggregateCall& call) {
  if (call.result_type.id() == TypeId::kDecimal) {
    return Status::ExecutionError("[ARITHMETIC_OVERFLOW] " + call.name + " overflowed " +
                                  call.result_type.ToString() +
                                  ": the result cannot be represented. Use try_sum or a wider "
                                  "DECIMAL to avoid this error.");
  }
  return Status::ExecutionError("[ARITHMETIC_OVERFLOW] long overflow in " + call.name +
                                "(). Use try_sum to tolerate overflow and return NULL instead.");
}

// An average that its DECIMAL result type cannot hold (Spark:
// Decimal.toPrecision of the quotient, NUMERIC_VALUE_OUT_OF_RANGE).
Status AverageOutOfRange(const AggregateCall& call, int128_t sum, int64_t count) {
  return Status::ExecutionError("[NUMERIC_VALUE_OUT_OF_RANGE] " + call.name + ": the average of " +
                                std::to_string(count) + " values summing to " +
                                FormatDecimal(sum, call.input_type.scale()) + " cannot be represented as " +
                                call.result_type.ToString() + ". Use a DECIMAL with fewer digits, or cast the input "
                                "to DOUBLE.");
}

// ARRAY<elem type> with one row per group: the elements elems[rows[k]]
// (k when rows is null) whose gids[k] is that group, in k order.
Vector BuildListsByGroup(const DataType& elem_type, const Vector& elems, const uint32_t* rows,
                         const uint32_t* gids, size_t m, size_t groups) {
  std::vector<uint32_t> offsets(groups + 1, 0);
  for (size_t k = 0; k < m; ++k) offsets[gids[k] + 1]++;
  for (size_t g = 0; g < groups; ++g) offsets[g + 1] += offsets[g];
  std::vector<uint32_t> order(m);
  std::vector<uint32_t> cursor(offsets.begin(), offsets.end() - 1);
  for (size_t k = 0; k < m; ++k) order[cursor[gids[k]]++] = rows ? rows[k] : static_cast<uint32_t>(k);
  Vector out(DataType::Array(elem_type), groups);
  std::memcpy(out.offsets(), offsets.data(), (groups + 1) * sizeof(uint32_t));
  out.child(0) = elems.Gather(order.data(), m);
  return out;
}

// count(*) and count(x).
class CountAccumulator final : public AggregateAccumulator {
 public:
  explicit CountAccumulator(bool star) : star_(star) {}
  void Resize(size_t groups) override { counts_.resize(groups, 0); }
  Status Update(const Vector* input, const uint32_t* rows, const uint32_t* gids, size_t n) override {
    int64_t* c = counts_.data();
    if (star_) {
      for (size_t k = 0; k < n; ++k) c[gids[k]]++;
    } else {
      ForValidRows(*input, rows, n, [&](size_t k, size_t) { c[gids[k]]++; });
    }
    return Status::OK();
  }
  Status Combine(const Vector* state, const uint32_t* gids, size_t n) override {
    const int64_t* s = state[0].data<int64_t>();
    int64_t* c = counts_.data();
    ForValidRows(state[0], nullptr, n, [&](size_t k, size_t r) { c[gids[k]] += s[r]; });
    return Status::OK();
  }
  Result<Vector> Finalize(size_t groups) const override { return BigintVector(counts_, groups); }
  std::vector<Vector> ExportState(size_t groups) const override { return {BigintVector(counts_, groups)}; }

 private:
  bool star_;
  std::vector<int64_t> counts_;
};

// sum(x) and avg(x). S is the sum type: int64_t (sum of INT/BIGINT),
// double (sum of DOUBLE, avg of non-decimals), int128_t (DECIMAL).
template <typename S, bool kAvg>
class SumAccumulator final : public AggregateAccumulator {
 public:
  explicit SumAccumulator(const AggregateCall& call) : call_(call) {
    if constexpr (std::is_same_v<S, int128_t>) {
      // The state type of the plain aggregate: under DISTINCT, `call`'s own
      // state is the list of distinct values, not the sum.
      AggregateCall plain = call;
      plain.distinct = false;
      sum_type_ = AggregateStateTypes(plain)[0];
      limit_ = fn::Pow10(sum_type_.precision());
    } else {
      sum_type_ = std::is_same_v<S, double> ? DataType::Double() : DataType::Bigint();
    }
  }
  void Resize(size_t groups) override {
    sums_.resize(groups, S{});
    if constexpr (kAvg) {
      counts_.resize(groups, 0);
    } else {
      has_.resize(groups, 0);
    }
  }
  Status Update(const Vector* input, const uint32_t* rows, const uint32_t* gids, size_t n) override {
    return DispatchPhysical(input->type().id(), [&](auto tag) -> Status {
      using In = typename decltype(tag)::type;
      if constexpr (std::is_same_v<In, int32_t> || std::is_same_v<In, int64_t> ||
                    std::is_same_v<In, double> || std::is_same_v<In, int128_t>) {
        return Add<In>(*input, rows, gids, n, nullptr);
      } else {
        return Status::OK();  // NULL-typed input: nothing to add
      }
    });
  }
  Status Combine(const Vector* state, const uint32_t* gids, size_t n) override {
    return Add<S>(state[0], nullptr, gids, n, kAvg ? &state[1] : nullptr);
  }
  Result<Vector> Finalize(size_t groups) const override {
    if constexpr (!kAvg) {
      return BuildVector<S>(sum_type_, sums_, has_, groups, nullptr);
    } else {
      Vector out(call_.result_type, groups);
      for (size_t g = 0; g < groups; ++g) {
        if (counts_[g] == 0) {
          out.SetNull(g);
          continue;
        }
        if constexpr (std::is_same_v<S, int128_t>) {
          // avg(DISTINCT): Spark sums the distinct values with a checked
          // add at the end (ARITHMETIC_OVERFLOW past the sum type).
          if (call_.distinct && (sums_[g] >= limit_ || sums_[g] <= -limit_)) return OverflowError(call_);
          // sum * 10^shift / count, HALF_UP, through 256 bits (sum * 10^shift
          // can pass 128 bits where the average fits).
          const int shift = call_.result_type.scale() - call_.input_type.scale();
          int128_t q = 0;
          const bool out_of_range = !fn::MulDivHalfUp(sums_[g], fn::Pow10(shift), counts_[g], &q);
          const int128_t limit = fn::Pow10(call_.result_type.precision());
          if (out_of_range || q >= limit || q <= -limit) return AverageOutOfRange(call_, sums_[g], counts_[g]);
          out.data<int128_t>()[g] = q;
        } else {
          out.data<double>()[g] = static_cast<double>(sums_[g]) / static_cast<double>(counts_[g]);
        }
      }
      return out;
    }
  }
  std::vector<Vector> ExportState(size_t groups) const override {
    if constexpr (kAvg) {
      std::vector<uint8_t> valid(groups);
      for (size_t g = 0; g < groups; ++g) valid[g] = counts_[g] != 0;
      return {BuildVector<S>(sum_type_, sums_, valid, groups, nullptr), BigintVector(counts_, groups)};
    } else {
      return {BuildVector<S>(sum_type_, sums_, has_, groups, nullptr)};
    }
  }

 private:
  template <typename In>
  Status Add(const Vector& in, const uint32_t* rows, const uint32_t* gids, size_t n,
             const Vector* state_counts) {
    const In* v = in.data<In>();
    S* s = sums_.data();
    bool overflow = false;
    if constexpr (kAvg) {
      int64_t* c = counts_.data();
      const int64_t* sc = state_counts ? state_counts->data<int64_t>() : nullptr;
      ForValidRows(in, rows, n, [&](size_t k, size_t r) {
        uint32_t g = gids[k];
        if constexpr (std::is_same_v<S, int128_t>) {
          // avg's sum is not held to the sum type's precision: Spark adds it
          // unchecked (DecimalAddNoOverflowCheck) and checks the average
          // (avg(DISTINCT) checks its final sum too: Finalize).
          overflow |= __builtin_add_overflow(s[g], static_cast<S>(v[r]), &s[g]);
        } else {
          s[g] += static_cast<S>(v[r]);
        }
        c[g] += sc ? sc[r] : 1;
      });
      if (overflow) {
        // Past 128 bits: an average of values this large is beyond every
        // DECIMAL(38) result but for huge counts, which are not computed.
        return Status::ExecutionError("[NUMERIC_VALUE_OUT_OF_RANGE] " + call_.name +
                                      ": the sum of its values passed 128 bits, so the average cannot be "
                                      "represented as " + call_.result_type.ToString() +
                                      ". Cast the input to DOUBLE to average values this large.");
      }
    } else {
      uint8_t* h = has_.data();
      ForValidRows(in, rows, n, [&](size_t k, size_t r) {
        uint32_t g = gids[k];
        if constexpr (std::is_same_v<S, double>) {
          s[g] += static_cast<S>(v[r]);
        } else {
          overflow |= __builtin_add_overflow(s[g], static_cast<S>(v[r]), &s[g]);
          if constexpr (std::is_same_v<S, int128_t>) overflow |= s[g] >= limit_ || s[g] <= -limit_;
        }
        h[g] = 1;
      });
    }
    if (overflow) return OverflowError(call_);
    return Status::OK();
  }

  AggregateCall call_;
  DataType sum_type_;
  int128_t limit_ = 0;
  std::vector<S> sums_;
  std::vector<uint8_t> has_;
  std::vector<int64_t> counts_;
};

// Orders two values of one STRUCT type (min/max over STRUCTs, whose fields
// BindAggregate has checked are orderable): field by field, NULL first,
// doubles with NaN greatest, strings and binaries bytewise.
inline int CompareOrderable(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : a.is_null() ? -1 : 1;
  switch (a.type().id()) {
    case TypeId::kStruct: {
      const auto& x = a.children();
      const auto& y = b.children();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = CompareOrderable(x[i], y[i]); c != 0) return c;
      }
      return 0;
    }
    case TypeId::kBoolean: return static_cast<int>(a.bool_value()) - static_cast<int>(b.bool_value());
    case TypeId::kInt:
    case TypeId::kDate: return a.int_value() < b.int_value() ? -1 : a.int_value() > b.int_value() ? 1 : 0;
    case TypeId::kBigint:
    case TypeId::kTimestamp:
      return a.bigint_value() < b.bigint_value() ? -1 : a.bigint_value() > b.bigint_value() ? 1 : 0;
    case TypeId::kDouble: {
      double x = a.double_value(), y = b.double_value();
      if (std::isnan(x) || std::isnan(y)) return std::isnan(x) == std::isnan(y) ? 0 : std::isnan(x) ? 1 : -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case TypeId::kDecimal:
      return a.decimal_value() < b.decimal_value() ? -1 : a.decimal_value() > b.decimal_value() ? 1 : 0;
    case TypeId::kString:
    case TypeId::kBinary: return a.str_value().compare(b.str_value()) < 0 ? -1 : a.str_value() == b.str_value() ? 0 : 1;
    default: return 0;
  }
}

template <typename T>
inline bool Greater(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) {
    // Spark: NaN is greater than any other value, NaN == NaN.
    if (std::isnan(a)) return !std::isnan(b);
    if (std::isnan(b)) return false;
    return a > b;
  } else if constexpr (std::is_same_v<T, Value>) {
    return CompareOrderable(a, b) > 0;  // STRUCTs (BindAggregate rejects other nested types)
  } else {
    return a > b;
  }
}

template <typename T, bool kMax>
class MinMaxAccumulator final : public AggregateAccumulator {
 public:
  explicit MinMaxAccumulator(const AggregateCall& call)
      : type_(call.input_type), heap_(std::make_shared<StringHeap>()) {}
  void Resize(size_t groups) override {
    vals_.resize(groups, T{});
    has_.resize(groups, 0);
  }
  Status Update(const Vector* input, const uint32_t* rows, const uint32_t* gids, size_t n) override {
    T* v = vals_.data();
    uint8_t* h = has_.data();
    StringHeap* heap = heap_.get();
    ForValidRows(*input, rows, n, [&](size_t k, size_t r) {
      uint32_t g = gids[k];
      T x = GetAt<T>(*input, r);
      bool better = kMax ? Greater(x, v[g]) : Greater(v[g], x);
      if (!h[g] || better) {
        StoreAt(v[g], x, heap);
        h[g] = 1;
      }
    });
    return Status::OK();
  }
  Status Combine(const Vector* state, const uint32_t* gids, size_t n) override {
    return Update(&state[0], nullptr, gids, n);
  }
  Result<Vector> Finalize(size_t groups) const override {
    return BuildVector<T>(type_, vals_, has_, groups, heap_);
  }
  std::vector<Vector> ExportState(size_t groups) const override {
    return {BuildVector<T>(type_, vals_, has_, groups, heap_)};
  }

 private:
  DataType type_;
  std::shared_ptr<StringHeap> heap_;
  std::vector<T> vals_;
  std::vector<uint8_t> has_;
};

template <typename T, bool kLast>
class FirstLastAccumulator final : public AggregateAccumulator {
 public:
  explicit FirstLastAccumulator(const AggregateCall& call)
      : type_(call.input_type), ignore_nulls_(call.ignore_nulls), heap_(std::make_shared<StringHeap>()) {}
  void Resize(size_t groups) override {
    vals_.resize(groups, T{});
    valid_.resize(groups, 0);
    seen_.resize(groups, 0);
  }
  Status Update(const Vector* input, const uint32_t* rows, const uint32_t* gids, size_t n) override {
    Take(*input, rows, gids, n, nullptr);
    return Status::OK();
  }
  Status Combine(const Vector* state, const uint32_t* gids, size_t n) override {
    Take(state[0], nullptr, gids, n, &state[1]);
    return Status::OK();
  }
  Result<Vector> Finalize(size_t groups) const override {
    return BuildVector<T>(type_, vals_, valid_, groups, heap_);
  }
  std::vector<Vector> ExportState(size_t groups) const override {
    Vector seen(DataType::Boolean(), groups);
    if (groups > 0) std::memcpy(seen.data<uint8_t>(), seen_.data(), groups);
    return {BuildVector<T>(type_, vals_, valid_, groups, heap_), std::move(seen)};
  }

 private:
  // seen_state: the BOOLEAN "seen" state column when combining states.
  void Take(const Vector& in, const uint32_t* rows, const uint32_t* gids, size_t n,
            const Vector* seen_state) {
    bool null_type = in.type().is_null();
    for (size_t k = 0; k < n; ++k) {
      size_t r = rows ? rows[k] : k;
      uint32_t g = gids[k];
      if (seen_state && (!seen_state->IsValid(r) || seen_state->data<uint8_t>()[r] == 0)) continue;
      bool valid = !null_type && in.IsValid(r);
      if (ignore_nulls_ && !valid) continue;
      if (kLast || !seen_[g]) {
        seen_[g] = 1;
        valid_[g] = valid;
        if (valid) StoreAt(vals_[g], GetAt<T>(in, r), heap_.get());
      }
    }
  }

  DataType type_;
  bool ignore_nulls_;
  std::shared_ptr<StringHeap> heap_;
  std::vector<T> vals_;
  std::vector<uint8_t> valid_;  // value non-NULL
  std::vector<uint8_t> seen_;   // some row was taken
};

class CollectListAccumulator final : public AggregateAccumulator {
 public:
  explicit CollectListAccumulator(const AggregateCall& call)
      : type_(call.input_type), elems_(call.input_type, 0) {}
  void Resize(size_t) override {}
  Status Update(const Vector* input, const uint32_t* rows, const uint32_t* gids, size_t n) override {
    scratch_rows_.clear();
    ForValidRows(*input, rows, n, [&](size_t k, size_t r) {
      scratch_rows_.push_back(static_cast<uint32_t>(r));
      elem_gids_.push_back(gids[k]);
    });
    if (!scratch_rows_.empty()) elems_.Append(input->Gather(scratch_rows_.data(), scratch_rows_.size()));
    return Status::OK();
  }
  Status Combine(const Vector* state, const uint32_t* gids, size_t n) override {
    const Vector& lists = state[0];
    scratch_rows_.clear();
    for (size_t k = 0; k < n; ++k) {
      if (!lists.IsValid(k)) continue;
      for (uint32_t e = lists.offsets()[k]; e < lists.offsets()[k + 1]; ++e) {
        scratch_rows_.push_back(e);
        elem_gids_.push_back(gids[k]);
      }
    }
    if (!scratch_rows_.empty()) {
      elems_.Append(lists.child(0).Gather(scratch_rows_.data(), scratch_rows_.size()));
    }
    return Status::OK();
  }
  Result<Vector> Finalize(size_t groups) const override {
    return BuildListsByGroup(type_, elems_, nullptr, elem_gids_.data(), elem_gids_.size(), groups);
  }
  std::vector<Vector> ExportState(size_t groups) const override {
    return {BuildListsByGroup(type_, elems_, nullptr, elem_gids_.data(), elem_gids_.size(), groups)};
  }

 private:
  DataType type_;
  Vector elems_;
  std::vector<uint32_t> elem_gids_;
  std::vector<uint32_t> scratch_rows_;
};

std::unique_ptr<AggregateAccumulator> MakePlainAccumulator(const AggregateCall& call);

// agg(DISTINCT x): a set of (group, x) decides which values reach `base_`.
class DistinctAccumulator final : public AggregateAccumulator {
 public:
  explicit DistinctAccumulator(const AggregateCall& call)
      : type_(call.input_type),
        set_({DataType::Bigint(), call.input_type}, {0, 1}, {}),
        base_(MakePlainAccumulator(call)) {}
  void Resize(size_t groups) override { base_->Resize(groups); }
  Status Update(const Vector* input, const uint32_t* rows, const uint32_t* gids, size_t n) override {
    if (n == 0 || input->type().is_null()) return Status::OK();
    Vector gv(DataType::Bigint(), n);
    int64_t* gd = gv.data<int64_t>();
    for (size_t k = 0; k < n; ++k) gd[k] = gids[k];
    Vector vals = rows ? input->Gather(rows, n) : *input;
    ids_.resize(n);
    new_rows_.clear();
    set_.FindOrInsert({&gv, &vals}, n, ids_.data(), &new_rows_);
    sel_.clear();
    sel_gids_.clear();
    for (uint32_t r : new_rows_) {
      if (!vals.IsValid(r)) continue;
      sel_.push_back(r);
      sel_gids_.push_back(gids[r]);
    }
    return base_->Update(&vals, sel_.data(), sel_gids_.data(), sel_.size());
  }
  Status Combine(const Vector* state, const uint32_t* gids, size_t n) override {
    const Vector& lists = state[0];
    std::vector<uint32_t> rows, elem_gids;
    for (size_t k = 0; k < n; ++k) {
      if (!lists.IsValid(k)) continue;
      for (uint32_t e = lists.offsets()[k]; e < lists.offsets()[k + 1]; ++e) {
        rows.push_back(e);
        elem_gids.push_back(gids[k]);
      }
    }
    return Update(&lists.child(0), rows.data(), elem_gids.data(), rows.size());
  }
  Result<Vector> Finalize(size_t groups) const override { return base_->Finalize(groups); }
  std::vector<Vector> ExportState(size_t groups) const override {
    Vector g = set_.KeyColumn(0);
    Vector v = set_.KeyColumn(1);
    std::vector<uint32_t> rows, gids;
    for (size_t i = 0; i < set_.num_groups(); ++i) {
      if (!v.IsValid(i)) continue;
      rows.push_back(static_cast<uint32_t>(i));
      gids.push_back(static_cast<uint32_t>(g.data<int64_t>()[i]));
    }
    return {BuildListsByGroup(type_, v, rows.data(), gids.data(), rows.size(), groups)};
  }

 private:
  DataType type_;
  AggregateHashTable set_;
  std::unique_ptr<AggregateAccumulator> base_;
  std::vector<uint32_t> ids_, new_rows_, sel_, sel_gids_;
};

std::unique_ptr<AggregateAccumulator> MakePlainAccumulator(const AggregateCall& call) {
  TypeId in = call.input_type.id();
  switch (call.kind) {
    case AggregateKind::kCountStar: return std::make_unique<CountAccumulator>(true);
    case AggregateKind::kCount: return std::make_unique<CountAccumulator>(false);
    case AggregateKind::kSum:
      if (in == TypeId::kDecimal) return std::make_unique<SumAccumulator<int128_t, false>>(call);
      if (in == TypeId::kDouble) return std::make_unique<SumAccumulator<double, false>>(call);
      return std::make_unique<SumAccumulator<int64_t, false>>(call);
    case AggregateKind::kAvg:
      if (in == TypeId::kDecimal) return std::make_unique<SumAccumulator<int128_t, true>>(call);
      return std::make_unique<SumAccumulator<double, true>>(call);
    case AggregateKind::kMin:
      return DispatchPhysical(in, [&](auto tag) -> std::unique_ptr<AggregateAccumulator> {
        return std::make_unique<MinMaxAccumulator<typename decltype(tag)::type, false>>(call);
      });
    case AggregateKind::kMax:
      return DispatchPhysical(in, [&](auto tag) -> std::unique_ptr<AggregateAccumulator> {
        return std::make_unique<MinMaxAccumulator<typename decltype(tag)::type, true>>(call);
      });
    case AggregateKind::kFirst:
      return DispatchPhysical(in, [&](auto tag) -> std::unique_ptr<AggregateAccumulator> {
        return std::make_unique<FirstLastAccumulator<typename decltype(tag)::type, false>>(call);
      });
    case AggregateKind::kLast:
      return DispatchPhysical(in, [&](auto tag) -> std::unique_ptr<AggregateAccumulator> {
        return std::make_unique<FirstLastAccumulator<typename decltype(tag)::type, true>>(call);
      });
    case AggregateKind::kCollectList:
    case AggregateKind::kCollectSet: return std::make_unique<CollectListAccumulator>(call);
  }
  return nullptr;
}

std::unique_ptr<AggregateAccumulator> MakeAccumulator(const AggregateCall& call) {
  // collect_set: a collect_list fed by the distinct (group, value) set, so
  // its state exports and merges as the distinct values.
  if ((call.distinct && call.kind != AggregateKind::kCountStar) || call.kind == AggregateKind::kCollectSet) {
    return std::make_unique<DistinctAccumulator>(call);
  }
  return MakePlainAccumulator(call);
}

}  // namespace

AggregateHashTable::AggregateHashTable(std::vector<DataType> key_types, std::vector<int> key_columns,
                                       std::vector<AggregateCall> aggs)
    : key_types_(std::move(key_types)),
      key_columns_(std::move(key_columns)),
      aggs_(std::move(aggs)),
      arena_(std::make_shared<StringHeap>()) {
  SLUICE_CHECK(key_types_.size() == key_columns_.size());
  for (const auto& t : key_types_) {
    StoredKey k;
    k.form = KeyFormOf(t);
    keys_.push_back(std::move(k));
  }
  for (const auto& a : aggs_) accs_.push_back(MakeAccumulator(a));
  slots_.assign(256, kEmptySlot);
  mask_ = slots_.size() - 1;
  if (key_types_.empty()) {
    num_groups_ = 1;  // global aggregation: always one group
    group_hashes_.push_back(0);
    ResizeAccumulators();
  }
}

AggregateHashTable::~AggregateHashTable() = default;

void AggregateHashTable::ResizeAccumulators() {
  for (auto& a : accs_) a->Resize(num_groups_);
}

uint32_t AggregateHashTable::NewGroup(const KeyHasher& h, size_t row, uint64_t hash) {
  auto g = static_cast<uint32_t>(num_groups_++);
  SLUICE_CHECK(num_groups_ < kEmptySlot >> 32);
  group_hashes_.push_back(hash);
  const auto& cols = h.columns();
  for (size_t c = 0; c < keys_.size(); ++c) {
    const NormalizedColumn& nc = cols[c];
    StoredKey& sk = keys_[c];
    bool isnull = nc.IsNull(row);
    sk.null.push_back(isnull);
    sk.any_null |= isnull;
    switch (sk.form) {
      case KeyForm::kFixed: sk.fixed.push_back(nc.fixed[row]); break;
      case KeyForm::kDecimal: sk.decimal.push_back(isnull ? 0 : nc.decimal[row]); break;
      case KeyForm::kString:
        sk.str.push_back(isnull ? std::string_view() : arena_->Add(nc.str[row]));
        break;
      case KeyForm::kValue: sk.value.push_back(nc.vec->GetValue(row)); break;
    }
  }
  return g;
}

bool AggregateHashTable::KeyEquals(uint32_t g, const KeyHasher& h, size_t row) const {
  const auto& cols = h.columns();
  for (size_t c = 0; c < keys_.size(); ++c) {
    const NormalizedColumn& nc = cols[c];
    const StoredKey& sk = keys_[c];
    bool rn = nc.IsNull(row);
    if ((sk.null[g] != 0) != rn) return false;
    if (rn) continue;
    switch (sk.form) {
      case KeyForm::kFixed:
        if (sk.fixed[g] != nc.fixed[row]) return false;
        break;
      case KeyForm::kDecimal:
        if (sk.decimal[g] != nc.decimal[row]) return false;
        break;
      case KeyForm::kString:
        if (sk.str[g] != nc.str[row]) return false;
        break;
      case KeyForm::kValue:
        if (nc.vec->type().id() == TypeId::kStruct) {
          if (!NestedRowEquals(sk.value[g], *nc.vec, row)) return false;
        } else if (!(sk.value[g] == nc.vec->GetValue(row))) {
          return false;
        }
        break;
    }
  }
  return true;
}

void AggregateHashTable::Grow() {
  size_t cap = slots_.size() * 2;
  slots_.assign(cap, kEmptySlot);
  mask_ = cap - 1;
  for (size_t g = 0; g < num_groups_; ++g) {
    uint64_t hash = group_hashes_[g];
    size_t idx = hash & mask_;
    while (slots_[idx] != kEmptySlot) idx = (idx + 1) & mask_;
    slots_[idx] = (hash & 0xFFFFFFFF00000000ULL) | g;
  }
}

template <typename Eq>
void AggregateHashTable::Probe(const KeyHasher& h, size_t n, uint32_t* group_ids,
                               std::vector<uint32_t>* new_rows, Eq eq) {
  const uint64_t* hashes = h.hashes();
  constexpr size_t kPrefetch = 16;
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetch < n) __builtin_prefetch(&slots_[hashes[i + kPrefetch] & mask_]);
    uint64_t hash = hashes[i];
    uint64_t tag = hash & 0xFFFFFFFF00000000ULL;
    size_t idx = hash & mask_;
    uint32_t g;
    while (true) {
      uint64_t s = slots_[idx];
      if (s == kEmptySlot) {
        g = NewGroup(h, i, hash);
        slots_[idx] = tag | g;
        if (new_rows) new_rows->push_back(static_cast<uint32_t>(i));
        if (num_groups_ * 2 > slots_.size()) Grow();
        break;
      }
      if ((s & 0xFFFFFFFF00000000ULL) == tag && eq(static_cast<uint32_t>(s), i)) {
        g = static_cast<uint32_t>(s);
        break;
      }
      idx = (idx + 1) & mask_;
    }
    group_ids[i] = g;
  }
}

void AggregateHashTable::FindOrInsert(const std::vector<const Vector*>& keys, size_t n,
                                      uint32_t* group_ids, std::vector<uint32_t>* new_rows) {
  if (keys_.empty()) {
    std::memset(group_ids, 0, n * sizeof(uint32_t));
    return;
  }
  hasher_.Prepare(keys, n);
  const auto& cols = hasher_.columns();
  if (keys_.size() == 1 && keys_[0].form == KeyForm::kFixed && cols[0].nulls == nullptr) {
    const uint64_t* in = cols[0].fixed;
    const StoredKey& sk = keys_[0];
    if (!sk.any_null) {
      Probe(hasher_, n, group_ids, new_rows,
            [&](uint32_t g, size_t i) { return sk.fixed[g] == in[i]; });
    } else {
      Probe(hasher_, n, group_ids, new_rows,
            [&](uint32_t g, size_t i) { return sk.fixed[g] == in[i] && !sk.null[g]; });
    }
    return;
  }
  Probe(hasher_, n, group_ids, new_rows,
        [&](uint32_t g, size_t i) { return KeyEquals(g, hasher_, i); });
}

Status AggregateHashTable::Update(const Batch& input) {
  size_t n = input.num_rows;
  if (n == 0) return Status::OK();
  group_ids_.resize(n);
  std::vector<const Vector*> keys;
  keys.reserve(key_columns_.size());
  for (int c : key_columns_) keys.push_back(&input.columns[static_cast<size_t>(c)]);
  FindOrInsert(keys, n, group_ids_.data(), nullptr);
  ResizeAccumulators();
  for (size_t a = 0; a < accs_.size(); ++a) {
    int col = aggs_[a].input_column;
    const Vector* in = col >= 0 ? &input.columns[static_cast<size_t>(col)] : nullptr;
    SLUICE_RETURN_NOT_OK(accs_[a]->Update(in, nullptr, group_ids_.data(), n));
  }
  return Status::OK();
}

Status AggregateHashTable::MergeState(const Batch& state) {
  size_t n = state.num_rows;
  if (n == 0) return Status::OK();
  size_t nk = keys_.size();
  std::vector<const Vector*> keys;
  for (size_t c = 0; c < nk; ++c) keys.push_back(&state.columns[c]);
  std::vector<uint32_t> gids(n);
  FindOrInsert(keys, n, gids.data(), nullptr);
  ResizeAccumulators();
  size_t offset = nk;
  for (size_t a = 0; a < accs_.size(); ++a) {
    size_t width = AggregateStateTypes(aggs_[a]).size();
    if (offset + width > state.columns.size()) {
      return Status::Internal("aggregate state batch has too few columns");
    }
    SLUICE_RETURN_NOT_OK(accs_[a]->Combine(&state.columns[offset], gids.data(), n));
    offset += width;
  }
  return Status::OK();
}

Status AggregateHashTable::Merge(const AggregateHashTable& other) {
  return MergeState(other.ExportState());
}

Vector AggregateHashTable::KeyColumn(size_t c) const {
  const DataType& type = key_types_[c];
  const StoredKey& sk = keys_[c];
  size_t n = num_groups_;
  Vector out(type, n);
  switch (sk.form) {
    case KeyForm::kFixed:
      switch (type.id()) {
        case TypeId::kBigint:
        case TypeId::kTimestamp:
        case TypeId::kDouble:  // normalized bits are the double's bits
          if (n > 0) std::memcpy(out.data<uint64_t>(), sk.fixed.data(), n * 8);
          break;
        case TypeId::kInt:
        case TypeId::kDate:
          for (size_t g = 0; g < n; ++g) out.data<int32_t>()[g] = static_cast<int32_t>(sk.fixed[g]);
          break;
        case TypeId::kBoolean:
          for (size_t g = 0; g < n; ++g) out.data<uint8_t>()[g] = static_cast<uint8_t>(sk.fixed[g]);
          break;
        default: break;
      }
      break;
    case KeyForm::kDecimal:
      if (n > 0) std::memcpy(out.data<int128_t>(), sk.decimal.data(), n * sizeof(int128_t));
      break;
    case KeyForm::kString:
      out.SetHeap(arena_);
      if (n > 0) std::memcpy(out.data<std::string_view>(), sk.str.data(), n * sizeof(std::string_view));
      break;
    case KeyForm::kValue:
      out = Vector::FromValues(type, sk.value);
      break;
  }
  if (sk.any_null || type.is_null()) {
    for (size_t g = 0; g < n; ++g) {
      if (sk.null[g] || type.is_null()) out.SetNull(g);
    }
  }
  return out;
}

Result<Batch> AggregateHashTable::Finalize() const {
  Batch out;
  out.num_rows = num_groups_;
  for (size_t c = 0; c < keys_.size(); ++c) out.columns.push_back(KeyColumn(c));
  for (const auto& a : accs_) {
    SLUICE_ASSIGN_OR_RETURN(Vector v, a->Finalize(num_groups_));
    out.columns.push_back(std::move(v));
  }
  return out;
}

Batch AggregateHashTable::ExportState() const {
  Batch out;
  out.num_rows = num_groups_;
  for (size_t c = 0; c < keys_.size(); ++c) out.columns.push_back(KeyColumn(c));
  for (const auto& a : accs_) {
    for (auto& v : a->ExportState(num_groups_)) out.columns.push_back(std::move(v));
  }
  return out;
}

Schema AggregateHashTable::StateSchema() const {
  Schema s;
  for (size_t c = 0; c < key_types_.size(); ++c) s.Add({"key_" + std::to_string(c), key_types_[c], true});
  for (size_t a = 0; a < aggs_.size(); ++a) {
    const AggregateCall& call = aggs_[a];
    auto types = AggregateStateTypes(call);
    std::vector<std::string> parts;
    if ((call.distinct && call.kind != AggregateKind::kCountStar) || call.kind == AggregateKind::kCollectSet) {
      parts = {"distinct_values"};
    } else if (call.kind == AggregateKind::kAvg) {
      parts = {"sum", "count"};
    } else if (call.kind == AggregateKind::kFirst || call.kind == AggregateKind::kLast) {
      parts = {"value", "seen"};
    } else {
      parts = {call.name};
    }
    for (size_t p = 0; p < types.size(); ++p) {
      s.Add({"agg_" + std::to_string(a) + "_" + parts[p], types[p], true});
    }
  }
  return s;
}

}  // namespace sluice
