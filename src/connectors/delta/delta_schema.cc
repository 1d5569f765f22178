#include "connectors/delta/delta_schema.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "common/json_writer.h"
#include "types/data_type.h"

namespace sluice {
namespace {

Status WriteType(JsonWriter& w, const DataType& t, const std::string& column) {
  switch (t.id()) {
    case TypeId::kBoolean: w.String("boolean"); return Status::OK();
    case TypeId::kInt: w.String("integer"); return Status::OK();
    case TypeId::kBigint: w.String("long"); return Status::OK();
    case TypeId::kDouble: w.String("double"); return Status::OK();
    case TypeId::kDecimal:
      w.String("decimal(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")");
      return Status::OK();
    case TypeId::kString: w.String("string"); return Status::OK();
    case TypeId::kBinary: w.String("binary"); return Status::OK();
    case TypeId::kDate: w.String("date"); return Status::OK();
    case TypeId::kTimestamp: w.String("timestamp"); return Status::OK();
    case TypeId::kArray:
      w.BeginObject().Key("type").String("array").Key("elementType");
      SLUICE_RETURN_NOT_OK(WriteType(w, t.element(), column + ".element"));
      w.Key("containsNull").Bool(true).EndObject();
      return Status::OK();
    case TypeId::kStruct:
      w.BeginObject().Key("type").String("struct").Key("fields").BeginArray();
      for (const StructField& f : t.fields()) {
        w.BeginObject().Key("name").String(f.name).Key("type");
        SLUICE_RETURN_NOT_OK(WriteType(w, f.type, column + "." + f.name));
        w.Key("nullable").Bool(f.nullable).Key("metadata").BeginObject().EndObject().EndObject();
      }
      w.EndArray().EndObject();
      return Status::OK();
    case TypeId::kNull: break;
  }
  return Status::InvalidArgument("column '" + column + "' has type " + t.ToString() +
                                 ", which a Delta table cannot hold; cast it to a concrete type");
}

Result<DataType> ParseType(const simdjson::dom::element& e, const std::string& column, const std::string& where);

Result<DataType> ParseStruct(const simdjson::dom::object& obj, const std::string& prefix, const std::string& where) {
  simdjson::dom::array fields;
  if (obj["fields"].get_array().get(fields)) {
    return Status::Corruption(where + ": schemaString struct " + (prefix.empty() ? "" : "'" + prefix + "' ") +
                              "has no fields array");
  }
  std::vector<StructField> out;
  for (simdjson::dom::element fe : fields) {
    simdjson::dom::object f;
    std::string_view name;
    if (fe.get_object().get(f) || f["name"].get_string().get(name)) {
      return Status::Corruption(where + ": schemaString has a field without a name");
    }
    std::string column = prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
    simdjson::dom::object meta;
    if (!f["metadata"].get_object().get(meta)) {
      for (auto [key, value] : meta) {
        if (key.substr(0, 6) == "delta.") {
          return Status::NotImplemented(where + ": column '" + column + "' carries the Delta column metadata '" +
                                        std::string(key) +
                                        "' (a constraint, generated/identity column or column mapping the writer "
                                        "must enforce), which Sluice's Delta sink does not implement");
        }
      }
    }
    simdjson::dom::element te;
    if (f["type"].get(te)) return Status::Corruption(where + ": schemaString column '" + column + "' has no type");
    SLUICE_ASSIGN_OR_RETURN(DataType t, ParseType(te, column, where));
    bool nullable = true;
    if (f["nullable"].get_bool().get(nullable)) {}  // absent: the default
    out.push_back(StructField{std::string(name), std::move(t), nullable});
  }
  return DataType::Struct(std::move(out));
}

Result<DataType> ParseType(const simdjson::dom::element& e, const std::string& column, const std::string& where) {
  std::string_view s;
  if (!e.get_string().get(s)) {
    if (s == "boolean") return DataType::Boolean();
    if (s == "integer") return DataType::Int();
    if (s == "long") return DataType::Bigint();
    if (s == "double") return DataType::Double();
    if (s == "string") return DataType::String();
    if (s == "binary") return DataType::Binary();
    if (s == "date") return DataType::Date();
    if (s == "timestamp") return DataType::Timestamp();
    int p = 0, sc = 0;
    if (std::sscanf(std::string(s).c_str(), "decimal(%d,%d)", &p, &sc) == 2 && p >= 1 &&
        p <= DataType::kMaxDecimalPrecision && sc >= 0 && sc <= p) {
      return DataType::Decimal(p, sc);
    }
    return Status::NotImplemented(where + ": column '" + column + "' has the Delta type '" + std::string(s) +
                                  "', which Sluice does not have, so its Delta sink cannot write this table");
  }
  simdjson::dom::object obj;
  std::string_view kind;
  if (e.get_object().get(obj) || obj["type"].get_string().get(kind)) {
    return Status::Corruption(where + ": schemaString column '" + column + "' has a malformed type");
  }
  if (kind == "struct") return ParseStruct(obj, column, where);
  if (kind == "array") {
    simdjson::dom::element el;
    if (obj["elementType"].get(el)) {
      return Status::Corruption(where + ": schemaString array column '" + column + "' has no elementType");
    }
    SLUICE_ASSIGN_OR_RETURN(DataType elem, ParseType(el, column + ".element", where));
    bool contains_null = true;
    if (obj["containsNull"].get_bool().get(contains_null)) {}  // absent: the default
    return DataType::Array(std::move(elem), contains_null);
  }
  return Status::NotImplemented(where + ": column '" + column + "' has the Delta type '" + std::string(kind) +
                                "', which Sluice does not have, so its Delta sink cannot write this table");
}

// Type equality without nullability (struct fields' and array elements').
bool SameType(const DataType& a, const DataType& b) {
  if (a.id() != b.id()) return false;
  switch (a.id()) {
    case TypeId::kDecimal: return a.precision() == b.precision() && a.scale() == b.scale();
    case TypeId::kArray: return SameType(a.element(), b.element());
    case TypeId::kStruct: {
      if (a.fields().size() != b.fields().size()) return false;
      for (size_t i = 0; i < a.fields().size(); i++) {
        if (!EqualsIgnoreCase(a.fields()[i].name, b.fields()[i].name) ||
            !SameType(a.fields()[i].type, b.fields()[i].type)) {
          return false;
        }
      }
      return true;
    }
    default: return true;
  }
}

}  // namespace

Result<std::string> DeltaSchemaString(const Schema& schema) {
  JsonWriter w;
  w.BeginObject().Key("type").String("struct").Key("fields").BeginArray();
  for (const StructField& f : schema.fields()) {
    w.BeginObject().Key("name").String(f.name).Key("type");
    SLUICE_RETURN_NOT_OK(WriteType(w, f.type, f.name));
    w.Key("nullable").Bool(f.nullable).Key("metadata").BeginObject().EndObject().EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

Result<Schema> ParseDeltaSchemaString(std::string_view json, const std::string& where) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  std::string_view kind;
  if (parser.parse(json.data(), json.size()).get(doc) || doc.get_object().get(obj) ||
      obj["type"].get_string().get(kind) || kind != "struct") {
    return Status::Corruption(where + ": metaData.schemaString is not a JSON struct schema");
  }
  SLUICE_ASSIGN_OR_RETURN(DataType t, ParseStruct(obj, "", where));
  return Schema(t.fields());
}

std::string DeltaSchemaMismatch(const Schema& table, const Schema& query) {
  for (size_t i = 0; i < std::max(table.size(), query.size()); i++) {
    if (i >= table.size()) return "the query has the extra column '" + query.field(i).name + "'";
    if (i >= query.size()) return "the query lacks the table's column '" + table.field(i).name + "'";
    const StructField& t = table.field(i);
    const StructField& q = query.field(i);
    if (!EqualsIgnoreCase(t.name, q.name)) {
      return "column " + std::to_string(i + 1) + " is '" + t.name + "' in the table but '" + q.name +
             "' in the query";
    }
    if (!SameType(t.type, q.type)) {
      return "column '" + t.name + "' is " + t.type.ToString() + " in the table but " + q.type.ToString() +
             " in the query";
    }
  }
  return "";
}

}  // namespace sluice
