// Engine batches -> Arrow C Data Interface arrays (arrow/arrow_batch.h).
//
// Every exported ArrowArray (the batch's struct array and each column and
// nested child) owns an ArrayData as its private_data: the engine vectors
// whose buffers it points into (shallow copies, which keep those buffers
// alive), the buffers built for it (string offsets and data, packed
// booleans), and the child ArrowArray structs. Its release callback releases
// the children that the consumer has not moved away, then frees the
// ArrayData.
#include "arrow/arrow_batch.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "vector/vector.h"

namespace sluice {
namespace {

// A buffer of our own, 64-byte aligned as Arrow recommends.
struct OwnedBuffer {
  explicit OwnedBuffer(size_t bytes) {
    size_t cap = ((bytes == 0 ? 1 : bytes) + 63) & ~size_t{63};
    ptr = static_cast<uint8_t*>(std::aligned_alloc(64, cap));
    if (ptr == nullptr) throw std::bad_alloc();
  }
  ~OwnedBuffer() { std::free(ptr); }
  OwnedBuffer(const OwnedBuffer&) = delete;
  OwnedBuffer& operator=(const OwnedBuffer&) = delete;
  uint8_t* ptr = nullptr;
};

// Arrow wants a valid pointer for buffers of length 0 too.
alignas(64) const uint8_t kEmptyBuffer[64] = {};

// ---------------------------------------------------------------- schema ---

struct SchemaData {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
};

void ReleaseSchema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  auto* data = static_cast<SchemaData*>(schema->private_data);
  for (ArrowSchema& child : data->children) {
    if (child.release != nullptr) child.release(&child);
  }
  delete data;
  schema->release = nullptr;
}

std::string FormatOf(const DataType& type, const ArrowExportOptions& options) {
  switch (type.id()) {
    case TypeId::kNull: return "n";
    case TypeId::kBoolean: return "b";
    case TypeId::kInt: return "i";
    case TypeId::kBigint: return "l";
    case TypeId::kDouble: return "g";
    case TypeId::kDecimal: return "d:" + std::to_string(type.precision()) + "," + std::to_string(type.scale());
    case TypeId::kString: return options.large_strings ? "U" : "u";
    case TypeId::kBinary: return options.large_strings ? "Z" : "z";
    case TypeId::kDate: return "tdD";
    case TypeId::kTimestamp: return "tsu:" + options.timestamp_timezone;
    case TypeId::kStruct: return "+s";
    case TypeId::kArray: return "+l";
  }
  return "n";
}

void FillSchema(const std::string& name, const DataType& type, bool nullable, const ArrowExportOptions& options,
                ArrowSchema* out) {
  auto data = std::make_unique<SchemaData>();
  data->format = FormatOf(type, options);
  data->name = name;
  if (type.id() == TypeId::kStruct) {
    data->children.resize(type.fields().size());
    for (size_t i = 0; i < type.fields().size(); ++i) {
      const StructField& f = type.fields()[i];
      FillSchema(f.name, f.type, f.nullable, options, &data->children[i]);
    }
  } else if (type.id() == TypeId::kArray) {
    data->children.resize(1);
    FillSchema("element", type.element(), true, options, &data->children[0]);
  }
  for (ArrowSchema& c : data->children) data->child_ptrs.push_back(&c);
  out->format = data->format.c_str();
  out->name = data->name.c_str();
  out->metadata = nullptr;
  out->flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  out->n_children = static_cast<int64_t>(data->children.size());
  out->children = data->child_ptrs.empty() ? nullptr : data->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = ReleaseSchema;
  out->private_data = data.release();
}

// ----------------------------------------------------------------- array ---

struct ArrayData {
  std::vector<Vector> keep;  // engine vectors whose buffers are shared
  std::vector<std::unique_ptr<OwnedBuffer>> owned;
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;

  ArrayData() = default;
  ArrayData(const ArrayData&) = delete;
  ArrayData& operator=(const ArrayData&) = delete;
  // Releases the children the consumer has not moved away (also when a
  // failed export drops a half-built array).
  ~ArrayData() {
    for (ArrowArray& child : children) {
      if (child.release != nullptr) child.release(&child);
    }
  }

  uint8_t* Allocate(size_t bytes) {
    owned.push_back(std::make_unique<OwnedBuffer>(bytes));
    return owned.back()->ptr;
  }
  // n children, none filled yet.
  void MakeChildren(size_t n) {
    children.resize(n);
    for (ArrowArray& c : children) std::memset(&c, 0, sizeof(c));
  }
};

void ReleaseArray(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  delete static_cast<ArrayData*>(array->private_data);
  array->release = nullptr;
}

// Nulls among the first `length` bits of an LSB-first validity bitmap.
int64_t CountNulls(const uint64_t* bits, size_t length) {
  size_t valid = 0;
  size_t full = length / 64;
  for (size_t w = 0; w < full; ++w) valid += static_cast<size_t>(__builtin_popcountll(bits[w]));
  if (size_t rest = length % 64; rest != 0) {
    valid += static_cast<size_t>(__builtin_popcountll(bits[full] & ((uint64_t{1} << rest) - 1)));
  }
  return static_cast<int64_t>(length - valid);
}

const void* NonNull(const void* p) { return p != nullptr ? p : kEmptyBuffer; }

template <typename Offset>
Status CopyStrings(const Vector& v, size_t length, const std::string& column, ArrayData* data) {
  const std::string_view* views = v.data<std::string_view>();
  size_t total = 0;
  for (size_t i = 0; i < length; ++i) {
    if (v.IsValid(i)) total += views[i].size();
  }
  if (total > static_cast<size_t>(std::numeric_limits<Offset>::max())) {
    return Status::InvalidArgument("column '" + column + "': one batch holds " + std::to_string(total) +
                                   " bytes of " + v.type().SimpleString() +
                                   " data, more than Arrow's 32-bit offsets address; export with large strings "
                                   "(large_string / large_binary) instead");
  }
  auto* offsets = reinterpret_cast<Offset*>(data->Allocate((length + 1) * sizeof(Offset)));
  uint8_t* bytes = data->Allocate(total);
  Offset pos = 0;
  offsets[0] = 0;
  for (size_t i = 0; i < length; ++i) {
    if (v.IsValid(i) && !views[i].empty()) {
      std::memcpy(bytes + pos, views[i].data(), views[i].size());
      pos += static_cast<Offset>(views[i].size());
    }
    offsets[i + 1] = pos;
  }
  data->buffers.push_back(offsets);
  data->buffers.push_back(bytes);
  return Status::OK();
}

// Fills `out` with the first `length` rows of `v`. `column` names the
// column (dotted path for nested fields) in errors.
Status FillArray(const Vector& v, size_t length, const std::string& column, const ArrowExportOptions& options,
                 ArrowArray* out) {
  auto data = std::make_unique<ArrayData>();
  data->keep.push_back(v);
  const uint64_t* validity = v.validity();
  int64_t null_count = validity != nullptr && length > 0 ? CountNulls(validity, length) : 0;
  const DataType& type = v.type();
  if (type.id() == TypeId::kNull) {
    null_count = static_cast<int64_t>(length);
  } else {
    data->buffers.push_back(null_count > 0 ? validity : nullptr);
  }
  switch (type.id()) {
    case TypeId::kNull: break;
    case TypeId::kBoolean: {
      size_t bytes = (length + 7) / 8;
      uint8_t* bits = data->Allocate(bytes);
      std::memset(bits, 0, bytes);
      const uint8_t* values = v.data<uint8_t>();
      for (size_t i = 0; i < length; ++i) {
        bits[i >> 3] = static_cast<uint8_t>(bits[i >> 3] | ((values[i] != 0 ? 1u : 0u) << (i & 7)));
      }
      data->buffers.push_back(bits);
      break;
    }
    case TypeId::kInt:
    case TypeId::kBigint:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTimestamp:
      // Same layout as Arrow's: shared, kept alive by `keep`.
      data->buffers.push_back(NonNull(v.data<uint8_t>()));
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      SLUICE_RETURN_NOT_OK(options.large_strings ? CopyStrings<int64_t>(v, length, column, data.get())
                                                 : CopyStrings<int32_t>(v, length, column, data.get()));
      break;
    case TypeId::kStruct: {
      const auto& fields = type.fields();
      data->MakeChildren(fields.size());
      for (size_t i = 0; i < fields.size(); ++i) {
        SLUICE_RETURN_NOT_OK(FillArray(v.child(i), length, column + "." + fields[i].name, options,
                                       &data->children[i]));
      }
      break;
    }
    case TypeId::kArray: {
      // uint32 offsets; Arrow's list offsets are int32, the same bits while
      // they stay below 2^31.
      const uint32_t* offsets = v.offsets();
      uint32_t end = length > 0 ? offsets[length] : 0;
      if (end > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
        return Status::InvalidArgument("column '" + column + "': one batch holds " + std::to_string(end) +
                                       " array elements, more than Arrow's 32-bit list offsets address");
      }
      if (v.child(0).size() < end) {
        return Status::Internal("column '" + column + "': array offsets pass the end of the elements");
      }
      data->buffers.push_back(length > 0 ? static_cast<const void*>(offsets) : kEmptyBuffer);
      data->MakeChildren(1);
      SLUICE_RETURN_NOT_OK(FillArray(v.child(0), end, column + ".element", options, &data->children[0]));
      break;
    }
  }
  for (ArrowArray& c : data->children) data->child_ptrs.push_back(&c);
  out->length = static_cast<int64_t>(length);
  out->null_count = null_count;
  out->offset = 0;
  out->n_buffers = static_cast<int64_t>(data->buffers.size());
  out->n_children = static_cast<int64_t>(data->children.size());
  out->buffers = data->buffers.empty() ? nullptr : data->buffers.data();
  out->children = data->child_ptrs.empty() ? nullptr : data->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = ReleaseArray;
  out->private_data = data.release();
  return Status::OK();
}

// One batch as a struct array of its columns. On error nothing is left
// allocated (~ArrayData releases the columns already filled).
Status FillBatch(const Schema& schema, const Batch& batch, const ArrowExportOptions& options, ArrowArray* out) {
  auto data = std::make_unique<ArrayData>();
  data->buffers.push_back(nullptr);  // the struct's validity: every row valid
  data->MakeChildren(schema.size());
  for (size_t i = 0; i < schema.size(); ++i) {
    SLUICE_RETURN_NOT_OK(
        FillArray(batch.columns[i], batch.num_rows, schema.field(i).name, options, &data->children[i]));
  }
  for (ArrowArray& c : data->children) data->child_ptrs.push_back(&c);
  out->length = static_cast<int64_t>(batch.num_rows);
  out->null_count = 0;
  out->offset = 0;
  out->n_buffers = 1;
  out->n_children = static_cast<int64_t>(data->children.size());
  out->buffers = data->buffers.data();
  out->children = data->child_ptrs.empty() ? nullptr : data->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = ReleaseArray;
  out->private_data = data.release();
  return Status::OK();
}

// ---------------------------------------------- nullability of the export ---

bool AnyNulls(const std::vector<const Vector*>& vectors) {
  for (const Vector* v : vectors) {
    if (v->MayHaveNulls() && v->CountNulls() > 0) return true;
  }
  return false;
}

// `type` with every struct field that holds a NULL in `vectors` marked
// nullable. Arrow consumers trust a non-nullable field to hold no NULLs
// (pyarrow's casts and validation refuse the data otherwise), so the
// exported schema never claims less than the data shows, whatever the
// plan's nullability says.
DataType Relaxed(const DataType& type, const std::vector<const Vector*>& vectors) {
  if (type.id() == TypeId::kStruct) {
    std::vector<StructField> fields = type.fields();
    bool changed = false;
    for (size_t i = 0; i < fields.size(); ++i) {
      std::vector<const Vector*> children;
      for (const Vector* v : vectors) children.push_back(&v->child(i));
      DataType relaxed = Relaxed(fields[i].type, children);
      if (relaxed != fields[i].type) {
        fields[i].type = relaxed;
        changed = true;
      }
      if (!fields[i].nullable && AnyNulls(children)) {
        fields[i].nullable = true;
        changed = true;
      }
    }
    return changed ? DataType::Struct(std::move(fields)) : type;
  }
  if (type.id() == TypeId::kArray) {
    std::vector<const Vector*> elements;
    for (const Vector* v : vectors) elements.push_back(&v->child(0));
    DataType relaxed = Relaxed(type.element(), elements);
    return relaxed != type.element() ? DataType::Array(relaxed, true) : type;
  }
  return type;
}

}  // namespace

Status ExportArrowSchema(const Schema& schema, ArrowSchema* out, const ArrowExportOptions& options) {
  FillSchema("", DataType::Struct(schema.fields()), false, options, out);
  return Status::OK();
}

Status ExportBatch(const Schema& schema, const Batch& batch, const ArrowExportOptions& options, ArrowArray* out) {
  if (batch.columns.size() != schema.size()) {
    return Status::Internal("exporting a batch of " + std::to_string(batch.columns.size()) +
                            " columns with a schema of " + std::to_string(schema.size()));
  }
  return FillBatch(schema, batch, options, out);
}

Schema RelaxedSchema(const Schema& schema, const std::vector<const Batch*>& batches) {
  Schema out;
  for (size_t c = 0; c < schema.size(); ++c) {
    StructField field = schema.field(c);
    std::vector<const Vector*> columns;
    for (const Batch* b : batches) {
      if (c < b->columns.size()) columns.push_back(&b->columns[c]);
    }
    field.type = Relaxed(field.type, columns);
    if (!field.nullable && AnyNulls(columns)) field.nullable = true;
    out.Add(std::move(field));
  }
  return out;
}

}  // namespace sluice
