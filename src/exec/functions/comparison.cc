// Comparison and predicate functions: = <> < <= > >= <=>, IN, BETWEEN
// (bound as x >= lo AND x <= hi), LIKE (with ESCAPE), RLIKE.
#include <re2/re2.h>

#include <unordered_map>

#include "exec/functions/compare_ops.h"
#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"
#include "exec/functions/regex_cache.h"

namespace sluice::fn {

namespace {

template <CmpOp op, typename T>
void CompareLoop(const Vector& a, const Vector& b, size_t n, uint8_t* out) {
  bool unused = false;
  BinaryLoop(a.data<T>(), IsScalar(a, n), b.data<T>(), IsScalar(b, n), out, n,
             [](T x, T y, bool&) -> uint8_t { return Cmp<op, T>(x, y); }, unused);
}

bool IsNullSafe(std::string_view name) { return name == "<=>"; }

Result<Vector> CompareKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& a = args[0];
  const Vector& b = args[1];
  Vector out(DataType::Boolean(), n);
  uint8_t* d = out.data<uint8_t>();
  bool null_safe = IsNullSafe(ctx.call->name);
  CmpOp op = CmpOp::kEq;
  ParseCmpOp(null_safe ? "=" : ctx.call->name, &op);
  if (!null_safe && !PropagateNulls(&out, args, n)) return out;
  TypeId id = a.type().id();
  if (IsFlat(id)) {
    DispatchPhysical(id, [&](auto tag) {
      using T = decltype(tag);
      DispatchCmpOp(op, [&](auto opc) { CompareLoop<decltype(opc)::value, T>(a, b, n, d); });
    });
  } else if (id != TypeId::kNull) {
    for (size_t i = 0; i < n; ++i) {
      Value x = GetArg(a, n, i), y = GetArg(b, n, i);
      bool eq = x == y;
      d[i] = op == CmpOp::kNe ? !eq : eq;
    }
  }
  if (null_safe) {
    // NULL <=> NULL is true; NULL <=> x is false.
    if (a.MayHaveNulls() || b.MayHaveNulls()) {
      for (size_t i = 0; i < n; ++i) {
        bool va = ArgValid(a, n, i), vb = ArgValid(b, n, i);
        if (!va || !vb) d[i] = !va && !vb;
      }
    }
    if (id == TypeId::kNull) {
      for (size_t i = 0; i < n; ++i) d[i] = 1;
    }
  }
  return out;
}

bool Orderable(const DataType& t) { return !t.is_nested() || t.id() == TypeId::kNull; }

Result<ExprPtr> BindCompare(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  // Spark's DecimalPrecision: an integral literal compared with a DECIMAL is
  // first the narrowest DECIMAL of its value (5 -> DECIMAL(1,0)), so the
  // common type keeps the DECIMAL's fraction digits.
  for (size_t i = 0; i < 2; ++i) {
    const Expr& a = *args[i];
    if (args[1 - i]->type.id() == TypeId::kDecimal && a.kind == ExprKind::kLiteral && a.type.is_integral() &&
        !a.literal.is_null()) {
      SLUICE_ASSIGN_OR_RETURN(args[i], CastTo(args[i], DecimalForOperand(a)));
    }
  }
  auto common = CommonType(args[0]->type, args[1]->type);
  if (!common.ok()) {
    return BinaryOpTypeError(name, args, "\"ORDERABLE\"");
  }
  if (name != "=" && name != "<>" && name != "<=>" && !Orderable(*common)) {
    return ArgTypeError(name, args, 0, "an orderable");
  }
  for (auto& a : args) {
    SLUICE_ASSIGN_OR_RETURN(a, CastTo(a, *common));
  }
  bool nullable = !IsNullSafe(name) && AnyNullable(args);
  return Call(def, name, std::move(args), DataType::Boolean(), nullable);
}

// --- IN ---

Result<Vector> InKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& x = args[0];
  Vector out(DataType::Boolean(), n);
  uint8_t* d = out.data<uint8_t>();
  uint64_t* valid = out.MutableValidity();
  TypeId id = x.type().id();
  for (size_t i = 0; i < n; ++i) {
    if (!ArgValid(x, n, i)) {
      valid[i >> 6] &= ~(uint64_t{1} << (i & 63));
      continue;
    }
  }
  if (IsFlat(id)) {
    DispatchPhysical(id, [&](auto tag) {
      using T = decltype(tag);
      const T* xs = x.data<T>();
      bool xsc = IsScalar(x, n);
      for (size_t i = 0; i < n; ++i) {
        if (!out.IsValid(i)) continue;
        T v = xs[xsc ? 0 : i];
        bool found = false, saw_null = false;
        for (size_t k = 1; k < args.size() && !found; ++k) {
          const Vector& item = args[k];
          size_t r = Row(item, n, i);
          if (!item.IsValid(r)) {
            saw_null = true;
          } else {
            found = Cmp<CmpOp::kEq, T>(v, item.data<T>()[r]);
          }
        }
        d[i] = found;
        if (!found && saw_null) valid[i >> 6] &= ~(uint64_t{1} << (i & 63));
      }
    });
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (!out.IsValid(i)) continue;
      Value v = GetArg(x, n, i);
      bool found = false, saw_null = false;
      for (size_t k = 1; k < args.size() && !found; ++k) {
        Value item = GetArg(args[k], n, i);
        if (item.is_null()) {
          saw_null = true;
        } else {
          found = item == v;
        }
      }
      d[i] = found;
      if (!found && saw_null) out.SetNull(i);
    }
  }
  return out;
}

Result<ExprPtr> BindIn(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceToCommon(name, &args).status());
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), DataType::Boolean(), nullable);
}

Result<ExprPtr> BindBetween(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_ASSIGN_OR_RETURN(ExprPtr ge, BindScalarFunction(">=", {args[0], args[1]}));
  SLUICE_ASSIGN_OR_RETURN(ExprPtr le, BindScalarFunction("<=", {args[0], args[2]}));
  return BindScalarFunction("and", {ge, le});
}

// --- LIKE / RLIKE ---

Result<Vector> MatchKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n, bool like) {
  const Vector& s = args[0];
  const Vector& p = args[1];
  Vector out(DataType::Boolean(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  uint8_t* d = out.data<uint8_t>();
  char escape = '\\';
  if (like && args.size() == 3) {
    std::string_view e = args[2].data<std::string_view>()[0];
    if (e.size() != 1) {
      return Status::ExecutionError("[INVALID_ESCAPE_CHAR] The escape character must be one character, got '" +
                                    std::string(e) + "'");
    }
    escape = e[0];
  }
  const auto* sv = s.data<std::string_view>();
  const auto* pv = p.data<std::string_view>();
  bool ssc = IsScalar(s, n);
  if (IsScalar(p, n) || n == 1) {
    SLUICE_ASSIGN_OR_RETURN(const StringMatcher* m,
                            like ? LikeMatcher(pv[0], escape) : RegexMatcher(pv[0]));
    for (size_t i = 0; i < n; ++i) d[i] = m->Matches(sv[ssc ? 0 : i]);
    return out;
  }
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    SLUICE_ASSIGN_OR_RETURN(const StringMatcher* m, like ? LikeMatcher(pv[i], escape) : RegexMatcher(pv[i]));
    d[i] = m->Matches(sv[ssc ? 0 : i]);
  }
  return out;
}

Result<Vector> LikeKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  return MatchKernel(ctx, args, n, true);
}
Result<Vector> RlikeKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  return MatchKernel(ctx, args, n, false);
}

Result<ExprPtr> BindLike(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  for (size_t i = 0; i < args.size(); ++i) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, i, DataType::String()));
  if (args.size() == 3) SLUICE_RETURN_NOT_OK(LiteralStringArg(name, args, 2).status());
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), DataType::Boolean(), nullable);
}

// ilike(str, pattern[, escape]): Spark's ILike is Like(lower(str), lower(pattern)).
Result<ExprPtr> BindILike(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  for (size_t i = 0; i < args.size(); ++i) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, i, DataType::String()));
  for (size_t i = 0; i < 2; ++i) {
    SLUICE_ASSIGN_OR_RETURN(args[i], BindScalarFunction("lower", {args[i]}));
  }
  return BindScalarFunction("like", std::move(args));
}

}  // namespace

void RegisterComparisonFunctions(FunctionTable& t) {
  for (const char* n : {"=", "<>", "<", "<=", ">", ">=", "<=>"}) {
    FunctionDef d;
    d.fn.name = n;
    d.fn.kernel = CompareKernel;
    d.bind = BindCompare;
    d.min_args = d.max_args = 2;
    std::vector<std::string> aliases;
    if (std::string_view(n) == "=") aliases = {"=="};
    if (std::string_view(n) == "<>") aliases = {"!="};
    t.Add(std::move(d), aliases);
  }
  FunctionDef in;
  in.fn.name = "in";
  in.fn.kernel = InKernel;
  in.bind = BindIn;
  in.min_args = 1;
  in.max_args = -1;
  t.Add(std::move(in));
  FunctionDef between;
  between.fn.name = "between";
  between.bind = BindBetween;
  between.min_args = between.max_args = 3;
  t.Add(std::move(between));
  FunctionDef like;
  like.fn.name = "like";
  like.fn.kernel = LikeKernel;
  like.bind = BindLike;
  like.min_args = 2;
  like.max_args = 3;
  t.Add(std::move(like));
  FunctionDef rlike;
  rlike.fn.name = "rlike";
  rlike.fn.kernel = RlikeKernel;
  rlike.bind = BindLike;
  rlike.min_args = rlike.max_args = 2;
  t.Add(std::move(rlike), {"regexp", "regexp_like"});
  FunctionDef ilike;
  ilike.fn.name = "ilike";
  ilike.bind = BindILike;
  ilike.min_args = 2;
  ilike.max_args = 3;
  t.Add(std::move(ilike));
}

}  // namespace sluice::fn
