#include "exec/expression.h"

#include <cmath>
#include <cstring>

#include "exec/function_registry.h"

namespace sluice {

namespace {

const char* BinaryOperatorSql(const std::string& name) {
  static const char* kOps[][2] = {{"+", "+"},   {"-", "-"},   {"*", "*"},   {"/", "/"},
                                  {"%", "%"},   {"div", "div"}, {"=", "="},   {"<>", "<>"},
                                  {"<", "<"},   {"<=", "<="}, {">", ">"},   {">=", ">="},
                                  {"<=>", "<=>"}, {"and", "AND"}, {"or", "OR"}, {"rlike", "RLIKE"}};
  for (const auto& op : kOps) {
    if (name == op[0]) return op[1];
  }
  return nullptr;
}

}  // namespace

std::string Expr::ToString() const {
  switch (kind) {
    case ExprKind::kColumnRef:
      return name.empty() ? "#" + std::to_string(column_index) : name;
    case ExprKind::kLiteral:
      return literal.ToSqlLiteral();
    case ExprKind::kCall:
      break;
  }
  auto arg = [&](size_t i) { return i < args.size() ? args[i]->ToString() : std::string("?"); };
  if (args.size() == 2) {
    if (const char* op = BinaryOperatorSql(name)) return "(" + arg(0) + " " + op + " " + arg(1) + ")";
  }
  if (name == "cast" || name == "try_cast") {
    return std::string(name == "cast" ? "CAST(" : "TRY_CAST(") + arg(0) + " AS " + type.ToString() + ")";
  }
  if (name == "not" && args.size() == 1) return "(NOT " + arg(0) + ")";
  if (name == "negate" && args.size() == 1) return "(- " + arg(0) + ")";
  if (name == "isnull" && args.size() == 1) return "(" + arg(0) + " IS NULL)";
  if (name == "isnotnull" && args.size() == 1) return "(" + arg(0) + " IS NOT NULL)";
  if (name == "get_field" && args.size() == 2 && args[1]->kind == ExprKind::kLiteral &&
      !args[1]->literal.is_null() && args[1]->literal.type().id() == TypeId::kString) {
    return arg(0) + "." + args[1]->literal.str_value();
  }
  if (name == "in" && !args.empty()) {
    std::string s = "(" + arg(0) + " IN (";
    for (size_t i = 1; i < args.size(); ++i) s += (i > 1 ? ", " : "") + arg(i);
    return s + "))";
  }
  if (name == "like" && (args.size() == 2 || args.size() == 3)) {
    std::string s = "(" + arg(0) + " LIKE " + arg(1);
    if (args.size() == 3) s += " ESCAPE " + arg(2);
    return s + ")";
  }
  if (name == "case") {
    std::string s = "CASE";
    size_t i = 0;
    for (; i + 1 < args.size(); i += 2) s += " WHEN " + arg(i) + " THEN " + arg(i + 1);
    if (i < args.size()) s += " ELSE " + arg(i);
    return s + " END";
  }
  std::string s = name + "(";
  for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + arg(i);
  return s + ")";
}

bool Expr::IsConstant() const {
  switch (kind) {
    case ExprKind::kColumnRef: return false;
    case ExprKind::kLiteral: return true;
    case ExprKind::kCall:
      if (function != nullptr && !function->deterministic) return false;
      for (const auto& a : args) {
        if (!a->IsConstant()) return false;
      }
      return true;
  }
  return false;
}

bool SemanticallyEqual(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || !(a.type == b.type)) return false;
  switch (a.kind) {
    case ExprKind::kColumnRef:
      return a.column_index == b.column_index;
    case ExprKind::kLiteral:
      if (!(a.literal == b.literal)) return false;
      // operator== takes 0.0 and -0.0 as equal; as constants they differ.
      if (!a.literal.is_null() && a.literal.type().id() == TypeId::kDouble) {
        return std::signbit(a.literal.double_value()) == std::signbit(b.literal.double_value());
      }
      return true;
    case ExprKind::kCall:
      if (a.name != b.name || a.function != b.function || a.args.size() != b.args.size()) return false;
      if (a.function != nullptr && !a.function->deterministic) return false;
      for (size_t i = 0; i < a.args.size(); ++i) {
        if (!SemanticallyEqual(*a.args[i], *b.args[i])) return false;
      }
      return true;
  }
  return false;
}

ExprPtr MakeColumnRef(int index, DataType type, std::string name, bool nullable) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kColumnRef;
  e->column_index = index;
  e->type = std::move(type);
  e->name = std::move(name);
  e->nullable = nullable;
  return e;
}

ExprPtr MakeLiteral(Value v) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kLiteral;
  e->type = v.type();
  e->nullable = v.is_null();
  e->literal = std::move(v);
  return e;
}

ExprPtr MakeCall(const ScalarFunction* fn, std::string name, std::vector<ExprPtr> args, DataType type,
                 bool nullable) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kCall;
  e->function = fn;
  e->name = std::move(name);
  e->args = std::move(args);
  e->type = std::move(type);
  e->nullable = nullable;
  return e;
}

void SplitConjuncts(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (!e) return;
  if (e->kind == ExprKind::kCall && e->name == "and") {
    for (const auto& a : e->args) SplitConjuncts(a, out);
    return;
  }
  out->push_back(e);
}

}  // namespace sluice
