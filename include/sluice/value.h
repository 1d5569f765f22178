// Value: one SQL value with its type, as QueryResult::Rows() returns them and
// lit() takes them. Representation by type: BOOLEAN bool_value(); INT
// int_value(); BIGINT bigint_value(); DOUBLE double_value(); DECIMAL
// decimal_value() (the unscaled value; type().scale() digits after the
// point); STRING and BINARY str_value(); DATE int_value() (days since
// 1970-01-01); TIMESTAMP bigint_value() (microseconds since 1970-01-01 UTC);
// STRUCT and ARRAY children(). ToString() renders it as Spark's
// CAST(x AS STRING) does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "sluice/data_type.h"

namespace sluice {

class Value {
 public:
  Value() = default;  // NULL of type VOID

  static Value Null(DataType type) {
    Value v;
    v.type_ = std::move(type);
    return v;
  }
  static Value Boolean(bool b) { return Value(DataType::Boolean(), Storage(b)); }
  static Value Int(int32_t i) { return Value(DataType::Int(), Storage(i)); }
  static Value Bigint(int64_t i) { return Value(DataType::Bigint(), Storage(i)); }
  static Value Double(double d) { return Value(DataType::Double(), Storage(d)); }
  static Value Decimal(int128_t unscaled, int precision, int scale) {
    return Value(DataType::Decimal(precision, scale), Storage(unscaled));
  }
  static Value String(std::string s) { return Value(DataType::String(), Storage(std::move(s))); }
  static Value Binary(std::string s) { return Value(DataType::Binary(), Storage(std::move(s))); }
  static Value Date(int32_t days) { return Value(DataType::Date(), Storage(days)); }
  static Value Timestamp(int64_t micros) { return Value(DataType::Timestamp(), Storage(micros)); }
  // `type` is the STRUCT or ARRAY type; children are the field values or
  // the elements.
  static Value Nested(DataType type, std::vector<Value> children) {
    return Value(std::move(type),
                 Storage(std::make_shared<const std::vector<Value>>(std::move(children))));
  }

  const DataType& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }

  bool bool_value() const { return std::get<bool>(v_); }
  // INT and DATE.
  int32_t int_value() const { return std::get<int32_t>(v_); }
  // BIGINT and TIMESTAMP.
  int64_t bigint_value() const { return std::get<int64_t>(v_); }
  double double_value() const { return std::get<double>(v_); }
  int128_t decimal_value() const { return std::get<int128_t>(v_); }
  // STRING and BINARY.
  const std::string& str_value() const { return std::get<std::string>(v_); }
  // STRUCT fields or ARRAY elements.
  const std::vector<Value>& children() const { return *std::get<NestedPtr>(v_); }

  // The value rendered as Spark's CAST(x AS STRING) renders it; NULL gives
  // "NULL".
  std::string ToString() const;
  // Rendering used inside SQL text (strings quoted), for EXPLAIN.
  std::string ToSqlLiteral() const;

  // Same type and same value (NULL equals NULL here: this is for tests and
  // hashing of literals, not SQL equality).
  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }

 private:
  using NestedPtr = std::shared_ptr<const std::vector<Value>>;
  using Storage =
      std::variant<std::monostate, bool, int32_t, int64_t, double, int128_t, std::string, NestedPtr>;
  Value(DataType t, Storage v) : type_(std::move(t)), v_(std::move(v)) {}

  DataType type_;
  Storage v_;
};

}  // namespace sluice
