#include "exec/operators/key_hasher.h"

#include <cmath>
#include <cstring>
#include <functional>

namespace sluice {

KeyForm KeyFormOf(const DataType& type) {
  switch (type.id()) {
    case TypeId::kDecimal: return KeyForm::kDecimal;
    case TypeId::kString:
    case TypeId::kBinary: return KeyForm::kString;
    case TypeId::kStruct:
    case TypeId::kArray: return KeyForm::kValue;
    default: return KeyForm::kFixed;
  }
}

uint64_t HashBytes(std::string_view s) { return std::hash<std::string_view>()(s); }

uint64_t HashValue(const Value& v) {
  if (v.is_null()) return kNullKeyHash;
  return HashBytes(v.ToSqlLiteral());
}

namespace {

uint64_t NormalizeDouble(double d) {
  if (d == 0.0) d = 0.0;  // -0.0 -> 0.0
  if (std::isnan(d)) return 0x7ff8000000000000ULL;
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

void NormalizeColumn(const Vector& v, size_t n, NormalizedColumn* out) {
  out->vec = &v;
  out->form = KeyFormOf(v.type());
  out->nulls = nullptr;
  if (v.MayHaveNulls() || v.type().is_null()) {
    out->null_buf.resize(n);
    bool any = false;
    for (size_t i = 0; i < n; ++i) {
      uint8_t isnull = v.type().is_null() || !v.IsValid(i);
      out->null_buf[i] = isnull;
      any |= isnull;
    }
    if (any) out->nulls = out->null_buf.data();
  }
  switch (out->form) {
    case KeyForm::kDecimal: out->decimal = v.data<int128_t>(); return;
    case KeyForm::kString: out->str = v.data<std::string_view>(); return;
    case KeyForm::kValue: return;
    case KeyForm::kFixed: break;
  }
  switch (v.type().id()) {
    case TypeId::kBigint:
    case TypeId::kTimestamp:
      out->fixed = reinterpret_cast<const uint64_t*>(v.data<int64_t>());
      break;
    case TypeId::kInt:
    case TypeId::kDate: {
      out->fixed_buf.resize(n);
      const int32_t* s = v.data<int32_t>();
      for (size_t i = 0; i < n; ++i) out->fixed_buf[i] = static_cast<uint64_t>(static_cast<int64_t>(s[i]));
      out->fixed = out->fixed_buf.data();
      break;
    }
    case TypeId::kDouble: {
      out->fixed_buf.resize(n);
      const double* s = v.data<double>();
      for (size_t i = 0; i < n; ++i) out->fixed_buf[i] = NormalizeDouble(s[i]);
      out->fixed = out->fixed_buf.data();
      break;
    }
    default: {  // BOOLEAN, NULL
      out->fixed_buf.resize(n);
      const uint8_t* s = v.data<uint8_t>();
      for (size_t i = 0; i < n; ++i) out->fixed_buf[i] = s ? s[i] : 0;
      out->fixed = out->fixed_buf.data();
      break;
    }
  }
  // NULL rows hash and compare as 0, whatever garbage the slot holds.
  if (out->nulls && out->fixed != out->fixed_buf.data()) {
    out->fixed_buf.assign(out->fixed, out->fixed + n);
    out->fixed = out->fixed_buf.data();
  }
  if (out->nulls) {
    for (size_t i = 0; i < n; ++i) {
      if (out->nulls[i]) out->fixed_buf[i] = 0;
    }
  }
}

}  // namespace

// Hash of row i of a nested (STRUCT) vector from its fields, as the other
// forms hash them, without building a Value: a window STRUCT<start, end>
// is a common key. ARRAYs (rare as keys) go through their Value.
static uint64_t HashNestedRow(const Vector& v, size_t i) {
  if (v.type().is_null() || v.IsNull(i)) return kNullKeyHash;
  switch (v.type().id()) {
    case TypeId::kStruct: {
      uint64_t h = 0x2545f4914f6cdd1dULL;
      for (size_t f = 0; f < v.num_children(); ++f) h = HashCombine(h, HashNestedRow(v.child(f), i));
      return h;
    }
    case TypeId::kBoolean: return v.data<uint8_t>()[i];
    case TypeId::kInt:
    case TypeId::kDate: return static_cast<uint64_t>(static_cast<int64_t>(v.data<int32_t>()[i]));
    case TypeId::kBigint:
    case TypeId::kTimestamp: return static_cast<uint64_t>(v.data<int64_t>()[i]);
    case TypeId::kDouble: return NormalizeDouble(v.data<double>()[i]);
    case TypeId::kDecimal: {
      auto u = static_cast<unsigned __int128>(v.data<int128_t>()[i]);
      return HashCombine(static_cast<uint64_t>(u), static_cast<uint64_t>(u >> 64));
    }
    case TypeId::kString:
    case TypeId::kBinary: return HashBytes(v.GetString(i));
    default: return HashValue(v.GetValue(i));
  }
}

bool NestedRowEquals(const Value& stored, const Vector& v, size_t i) {
  bool vn = v.type().is_null() || v.IsNull(i);
  if (stored.is_null() || vn) return stored.is_null() == vn;
  switch (v.type().id()) {
    case TypeId::kStruct: {
      const auto& fields = stored.children();
      if (fields.size() != v.num_children()) return false;
      for (size_t f = 0; f < fields.size(); ++f) {
        if (!NestedRowEquals(fields[f], v.child(f), i)) return false;
      }
      return true;
    }
    case TypeId::kBoolean: return stored.bool_value() == (v.data<uint8_t>()[i] != 0);
    case TypeId::kInt:
    case TypeId::kDate: return stored.int_value() == v.data<int32_t>()[i];
    case TypeId::kBigint:
    case TypeId::kTimestamp: return stored.bigint_value() == v.data<int64_t>()[i];
    case TypeId::kDouble: {
      double x = stored.double_value(), y = v.data<double>()[i];
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case TypeId::kDecimal: return stored.decimal_value() == v.data<int128_t>()[i];
    case TypeId::kString:
    case TypeId::kBinary: return stored.str_value() == v.GetString(i);
    default: return stored == v.GetValue(i);
  }
}

void KeyHasher::Prepare(const std::vector<const Vector*>& cols, size_t n) {
  n_ = n;
  cols_.resize(cols.size());
  hashes_.resize(n);
  has_null_ = false;
  for (size_t c = 0; c < cols.size(); ++c) {
    NormalizedColumn& nc = cols_[c];
    NormalizeColumn(*cols[c], n, &nc);
    uint64_t* h = hashes_.data();
    const uint8_t* nulls = nc.nulls;
    bool first = c == 0;
    switch (nc.form) {
      case KeyForm::kFixed:
        if (first) {
          for (size_t i = 0; i < n; ++i) h[i] = HashMix64(nc.fixed[i]);
        } else {
          for (size_t i = 0; i < n; ++i) h[i] = HashCombine(h[i], nc.fixed[i]);
        }
        break;
      case KeyForm::kDecimal:
        for (size_t i = 0; i < n; ++i) {
          auto u = static_cast<unsigned __int128>(nulls && nulls[i] ? 0 : nc.decimal[i]);
          uint64_t x = HashCombine(static_cast<uint64_t>(u), static_cast<uint64_t>(u >> 64));
          h[i] = first ? x : HashCombine(h[i], x);
        }
        break;
      case KeyForm::kString:
        for (size_t i = 0; i < n; ++i) {
          uint64_t x = nulls && nulls[i] ? 0 : HashBytes(nc.str[i]);
          h[i] = first ? HashMix64(x) : HashCombine(h[i], x);
        }
        break;
      case KeyForm::kValue:
        for (size_t i = 0; i < n; ++i) {
          uint64_t x = nc.vec->type().id() == TypeId::kStruct ? HashNestedRow(*nc.vec, i)
                                                             : HashValue(nc.vec->GetValue(i));
          h[i] = first ? HashMix64(x) : HashCombine(h[i], x);
        }
        break;
    }
    if (nulls) {
      if (!has_null_) {
        any_null_.assign(n, 0);
        has_null_ = true;
      }
      for (size_t i = 0; i < n; ++i) {
        if (nulls[i]) {
          h[i] = first ? kNullKeyHash : HashCombine(h[i], kNullKeyHash);
          any_null_[i] = 1;
        }
      }
    }
  }
  if (cols.empty()) {
    for (size_t i = 0; i < n; ++i) hashes_[i] = 0;
  }
}

}  // namespace sluice
