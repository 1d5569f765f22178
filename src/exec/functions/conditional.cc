// Logic and conditional functions: and/or (three-valued, lazy), not,
// isnull/isnotnull, CASE, coalesce/nvl, if, nvl2, nullif, greatest, least.
// The special forms evaluate their arguments on sub-selections so that a
// branch not taken is never evaluated (and cannot fail).
#include <deque>

#include "exec/functions/compare_ops.h"
#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"

namespace sluice::fn {

namespace {

inline void ClearBit(uint64_t* bits, size_t i) { bits[i >> 6] &= ~(uint64_t{1} << (i & 63)); }

Result<Vector> AndOr(const KernelContext& ctx, const Batch& in, const SelectionVector* sel, bool is_and) {
  size_t n = NumRows(in, sel);
  SLUICE_ASSIGN_OR_RETURN(Vector a, EvalArg(ctx, 0, in, sel));
  const uint8_t decisive = is_and ? 0 : 1;  // FALSE decides AND, TRUE decides OR
  std::vector<uint32_t> pending;
  pending.reserve(n);
  const uint8_t* av = a.data<uint8_t>();
  for (size_t i = 0; i < n; ++i) {
    if (!a.IsValid(i) || av[i] != decisive) pending.push_back(static_cast<uint32_t>(i));
  }
  if (pending.empty()) return a;
  Vector b;
  if (pending.size() == n) {
    SLUICE_ASSIGN_OR_RETURN(b, EvalArg(ctx, 1, in, sel));
  } else {
    SelectionVector sub = SubSelection(sel, pending);
    SLUICE_ASSIGN_OR_RETURN(b, EvalArg(ctx, 1, in, &sub));
  }
  Vector out(DataType::Boolean(), n);
  uint8_t* d = out.data<uint8_t>();
  uint64_t* valid = out.MutableValidity();
  for (size_t i = 0; i < n; ++i) {
    d[i] = av[i];
    if (!a.IsValid(i)) ClearBit(valid, i);
  }
  const uint8_t* bv = b.data<uint8_t>();
  for (size_t k = 0; k < pending.size(); ++k) {
    size_t i = pending[k];
    if (!b.IsValid(k)) {
      ClearBit(valid, i);  // a is NULL or not decisive; b NULL -> NULL
    } else if (bv[k] == decisive) {
      d[i] = decisive;
      valid[i >> 6] |= uint64_t{1} << (i & 63);
    }  // else: result is a (TRUE/FALSE or NULL) as set
  }
  return out;
}

Result<Vector> AndKernel(const KernelContext& ctx, const Batch& in, const SelectionVector* sel) {
  return AndOr(ctx, in, sel, true);
}
Result<Vector> OrKernel(const KernelContext& ctx, const Batch& in, const SelectionVector* sel) {
  return AndOr(ctx, in, sel, false);
}

Result<Vector> NotKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Boolean(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  const uint8_t* s = args[0].data<uint8_t>();
  uint8_t* d = out.data<uint8_t>();
  bool sc = IsScalar(args[0], n);
  for (size_t i = 0; i < n; ++i) d[i] = !s[sc ? 0 : i];
  return out;
}

Result<Vector> IsNullKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Boolean(), n);
  uint8_t* d = out.data<uint8_t>();
  bool want_null = ctx.call->name == "isnull";
  const Vector& a = args[0];
  for (size_t i = 0; i < n; ++i) d[i] = (!ArgValid(a, n, i)) == want_null;
  return out;
}

// CASE WHEN c1 THEN v1 ... [ELSE e] END; also if(c, a, b).
Result<Vector> CaseKernel(const KernelContext& ctx, const Batch& in, const SelectionVector* sel) {
  size_t n = NumRows(in, sel);
  const auto& args = ctx.call->args;
  size_t pairs = args.size() / 2;
  bool has_else = args.size() % 2 == 1;
  std::vector<int32_t> src(n, -1);
  std::vector<uint32_t> rows(n, 0);
  std::deque<Vector> results;
  std::vector<const Vector*> sources;
  std::vector<uint32_t> remaining(n);
  for (size_t i = 0; i < n; ++i) remaining[i] = static_cast<uint32_t>(i);
  auto eval_on = [&](size_t arg, const std::vector<uint32_t>& positions) -> Result<Vector> {
    if (positions.size() == n) return EvalArg(ctx, arg, in, sel);
    SelectionVector sub = SubSelection(sel, positions);
    return EvalArg(ctx, arg, in, &sub);
  };
  auto assign = [&](Vector v, const std::vector<uint32_t>& positions) {
    results.push_back(std::move(v));
    sources.push_back(&results.back());
    int32_t idx = static_cast<int32_t>(sources.size() - 1);
    for (size_t k = 0; k < positions.size(); ++k) {
      src[positions[k]] = idx;
      rows[positions[k]] = static_cast<uint32_t>(k);
    }
  };
  for (size_t w = 0; w < pairs && !remaining.empty(); ++w) {
    SLUICE_ASSIGN_OR_RETURN(Vector cond, eval_on(2 * w, remaining));
    std::vector<uint32_t> taken, rest;
    const uint8_t* c = cond.data<uint8_t>();
    for (size_t k = 0; k < remaining.size(); ++k) {
      bool t = cond.type().id() == TypeId::kBoolean && cond.IsValid(k) && c[k];
      (t ? taken : rest).push_back(remaining[k]);
    }
    if (!taken.empty()) {
      SLUICE_ASSIGN_OR_RETURN(Vector v, eval_on(2 * w + 1, taken));
      assign(std::move(v), taken);
    }
    remaining = std::move(rest);
  }
  if (has_else && !remaining.empty()) {
    SLUICE_ASSIGN_OR_RETURN(Vector v, eval_on(args.size() - 1, remaining));
    assign(std::move(v), remaining);
  }
  if (sources.size() == 1 && results.front().size() == n && src[0] == 0 && n > 0) {
    bool all = true;
    for (size_t i = 0; i < n && all; ++i) all = src[i] == 0;
    if (all) return std::move(results.front());
  }
  return Assemble(ctx.call->type, n, sources, src, rows);
}

Result<Vector> CoalesceKernel(const KernelContext& ctx, const Batch& in, const SelectionVector* sel) {
  size_t n = NumRows(in, sel);
  std::vector<int32_t> src(n, -1);
  std::vector<uint32_t> rows(n, 0);
  std::deque<Vector> results;
  std::vector<const Vector*> sources;
  std::vector<uint32_t> remaining(n);
  for (size_t i = 0; i < n; ++i) remaining[i] = static_cast<uint32_t>(i);
  for (size_t a = 0; a < ctx.call->args.size() && !remaining.empty(); ++a) {
    Vector v;
    if (remaining.size() == n) {
      SLUICE_ASSIGN_OR_RETURN(v, EvalArg(ctx, a, in, sel));
      if (a == 0 && !v.MayHaveNulls()) return v;
    } else {
      SelectionVector sub = SubSelection(sel, remaining);
      SLUICE_ASSIGN_OR_RETURN(v, EvalArg(ctx, a, in, &sub));
    }
    results.push_back(std::move(v));
    const Vector& r = results.back();
    sources.push_back(&r);
    int32_t idx = static_cast<int32_t>(sources.size() - 1);
    std::vector<uint32_t> rest;
    for (size_t k = 0; k < remaining.size(); ++k) {
      if (r.IsValid(k)) {
        src[remaining[k]] = idx;
        rows[remaining[k]] = static_cast<uint32_t>(k);
      } else {
        rest.push_back(remaining[k]);
      }
    }
    remaining = std::move(rest);
  }
  return Assemble(ctx.call->type, n, sources, src, rows);
}

// greatest / least: NULLs are skipped; NULL only if every argument is NULL.
Result<Vector> ExtremeKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool greatest = ctx.call->name == "greatest";
  const DataType& t = ctx.call->type;
  std::vector<int32_t> src(n, -1);
  std::vector<uint32_t> rows(n);
  std::vector<const Vector*> sources;
  for (const auto& a : args) sources.push_back(&a);
  DispatchPhysical(t.id(), [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < n; ++i) {
      rows[i] = static_cast<uint32_t>(i);
      for (size_t k = 0; k < args.size(); ++k) {
        size_t r = Row(args[k], n, i);
        if (!args[k].IsValid(r)) continue;
        if (src[i] < 0) {
          src[i] = static_cast<int32_t>(k);
          continue;
        }
        const Vector& best = args[static_cast<size_t>(src[i])];
        T cur = best.data<T>()[Row(best, n, i)];
        T x = args[k].data<T>()[r];
        if (greatest ? Cmp<CmpOp::kGt, T>(x, cur) : Cmp<CmpOp::kLt, T>(x, cur)) src[i] = static_cast<int32_t>(k);
      }
    }
  });
  // Scalars: Assemble reads row `rows[i]`; map to row 0 for 1-row sources.
  std::vector<Vector> dense;
  dense.reserve(args.size());
  for (const auto& a : args) dense.push_back(Densify(a, n));
  std::vector<const Vector*> dsrc;
  for (const auto& d : dense) dsrc.push_back(&d);
  return Assemble(t, n, dsrc, src, rows);
}

Status BooleanArgs(const std::string& name, std::vector<ExprPtr>* args, size_t from, size_t step) {
  for (size_t i = from; i < args->size(); i += step) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, args, i, DataType::Boolean()));
  }
  return Status::OK();
}

Result<ExprPtr> BindLogic(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(BooleanArgs(name, &args, 0, 1));
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), DataType::Boolean(), nullable);
}

Result<ExprPtr> BindIsNull(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  return Call(def, name, std::move(args), DataType::Boolean(), false);
}

Result<ExprPtr> BindCase(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args.size() < 2) return ArityError(name, args, "at least 2");
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, i, DataType::Boolean()));
  }
  // Values: odd positions, plus a trailing ELSE.
  std::vector<size_t> values;
  for (size_t i = 1; i < args.size(); i += 2) values.push_back(i);
  if (args.size() % 2 == 1) values.push_back(args.size() - 1);
  DataType common;
  for (size_t i : values) {
    auto c = CommonType(common, args[i]->type);
    if (!c.ok()) {
      return Status::AnalysisError("cannot resolve \"" + CallSql(name, args) +
                                   "\": the branches have incompatible types " + common.ToString() +
                                   " and " + args[i]->type.ToString());
    }
    common = *c;
  }
  bool nullable = args.size() % 2 == 0;
  for (size_t i : values) {
    SLUICE_ASSIGN_OR_RETURN(args[i], CastTo(args[i], common));
    nullable |= args[i]->nullable;
  }
  return Call(def, name, std::move(args), common, nullable);
}

Result<ExprPtr> BindIf(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  const FunctionDef* case_def = FunctionTable::Get().Find("case");
  SLUICE_ASSIGN_OR_RETURN(ExprPtr e, BindCase(*case_def, "if", std::move(args)));
  return e;
}

Result<ExprPtr> BindCoalesce(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_ASSIGN_OR_RETURN(DataType t, CoerceToCommon(name, &args));
  bool nullable = true;
  for (const auto& a : args) nullable &= a->nullable;
  return Call(def, name, std::move(args), t, nullable);
}

Result<ExprPtr> BindNvl2(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_ASSIGN_OR_RETURN(ExprPtr cond, BindScalarFunction("isnotnull", {args[0]}));
  return BindScalarFunction("if", {cond, args[1], args[2]});
}

Result<ExprPtr> BindNullIf(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_ASSIGN_OR_RETURN(ExprPtr eq, BindScalarFunction("=", {args[0], args[1]}));
  return BindScalarFunction("if", {eq, MakeLiteral(Value::Null(args[0]->type)), args[0]});
}

Result<ExprPtr> BindExtreme(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_ASSIGN_OR_RETURN(DataType t, CoerceToCommon(name, &args));
  if (t.is_nested()) return ArgTypeError(name, args, 0, "an orderable");
  bool nullable = true;
  for (const auto& a : args) nullable &= a->nullable;
  return Call(def, name, std::move(args), t, nullable);
}

}  // namespace

void RegisterConditionalFunctions(FunctionTable& t) {
  auto lazy = [&](const char* name, decltype(ScalarFunction::lazy_kernel) k, BindFn bind, int min, int max,
                  std::vector<std::string> aliases = {}) {
    t.Add(FunctionDef::Lazy(name, k, bind, min, max), std::move(aliases));
  };
  auto plain = [&](const char* name, decltype(ScalarFunction::kernel) k, BindFn bind, int min, int max,
                   std::vector<std::string> aliases = {}) {
    t.Add(FunctionDef::Kernel(name, k, bind, min, max), std::move(aliases));
  };
  lazy("and", AndKernel, BindLogic, 2, 2);
  lazy("or", OrKernel, BindLogic, 2, 2);
  plain("not", NotKernel, BindLogic, 1, 1, {"!"});
  plain("isnull", IsNullKernel, BindIsNull, 1, 1);
  plain("isnotnull", IsNullKernel, BindIsNull, 1, 1);
  lazy("case", CaseKernel, BindCase, 2, -1);
  lazy("if", CaseKernel, BindIf, 3, 3, {"iff"});
  lazy("coalesce", CoalesceKernel, BindCoalesce, 1, -1);
  lazy("nvl", CoalesceKernel, BindCoalesce, 2, 2, {"ifnull"});
  plain("nvl2", nullptr, BindNvl2, 3, 3);
  plain("nullif", nullptr, BindNullIf, 2, 2);
  plain("greatest", ExtremeKernel, BindExtreme, 2, -1);
  plain("least", ExtremeKernel, BindExtreme, 2, -1);
}

}  // namespace sluice::fn
