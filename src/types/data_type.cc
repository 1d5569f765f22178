#include "types/data_type.h"

#include <cctype>

#include "common/check.h"

namespace sluice {

struct DataType::Nested {
  std::vector<StructField> fields;
  DataType element;
  bool contains_null = true;
};

DataType DataType::Decimal(int precision, int scale) {
  SLUICE_CHECK(precision >= 1 && precision <= kMaxDecimalPrecision);
  SLUICE_CHECK(scale >= 0 && scale <= precision);
  DataType t(TypeId::kDecimal);
  t.precision_ = static_cast<uint8_t>(precision);
  t.scale_ = static_cast<uint8_t>(scale);
  return t;
}

DataType DataType::Struct(std::vector<StructField> fields) {
  DataType t(TypeId::kStruct);
  auto n = std::make_shared<Nested>();
  n->fields = std::move(fields);
  t.nested_ = std::move(n);
  return t;
}

DataType DataType::Array(DataType element, bool contains_null) {
  DataType t(TypeId::kArray);
  auto n = std::make_shared<Nested>();
  n->element = std::move(element);
  n->contains_null = contains_null;
  t.nested_ = std::move(n);
  return t;
}

const std::vector<StructField>& DataType::fields() const {
  static const std::vector<StructField> kNone;
  return id_ == TypeId::kStruct ? nested_->fields : kNone;
}

int DataType::FieldIndex(std::string_view name) const {
  const auto& f = fields();
  for (size_t i = 0; i < f.size(); ++i) {
    if (EqualsIgnoreCase(f[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

const DataType& DataType::element() const {
  static const DataType kNullType;
  return id_ == TypeId::kArray ? nested_->element : kNullType;
}

size_t PhysicalWidth(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull:
    case TypeId::kBoolean: return 1;
    case TypeId::kInt:
    case TypeId::kDate: return 4;
    case TypeId::kBigint:
    case TypeId::kTimestamp:
    case TypeId::kDouble: return 8;
    case TypeId::kDecimal: return 16;
    case TypeId::kString:
    case TypeId::kBinary: return sizeof(std::string_view);
    case TypeId::kArray: return 4;
    case TypeId::kStruct: return 0;
  }
  return 0;
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kNull: return "VOID";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInt: return "INT";
    case TypeId::kBigint: return "BIGINT";
    case TypeId::kDouble: return "DOUBLE";
    case TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    case TypeId::kString: return "STRING";
    case TypeId::kBinary: return "BINARY";
    case TypeId::kDate: return "DATE";
    case TypeId::kTimestamp: return "TIMESTAMP";
    case TypeId::kStruct: {
      std::string s = "STRUCT<";
      const auto& f = fields();
      for (size_t i = 0; i < f.size(); ++i) {
        if (i) s += ", ";
        s += f[i].name + ": " + f[i].type.ToString();
      }
      return s + ">";
    }
    case TypeId::kArray: return "ARRAY<" + element().ToString() + ">";
  }
  return "?";
}

std::string DataType::SimpleString() const {
  switch (id_) {
    case TypeId::kNull: return "void";
    case TypeId::kStruct: {
      std::string s = "struct<";
      const auto& f = fields();
      for (size_t i = 0; i < f.size(); ++i) s += (i ? "," : "") + f[i].name + ":" + f[i].type.SimpleString();
      return s + ">";
    }
    case TypeId::kArray: return "array<" + element().SimpleString() + ">";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    default: return ToLower(ToString());
  }
}

bool DataType::operator==(const DataType& o) const {
  if (id_ != o.id_) return false;
  switch (id_) {
    case TypeId::kDecimal: return precision_ == o.precision_ && scale_ == o.scale_;
    case TypeId::kStruct: {
      const auto& a = fields();
      const auto& b = o.fields();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
      }
      return true;
    }
    case TypeId::kArray: return element() == o.element();
    default: return true;
  }
}

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (EqualsIgnoreCase(fields_[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string s;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) s += ", ";
    s += fields_[i].name + " " + fields_[i].type.ToString();
  }
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string ToUpper(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

}  // namespace sluice
