// KeyHasher: vectorized hashing and normalization of the key columns of a
// batch, shared by AggregateHashTable and HashJoinOperator.
//
// Every key column is put in one of four normalized forms so that hash
// tables compare keys with plain loads, never through Value:
//   kFixed    BOOLEAN/INT/BIGINT/DATE/TIMESTAMP/DOUBLE/NULL as uint64_t
//             (sign-extended; DOUBLE as bits with -0.0 -> 0.0 and every NaN
//             one canonical NaN, so they group and join as Spark does)
//   kDecimal  the int128 unscaled value
//   kString   STRING/BINARY as std::string_view (compared bytewise)
//   kValue    STRUCT/ARRAY, kept as Value; a STRUCT (a window) is hashed and
//             compared field by field without building Values, an ARRAY
//             (rare as a key) through its Value
// A NULL key's normalized value is 0 / empty and its null flag is set.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "types/data_type.h"
#include "types/value.h"
#include "vector/vector.h"

namespace sluice {

enum class KeyForm : uint8_t { kFixed, kDecimal, kString, kValue };

KeyForm KeyFormOf(const DataType& type);

// Hash of a normalized key part; the combination of several columns is
// HashCombine(previous, part). NULL hashes to kNullKeyHash.
inline uint64_t HashMix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
inline uint64_t HashCombine(uint64_t seed, uint64_t h) {
  return HashMix64(seed * 0x9E3779B97F4A7C15ULL + h);
}
constexpr uint64_t kNullKeyHash = 0x5bd1e9955bd1e995ULL;
uint64_t HashBytes(std::string_view s);
uint64_t HashValue(const Value& v);

// One key column of one batch, normalized. Points into the source vector
// where its layout already is the normalized one (strings, decimals, BIGINT).
struct NormalizedColumn {
  KeyForm form = KeyForm::kFixed;
  const uint64_t* fixed = nullptr;  // kFixed
  const int128_t* decimal = nullptr;
  const std::string_view* str = nullptr;
  const Vector* vec = nullptr;      // kValue (and the source of all forms)
  const uint8_t* nulls = nullptr;   // 1 = NULL; nullptr when no row is NULL
  std::vector<uint64_t> fixed_buf;  // owns `fixed` when converted
  std::vector<uint8_t> null_buf;

  bool IsNull(size_t i) const { return nulls != nullptr && nulls[i] != 0; }
};

// Normalizes `cols` (n rows each) and hashes every row into hashes[0..n).
// any_null[i] is set when some key of row i is NULL (join keys never match).
class KeyHasher {
 public:
  void Prepare(const std::vector<const Vector*>& cols, size_t n);
  size_t num_rows() const { return n_; }
  const std::vector<NormalizedColumn>& columns() const { return cols_; }
  const uint64_t* hashes() const { return hashes_.data(); }
  // nullptr when no key of any row is NULL.
  const uint8_t* any_null() const { return has_null_ ? any_null_.data() : nullptr; }

 private:
  std::vector<NormalizedColumn> cols_;
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t> any_null_;
  bool has_null_ = false;
  size_t n_ = 0;
};

// stored == v.GetValue(i) (Value's equality: NULL equals NULL, NaN equals
// NaN) for a STRUCT vector, without building the Value.
bool NestedRowEquals(const Value& stored, const Vector& v, size_t i);

// Row i of a vs row j of b, both normalized from columns of the same type
// (NULL equals NULL here; callers that need SQL equality filter NULLs).
inline bool NormalizedEqual(const NormalizedColumn& a, size_t i, const NormalizedColumn& b, size_t j) {
  bool an = a.IsNull(i), bn = b.IsNull(j);
  if (an || bn) return an == bn;
  switch (a.form) {
    case KeyForm::kFixed: return a.fixed[i] == b.fixed[j];
    case KeyForm::kDecimal: return a.decimal[i] == b.decimal[j];
    case KeyForm::kString: return a.str[i] == b.str[j];
    case KeyForm::kValue: return a.vec->GetValue(i) == b.vec->GetValue(j);
  }
  return false;
}

}  // namespace sluice
