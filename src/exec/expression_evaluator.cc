#include "exec/expression_evaluator.h"

#include <algorithm>

#include "exec/function_registry.h"
#include "exec/functions/compare_ops.h"
#include "exec/functions/kernel_util.h"

namespace sluice {

namespace {

using fn::CmpOp;

// Evaluates `e` for n rows. With allow_scalar, a constant result may be a
// 1-row vector (see kernel_util.h).
Result<Vector> Eval(const Expr& e, const Batch& in, const SelectionVector* sel, size_t n,
                    const EvalContext& ctx, bool allow_scalar);

Result<Vector> EvalCall(const Expr& e, const Batch& in, const SelectionVector* sel, size_t n,
                        const EvalContext& ctx) {
  const ScalarFunction* f = e.function;
  if (f == nullptr) return Status::Internal("unresolved function " + e.name);
  KernelContext kctx{&e, &ctx};
  if (f->lazy_kernel != nullptr) return f->lazy_kernel(kctx, in, sel);
  if (f->kernel == nullptr) return Status::Internal("function " + e.name + " has no kernel");
  std::vector<Vector> args;
  args.reserve(e.args.size());
  for (const auto& a : e.args) {
    if (a->kind == ExprKind::kCall && n > 1 && a->IsConstant()) {
      // Constant subexpression: evaluate once, pass as a scalar.
      Batch one;
      one.num_rows = 1;
      SLUICE_ASSIGN_OR_RETURN(Vector v, Eval(*a, one, nullptr, 1, ctx, true));
      args.push_back(std::move(v));
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(Vector v, Eval(*a, in, sel, n, ctx, true));
    args.push_back(std::move(v));
  }
  return f->kernel(kctx, args, n);
}

Result<Vector> Eval(const Expr& e, const Batch& in, const SelectionVector* sel, size_t n,
                    const EvalContext& ctx, bool allow_scalar) {
  switch (e.kind) {
    case ExprKind::kColumnRef: {
      if (e.column_index < 0 || static_cast<size_t>(e.column_index) >= in.columns.size()) {
        return Status::Internal("column #" + std::to_string(e.column_index) + " (" + e.name +
                                ") is not in the input batch");
      }
      const Vector& col = in.columns[static_cast<size_t>(e.column_index)];
      return sel ? col.Gather(*sel) : col;
    }
    case ExprKind::kLiteral: {
      Vector one = Vector::FromValues(e.type, {e.literal});
      return allow_scalar ? one : fn::Broadcast(one, n);
    }
    case ExprKind::kCall: {
      SLUICE_ASSIGN_OR_RETURN(Vector v, EvalCall(e, in, sel, n, ctx));
      if (!allow_scalar && v.size() != n) v = fn::Broadcast(v, n);
      return v;
    }
  }
  return Status::Internal("bad expression kind");
}

// --- Select fast paths ---

template <CmpOp op, typename T>
size_t SelectCmpScalar(const T* a, const uint64_t* valid, T k, const uint32_t* sel, size_t n,
                       uint32_t* out) {
  size_t m = 0;
  if (sel == nullptr) {
    if (valid == nullptr) {
      for (size_t i = 0; i < n; ++i) {
        out[m] = static_cast<uint32_t>(i);
        m += fn::Cmp<op>(a[i], k);
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        out[m] = static_cast<uint32_t>(i);
        m += fn::Cmp<op>(a[i], k) & ((valid[i >> 6] >> (i & 63)) & 1);
      }
    }
  } else {
    if (valid == nullptr) {
      for (size_t j = 0; j < n; ++j) {
        uint32_t i = sel[j];
        out[m] = i;
        m += fn::Cmp<op>(a[i], k);
      }
    } else {
      for (size_t j = 0; j < n; ++j) {
        uint32_t i = sel[j];
        out[m] = i;
        m += fn::Cmp<op>(a[i], k) & ((valid[i >> 6] >> (i & 63)) & 1);
      }
    }
  }
  return m;
}

template <CmpOp op, typename T>
size_t SelectCmpColumns(const T* a, const uint64_t* va, const T* b, const uint64_t* vb,
                        const uint32_t* sel, size_t n, uint32_t* out) {
  size_t m = 0;
  for (size_t j = 0; j < n; ++j) {
    uint32_t i = sel ? sel[j] : static_cast<uint32_t>(j);
    bool ok = fn::Cmp<op>(a[i], b[i]);
    if (va) ok &= (va[i >> 6] >> (i & 63)) & 1;
    if (vb) ok &= (vb[i >> 6] >> (i & 63)) & 1;
    out[m] = i;
    m += ok;
  }
  return m;
}

bool IsFastCmpType(TypeId id) {
  switch (id) {
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kBigint:
    case TypeId::kTimestamp:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kBoolean: return true;
    default: return false;
  }
}

// Comparison of a column with a literal or another column, straight to a
// selection vector. Returns false if the predicate is not of that shape.
bool TrySelectComparison(const Expr& e, const Batch& in, const SelectionVector* sel,
                         SelectionVector* out) {
  CmpOp op;
  if (e.args.size() != 2 || !fn::ParseCmpOp(e.name, &op)) return false;
  const Expr* l = e.args[0].get();
  const Expr* r = e.args[1].get();
  if (l->type != r->type || !IsFastCmpType(l->type.id())) return false;
  if (l->kind == ExprKind::kLiteral && r->kind == ExprKind::kColumnRef) {
    std::swap(l, r);
    op = fn::FlipCmpOp(op);
  }
  if (l->kind != ExprKind::kColumnRef) return false;
  if (r->kind != ExprKind::kColumnRef && r->kind != ExprKind::kLiteral) return false;
  auto in_range = [&](const Expr* x) {
    return x->column_index >= 0 && static_cast<size_t>(x->column_index) < in.columns.size();
  };
  if (!in_range(l) || (r->kind == ExprKind::kColumnRef && !in_range(r))) return false;
  const Vector& a = in.columns[static_cast<size_t>(l->column_index)];
  size_t n = sel ? sel->size() : in.num_rows;
  const uint32_t* s = sel ? sel->data() : nullptr;
  if (r->kind == ExprKind::kLiteral && r->literal.is_null()) {
    out->clear();
    return true;
  }
  out->resize(n);
  Vector lit;
  if (r->kind == ExprKind::kLiteral) lit = Vector::FromValues(r->type, {r->literal});
  const Vector& b = r->kind == ExprKind::kLiteral ? lit : in.columns[static_cast<size_t>(r->column_index)];
  size_t m = fn::DispatchPhysical(l->type.id(), [&](auto tag) -> size_t {
    using T = decltype(tag);
    return fn::DispatchCmpOp(op, [&](auto opc) -> size_t {
      constexpr CmpOp o = decltype(opc)::value;
      if (r->kind == ExprKind::kLiteral) {
        return SelectCmpScalar<o, T>(a.data<T>(), a.validity(), b.data<T>()[0], s, n, out->data());
      }
      return SelectCmpColumns<o, T>(a.data<T>(), a.validity(), b.data<T>(), b.validity(), s, n,
                                    out->data());
    });
  });
  out->resize(m);
  return true;
}

Result<SelectionVector> SelectImpl(const Expr& e, const Batch& in, const SelectionVector* sel,
                                   const EvalContext& ctx) {
  size_t n = sel ? sel->size() : in.num_rows;
  if (n == 0) return SelectionVector{};
  if (e.kind == ExprKind::kCall && e.args.size() == 2 && e.type.id() == TypeId::kBoolean) {
    if (e.name == "and") {
      SLUICE_ASSIGN_OR_RETURN(SelectionVector s1, SelectImpl(*e.args[0], in, sel, ctx));
      if (s1.empty()) return s1;
      return SelectImpl(*e.args[1], in, &s1, ctx);
    }
    if (e.name == "or") {
      SLUICE_ASSIGN_OR_RETURN(SelectionVector s1, SelectImpl(*e.args[0], in, sel, ctx));
      if (s1.size() == n) return s1;
      SelectionVector rest;
      rest.reserve(n - s1.size());
      size_t k = 0;
      for (size_t j = 0; j < n; ++j) {
        uint32_t i = sel ? (*sel)[j] : static_cast<uint32_t>(j);
        if (k < s1.size() && s1[k] == i) {
          ++k;
        } else {
          rest.push_back(i);
        }
      }
      SLUICE_ASSIGN_OR_RETURN(SelectionVector s2, SelectImpl(*e.args[1], in, &rest, ctx));
      SelectionVector merged(s1.size() + s2.size());
      std::merge(s1.begin(), s1.end(), s2.begin(), s2.end(), merged.begin());
      return merged;
    }
    SelectionVector out;
    if (TrySelectComparison(e, in, sel, &out)) return out;
  }
  if (e.kind == ExprKind::kLiteral) {
    SelectionVector out;
    if (!e.literal.is_null() && e.literal.type().id() == TypeId::kBoolean && e.literal.bool_value()) {
      out.resize(n);
      for (size_t j = 0; j < n; ++j) out[j] = sel ? (*sel)[j] : static_cast<uint32_t>(j);
    }
    return out;
  }
  if (e.type.id() != TypeId::kBoolean && e.type.id() != TypeId::kNull) {
    return Status::AnalysisError("filter condition " + e.ToString() + " must be BOOLEAN, got " +
                                 e.type.ToString());
  }
  SLUICE_ASSIGN_OR_RETURN(Vector v, Eval(e, in, sel, n, ctx, false));
  SelectionVector out(n);
  size_t m = 0;
  if (e.type.id() == TypeId::kBoolean) {
    const uint8_t* d = v.data<uint8_t>();
    const uint64_t* valid = v.validity();
    for (size_t j = 0; j < n; ++j) {
      out[m] = sel ? (*sel)[j] : static_cast<uint32_t>(j);
      uint8_t ok = d[j];
      if (valid) ok &= (valid[j >> 6] >> (j & 63)) & 1;
      m += ok;
    }
  }
  out.resize(m);
  return out;
}

}  // namespace

Result<Vector> ExpressionEvaluator::Evaluate(const Expr& expr, const Batch& input,
                                             const SelectionVector* sel, const EvalContext& ctx) {
  size_t n = sel ? sel->size() : input.num_rows;
  return Eval(expr, input, sel, n, ctx, false);
}

Result<SelectionVector> ExpressionEvaluator::Select(const Expr& predicate, const Batch& input,
                                                    const SelectionVector* sel,
                                                    const EvalContext& ctx) {
  return SelectImpl(predicate, input, sel, ctx);
}

}  // namespace sluice
