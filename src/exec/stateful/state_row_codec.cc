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

void EncodeStateRow(const Batch& batch, size_t first, size_t count, size_t row, std::string* out) {
  for (size_t c = first; c < first + count; ++c) {
    const Vector& v = batch.columns[c];
    if (v.IsNull(row) || v.type().id() == TypeId::kNull) {
      out->push_back(1);
      continue;
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
      default: break;  // rejected by CheckStateType
    }
  }
}

StateRowDecoder::StateRowDecoder(std::vector<DataType> types) : types_(std::move(types)) {
  for (const auto& t : types_) cols_.emplace_back(t, 0);
}

Status StateRowDecoder::Add(std::string_view bytes) {
  size_t pos = 0;
  auto need = [&](size_t n) -> Status {
    if (pos + n > bytes.size()) return Status::Corruption("streaming state row is truncated");
    return Status::OK();
  };
  size_t r = rows_;
  for (size_t c = 0; c < types_.size(); ++c) {
    Vector& v = cols_[c];
    v.Resize(r + 1);
    SLUICE_RETURN_NOT_OK(need(1));
    if (bytes[pos++] != 0) {
      v.SetNull(r);
      continue;
    }
    auto get = [&](void* dst, size_t n) -> Status {
      SLUICE_RETURN_NOT_OK(need(n));
      std::memcpy(dst, bytes.data() + pos, n);
      pos += n;
      return Status::OK();
    };
    switch (types_[c].id()) {
      case TypeId::kBoolean: SLUICE_RETURN_NOT_OK(get(v.data<uint8_t>() + r, 1)); break;
      case TypeId::kInt:
      case TypeId::kDate: SLUICE_RETURN_NOT_OK(get(v.data<int32_t>() + r, 4)); break;
      case TypeId::kBigint:
      case TypeId::kTimestamp: SLUICE_RETURN_NOT_OK(get(v.data<int64_t>() + r, 8)); break;
      case TypeId::kDouble: SLUICE_RETURN_NOT_OK(get(v.data<double>() + r, 8)); break;
      case TypeId::kDecimal: SLUICE_RETURN_NOT_OK(get(v.data<int128_t>() + r, 16)); break;
      case TypeId::kString:
      case TypeId::kBinary: {
        uint32_t len = 0;
        SLUICE_RETURN_NOT_OK(get(&len, 4));
        SLUICE_RETURN_NOT_OK(need(len));
        v.SetString(r, bytes.substr(pos, len));
        pos += len;
        break;
      }
      case TypeId::kNull: v.SetNull(r); break;
      default: return Status::NotImplemented("state column of type " + types_[c].ToString());
    }
  }
  if (pos != bytes.size()) return Status::Corruption("streaming state row has trailing bytes");
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
