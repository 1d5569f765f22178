#include "vector/vector.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <numeric>

#include "common/check.h"

namespace sluice {

namespace {
// The largest buffer a vector asks the allocator for. No column of a batch
// comes near it: a request this large is a size computed from bad input, and
// is refused like a failed allocation, with std::bad_alloc.
constexpr size_t kMaxBufferBytes = size_t{1} << 40;  // 1 TiB
}  // namespace

void StringHeap::NewBlock(size_t min) {
  size_t size = std::max(min, next_block_);
  next_block_ = std::min<size_t>(next_block_ * 2, 1 << 20);
  blocks_.emplace_back(new char[size]);
  cursor_ = blocks_.back().get();
  remaining_ = size;
  allocated_ += size;
}

Vector::Buffer::Buffer(size_t bytes) { Grow(bytes); }
Vector::Buffer::~Buffer() { std::free(ptr); }

void Vector::Buffer::Grow(size_t bytes) {
  if (bytes <= capacity) return;
  if (bytes > kMaxBufferBytes) throw std::bad_alloc();
  size_t cap = std::max<size_t>(bytes, 64);
  cap = (cap + 63) & ~size_t{63};
  auto* p = static_cast<uint8_t*>(std::aligned_alloc(64, cap));
  if (p == nullptr) throw std::bad_alloc();
  if (ptr) {
    std::memcpy(p, ptr, capacity);
    std::free(ptr);
  }
  std::memset(p + capacity, 0, cap - capacity);
  ptr = p;
  capacity = cap;
}

Vector::Vector(DataType type, size_t size) : type_(std::move(type)) {
  if (type_.is_string_like()) heap_ = std::make_shared<StringHeap>();
  if (type_.id() == TypeId::kStruct) {
    for (const auto& f : type_.fields()) children_.emplace_back(f.type, 0);
  } else if (type_.id() == TypeId::kArray) {
    children_.emplace_back(type_.element(), 0);
  }
  EnsureCapacity(size);
  Resize(size);
}

void Vector::EnsureCapacity(size_t n) {
  // No vector holds more rows than that many bytes (so n + 1 below cannot
  // overflow, nor can the validity words).
  if (n > kMaxBufferBytes) throw std::bad_alloc();
  size_t w = PhysicalWidth(type_);
  if (w != 0) {
    size_t rows = type_.id() == TypeId::kArray ? n + 1 : n;
    if (rows > kMaxBufferBytes / w) throw std::bad_alloc();
    if (!data_) {
      data_ = std::make_shared<Buffer>(std::max<size_t>(rows, 1) * w);
    } else if (data_->capacity < rows * w) {
      data_->Grow(std::max(rows * w, std::min(data_->capacity * 2, kMaxBufferBytes)));
    }
  }
  if (validity_) {
    size_t words = (n + 63) / 64;
    if (validity_->bits.size() < words) validity_->bits.resize(words, ~uint64_t{0});
  }
  capacity_ = std::max(capacity_, n);
}

void Vector::Reserve(size_t n) {
  if (n > capacity_) EnsureCapacity(n);
}

void Vector::Resize(size_t n) {
  if (n > capacity_) EnsureCapacity(std::max(n, capacity_ * 2));
  if (n > size_) {
    size_t w = PhysicalWidth(type_);
    if (type_.id() == TypeId::kArray) {
      uint32_t* off = offsets();
      for (size_t i = size_ + 1; i <= n; ++i) off[i] = off[size_];
    } else if (w != 0) {
      std::memset(data_->data() + size_ * w, 0, (n - size_) * w);
    }
    if (validity_) {
      for (size_t i = size_; i < n; ++i) validity_->bits[i >> 6] |= uint64_t{1} << (i & 63);
    }
  }
  if (type_.id() == TypeId::kStruct) {
    for (auto& c : children_) c.Resize(n);
  }
  size_ = n;
}

uint64_t* Vector::MutableValidity() {
  if (!validity_) {
    validity_ = std::make_shared<Validity>();
    validity_->bits.assign((std::max(capacity_, size_) + 63) / 64, ~uint64_t{0});
  }
  return validity_->bits.data();
}

size_t Vector::CountNulls() const {
  if (!validity_) return 0;
  size_t valid = 0;
  size_t full = size_ / 64;
  for (size_t w = 0; w < full; ++w) valid += static_cast<size_t>(__builtin_popcountll(validity_->bits[w]));
  for (size_t i = full * 64; i < size_; ++i) valid += IsValid(i);
  return size_ - valid;
}

Value Vector::GetValue(size_t i) const {
  SLUICE_DCHECK(i < size_);
  if (IsNull(i) || type_.is_null()) return Value::Null(type_);
  switch (type_.id()) {
    case TypeId::kNull: return Value::Null(type_);
    case TypeId::kBoolean: return Value::Boolean(data<uint8_t>()[i] != 0);
    case TypeId::kInt: return Value::Int(data<int32_t>()[i]);
    case TypeId::kBigint: return Value::Bigint(data<int64_t>()[i]);
    case TypeId::kDouble: return Value::Double(data<double>()[i]);
    case TypeId::kDecimal:
      return Value::Decimal(data<int128_t>()[i], type_.precision(), type_.scale());
    case TypeId::kString: return Value::String(std::string(GetString(i)));
    case TypeId::kBinary: return Value::Binary(std::string(GetString(i)));
    case TypeId::kDate: return Value::Date(data<int32_t>()[i]);
    case TypeId::kTimestamp: return Value::Timestamp(data<int64_t>()[i]);
    case TypeId::kStruct: {
      std::vector<Value> fields;
      for (const auto& c : children_) fields.push_back(c.GetValue(i));
      return Value::Nested(type_, std::move(fields));
    }
    case TypeId::kArray: {
      std::vector<Value> elems;
      for (uint32_t k = offsets()[i]; k < offsets()[i + 1]; ++k) elems.push_back(children_[0].GetValue(k));
      return Value::Nested(type_, std::move(elems));
    }
  }
  return Value::Null(type_);
}

void Vector::SetValue(size_t i, const Value& v) {
  SLUICE_DCHECK(i < size_);
  if (v.is_null()) {
    SetNull(i);
    if (type_.id() == TypeId::kStruct) {
      for (auto& c : children_) c.SetValue(i, Value::Null(c.type()));
    }
    if (type_.id() == TypeId::kArray) offsets()[i + 1] = offsets()[i];
    return;
  }
  SetValid(i);
  switch (type_.id()) {
    case TypeId::kNull: break;
    case TypeId::kBoolean: data<uint8_t>()[i] = v.bool_value() ? 1 : 0; break;
    case TypeId::kInt:
    case TypeId::kDate: data<int32_t>()[i] = v.int_value(); break;
    case TypeId::kBigint:
    case TypeId::kTimestamp: data<int64_t>()[i] = v.bigint_value(); break;
    case TypeId::kDouble: data<double>()[i] = v.double_value(); break;
    case TypeId::kDecimal: data<int128_t>()[i] = v.decimal_value(); break;
    case TypeId::kString:
    case TypeId::kBinary: SetString(i, v.str_value()); break;
    case TypeId::kStruct:
      for (size_t f = 0; f < children_.size(); ++f) children_[f].SetValue(i, v.children()[f]);
      break;
    case TypeId::kArray: {
      // Arrays are built front to back: row i's elements go at the child's end.
      Vector& elems = children_[0];
      SLUICE_CHECK(offsets()[i] == elems.size());
      for (const auto& e : v.children()) elems.AppendValue(e);
      offsets()[i + 1] = static_cast<uint32_t>(elems.size());
      for (size_t k = i + 2; k <= size_; ++k) offsets()[k] = offsets()[i + 1];
      break;
    }
  }
}

void Vector::AppendValue(const Value& v) {
  Resize(size_ + 1);
  SetValue(size_ - 1, v);
}

Vector Vector::FromValues(const DataType& type, const std::vector<Value>& values) {
  Vector v(type, 0);
  v.Reserve(values.size());
  for (const auto& x : values) v.AppendValue(x);
  return v;
}

Vector Vector::Constant(const Value& value, size_t n) {
  Vector v(value.type(), 0);
  v.Reserve(n);
  for (size_t i = 0; i < n; ++i) v.AppendValue(value);
  return v;
}

Vector Vector::Gather(const uint32_t* rows, size_t n) const {
  Vector out(type_, 0);
  if (type_.is_string_like()) out.heap_ = heap_;
  out.Resize(n);
  size_t w = PhysicalWidth(type_);
  switch (type_.id()) {
    case TypeId::kStruct:
      for (size_t c = 0; c < children_.size(); ++c) out.children_[c] = children_[c].Gather(rows, n);
      break;
    case TypeId::kArray: {
      std::vector<uint32_t> elem_rows;
      uint32_t* off = out.offsets();
      off[0] = 0;
      for (size_t k = 0; k < n; ++k) {
        for (uint32_t e = offsets()[rows[k]]; e < offsets()[rows[k] + 1]; ++e) elem_rows.push_back(e);
        off[k + 1] = static_cast<uint32_t>(elem_rows.size());
      }
      out.children_[0] = children_[0].Gather(elem_rows.data(), elem_rows.size());
      break;
    }
    case TypeId::kBoolean:
    case TypeId::kNull: {
      const uint8_t* s = data<uint8_t>();
      uint8_t* d = out.data<uint8_t>();
      for (size_t k = 0; k < n; ++k) d[k] = s[rows[k]];
      break;
    }
    case TypeId::kInt:
    case TypeId::kDate: {
      const int32_t* s = data<int32_t>();
      int32_t* d = out.data<int32_t>();
      for (size_t k = 0; k < n; ++k) d[k] = s[rows[k]];
      break;
    }
    case TypeId::kBigint:
    case TypeId::kTimestamp:
    case TypeId::kDouble: {
      const int64_t* s = data<int64_t>();
      int64_t* d = out.data<int64_t>();
      for (size_t k = 0; k < n; ++k) d[k] = s[rows[k]];
      break;
    }
    default: {
      const uint8_t* s = data<uint8_t>();
      uint8_t* d = out.data<uint8_t>();
      for (size_t k = 0; k < n; ++k) std::memcpy(d + k * w, s + static_cast<size_t>(rows[k]) * w, w);
      break;
    }
  }
  if (validity_) {
    uint64_t* bits = out.MutableValidity();
    for (size_t k = 0; k < n; ++k) {
      if (!IsValid(rows[k])) bits[k >> 6] &= ~(uint64_t{1} << (k & 63));
    }
  }
  return out;
}

Vector Vector::Slice(size_t offset, size_t len) const {
  std::vector<uint32_t> rows(len);
  std::iota(rows.begin(), rows.end(), static_cast<uint32_t>(offset));
  return Gather(rows.data(), len);
}

void Vector::Append(const Vector& src) {
  SLUICE_DCHECK(src.type_ == type_ || type_.is_null());
  size_t old = size_;
  size_t n = src.size_;
  if (n == 0) return;
  Resize(old + n);
  size_t w = PhysicalWidth(type_);
  switch (type_.id()) {
    case TypeId::kStruct:
      for (size_t c = 0; c < children_.size(); ++c) {
        children_[c].Resize(old);
        children_[c].Append(src.children_[c]);
      }
      break;
    case TypeId::kArray: {
      uint32_t base = static_cast<uint32_t>(children_[0].size());
      uint32_t* off = offsets();
      const uint32_t* soff = src.offsets();
      for (size_t k = 0; k < n; ++k) off[old + k + 1] = base + (soff[k + 1] - soff[0]);
      children_[0].Append(src.children_[0].Slice(soff[0], soff[n] - soff[0]));
      break;
    }
    default:
      std::memcpy(data_->data() + old * w, src.data_->data(), n * w);
      if (type_.is_string_like() && src.heap_ != heap_) heap_->KeepAlive(src.heap_);
      break;
  }
  if (src.validity_) {
    MutableValidity();
    for (size_t k = 0; k < n; ++k) {
      if (!src.IsValid(k)) SetNull(old + k);
    }
  }
}

void Vector::AppendFrom(const Vector& src, size_t row) {
  uint32_t r = static_cast<uint32_t>(row);
  Append(src.Gather(&r, 1));
}

namespace {

void ClearRow(Vector& v, size_t row, bool valid) {
  switch (v.type().id()) {
    case TypeId::kArray: {
      uint32_t* off = v.offsets();
      v.child(0).Resize(off[row]);
      off[row + 1] = off[row];
      break;
    }
    case TypeId::kStruct:
      for (size_t i = 0; i < v.num_children(); ++i) ClearRow(v.child(i), row, valid);
      break;
    default:
      break;
  }
  if (valid) {
    v.SetValid(row);
  } else {
    v.SetNull(row);
  }
}

}  // namespace

void ResetRow(Vector& v, size_t row) { ClearRow(v, row, true); }
void SetRowNull(Vector& v, size_t row) { ClearRow(v, row, false); }

Batch Batch::Gather(const SelectionVector& sel) const {
  Batch out;
  out.num_rows = sel.size();
  out.columns.reserve(columns.size());
  for (const auto& c : columns) out.columns.push_back(c.Gather(sel));
  return out;
}

Batch Batch::Slice(size_t offset, size_t len) const {
  Batch out;
  out.num_rows = len;
  for (const auto& c : columns) out.columns.push_back(c.Slice(offset, len));
  return out;
}

Batch Batch::Empty(const Schema& schema) {
  Batch out;
  for (const auto& f : schema.fields()) out.columns.emplace_back(f.type, 0);
  return out;
}

Batch Batch::Concat(const std::vector<Batch>& batches) {
  Batch out;
  if (batches.empty()) return out;
  size_t total = 0;
  for (const auto& b : batches) total += b.num_rows;
  for (size_t c = 0; c < batches[0].columns.size(); ++c) {
    Vector v(batches[0].columns[c].type(), 0);
    v.Reserve(total);
    for (const auto& b : batches) v.Append(b.columns[c]);
    out.columns.push_back(std::move(v));
  }
  out.num_rows = total;
  return out;
}

std::vector<Value> Batch::Row(size_t i) const {
  std::vector<Value> row;
  row.reserve(columns.size());
  for (const auto& c : columns) row.push_back(c.GetValue(i));
  return row;
}

}  // namespace sluice
