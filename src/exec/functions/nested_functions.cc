// STRUCT and ARRAY functions: get_field (data.a), get_array_item (arr[i]), named_struct, struct,
// array, size/cardinality, element_at, try_element_at, array_contains,
// sort_array, array_distinct.
#include <algorithm>
#include <cstring>

#include "exec/functions/compare_ops.h"
#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"

namespace sluice::fn {

namespace {

Result<Vector> GetFieldKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& s = args[0];
  const std::string& field = ctx.call->args[1]->literal.str_value();
  int idx = s.type().FieldIndex(field);
  if (idx < 0) return Status::Internal("no field " + field);
  Vector dense = Densify(s, n);
  Vector out = dense.child(static_cast<size_t>(idx));
  if (dense.MayHaveNulls()) {
    // A NULL struct has NULL fields. Copy before touching the bitmap: the
    // child is shared with the input.
    std::vector<uint32_t> rows(n);
    for (size_t i = 0; i < n; ++i) rows[i] = static_cast<uint32_t>(i);
    out = out.Gather(rows.data(), n);
    AndValidity(&out, dense, n);
  }
  return out;
}

Result<ExprPtr> BindGetField(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kStruct) return ArgTypeError(name, args, 0, "STRUCT");
  SLUICE_ASSIGN_OR_RETURN(std::string field, LiteralStringArg(name, args, 1));
  int idx = args[0]->type.FieldIndex(field);
  if (idx < 0) {
    std::string names;
    for (const auto& f : args[0]->type.fields()) names += (names.empty() ? "" : ", ") + f.name;
    return Status::AnalysisError("cannot resolve \"" + args[0]->ToString() + "." + field + "\": no field named " +
                                 field + " in " + args[0]->type.ToString() + " (fields: " + names + ")");
  }
  const StructField& f = args[0]->type.fields()[static_cast<size_t>(idx)];
  args[1] = MakeLiteral(Value::String(f.name));
  DataType t = f.type;
  bool nullable = args[0]->nullable || f.nullable;
  return Call(def, name, std::move(args), t, nullable);
}

// struct / named_struct: every value argument becomes a field.
Result<Vector> StructKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool named = ctx.call->name == "named_struct";
  Vector out(ctx.call->type, n);
  size_t f = 0;
  for (size_t k = named ? 1 : 0; k < args.size(); k += named ? 2 : 1, ++f) out.child(f) = Densify(args[k], n);
  return out;
}

Result<ExprPtr> BindStruct(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  std::vector<StructField> fields;
  if (name == "named_struct") {
    if (args.size() % 2 != 0 || args.empty()) return ArityError(name, args, "an even number (> 0) of");
    for (size_t i = 0; i < args.size(); i += 2) {
      SLUICE_ASSIGN_OR_RETURN(std::string fname, LiteralStringArg(name, args, i));
      fields.push_back({fname, args[i + 1]->type, args[i + 1]->nullable});
    }
  } else {
    // Spark names a field after a column or a struct field reference (the
    // last name of a.b.c) and col<position> anything else.
    for (size_t i = 0; i < args.size(); ++i) {
      const Expr& arg = *args[i];
      std::string fname = "col" + std::to_string(i + 1);
      if (arg.kind == ExprKind::kColumnRef) {
        fname = arg.name;
      } else if (arg.kind == ExprKind::kCall && arg.name == "get_field" && arg.args.size() == 2 &&
                 arg.args[1]->kind == ExprKind::kLiteral && arg.args[1]->literal.type().is_string_like() &&
                 !arg.args[1]->literal.is_null()) {
        fname = arg.args[1]->literal.str_value();
      }
      fields.push_back({fname, arg.type, arg.nullable});
    }
  }
  return Call(def, name, std::move(args), DataType::Struct(std::move(fields)), false);
}

Result<Vector> ArrayKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(ctx.call->type, 0);
  out.Reserve(n);
  std::vector<Value> elems(args.size());
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < args.size(); ++k) elems[k] = GetArg(args[k], n, i);
    out.AppendValue(Value::Nested(ctx.call->type, elems));
  }
  return out;
}

Result<ExprPtr> BindArray(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  DataType t;
  if (!args.empty()) {
    SLUICE_ASSIGN_OR_RETURN(t, CoerceToCommon(name, &args));
  }
  if (t.is_null() && args.empty()) t = DataType::Null();
  return Call(def, name, std::move(args), DataType::Array(t), false);
}

Result<Vector> SizeKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Int(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  const Vector& a = args[0];
  for (size_t i = 0; i < n; ++i) {
    size_t r = Row(a, n, i);
    out.data<int32_t>()[i] = static_cast<int32_t>(a.offsets()[r + 1] - a.offsets()[r]);
  }
  return out;
}

// element_at(arr, i) / try_element_at: 1-based, negative counts from the end.
// get_array_item(arr, i) is arr[i]: 0-based, and any index outside
// [0, size) is Spark's INVALID_ARRAY_INDEX.
Result<Vector> ElementAtKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool try_mode = ctx.call->name == "try_element_at";
  bool subscript = ctx.call->name == "get_array_item";
  const Vector& a = args[0];
  const Vector& idx = args[1];
  std::vector<int32_t> src(n, -1);
  std::vector<uint32_t> rows(n, 0);
  for (size_t i = 0; i < n; ++i) {
    size_t r = Row(a, n, i), ri = Row(idx, n, i);
    if (!a.IsValid(r) || !idx.IsValid(ri)) continue;
    int64_t len = a.offsets()[r + 1] - a.offsets()[r];
    int32_t k = idx.data<int32_t>()[ri];
    if (subscript) {
      if (k < 0 || k >= len) {
        return Status::ExecutionError("[INVALID_ARRAY_INDEX] The index " + std::to_string(k) +
                                      " is out of bounds. The array has " + std::to_string(len) +
                                      " elements. Use the SQL function get() to tolerate accessing element at "
                                      "invalid index and return NULL instead.");
      }
      src[i] = 0;
      rows[i] = static_cast<uint32_t>(a.offsets()[r] + k);
      continue;
    }
    if (k == 0) {
      if (try_mode) continue;
      return Status::ExecutionError("[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 "
                                    "(the first element has index 1).");
    }
    int64_t pos = k > 0 ? k - 1 : len + k;
    if (pos < 0 || pos >= len) {
      if (try_mode) continue;
      return Status::ExecutionError("[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index " + std::to_string(k) +
                                    " is out of bounds. The array has " + std::to_string(len) +
                                    " elements. Use try_element_at to tolerate accessing element at invalid index "
                                    "and return NULL instead.");
    }
    src[i] = 0;
    rows[i] = static_cast<uint32_t>(a.offsets()[r] + pos);
  }
  return Assemble(ctx.call->type, n, {&a.child(0)}, src, rows);
}

Result<ExprPtr> BindElementAt(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kArray) return ArgTypeError(name, args, 0, "ARRAY");
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 1, DataType::Int()));
  DataType t = args[0]->type.element();
  return Call(def, name, std::move(args), t, true);
}

Result<Vector> ArrayContainsKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& a = args[0];
  Vector out(DataType::Boolean(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  const Vector& el = a.child(0);
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    size_t r = Row(a, n, i);
    Value v = GetArg(args[1], n, i);
    bool found = false, saw_null = false;
    for (uint32_t e = a.offsets()[r]; e < a.offsets()[r + 1] && !found; ++e) {
      Value x = el.GetValue(e);
      if (x.is_null()) {
        saw_null = true;
      } else {
        found = x == v;
      }
    }
    out.data<uint8_t>()[i] = found;
    if (!found && saw_null) out.SetNull(i);
  }
  return out;
}

Result<ExprPtr> BindArrayContains(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kArray) return ArgTypeError(name, args, 0, "ARRAY");
  SLUICE_ASSIGN_OR_RETURN(DataType common, CommonType(args[0]->type.element(), args[1]->type));
  SLUICE_ASSIGN_OR_RETURN(args[0], CastTo(args[0], DataType::Array(common)));
  SLUICE_ASSIGN_OR_RETURN(args[1], CastTo(args[1], common));
  return Call(def, name, std::move(args), DataType::Boolean(), true);
}

Result<ExprPtr> BindSize(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kArray && !args[0]->type.is_null()) return ArgTypeError(name, args, 0, "ARRAY");
  if (args[0]->type.is_null()) {
    SLUICE_ASSIGN_OR_RETURN(args[0], CastTo(args[0], DataType::Array(DataType::Null())));
  }
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), DataType::Int(), nullable);
}

// An ARRAY vector of n rows with `a`'s validity whose elements are
// el.Gather(order) and whose row i spans a's row i (order covers a's
// element range offsets[0]..offsets[n] row by row; new_offsets relative).
Vector RebuildArray(const Vector& a, size_t n, const Vector& el, const std::vector<uint32_t>& order,
                    const std::vector<uint32_t>& new_offsets) {
  Vector out(a.type(), n);
  std::memcpy(out.offsets(), new_offsets.data(), (n + 1) * sizeof(uint32_t));
  out.child(0) = el.Gather(order.data(), order.size());
  AndValidity(&out, a, n);
  return out;
}

// sort_array(arr[, asc]): Spark orders NULL elements first when ascending,
// last when descending; NaN is the largest double.
Result<Vector> SortArrayKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  bool asc = true;
  if (args.size() == 2) {
    if (!args[1].IsValid(0)) return AllNull(ctx.call->type, n);
    asc = args[1].data<uint8_t>()[0] != 0;
  }
  Vector a = Densify(args[0], n);
  const Vector& el = a.child(0);
  const uint32_t* off = a.offsets();
  std::vector<uint32_t> order;
  order.reserve(off[n] - off[0]);
  for (uint32_t e = off[0]; e < off[n]; ++e) order.push_back(e);
  std::vector<uint32_t> new_offsets(n + 1);
  for (size_t i = 0; i <= n; ++i) new_offsets[i] = off[i] - off[0];
  if (IsFlat(el.type().id())) {
    DispatchPhysical(el.type().id(), [&](auto tag) {
      using T = decltype(tag);
      const T* d = el.data<T>();
      auto less = [&](uint32_t x, uint32_t y) {
        bool vx = el.IsValid(x), vy = el.IsValid(y);
        if (!vx || !vy) return asc ? (!vx && vy) : (vx && !vy);
        int c = Compare3<T>(d[x], d[y]);
        return asc ? c < 0 : c > 0;
      };
      for (size_t i = 0; i < n; ++i) {
        auto b = order.begin() + (off[i] - off[0]), e = order.begin() + (off[i + 1] - off[0]);
        std::stable_sort(b, e, less);
      }
    });
  }
  return RebuildArray(a, n, el, order, new_offsets);
}

// array_distinct(arr): the first occurrence of each value, NULL kept once.
Result<Vector> ArrayDistinctKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector a = Densify(args[0], n);
  const Vector& el = a.child(0);
  const uint32_t* off = a.offsets();
  std::vector<uint32_t> order;
  std::vector<uint32_t> new_offsets(n + 1, 0);
  std::vector<Value> seen;
  for (size_t i = 0; i < n; ++i) {
    seen.clear();
    bool saw_null = false;
    for (uint32_t e = off[i]; e < off[i + 1]; ++e) {
      if (!el.IsValid(e)) {
        if (!saw_null) order.push_back(e);
        saw_null = true;
        continue;
      }
      Value v = el.GetValue(e);
      if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
      seen.push_back(std::move(v));
      order.push_back(e);
    }
    new_offsets[i + 1] = static_cast<uint32_t>(order.size());
  }
  return RebuildArray(a, n, el, order, new_offsets);
}

Result<ExprPtr> BindSortArray(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kArray) return ArgTypeError(name, args, 0, "ARRAY");
  if (!IsFlat(args[0]->type.element().id()) && !args[0]->type.element().is_null()) {
    return ArgTypeError(name, args, 0, "an ARRAY of orderable elements");
  }
  if (args.size() == 2) {
    SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 1, DataType::Boolean()));
    if (!args[1]->IsConstant()) {
      return Status::AnalysisError("cannot resolve \"" + CallSql(name, args) +
                                   "\": the sort order (argument 2) must be a constant BOOLEAN");
    }
  }
  DataType t = args[0]->type;
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), t, nullable);
}

Result<ExprPtr> BindArrayDistinct(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kArray) return ArgTypeError(name, args, 0, "ARRAY");
  DataType t = args[0]->type;
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), t, nullable);
}

}  // namespace

void RegisterNestedFunctions(FunctionTable& t) {
  auto add = [&](const char* name, decltype(ScalarFunction::kernel) k, BindFn bind, int min, int max,
                 std::vector<std::string> aliases = {}) {
    t.Add(FunctionDef::Kernel(name, k, bind, min, max), std::move(aliases));
  };
  add("get_field", GetFieldKernel, BindGetField, 2, 2);
  add("named_struct", StructKernel, BindStruct, 2, -1);
  add("struct", StructKernel, BindStruct, 1, -1);
  add("array", ArrayKernel, BindArray, 0, -1);
  add("size", SizeKernel, BindSize, 1, 1, {"cardinality", "array_size"});
  add("element_at", ElementAtKernel, BindElementAt, 2, 2);
  add("try_element_at", ElementAtKernel, BindElementAt, 2, 2);
  add("get_array_item", ElementAtKernel, BindElementAt, 2, 2);
  add("array_contains", ArrayContainsKernel, BindArrayContains, 2, 2);
  add("sort_array", SortArrayKernel, BindSortArray, 1, 2);
  add("array_distinct", ArrayDistinctKernel, BindArrayDistinct, 1, 1);
}

}  // namespace sluice::fn
