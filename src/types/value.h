// Value: one SQL value with its type. Used for literals, constant folding,
// test expectations and row-at-a-time paths that are off the hot path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "types/data_type.h"

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

// Renderings shared by Value::ToString, CAST(... AS STRING) and the CLI.
// DOUBLE as Java's Double.toString (1.0, 0.001, 1.0E7, NaN, Infinity).
std::string FormatDouble(double d);
// DECIMAL: unscaled value with `scale` digits after the point.
std::string FormatDecimal(int128_t unscaled, int scale);
std::string Int128ToString(int128_t v);
// DATE: yyyy-MM-dd.
std::string FormatDate(int32_t days);
// TIMESTAMP: yyyy-MM-dd HH:mm:ss[.ffffff], trailing fraction zeros trimmed.
std::string FormatTimestamp(int64_t micros);

}  // namespace sluice
