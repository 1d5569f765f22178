#include "plan/streaming_join_helper.h"

#include <optional>

namespace sluice {

namespace {

// A column plus a constant: `t`, `t + INTERVAL ...`, `t - INTERVAL ...`.
struct TimeTerm {
  int column = -1;  // in the join's input (left columns, then right)
  int64_t offset_us = 0;
};

std::optional<TimeTerm> ParseTimeTerm(const Expr& e) {
  if (e.kind == ExprKind::kColumnRef) {
    if (e.type.id() != TypeId::kTimestamp) return std::nullopt;
    return TimeTerm{e.column_index, 0};
  }
  if (e.kind == ExprKind::kCall && e.name == "timestamp_add_micros" && e.args.size() == 2 &&
      e.args[1]->kind == ExprKind::kLiteral && !e.args[1]->literal.is_null() &&
      e.args[1]->literal.type().id() == TypeId::kBigint) {
    auto inner = ParseTimeTerm(*e.args[0]);
    if (!inner) return std::nullopt;
    inner->offset_us += e.args[1]->literal.bigint_value();
    return inner;
  }
  return std::nullopt;
}

bool OnSide(int column, int nl, int side) { return side == 0 ? column < nl : column >= nl; }

}  // namespace

EquiJoinCondition SplitEquiJoinCondition(const LogicalPlan& join) {
  EquiJoinCondition out;
  int nl = static_cast<int>(join.children[0]->output.size());
  std::vector<ExprPtr> conjuncts;
  SplitConjuncts(join.condition, &conjuncts);
  for (const auto& c : conjuncts) {
    if (c->kind == ExprKind::kCall && c->name == "=" && c->args.size() == 2) {
      std::vector<int> a, b;
      CollectColumns(*c->args[0], &a);
      CollectColumns(*c->args[1], &b);
      auto only = [&](const std::vector<int>& cols, bool left_side) {
        if (cols.empty()) return false;
        for (int x : cols) {
          if ((x < nl) != left_side) return false;
        }
        return true;
      };
      if (only(a, true) && only(b, false)) {
        out.left_keys.push_back(c->args[0]);
        out.right_keys.push_back(ShiftColumns(c->args[1], -nl));
        continue;
      }
      if (only(a, false) && only(b, true)) {
        out.left_keys.push_back(c->args[1]);
        out.right_keys.push_back(ShiftColumns(c->args[0], -nl));
        continue;
      }
    }
    out.residual.push_back(c);
  }
  return out;
}

int WatermarkColumn(const std::vector<LogicalColumn>& columns) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].watermark_delay_ms) return static_cast<int>(i);
  }
  return -1;
}

int WatermarkedJoinKey(const LogicalPlan& join, const EquiJoinCondition& keys) {
  for (size_t k = 0; k < keys.left_keys.size(); ++k) {
    const ExprPtr* side_keys[2] = {&keys.left_keys[k], &keys.right_keys[k]};
    for (int s = 0; s < 2; ++s) {
      const Expr& e = **side_keys[s];
      const auto& cols = join.children[static_cast<size_t>(s)]->output;
      if (e.kind == ExprKind::kColumnRef && e.column_index >= 0 && static_cast<size_t>(e.column_index) < cols.size() &&
          cols[static_cast<size_t>(e.column_index)].watermark_delay_ms) {
        return static_cast<int>(k);
      }
    }
  }
  return -1;
}

std::vector<JoinStateWatermarkBound> StateValueWatermarkBounds(const LogicalPlan& join, int side) {
  std::vector<JoinStateWatermarkBound> out;
  const int nl = static_cast<int>(join.children[0]->output.size());
  const int other = 1 - side;
  const auto& other_cols = join.children[static_cast<size_t>(other)]->output;
  std::vector<ExprPtr> conjuncts;
  SplitConjuncts(join.condition, &conjuncts);
  for (const auto& c : conjuncts) {
    if (c->kind != ExprKind::kCall || c->args.size() != 2) continue;
    // As `x < y` / `x <= y`.
    const Expr* x = nullptr;
    const Expr* y = nullptr;
    bool inclusive = false;
    if (c->name == "<" || c->name == "<=") {
      x = c->args[0].get(), y = c->args[1].get();
    } else if (c->name == ">" || c->name == ">=") {
      x = c->args[1].get(), y = c->args[0].get();
    } else {
      continue;
    }
    inclusive = c->name == "<=" || c->name == ">=";
    auto tx = ParseTimeTerm(*x), ty = ParseTimeTerm(*y);
    if (!tx || !ty) continue;
    // other.t + c1 < this.t + c2, other.t watermarked: this.t > watermark + c1 - c2.
    if (!OnSide(tx->column, nl, other) || !OnSide(ty->column, nl, side)) continue;
    int other_col = other == 0 ? tx->column : tx->column - nl;
    if (!other_cols[static_cast<size_t>(other_col)].watermark_delay_ms) continue;
    int this_col = side == 0 ? ty->column : ty->column - nl;
    if (!out.empty() && out[0].column != this_col) continue;
    out.push_back({this_col, tx->offset_us - ty->offset_us, inclusive});
  }
  return out;
}

}  // namespace sluice
