// Comparison operators with Spark's semantics for every physical type:
// doubles order NaN above everything and NaN = NaN; strings compare as
// unsigned bytes (UTF-8 code point order); decimals of one type compare by
// unscaled value.
#pragma once

#include <cstdint>
#include <string_view>

#include "types/data_type.h"

namespace sluice::fn {

enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

template <typename T>
inline int Compare3(const T& a, const T& b) {
  return (a > b) - (a < b);
}
template <>
inline int Compare3<double>(const double& a, const double& b) {
  bool an = a != a, bn = b != b;
  if (an || bn) return an - bn;
  return (a > b) - (a < b);
}
template <>
inline int Compare3<std::string_view>(const std::string_view& a, const std::string_view& b) {
  int c = a.compare(b);
  return (c > 0) - (c < 0);
}

template <CmpOp op, typename T>
inline bool Cmp(T a, T b) {
  if constexpr (std::is_same_v<T, double>) {
    // Branch-free total order: NaN == NaN, NaN > x.
    const bool an = a != a, bn = b != b;
    if constexpr (op == CmpOp::kEq) return (a == b) | (an & bn);
    if constexpr (op == CmpOp::kNe) return !((a == b) | (an & bn));
    if constexpr (op == CmpOp::kLt) return (a < b) | (bn & !an);
    if constexpr (op == CmpOp::kLe) return (a <= b) | bn;
    if constexpr (op == CmpOp::kGt) return (a > b) | (an & !bn);
    if constexpr (op == CmpOp::kGe) return (a >= b) | an;
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    int c = Compare3<std::string_view>(a, b);
    if constexpr (op == CmpOp::kEq) return a == b;
    if constexpr (op == CmpOp::kNe) return a != b;
    if constexpr (op == CmpOp::kLt) return c < 0;
    if constexpr (op == CmpOp::kLe) return c <= 0;
    if constexpr (op == CmpOp::kGt) return c > 0;
    if constexpr (op == CmpOp::kGe) return c >= 0;
  } else {
    if constexpr (op == CmpOp::kEq) return a == b;
    if constexpr (op == CmpOp::kNe) return a != b;
    if constexpr (op == CmpOp::kLt) return a < b;
    if constexpr (op == CmpOp::kLe) return a <= b;
    if constexpr (op == CmpOp::kGt) return a > b;
    if constexpr (op == CmpOp::kGe) return a >= b;
  }
  return false;
}

// "=" -> kEq ...; false if `name` is not a comparison.
inline bool ParseCmpOp(std::string_view name, CmpOp* op) {
  if (name == "=") *op = CmpOp::kEq;
  else if (name == "<>") *op = CmpOp::kNe;
  else if (name == "<") *op = CmpOp::kLt;
  else if (name == "<=") *op = CmpOp::kLe;
  else if (name == ">") *op = CmpOp::kGt;
  else if (name == ">=") *op = CmpOp::kGe;
  else return false;
  return true;
}
// a op b == b Flip(op) a.
inline CmpOp FlipCmpOp(CmpOp op) {
  switch (op) {
    case CmpOp::kLt: return CmpOp::kGt;
    case CmpOp::kLe: return CmpOp::kGe;
    case CmpOp::kGt: return CmpOp::kLt;
    case CmpOp::kGe: return CmpOp::kLe;
    default: return op;
  }
}

template <typename F>
decltype(auto) DispatchCmpOp(CmpOp op, F&& f) {
  switch (op) {
    case CmpOp::kEq: return f(std::integral_constant<CmpOp, CmpOp::kEq>{});
    case CmpOp::kNe: return f(std::integral_constant<CmpOp, CmpOp::kNe>{});
    case CmpOp::kLt: return f(std::integral_constant<CmpOp, CmpOp::kLt>{});
    case CmpOp::kLe: return f(std::integral_constant<CmpOp, CmpOp::kLe>{});
    case CmpOp::kGt: return f(std::integral_constant<CmpOp, CmpOp::kGt>{});
    default: return f(std::integral_constant<CmpOp, CmpOp::kGe>{});
  }
}

}  // namespace sluice::fn
