// Vector: one column of a Batch: a typed value buffer plus a validity bitmap.
//
// Layout per type is documented in types/data_type.h. Validity: bit i set
// means row i is valid; no bitmap at all means every row is valid.
//
// Ownership: buffers are reference counted, so copying a Vector is cheap and
// shallow. A vector is written only by the operator that builds it; once it
// is handed on (in a Batch) nobody mutates it. Derive new vectors (Gather,
// Slice, kernels' outputs) instead.
//
// Allocation: a buffer that cannot be allocated (or would pass 1 TiB, or
// whose size overflows) throws std::bad_alloc, as the standard containers
// do; where query work runs it becomes an OutOfMemory error
// (common/allocation_failure.h), never an abort.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "types/data_type.h"
#include "types/value.h"
#include "vector/string_heap.h"

namespace sluice {

// Rows of a batch picked by a filter, ascending.
using SelectionVector = std::vector<uint32_t>;

// Rows per batch flowing between operators.
constexpr size_t kBatchSize = 2048;

class Vector {
 public:
  Vector() = default;
  // `size` rows, all valid, values zeroed (strings empty, arrays empty).
  explicit Vector(DataType type, size_t size = 0);

  const DataType& type() const { return type_; }
  size_t size() const { return size_; }
  // Grows or shrinks; new rows are valid and zeroed. Keeps existing values.
  void Resize(size_t n);
  // Reserves capacity for n rows without changing size.
  void Reserve(size_t n);

  template <typename T>
  T* data() {
    return reinterpret_cast<T*>(data_ ? data_->data() : nullptr);
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_ ? data_->data() : nullptr);
  }

  // --- validity ---
  bool IsValid(size_t i) const {
    return validity_ == nullptr || (validity_->bits[i >> 6] >> (i & 63)) & 1;
  }
  bool IsNull(size_t i) const { return !IsValid(i); }
  void SetNull(size_t i) { MutableValidity()[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  void SetValid(size_t i) {
    if (validity_) validity_->bits[i >> 6] |= uint64_t{1} << (i & 63);
  }
  // False only if every row is known to be valid (no bitmap).
  bool MayHaveNulls() const { return validity_ != nullptr; }
  // nullptr when every row is valid.
  const uint64_t* validity() const { return validity_ ? validity_->bits.data() : nullptr; }
  // Allocates an all-valid bitmap if there is none.
  uint64_t* MutableValidity();
  // Drops the bitmap (every row becomes valid).
  void ClearValidity() { validity_.reset(); }
  size_t CountNulls() const;

  // --- STRING / BINARY ---
  StringHeap& heap() { return *heap_; }
  const std::shared_ptr<StringHeap>& heap_ptr() const { return heap_; }
  // Makes this vector's views point into (and keep alive) `heap`.
  void SetHeap(std::shared_ptr<StringHeap> heap) { heap_ = std::move(heap); }
  std::string_view GetString(size_t i) const { return data<std::string_view>()[i]; }
  // Copies s into this vector's heap.
  void SetString(size_t i, std::string_view s) { data<std::string_view>()[i] = heap_->Add(s); }

  // --- STRUCT / ARRAY ---
  size_t num_children() const { return children_.size(); }
  Vector& child(size_t i) { return children_[i]; }
  const Vector& child(size_t i) const { return children_[i]; }
  // ARRAY: size()+1 offsets into child(0); row i spans [offsets[i], offsets[i+1]).
  uint32_t* offsets() { return data<uint32_t>(); }
  const uint32_t* offsets() const { return data<uint32_t>(); }

  // --- row at a time (slow paths, tests) ---
  Value GetValue(size_t i) const;
  // Sets row i; the value must have this vector's type (or be NULL).
  void SetValue(size_t i, const Value& v);
  // Appends one row; the value must have this vector's type (or be NULL).
  void AppendValue(const Value& v);
  static Vector FromValues(const DataType& type, const std::vector<Value>& values);
  static Vector Constant(const Value& v, size_t n);

  // --- bulk ---
  // New vector whose row k is this vector's row rows[k]. Shares the string heap.
  Vector Gather(const uint32_t* rows, size_t n) const;
  Vector Gather(const SelectionVector& sel) const { return Gather(sel.data(), sel.size()); }
  // Rows [offset, offset+len), copied.
  Vector Slice(size_t offset, size_t len) const;
  // Appends all rows of `src` (same type). Strings are re-pointed at src's heap,
  // which this vector keeps alive.
  void Append(const Vector& src);
  // Appends row `row` of src.
  void AppendFrom(const Vector& src, size_t row);

 private:
  struct Buffer {
    explicit Buffer(size_t bytes);
    ~Buffer();
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    uint8_t* data() { return ptr; }
    void Grow(size_t bytes);  // keeps contents, zeroes new bytes
    uint8_t* ptr = nullptr;
    size_t capacity = 0;
  };
  struct Validity {
    std::vector<uint64_t> bits;
  };
  // Ensures buffers hold `n` rows (values + validity), zeroing new space.
  void EnsureCapacity(size_t n);

  DataType type_;
  size_t size_ = 0;
  size_t capacity_ = 0;
  std::shared_ptr<Buffer> data_;
  std::shared_ptr<Validity> validity_;
  std::shared_ptr<StringHeap> heap_;
  std::vector<Vector> children_;
};

// For vectors built row by row, front to back: makes row `row` (the last
// one being built) valid and empty again (array elements appended for it
// discarded, struct fields reset), or NULL (the same, then marked NULL).
void ResetRow(Vector& v, size_t row);
void SetRowNull(Vector& v, size_t row);

// A horizontal slice of a relation: equal-length columns.
struct Batch {
  Batch() = default;
  Batch(std::vector<Vector> cols, size_t rows) : columns(std::move(cols)), num_rows(rows) {}

  size_t num_columns() const { return columns.size(); }
  Batch Gather(const SelectionVector& sel) const;
  Batch Slice(size_t offset, size_t len) const;
  // Empty batch of the schema's types.
  static Batch Empty(const Schema& schema);
  // All rows of `batches` (same column types) in one batch.
  static Batch Concat(const std::vector<Batch>& batches);
  // Row i as values (slow path).
  std::vector<Value> Row(size_t i) const;

  std::vector<Vector> columns;
  size_t num_rows = 0;
};

}  // namespace sluice
