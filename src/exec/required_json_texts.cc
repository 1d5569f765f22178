#include "exec/required_json_texts.h"

#include <optional>

namespace sluice {

namespace {

// True if `e` is a STRING field reached by get_field from column `column`.
bool IsJsonStringField(const Expr& e, int column) {
  if (e.type.id() != TypeId::kString || e.kind != ExprKind::kCall || e.name != "get_field") return false;
  const Expr* base = e.args[0].get();
  while (base->kind == ExprKind::kCall && base->name == "get_field") base = base->args[0].get();
  return base->kind == ExprKind::kColumnRef && base->column_index == column;
}

// The literal's text, if a record holding it could be told apart by it.
std::optional<std::string> NeedleOf(const Expr& e) {
  if (e.kind != ExprKind::kLiteral || e.type.id() != TypeId::kString || e.literal.is_null()) return std::nullopt;
  const std::string& s = e.literal.str_value();
  if (s.empty() || s[0] == '{' || s[0] == '[') return std::nullopt;
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\' || ch < 0x20) return std::nullopt;
  }
  return s;
}

}  // namespace

std::vector<std::vector<std::string>> RequiredJsonTexts(const ExprPtr& filter, int json_column) {
  std::vector<std::vector<std::string>> out;
  if (!filter) return out;
  std::vector<ExprPtr> conjuncts;
  SplitConjuncts(filter, &conjuncts);
  for (const auto& c : conjuncts) {
    if (c->kind != ExprKind::kCall) continue;
    std::vector<std::string> any;
    bool ok = false;
    if (c->name == "=" && c->args.size() == 2) {
      for (int side = 0; side < 2 && !ok; ++side) {
        if (!IsJsonStringField(*c->args[side], json_column)) continue;
        auto n = NeedleOf(*c->args[1 - side]);
        if (n) {
          any.push_back(*n);
          ok = true;
        }
      }
    } else if (c->name == "in" && c->args.size() >= 2 && IsJsonStringField(*c->args[0], json_column)) {
      ok = true;
      for (size_t i = 1; i < c->args.size() && ok; ++i) {
        const Expr& a = *c->args[i];
        if (a.kind == ExprKind::kLiteral && a.literal.is_null()) continue;  // never TRUE
        auto n = NeedleOf(a);
        if (n) {
          any.push_back(*n);
        } else {
          ok = false;
        }
      }
      ok = ok && !any.empty();
    }
    if (ok) out.push_back(std::move(any));
  }
  return out;
}

}  // namespace sluice
