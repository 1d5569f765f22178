// Sluice's SQL types, named as Spark names them (DataType), a struct field
// (StructField) and a relation's columns (Schema): what a QueryResult's or a
// DataFrame's schema() holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

using int128_t = __int128;

enum class TypeId : uint8_t {
  kNull,
  kBoolean,
  kInt,
  kBigint,
  kDouble,
  kDecimal,
  kString,
  kBinary,
  kDate,
  kTimestamp,
  kStruct,
  kArray,
};

struct StructField;

class DataType {
 public:
  DataType() = default;  // NULL type

  static DataType Null() { return DataType(TypeId::kNull); }
  static DataType Boolean() { return DataType(TypeId::kBoolean); }
  static DataType Int() { return DataType(TypeId::kInt); }
  static DataType Bigint() { return DataType(TypeId::kBigint); }
  static DataType Double() { return DataType(TypeId::kDouble); }
  static DataType Decimal(int precision, int scale);
  static DataType String() { return DataType(TypeId::kString); }
  static DataType Binary() { return DataType(TypeId::kBinary); }
  static DataType Date() { return DataType(TypeId::kDate); }
  static DataType Timestamp() { return DataType(TypeId::kTimestamp); }
  static DataType Struct(std::vector<StructField> fields);
  static DataType Array(DataType element, bool contains_null = true);

  static constexpr int kMaxDecimalPrecision = 38;

  TypeId id() const { return id_; }
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  // STRUCT only.
  const std::vector<StructField>& fields() const;
  // Index of the field named `name` (case-insensitive), or -1.
  int FieldIndex(std::string_view name) const;
  // ARRAY only.
  const DataType& element() const;

  bool is_null() const { return id_ == TypeId::kNull; }
  bool is_integral() const { return id_ == TypeId::kInt || id_ == TypeId::kBigint; }
  bool is_numeric() const {
    return is_integral() || id_ == TypeId::kDouble || id_ == TypeId::kDecimal;
  }
  bool is_string_like() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }
  bool is_nested() const { return id_ == TypeId::kStruct || id_ == TypeId::kArray; }

  // Spark's spelling: INT, BIGINT, DECIMAL(10,2), STRUCT<a: INT, b: STRING>,
  // ARRAY<STRING>.
  std::string ToString() const;
  // Spark's simpleString (typeof(), EXPLAIN's ReadSchema): int, bigint,
  // decimal(10,2), array<string>, struct<a:int,b:string>.
  std::string SimpleString() const;

  bool operator==(const DataType& o) const;
  bool operator!=(const DataType& o) const { return !(*this == o); }

 private:
  explicit DataType(TypeId id) : id_(id) {}
  struct Nested;
  TypeId id_ = TypeId::kNull;
  uint8_t precision_ = 0;
  uint8_t scale_ = 0;
  std::shared_ptr<const Nested> nested_;
};

struct StructField {
  std::string name;
  DataType type;
  bool nullable = true;

  bool operator==(const StructField& o) const {
    return name == o.name && type == o.type && nullable == o.nullable;
  }
};

// A relation's columns. Names compare case-insensitively, as in Spark.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<StructField> fields) : fields_(std::move(fields)) {}

  const std::vector<StructField>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  const StructField& field(size_t i) const { return fields_[i]; }
  // Index of the first field named `name` (case-insensitive), or -1.
  int IndexOf(std::string_view name) const;
  void Add(StructField f) { fields_.push_back(std::move(f)); }
  // "a INT, b STRING": the form from_json and .schema() accept.
  std::string ToString() const;
  bool operator==(const Schema& o) const { return fields_ == o.fields_; }

 private:
  std::vector<StructField> fields_;
};

}  // namespace sluice
