// JSON functions (simdjson): from_json(str, 'a INT, b STRING, ...'),
// get_json_object(str, '$.a.b[0]'), to_json(struct | array).
//
// from_json's schema must be a string literal. The exec module does not
// depend on sql/, so the DDL type string is parsed here by ParseTypeString
// (a small parser for Spark's type syntax: "a INT, b STRUCT<x: INT>",
// "STRUCT<...>", "ARRAY<...>", DECIMAL(p,s)). The optional third argument
// holds Spark's options (exec/functions/json_options.h): in mode PERMISSIVE
// (the default) malformed JSON gives a struct of NULL fields (Spark 4; an
// ARRAY schema: NULL) and a field whose JSON value does not fit its type is
// NULL; text after the first JSON value is ignored; in FAILFAST either fails the query;
// DROPMALFORMED needs a source that parses the JSON itself.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/json_writer.h"
#include "exec/functions/cast_ops.h"
#include "exec/functions/function_table.h"
#include "exec/functions/json_options.h"
#include "exec/functions/kernel_util.h"
#include "json/first_json_value.h"
#include "json/non_numeric_numbers.h"
#include "render/scalar_text.h"
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

// --- JSON -> columns ---
//
// from_json parses a batch of JSON strings with simdjson's DOM parser (one
// parser per thread, each value copied into a padded scratch buffer) and
// writes each value straight into the result's typed vectors: STRUCT fields
// into child vectors, ARRAY elements appended to the element vector. No
// per-row Value objects. The DOM parse validates the whole document, so any
// malformed JSON (even in a field the schema does not ask for) gives a NULL
// result, as Spark's PERMISSIVE mode does (FAILFAST: an error).
//
// Conversion rules (Spark's JSON reader, as from_json has always applied
// them): JSON null -> NULL; INT/BIGINT from integral numbers in range;
// DOUBLE from any number or the strings NaN/Infinity/-Infinity; DECIMAL from
// numbers that fit; STRING/BINARY from strings, other JSON as compact text;
// DATE/TIMESTAMP from ISO strings; BOOLEAN from true/false; anything else ->
// NULL field (FAILFAST: an error naming the field). STRUCT keys: the first
// occurrence of a key is used.

using simdjson::dom::element;
using simdjson::dom::element_type;

// How to convert one JSON value into one column type.
struct JsonPlan {
  DataType type;
  TypeId id = TypeId::kNull;
  std::vector<JsonPlan> children;  // STRUCT: one per field; ARRAY: the element
  std::vector<std::string> names;  // STRUCT field names
  // STRUCT key lookup: slot hint per key position (objects usually list
  // their keys in the same order), a map for wide structs, and the slots
  // seen in the current object.
  std::vector<int> hint;
  std::unordered_map<std::string_view, int> index;
  std::vector<uint8_t> seen;
  // Set when a value did not fit its type; one flag for the whole tree.
  bool* failed;

  static constexpr size_t kMaxHints = 256;
  static constexpr size_t kIndexAbove = 8;

  JsonPlan(const DataType& t, bool* failed_flag) : type(t), id(t.id()), failed(failed_flag) {
    if (id == TypeId::kStruct) {
      for (const auto& f : t.fields()) {
        children.emplace_back(f.type, failed);
        names.push_back(f.name);
      }
      seen.resize(names.size());
      if (names.size() > kIndexAbove) {
        // First declared field wins for duplicate names.
        for (size_t i = 0; i < names.size(); ++i) index.emplace(names[i], static_cast<int>(i));
      }
    } else if (id == TypeId::kArray) {
      children.emplace_back(t.element(), failed);
    }
  }

  // Field slot of `key` at object position `pos`, -1 if not in the schema.
  int Lookup(std::string_view key, size_t pos) {
    if (pos < hint.size()) {
      int h = hint[pos];
      if (h >= 0 && names[static_cast<size_t>(h)] == key) return h;
    }
    int slot = -1;
    if (!index.empty()) {
      auto it = index.find(key);
      if (it != index.end()) slot = it->second;
    } else {
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == key) {
          slot = static_cast<int>(i);
          break;
        }
      }
    }
    if (pos < kMaxHints) {
      if (hint.size() <= pos) hint.resize(pos + 1, -1);
      hint[pos] = slot;
    }
    return slot;
  }
};

// Why a value did not fit the schema (FAILFAST): the path from the
// top-level value down to the value that did not fit ("a", "o.arr[2].x",
// "[1]"; empty: the top-level value itself) and what was wrong with it.
struct JsonFailure {
  std::string path;
  std::string what;
};

// FAILFAST's error path: out of line and cold, away from the hot loop.
#define SLUICE_JSON_COLD [[gnu::cold, gnu::noinline]]

SLUICE_JSON_COLD const char* JsonKindName(element e) {
  switch (e.type()) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "number";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "value";
}

// "cannot convert JSON string to INT"; numbers name their text.
SLUICE_JSON_COLD std::string CannotConvert(element e, const DataType& t) {
  std::string s = "cannot convert JSON ";
  s += JsonKindName(e);
  if (e.is_number()) s += " " + simdjson::minify(e);
  return s + " to " + t.ToString();
}

// `prefix` ("a", "[2]") followed by the failure path below it.
SLUICE_JSON_COLD void PrependPath(JsonFailure* f, const std::string& prefix) {
  if (f->path.empty()) {
    f->path = prefix;
  } else if (f->path[0] == '[') {
    f->path = prefix + f->path;
  } else {
    f->path = prefix + "." + f->path;
  }
}

// Writes `e` converted to p's type into row `row` of `out` (rows are written
// front to back; ARRAY rows append to the element vector). A value that does
// not fit is NULL and sets *p.failed (FAILFAST then finds it again with
// FindJsonFailure; nothing else is spent on failures here, to keep this
// path as lean as PERMISSIVE needs it).
void ConvertJson(element e, JsonPlan& p, Vector& out, size_t row) {
  if (e.is_null()) return SetRowNull(out, row);
  switch (p.id) {
    case TypeId::kBoolean: {
      bool b;
      if (e.get(b) != simdjson::SUCCESS) break;
      out.SetValid(row);
      out.data<uint8_t>()[row] = b ? 1 : 0;
      return;
    }
    case TypeId::kInt: {
      int64_t v;
      if (e.get(v) != simdjson::SUCCESS || v < INT32_MIN || v > INT32_MAX) break;
      out.SetValid(row);
      out.data<int32_t>()[row] = static_cast<int32_t>(v);
      return;
    }
    case TypeId::kBigint: {
      int64_t v;
      if (e.get(v) != simdjson::SUCCESS) break;
      out.SetValid(row);
      out.data<int64_t>()[row] = v;
      return;
    }
    case TypeId::kDouble: {
      double d;
      if (e.get(d) != simdjson::SUCCESS) {
        std::string_view s;
        // Spark accepts "NaN"/"Infinity" strings for doubles.
        if (e.get(s) != simdjson::SUCCESS || !ParseDoubleText(s, &d) || !(std::isnan(d) || std::isinf(d))) break;
      }
      out.SetValid(row);
      out.data<double>()[row] = d;
      return;
    }
    case TypeId::kDecimal: {
      if (e.type() != element_type::INT64 && e.type() != element_type::UINT64 && e.type() != element_type::DOUBLE) {
        break;
      }
      std::string text = simdjson::minify(e);
      int128_t v;
      if (!ParseDecimalText(text, p.type.precision(), p.type.scale(), &v)) break;
      out.SetValid(row);
      out.data<int128_t>()[row] = v;
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view s;
      out.SetValid(row);
      if (e.get(s) == simdjson::SUCCESS) {
        out.SetString(row, s);
      } else {
        out.SetString(row, simdjson::minify(e));
      }
      return;
    }
    case TypeId::kDate: {
      std::string_view s;
      if (e.get(s) != simdjson::SUCCESS) break;
      auto d = ParseDate(s);
      if (!d) break;
      out.SetValid(row);
      out.data<int32_t>()[row] = *d;
      return;
    }
    case TypeId::kTimestamp: {
      std::string_view s;
      if (e.get(s) != simdjson::SUCCESS) break;
      auto ts = ParseTimestamp(s);
      if (!ts) break;
      out.SetValid(row);
      out.data<int64_t>()[row] = *ts;
      return;
    }
    case TypeId::kArray: {
      simdjson::dom::array arr;
      if (e.get(arr) != simdjson::SUCCESS) break;
      Vector& elems = out.child(0);
      JsonPlan& ep = p.children[0];
      for (element x : arr) {
        size_t idx = elems.size();
        elems.Resize(idx + 1);
        ConvertJson(x, ep, elems, idx);
      }
      out.SetValid(row);
      out.offsets()[row + 1] = static_cast<uint32_t>(elems.size());
      return;
    }
    case TypeId::kStruct: {
      simdjson::dom::object obj;
      if (e.get(obj) != simdjson::SUCCESS) break;
      const size_t nf = p.children.size();
      uint8_t* seen = p.seen.data();
      if (nf) std::memset(seen, 0, nf);
      size_t pos = 0;
      for (auto field : obj) {
        int slot = p.Lookup(field.key, pos++);
        if (slot < 0 || seen[slot]) continue;  // not in the schema, or a repeated key
        seen[slot] = 1;
        ConvertJson(field.value, p.children[static_cast<size_t>(slot)], out.child(static_cast<size_t>(slot)), row);
      }
      for (size_t f = 0; f < nf; ++f) {
        if (!seen[f]) SetRowNull(out.child(f), row);
      }
      out.SetValid(row);
      return;
    }
    default: break;
  }
  SetRowNull(out, row);
  *p.failed = true;
}

// Converting `e` to p's type set the failed flag: finds where, converting
// its fields or elements again one at a time into scratch vectors, so that
// ConvertJson stays the one definition of what fits. FAILFAST only, once,
// just before the query fails. Fields are found with at_key: a range-for
// over the object here made GCC 12 stop inlining simdjson's get_string into
// ConvertJson (BM_FromJson, PERMISSIVE, 5% slower).
SLUICE_JSON_COLD JsonFailure FindJsonFailure(element e, JsonPlan& p) {
  auto failed_in = [&](element x, JsonPlan& c) {
    Vector scratch(c.type, 1);
    *c.failed = false;
    ConvertJson(x, c, scratch, 0);
    return *c.failed;
  };
  if (p.id == TypeId::kStruct) {
    simdjson::dom::object obj;
    if (e.get(obj) == simdjson::SUCCESS) {
      for (size_t s = 0; s < p.names.size(); ++s) {
        // As ConvertJson: the first declared field of a name, the first
        // occurrence of the key (at_key's).
        if (std::find(p.names.begin(), p.names.begin() + static_cast<std::ptrdiff_t>(s), p.names[s]) !=
            p.names.begin() + static_cast<std::ptrdiff_t>(s)) {
          continue;
        }
        element v;
        if (obj.at_key(p.names[s]).get(v) != simdjson::SUCCESS) continue;
        if (failed_in(v, p.children[s])) {
          JsonFailure f = FindJsonFailure(v, p.children[s]);
          PrependPath(&f, p.names[s]);
          return f;
        }
      }
    }
  } else if (p.id == TypeId::kArray) {
    simdjson::dom::array arr;
    if (e.get(arr) == simdjson::SUCCESS) {
      size_t i = 0;
      for (element x : arr) {
        if (failed_in(x, p.children[0])) {
          JsonFailure f = FindJsonFailure(x, p.children[0]);
          PrependPath(&f, "[" + std::to_string(i) + "]");
          return f;
        }
        ++i;
      }
    }
  }
  return JsonFailure{"", CannotConvert(e, p.type)};
}

// Per-thread DOM parser and padded copy of the value being parsed.
struct JsonScratch {
  simdjson::dom::parser parser;
  std::unique_ptr<char[]> buf;
  size_t capacity = 0;

  // `text` copied into the scratch buffer, followed by zeroed padding.
  const char* Pad(std::string_view text) {
    // The first call allocates even for an empty text: the padding after it
    // must be writable.
    if (!buf || text.size() > capacity) {
      capacity = std::max(text.size(), std::max<size_t>(capacity * 2, 4096));
      buf.reset(new char[capacity + simdjson::SIMDJSON_PADDING]);
    }
    // An empty view may have a null data(): memcpy from null is undefined
    // even for zero bytes.
    if (!text.empty()) std::memcpy(buf.get(), text.data(), text.size());
    std::memset(buf.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return buf.get();
  }
};

// FAILFAST's error: what was wrong, then the start of the value.
SLUICE_JSON_COLD Status MalformedJsonValue(std::string_view text, const std::string& what) {
  return Status::MalformedRecord("[MALFORMED_RECORD_IN_PARSING] " + what + " in the value " +
                                 QuoteRecordStart(text, 200) +
                                 " (from_json mode FAILFAST; use PERMISSIVE to get NULL instead)");
}

SLUICE_JSON_COLD std::string DescribeFailure(const JsonFailure& f) {
  if (f.path.empty()) return f.what;
  if (f.path[0] == '[') return "element " + f.path + ": " + f.what;
  return "field '" + f.path + "': " + f.what;
}

// A malformed record in PERMISSIVE mode, as Spark 4 gives it: a STRUCT whose
// fields are all NULL (an ARRAY schema: NULL).
void SetMalformedRow(Vector& out, size_t row) {
  SetRowNull(out, row);
  if (out.type().id() != TypeId::kStruct) return;
  out.SetValid(row);
}

Result<Vector> FromJson(const KernelContext& ctx, const std::vector<Vector>& args, size_t n, bool fail_fast) {
  const DataType& t = ctx.call->type;
  const Vector& s = args[0];
  Vector out(t, n);
  bool failed = false;
  JsonPlan plan(t, &failed);
  thread_local JsonScratch scratch;
  const std::string_view* texts = s.data<std::string_view>();
  for (size_t i = 0; i < n; ++i) {
    size_t r = Row(s, n, i);
    if (!s.IsValid(r)) {
      SetRowNull(out, i);
      continue;
    }
    const std::string_view text = texts[r];
    element doc;
    auto err = scratch.parser.parse(scratch.Pad(text), text.size(), false).get(doc);
    if (err != simdjson::SUCCESS && err != simdjson::EMPTY) {
      // Spark's parser reads one value and ignores what follows it.
      const size_t end = FirstJsonValueEnd(text);
      if (end < text.size()) err = scratch.parser.parse(scratch.Pad(text.substr(0, end)), end, false).get(doc);
    }
    std::optional<std::string> quoted;
    if (err != simdjson::SUCCESS && err != simdjson::EMPTY && (quoted = QuoteNonNumericNumbers(text))) {
      // Spark reads NaN, Infinity, -INF, ... unquoted: quoted, a DOUBLE
      // field's converter reads them as the numbers.
      std::string_view q = *quoted;
      err = scratch.parser.parse(scratch.Pad(q), q.size(), false).get(doc);
      if (err != simdjson::SUCCESS) {
        const size_t end = FirstJsonValueEnd(q);
        if (end < q.size()) err = scratch.parser.parse(scratch.Pad(q.substr(0, end)), end, false).get(doc);
      }
    }
    if (err != simdjson::SUCCESS) {
      // Empty or blank text holds no record at all (Spark: no JSON token),
      // NULL in every mode.
      if (err == simdjson::EMPTY) {
        SetRowNull(out, i);
        continue;
      }
      if (fail_fast) {
        return MalformedJsonValue(text, std::string("malformed JSON (") + simdjson::error_message(err) + ")");
      }
      SetMalformedRow(out, i);
      continue;
    }
    // FAILFAST: a top-level JSON null is a bad record too (Spark: the root
    // converter returned null).
    if (fail_fast && doc.is_null()) return MalformedJsonValue(text, CannotConvert(doc, t));
    // PERMISSIVE: a top-level value that is no object (null included) is a
    // malformed record for a STRUCT schema.
    if (t.id() == TypeId::kStruct && doc.type() != element_type::OBJECT) {
      if (fail_fast) return MalformedJsonValue(text, CannotConvert(doc, t));
      SetMalformedRow(out, i);
      continue;
    }
    ConvertJson(doc, plan, out, i);
    if (fail_fast && failed) return MalformedJsonValue(text, DescribeFailure(FindJsonFailure(doc, plan)));
  }
  return out;
}

Result<Vector> FromJsonKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  // Once per call: a literal checked at bind.
  SLUICE_ASSIGN_OR_RETURN(FromJsonOptions options, FromJsonOptionsOf(*ctx.call));
  switch (options.mode) {
    case ParseMode::kPermissive: return FromJson(ctx, args, n, false);
    case ParseMode::kFailFast: return FromJson(ctx, args, n, true);
    case ParseMode::kDropMalformed: break;
  }
  return Status::ExecutionError(
      "from_json does not support the DROPMALFORMED mode here: dropping a record needs a source that parses the "
      "JSON itself (a Kafka source read with from_json(CAST(value AS STRING), ...) directly); use PERMISSIVE or "
      "FAILFAST");
}

Result<ExprPtr> BindFromJson(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  SLUICE_ASSIGN_OR_RETURN(std::string schema, LiteralStringArg(name, args, 1));
  TypeParser p(schema);
  SLUICE_ASSIGN_OR_RETURN(DataType t, p.ParseTopLevel());
  if (!t.is_nested()) return Status::AnalysisError("from_json: the schema must be a STRUCT or ARRAY, got " + t.ToString());
  // args[2], if any: the options, a STRING literal made by the binder from
  // map('mode', 'FAILFAST', ...) (kept: FromJsonOptionsOf reads it there).
  ExprPtr call = Call(def, name, std::move(args), t, true);
  SLUICE_RETURN_NOT_OK(FromJsonOptionsOf(*call).status());
  return call;
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
    // An empty string holds no JSON (Spark: NULL); its view may have a null
    // data(), which simdjson would memcpy from.
    if (text.empty() || !ParsePath(path, &steps) ||
        parser.parse(text.data(), text.size(), true).get(e) != simdjson::SUCCESS) {
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

// Escaped as Jackson does, invalid UTF-8 replaced by U+FFFD (as Spark's
// to_json does through Java strings).
void JsonString(std::string_view s, std::string* out) { AppendJsonTextString(out, s); }

// One row of a column as JSON, read from the vectors themselves: no Value
// is built per row (a struct's Value holds a vector of its fields), which
// made to_json cost more than the from_json before it in a Kafka -> Kafka
// pipeline. Nulls: a struct's null field is left out (Spark's
// ignoreNullFields), an array's null element is written as null.
void ToJsonAt(const Vector& v, size_t i, std::string* out) {
  if (v.IsNull(i)) {
    *out += "null";
    return;
  }
  char num[64];
  auto append_int = [&](int64_t x) {
    auto r = std::to_chars(num, num + sizeof num, x);
    out->append(num, r.ptr);
  };
  switch (v.type().id()) {
    case TypeId::kBoolean: *out += v.data<uint8_t>()[i] != 0 ? "true" : "false"; break;
    case TypeId::kInt: append_int(v.data<int32_t>()[i]); break;
    case TypeId::kBigint: append_int(v.data<int64_t>()[i]); break;
    case TypeId::kDecimal: *out += FormatDecimal(v.data<int128_t>()[i], v.type().scale()); break;
    case TypeId::kDouble: {
      double d = v.data<double>()[i];
      if (std::isnan(d) || std::isinf(d)) {
        JsonString(FormatDouble(d), out);
      } else {
        *out += FormatDouble(d);
      }
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary: JsonString(v.GetString(i), out); break;
    case TypeId::kDate: JsonString(FormatDate(v.data<int32_t>()[i]), out); break;
    case TypeId::kTimestamp:
      // Spark's default JSON timestampFormat, yyyy-MM-dd'T'HH:mm:ss.SSSXXX:
      // always milliseconds ("2024-01-01T00:00:00.000Z").
      JsonString(FormatTimestampIso(v.data<int64_t>()[i]), out);
      break;
    case TypeId::kStruct: {
      out->push_back('{');
      bool first = true;
      const auto& fields = v.type().fields();
      for (size_t f = 0; f < fields.size(); ++f) {
        const Vector& c = v.child(f);
        if (c.IsNull(i)) continue;  // ignoreNullFields
        if (!first) out->push_back(',');
        first = false;
        JsonString(fields[f].name, out);
        out->push_back(':');
        ToJsonAt(c, i, out);
      }
      out->push_back('}');
      break;
    }
    case TypeId::kArray: {
      out->push_back('[');
      const uint32_t* off = v.offsets();
      for (uint32_t k = off[i]; k < off[i + 1]; ++k) {
        if (k != off[i]) out->push_back(',');
        ToJsonAt(v.child(0), k, out);
      }
      out->push_back(']');
      break;
    }
    case TypeId::kNull: *out += "null"; break;
  }
}

Result<Vector> ToJsonKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::String(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  std::string buf;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    buf.clear();
    ToJsonAt(args[0], Row(args[0], n, i), &buf);
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
  from.max_args = 3;  // the options: see BindFromJson
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
