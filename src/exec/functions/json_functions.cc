// JSON functions (simdjson): from_json(str, 'a INT, b STRING, ...'),
// get_json_object(str, '$.a.b[0]'), to_json(struct | array).
//
// from_json's schema must be a string literal. The exec module does not
// depend on sql/, so the DDL type string is parsed here by ParseTypeString
// (a small parser for Spark's type syntax: "a INT, b STRUCT<x: INT>",
// "STRUCT<...>", "ARRAY<...>", DECIMAL(p,s)). Malformed JSON gives a NULL
// struct (Spark's PERMISSIVE mode); a field whose JSON value does not fit
// its type is NULL.
#include <simdjson.h>

#include <cctype>
#include <cmath>
#include <cstdio>

#include "exec/functions/cast_ops.h"
#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"
#include "types/datetime.h"

namespace sluice::fn {

namespace {

// --- type strings ---

class TypeParser {
 public:
  explicit TypeParser(std::string_view s) : s_(s) {}

  Result<DataType> ParseTopLevel() {
    SkipWs();
    size_t save = p_;
    std::string word = Word();
    SkipWs();
    std::string up = ToUpper(word);
    if ((up == "STRUCT" || up == "ARRAY") && p_ < s_.size() && s_[p_] == '<') {
      p_ = save;
      SLUICE_ASSIGN_OR_RETURN(DataType t, Type());
      SkipWs();
      if (p_ != s_.size()) return Error("unexpected text");
      return t;
    }
    p_ = save;
    std::vector<StructField> fields;
    SLUICE_RETURN_NOT_OK(Fields(&fields, '\0'));
    if (p_ != s_.size()) return Error("unexpected text");
    return DataType::Struct(std::move(fields));
  }

 private:
  Status Error(const std::string& what) {
    return Status::AnalysisError("cannot parse the schema '" + std::string(s_) + "' at position " +
                                 std::to_string(p_ + 1) + ": " + what);
  }
  void SkipWs() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  std::string Word() {
    SkipWs();
    if (p_ < s_.size() && s_[p_] == '`') {
      size_t e = s_.find('`', p_ + 1);
      if (e == std::string_view::npos) e = s_.size();
      std::string w(s_.substr(p_ + 1, e - p_ - 1));
      p_ = std::min(e + 1, s_.size());
      return w;
    }
    size_t b = p_;
    while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_')) ++p_;
    return std::string(s_.substr(b, p_ - b));
  }
  bool Eat(char c) {
    SkipWs();
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  // name [:] type (NOT NULL)? [, ...] until `close`.
  Status Fields(std::vector<StructField>* fields, char close) {
    while (true) {
      SkipWs();
      if (close != '\0' && Eat(close)) return Status::OK();
      std::string name = Word();
      if (name.empty()) return Error("expected a field name");
      Eat(':');
      SLUICE_ASSIGN_OR_RETURN(DataType t, Type());
      bool nullable = true;
      size_t save = p_;
      if (ToUpper(Word()) == "NOT" && ToUpper(Word()) == "NULL") {
        nullable = false;
      } else {
        p_ = save;
      }
      fields->push_back({name, t, nullable});
      SkipWs();
      if (Eat(',')) continue;
      if (close == '\0') return p_ == s_.size() ? Status::OK() : Error("expected ','");
      if (Eat(close)) return Status::OK();
      return Error(std::string("expected ',' or '") + close + "'");
    }
  }
  Result<DataType> Type() {
    std::string w = ToUpper(Word());
    if (w == "INT" || w == "INTEGER" || w == "SMALLINT" || w == "TINYINT" || w == "SHORT" || w == "BYTE") {
      return DataType::Int();
    }
    if (w == "BIGINT" || w == "LONG") return DataType::Bigint();
    if (w == "DOUBLE" || w == "FLOAT" || w == "REAL") return DataType::Double();
    if (w == "STRING" || w == "VARCHAR" || w == "CHAR" || w == "TEXT") {
      if (Eat('(')) {
        Word();
        if (!Eat(')')) return Error("expected ')'");
      }
      return DataType::String();
    }
    if (w == "BOOLEAN" || w == "BOOL") return DataType::Boolean();
    if (w == "BINARY") return DataType::Binary();
    if (w == "DATE") return DataType::Date();
    if (w == "TIMESTAMP" || w == "TIMESTAMP_LTZ" || w == "TIMESTAMP_NTZ") return DataType::Timestamp();
    if (w == "DECIMAL" || w == "DEC" || w == "NUMERIC") {
      int p = 10, sc = 0;
      if (Eat('(')) {
        p = std::atoi(Word().c_str());
        if (Eat(',')) sc = std::atoi(Word().c_str());
        if (!Eat(')')) return Error("expected ')'");
      }
      if (p < 1 || p > 38 || sc < 0 || sc > p) return Error("invalid decimal precision/scale");
      return DataType::Decimal(p, sc);
    }
    if (w == "ARRAY") {
      if (!Eat('<')) return Error("expected '<'");
      SLUICE_ASSIGN_OR_RETURN(DataType e, Type());
      if (!Eat('>')) return Error("expected '>'");
      return DataType::Array(e);
    }
    if (w == "STRUCT") {
      if (!Eat('<')) return Error("expected '<'");
      std::vector<StructField> fields;
      SLUICE_RETURN_NOT_OK(Fields(&fields, '>'));
      return DataType::Struct(std::move(fields));
    }
    return Error("unknown type '" + w + "'");
  }

  std::string_view s_;
  size_t p_ = 0;
};

// --- JSON -> Value ---

using simdjson::dom::element;
using simdjson::dom::element_type;

Value FromJson(element e, const DataType& t) {
  if (e.is_null()) return Value::Null(t);
  switch (t.id()) {
    case TypeId::kBoolean: {
      bool b;
      if (e.get(b) == simdjson::SUCCESS) return Value::Boolean(b);
      return Value::Null(t);
    }
    case TypeId::kInt:
    case TypeId::kBigint: {
      int64_t v;
      if (e.get(v) != simdjson::SUCCESS) return Value::Null(t);
      if (t.id() == TypeId::kInt) {
        if (v < INT32_MIN || v > INT32_MAX) return Value::Null(t);
        return Value::Int(static_cast<int32_t>(v));
      }
      return Value::Bigint(v);
    }
    case TypeId::kDouble: {
      double d;
      if (e.get(d) == simdjson::SUCCESS) return Value::Double(d);
      std::string_view s;
      if (e.get(s) == simdjson::SUCCESS && ParseDoubleText(s, &d)) {
        // Spark accepts "NaN"/"Infinity" strings for doubles.
        if (std::isnan(d) || std::isinf(d)) return Value::Double(d);
      }
      return Value::Null(t);
    }
    case TypeId::kDecimal: {
      if (e.type() != element_type::INT64 && e.type() != element_type::UINT64 && e.type() != element_type::DOUBLE) {
        return Value::Null(t);
      }
      std::string text = simdjson::minify(e);
      int128_t v;
      if (!ParseDecimalText(text, t.precision(), t.scale(), &v)) return Value::Null(t);
      return Value::Decimal(v, t.precision(), t.scale());
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view s;
      if (e.get(s) == simdjson::SUCCESS) return Value::String(std::string(s));
      return Value::String(simdjson::minify(e));
    }
    case TypeId::kDate: {
      std::string_view s;
      if (e.get(s) != simdjson::SUCCESS) return Value::Null(t);
      auto d = ParseDate(s);
      return d ? Value::Date(*d) : Value::Null(t);
    }
    case TypeId::kTimestamp: {
      std::string_view s;
      if (e.get(s) != simdjson::SUCCESS) return Value::Null(t);
      auto ts = ParseTimestamp(s);
      return ts ? Value::Timestamp(*ts) : Value::Null(t);
    }
    case TypeId::kArray: {
      simdjson::dom::array arr;
      if (e.get(arr) != simdjson::SUCCESS) return Value::Null(t);
      std::vector<Value> elems;
      for (element x : arr) elems.push_back(FromJson(x, t.element()));
      return Value::Nested(t, std::move(elems));
    }
    case TypeId::kStruct: {
      simdjson::dom::object obj;
      if (e.get(obj) != simdjson::SUCCESS) return Value::Null(t);
      std::vector<Value> fields;
      for (const auto& f : t.fields()) {
        element v;
        if (obj.at_key(f.name).get(v) == simdjson::SUCCESS) {
          fields.push_back(FromJson(v, f.type));
        } else {
          fields.push_back(Value::Null(f.type));
        }
      }
      return Value::Nested(t, std::move(fields));
    }
    default: return Value::Null(t);
  }
}

Result<Vector> FromJsonKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const DataType& t = ctx.call->type;
  const Vector& s = args[0];
  Vector out(t, 0);
  out.Reserve(n);
  simdjson::dom::parser parser;
  for (size_t i = 0; i < n; ++i) {
    size_t r = Row(s, n, i);
    if (!s.IsValid(r)) {
      out.AppendValue(Value::Null(t));
      continue;
    }
    std::string_view text = s.data<std::string_view>()[r];
    element doc;
    if (parser.parse(text.data(), text.size(), true).get(doc) != simdjson::SUCCESS) {
      out.AppendValue(Value::Null(t));
      continue;
    }
    Value v = FromJson(doc, t);
    out.AppendValue(v);
  }
  return out;
}

Result<ExprPtr> BindFromJson(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  SLUICE_ASSIGN_OR_RETURN(std::string schema, LiteralStringArg(name, args, 1));
  TypeParser p(schema);
  SLUICE_ASSIGN_OR_RETURN(DataType t, p.ParseTopLevel());
  if (!t.is_nested()) return Status::AnalysisError("from_json: the schema must be a STRUCT or ARRAY, got " + t.ToString());
  args.resize(2);
  return Call(def, name, std::move(args), t, true);
}

// --- get_json_object ---

struct PathStep {
  bool is_index;
  std::string key;
  int64_t index;
};

bool ParsePath(std::string_view path, std::vector<PathStep>* steps) {
  if (path.empty() || path[0] != '$') return false;
  size_t p = 1;
  while (p < path.size()) {
    if (path[p] == '.') {
      size_t b = ++p;
      while (p < path.size() && path[p] != '.' && path[p] != '[') ++p;
      if (p == b) return false;
      steps->push_back({false, std::string(path.substr(b, p - b)), 0});
    } else if (path[p] == '[') {
      size_t e = path.find(']', p);
      if (e == std::string_view::npos) return false;
      std::string_view inner = path.substr(p + 1, e - p - 1);
      if (inner.size() >= 2 && inner.front() == '\'' && inner.back() == '\'') {
        steps->push_back({false, std::string(inner.substr(1, inner.size() - 2)), 0});
      } else {
        int64_t idx;
        if (!ParseInt64(inner, &idx) || idx < 0) return false;
        steps->push_back({true, "", idx});
      }
      p = e + 1;
    } else {
      return false;
    }
  }
  return true;
}

Result<Vector> GetJsonObjectKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::String(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  simdjson::dom::parser parser;
  std::vector<PathStep> steps;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    std::string_view text = args[0].data<std::string_view>()[Row(args[0], n, i)];
    std::string_view path = args[1].data<std::string_view>()[Row(args[1], n, i)];
    steps.clear();
    element e;
    if (!ParsePath(path, &steps) || parser.parse(text.data(), text.size(), true).get(e) != simdjson::SUCCESS) {
      out.SetNull(i);
      continue;
    }
    bool found = true;
    for (const auto& s : steps) {
      element next;
      if (s.is_index) {
        simdjson::dom::array arr;
        found = e.get(arr) == simdjson::SUCCESS && arr.at(static_cast<size_t>(s.index)).get(next) == simdjson::SUCCESS;
      } else {
        simdjson::dom::object obj;
        found = e.get(obj) == simdjson::SUCCESS && obj.at_key(s.key).get(next) == simdjson::SUCCESS;
      }
      if (!found) break;
      e = next;
    }
    if (!found || e.is_null()) {
      out.SetNull(i);
      continue;
    }
    std::string_view sv;
    if (e.get(sv) == simdjson::SUCCESS) {
      out.SetString(i, sv);
    } else {
      out.SetString(i, simdjson::minify(e));
    }
  }
  return out;
}

// --- to_json ---

void JsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void ToJson(const Value& v, std::string* out) {
  if (v.is_null()) {
    *out += "null";
    return;
  }
  switch (v.type().id()) {
    case TypeId::kBoolean:
    case TypeId::kInt:
    case TypeId::kBigint:
    case TypeId::kDecimal: *out += v.ToString(); break;
    case TypeId::kDouble: {
      double d = v.double_value();
      if (std::isnan(d) || std::isinf(d)) {
        JsonString(v.ToString(), out);
      } else {
        *out += v.ToString();
      }
      break;
    }
    case TypeId::kTimestamp: {
      // Spark's default JSON timestampFormat: yyyy-MM-dd'T'HH:mm:ss[.SSS]XXX
      int64_t us = v.bigint_value();
      std::string s = FormatTimestamp(us - FloorMod(us, 1000));
      s[10] = 'T';
      size_t dot = s.find('.');
      if (dot != std::string::npos) {
        while (s.size() - dot - 1 < 3) s += '0';
      }
      JsonString(s + "Z", out);
      break;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      bool first = true;
      const auto& fields = v.type().fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        const Value& f = v.children()[i];
        if (f.is_null()) continue;  // ignoreNullFields
        if (!first) out->push_back(',');
        first = false;
        JsonString(fields[i].name, out);
        out->push_back(':');
        ToJson(f, out);
      }
      out->push_back('}');
      break;
    }
    case TypeId::kArray: {
      out->push_back('[');
      for (size_t i = 0; i < v.children().size(); ++i) {
        if (i) out->push_back(',');
        ToJson(v.children()[i], out);
      }
      out->push_back(']');
      break;
    }
    default: JsonString(v.ToString(), out); break;
  }
}

Result<Vector> ToJsonKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::String(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  std::string buf;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    buf.clear();
    ToJson(GetArg(args[0], n, i), &buf);
    out.SetString(i, buf);
  }
  return out;
}

Result<ExprPtr> BindToJson(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (!args[0]->type.is_nested()) return ArgTypeError(name, args, 0, "STRUCT or ARRAY");
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), DataType::String(), nullable);
}

}  // namespace

void RegisterJsonFunctions(FunctionTable& t) {
  FunctionDef from;
  from.fn.name = "from_json";
  from.fn.kernel = FromJsonKernel;
  from.bind = BindFromJson;
  from.min_args = 2;
  from.max_args = 3;  // the options map is accepted and ignored
  t.Add(std::move(from));
  FunctionDef get;
  get.fn.name = "get_json_object";
  get.fn.kernel = GetJsonObjectKernel;
  get.bind = BindFixed;
  get.min_args = get.max_args = 2;
  get.params = {DataType::String(), DataType::String()};
  get.result = DataType::String();
  get.introduces_nulls = true;
  t.Add(std::move(get));
  FunctionDef to;
  to.fn.name = "to_json";
  to.fn.kernel = ToJsonKernel;
  to.bind = BindToJson;
  to.min_args = 1;
  to.max_args = 2;
  t.Add(std::move(to));
}

}  // namespace sluice::fn
