// Building blocks for vectorized kernels.
//
// Argument convention: a kernel is called for n rows; an argument whose
// expression is constant may arrive as a 1-row vector that stands for all n
// rows (a "scalar"). IsScalar tells them apart. Kernels always return n rows.
//
// Null handling: the output validity of a null-intolerant function is the AND
// of the argument bitmaps, done word-wise (PropagateNulls). Values in null
// slots are unspecified: loops compute them anyway (branch-free) and error
// checks (overflow, division by zero) re-check validity before failing.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "exec/function_registry.h"
#include "sluice/status.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice::fn {

inline bool IsScalar(const Vector& v, size_t n) { return v.size() == 1 && n != 1; }
// Row i of an argument (scalar-aware).
inline size_t Row(const Vector& v, size_t n, size_t i) { return IsScalar(v, n) ? 0 : i; }
inline bool ArgValid(const Vector& v, size_t n, size_t i) { return v.IsValid(Row(v, n, i)); }

inline size_t Words(size_t n) { return (n + 63) / 64; }

// Sets every row of `out` (n rows) null.
inline void SetAllNull(Vector* out, size_t n) {
  uint64_t* bits = out->MutableValidity();
  std::memset(bits, 0, Words(n) * 8);
}

// ANDs the validity of `arg` into `out`. Returns false if arg is an all-null scalar.
inline bool AndValidity(Vector* out, const Vector& arg, size_t n) {
  if (!arg.MayHaveNulls()) return true;
  if (IsScalar(arg, n)) {
    if (arg.IsNull(0)) {
      SetAllNull(out, n);
      return false;
    }
    return true;
  }
  const uint64_t* src = arg.validity();
  uint64_t* dst = out->MutableValidity();
  for (size_t w = 0, e = Words(n); w < e; ++w) dst[w] &= src[w];
  return true;
}

// Output validity = AND of all args. Returns false if the result is all null
// (some scalar argument is NULL).
inline bool PropagateNulls(Vector* out, const std::vector<Vector>& args, size_t n) {
  bool ok = true;
  for (const auto& a : args) ok = AndValidity(out, a, n) && ok;
  return ok;
}

// Broadcasts row 0 of `v` to n rows.
Vector Broadcast(const Vector& v, size_t n);
// Makes an argument dense (broadcasting a scalar).
inline Vector Densify(const Vector& v, size_t n) { return IsScalar(v, n) ? Broadcast(v, n) : v; }

// A vector of n rows that are all NULL.
Vector AllNull(const DataType& t, size_t n);

// Calls f(T{}) with T the C++ type of one value of `id`.
template <typename F>
decltype(auto) DispatchPhysical(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kBoolean: return f(uint8_t{});
    case TypeId::kInt:
    case TypeId::kDate: return f(int32_t{});
    case TypeId::kBigint:
    case TypeId::kTimestamp: return f(int64_t{});
    case TypeId::kDouble: return f(double{});
    case TypeId::kDecimal: return f(int128_t{});
    case TypeId::kString:
    case TypeId::kBinary: return f(std::string_view{});
    default: return f(uint8_t{});
  }
}
inline bool IsFlat(TypeId id) { return id != TypeId::kStruct && id != TypeId::kArray && id != TypeId::kNull; }

// r[i] = op(a[i], b[i], bad) with scalar variants; `bad` accumulates error flags.
template <typename A, typename B, typename R, typename Op>
inline void BinaryLoop(const A* a, bool as, const B* b, bool bs, R* r, size_t n, Op op, bool& bad) {
  bool acc = false;
  if (as && bs) {
    for (size_t i = 0; i < n; ++i) r[i] = op(a[0], b[0], acc);
  } else if (as) {
    const A x = a[0];
    for (size_t i = 0; i < n; ++i) r[i] = op(x, b[i], acc);
  } else if (bs) {
    const B y = b[0];
    for (size_t i = 0; i < n; ++i) r[i] = op(a[i], y, acc);
  } else {
    for (size_t i = 0; i < n; ++i) r[i] = op(a[i], b[i], acc);
  }
  bad |= acc;
}

// Finds the first valid row for which pred(i) holds; -1 if none.
template <typename P>
inline int64_t FirstValidRow(const Vector& out, size_t n, P pred) {
  for (size_t i = 0; i < n; ++i) {
    if (out.IsValid(i) && pred(i)) return static_cast<int64_t>(i);
  }
  return -1;
}

// Spark's error messages.
Status ArithmeticOverflow(std::string_view what, std::string_view try_fn);
Status DivideByZero();
// x % 0, mod(x, 0), pmod(x, 0): Spark's [REMAINDER_BY_ZERO].
Status RemainderByZero();

// Value helpers for slow paths.
Value GetArg(const Vector& v, size_t n, size_t i);

// Strings: out keeps `src`'s heap alive so views may point into it.
inline void ShareHeap(Vector* out, const Vector& src) {
  if (src.heap_ptr() && out->heap_ptr() && src.heap_ptr() != out->heap_ptr())
    out->heap().KeepAlive(src.heap_ptr());
}

// Decimal helpers.
int128_t Pow10(int k);  // k in [0, 38]
// Rescales an unscaled decimal from scale `from` to `to` (HALF_UP when
// reducing); false on int128 overflow.
bool Rescale(int128_t v, int from, int to, int128_t* out);
// x * y / d rounded HALF_UP (d != 0), with the product held in 256 bits: the
// exact result of decimal * and / whose intermediate passes 128 bits while
// the result fits (Spark computes them in BigDecimal). False when the
// result does not fit 128 bits.
bool MulDivHalfUp(int128_t x, int128_t y, int128_t d, int128_t* out);
inline bool FitsPrecision(int128_t v, int precision) {
  int128_t lim = Pow10(precision);
  return v < lim && v > -lim;
}
// -v as Spark computes it for unary minus and abs: through Scala's
// BigDecimal, whose MathContext (DECIMAL128) keeps 34 significant digits
// (HALF_EVEN), so a value of 35 to 38 digits loses its last ones. Sets *out;
// false when the result no longer fits `precision` (38 nines become 10^38).
bool NegateDecimalAsSpark(int128_t v, int precision, int128_t* out);
// Spark's NUMERIC_VALUE_OUT_OF_RANGE for such a result.
Status DecimalNegationOutOfRange(int128_t result, const DataType& type);

// --- special forms (lazy kernels) ---
inline size_t NumRows(const Batch& in, const SelectionVector* sel) { return sel ? sel->size() : in.num_rows; }
// Input rows of the given positions of `sel` (positions index 0..n-1).
SelectionVector SubSelection(const SelectionVector* sel, const std::vector<uint32_t>& positions);
// Builds n rows of type t: row i is row rows[i] of sources[src[i]], or NULL
// when src[i] < 0. Strings keep pointing into the sources' heaps.
Vector Assemble(const DataType& t, size_t n, const std::vector<const Vector*>& sources,
                const std::vector<int32_t>& src, const std::vector<uint32_t>& rows);
Result<Vector> EvalArg(const KernelContext& ctx, size_t i, const Batch& in, const SelectionVector* sel);

// UTF-8: number of code points.
inline size_t Utf8Length(std::string_view s) {
  size_t c = 0;
  for (unsigned char ch : s) c += (ch & 0xC0) != 0x80;
  return c;
}

}  // namespace sluice::fn
