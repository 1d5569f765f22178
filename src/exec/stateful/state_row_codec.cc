#include "exec/stateful/state_row_codec.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace sluice {

Status CheckStateType(const DataType& type, const std::string& what) {
  switch (type.id()) {
    case TypeId::kNull:
    case TypeId::kBoolean:
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kBigint:
    case TypeId::kTimestamp:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kString:
    case TypeId::kBinary:
      return Status::OK();
    case TypeId::kStruct:
      for (const auto& f : type.fields()) {
        SLUICE_RETURN_NOT_OK(CheckStateType(f.type, what + " (field " + f.name + ")"));
      }
      return Status::OK();
    case TypeId::kArray: return CheckStateType(type.element(), what + " (element)");
    default:
      return Status::NotImplemented(what + " of type " + type.ToString() +
                                    " cannot be kept in streaming state yet");
  }
}

namespace {
template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}
}  // namespace

namespace {
// One value of `v` (row `row`): the null byte, then the value; a STRUCT's
// fields follow its null byte, each encoded the same way, in field order.
void EncodeValue(const Vector& v, size_t row, std::string* out) {
  if (v.IsNull(row) || v.type().id() == TypeId::kNull) {
    out->push_back(1);
    return;
  }
  out->push_back(0);
  switch (v.type().id()) {
    case TypeId::kBoolean: Put<uint8_t>(out, v.data<uint8_t>()[row]); break;
    case TypeId::kInt:
    case TypeId::kDate: Put<int32_t>(out, v.data<int32_t>()[row]); break;
    case TypeId::kBigint:
    case TypeId::kTimestamp: Put<int64_t>(out, v.data<int64_t>()[row]); break;
    case TypeId::kDouble: {
      double d = v.data<double>()[row];
      if (d == 0) d = 0.0;
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
      Put<double>(out, d);
      break;
    }
    case TypeId::kDecimal: Put<int128_t>(out, v.data<int128_t>()[row]); break;
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view s = v.GetString(row);
      Put<uint32_t>(out, static_cast<uint32_t>(s.size()));
      out->append(s);
      break;
    }
    case TypeId::kStruct:
      for (size_t f = 0; f < v.num_children(); ++f) EncodeValue(v.child(f), row, out);
      break;
    case TypeId::kArray: {
      const uint32_t* off = v.offsets();
      Put<uint32_t>(out, off[row + 1] - off[row]);
      for (uint32_t k = off[row]; k < off[row + 1]; ++k) EncodeValue(v.child(0), k, out);
      break;
    }
    default: break;  // rejected by CheckStateType
  }
}
}  // namespace

void EncodeStateRow(const Batch& batch, size_t first, size_t count, size_t row, std::string* out) {
  for (size_t c = first; c < first + count; ++c) EncodeValue(batch.columns[c], row, out);
}

StateRowDecoder::StateRowDecoder(std::vector<DataType> types) : types_(std::move(types)) {
  for (const auto& t : types_) cols_.emplace_back(t, 0);
}

namespace {
// Reads one value encoded by EncodeValue into row `r` of `v` (already sized
// to hold it) from bytes[*pos...].
Status DecodeValue(std::string_view bytes, size_t* pos, Vector& v, size_t r) {
  auto need = [&](size_t n) -> Status {
    if (*pos + n > bytes.size()) return Status::Corruption("streaming state row is truncated");
    return Status::OK();
  };
  auto get = [&](void* dst, size_t n) -> Status {
    SLUICE_RETURN_NOT_OK(need(n));
    std::memcpy(dst, bytes.data() + *pos, n);
    *pos += n;
    return Status::OK();
  };
  SLUICE_RETURN_NOT_OK(need(1));
  if (bytes[(*pos)++] != 0) {
    SetRowNull(v, r);
    return Status::OK();
  }
  switch (v.type().id()) {
    case TypeId::kBoolean: return get(v.data<uint8_t>() + r, 1);
    case TypeId::kInt:
    case TypeId::kDate: return get(v.data<int32_t>() + r, 4);
    case TypeId::kBigint:
    case TypeId::kTimestamp: return get(v.data<int64_t>() + r, 8);
    case TypeId::kDouble: return get(v.data<double>() + r, 8);
    case TypeId::kDecimal: return get(v.data<int128_t>() + r, 16);
    case TypeId::kString:
    case TypeId::kBinary: {
      uint32_t len = 0;
      SLUICE_RETURN_NOT_OK(get(&len, 4));
      SLUICE_RETURN_NOT_OK(need(len));
      v.SetString(r, bytes.substr(*pos, len));
      *pos += len;
      return Status::OK();
    }
    case TypeId::kStruct:
      for (size_t f = 0; f < v.num_children(); ++f) {
        SLUICE_RETURN_NOT_OK(DecodeValue(bytes, pos, v.child(f), r));
      }
      return Status::OK();
    case TypeId::kArray: {
      uint32_t n = 0;
      SLUICE_RETURN_NOT_OK(get(&n, 4));
      SLUICE_RETURN_NOT_OK(need(n));  // every element takes at least its null byte
      Vector& elements = v.child(0);
      uint32_t start = v.offsets()[r];
      elements.Resize(static_cast<size_t>(start) + n);
      for (uint32_t k = 0; k < n; ++k) SLUICE_RETURN_NOT_OK(DecodeValue(bytes, pos, elements, start + k));
      v.offsets()[r + 1] = start + n;
      return Status::OK();
    }
    case TypeId::kNull: SetRowNull(v, r); return Status::OK();
    default: return Status::NotImplemented("state column of type " + v.type().ToString());
  }
}
}  // namespace

Status StateRowDecoder::Add(std::string_view bytes) {
  size_t pos = 0;
  size_t r = rows_;
  for (size_t c = 0; c < types_.size(); ++c) cols_[c].Resize(r + 1);
  for (size_t c = 0; c < types_.size(); ++c) {
    Status st = DecodeValue(bytes, &pos, cols_[c], r);
    if (!st.ok()) {
      for (auto& col : cols_) col.Resize(r);
      return st;
    }
  }
  if (pos != bytes.size()) {
    for (auto& col : cols_) col.Resize(r);
    return Status::Corruption("streaming state row has trailing bytes");
  }
  ++rows_;
  return Status::OK();
}

std::vector<Vector> StateRowDecoder::Finish() {
  std::vector<Vector> out = std::move(cols_);
  cols_.clear();
  for (const auto& t : types_) cols_.emplace_back(t, 0);
  rows_ = 0;
  return out;
}

}  // namespace sluice
