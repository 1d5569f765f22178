#include "statement_results.h"

#include <cmath>
#include <cstdio>

#include "common/json_writer.h"
#include "sql/lexer.h"

namespace sluice {

std::vector<std::string_view> SplitStatements(std::string_view script) {
  std::vector<std::string_view> statements;
  size_t start = 0;          // where the current statement's text begins
  bool has_tokens = false;   // the current statement has a token yet
  for (const Token& t : Lexer(script).TokenizeAll()) {
    if (t.kind == TokenKind::kEnd) break;
    if (t.kind == TokenKind::kSymbol && t.text == ";") {
      if (has_tokens) statements.push_back(script.substr(start, t.offset - start));
      start = t.offset + 1;
      has_tokens = false;
      continue;
    }
    has_tokens = true;
  }
  if (has_tokens) statements.push_back(script.substr(start));
  return statements;
}

namespace {

void AppendHex(std::string* out, std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  out->append("0x");
  for (unsigned char c : bytes) {
    out->push_back(kDigits[c >> 4]);
    out->push_back(kDigits[c & 15]);
  }
}

void WriteValue(JsonWriter* w, const Value& v) {
  if (v.is_null()) {
    w->Null();
    return;
  }
  switch (v.type().id()) {
    case TypeId::kNull: w->Null(); break;
    case TypeId::kBoolean: w->Bool(v.bool_value()); break;
    case TypeId::kInt: w->Int(v.int_value()); break;
    case TypeId::kBigint: w->Int(v.bigint_value()); break;
    case TypeId::kDouble: {
      double d = v.double_value();
      if (std::isnan(d)) {
        w->String("NaN");
      } else if (std::isinf(d)) {
        w->String(d > 0 ? "Infinity" : "-Infinity");
      } else {
        char buf[40];
        std::snprintf(buf, sizeof(buf), "%.17g", d);
        std::string text = buf;
        if (text.find_first_of(".e") == std::string::npos) text += ".0";
        w->Raw(text);
      }
      break;
    }
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTimestamp: w->String(v.ToString()); break;
    case TypeId::kString: {
      std::string quoted;
      AppendJsonTextString(&quoted, v.str_value());
      w->Raw(quoted);
      break;
    }
    case TypeId::kBinary: {
      std::string hex;
      AppendHex(&hex, v.str_value());
      w->String(hex);
      break;
    }
    case TypeId::kStruct:
    case TypeId::kArray:
      w->BeginArray();
      for (const Value& child : v.children()) WriteValue(w, child);
      w->EndArray();
      break;
  }
}

}  // namespace

std::string StatementResultJson(const Result<QueryResult>& result) {
  JsonWriter w;
  w.BeginObject();
  if (!result.ok()) {
    std::string message;
    AppendJsonTextString(&message, result.status().ToString());
    w.Key("error").Raw(message).Key("user_error").Bool(result.status().IsUserError());
    return w.EndObject().Take();
  }
  w.Key("columns").BeginArray();
  for (const StructField& f : result->schema().fields()) {
    w.BeginObject().Key("name").String(f.name).Key("type").String(f.type.SimpleString()).EndObject();
  }
  w.EndArray().Key("rows").BeginArray();
  for (const auto& row : result->Rows()) {
    w.BeginArray();
    for (const Value& v : row) WriteValue(&w, v);
    w.EndArray();
  }
  w.EndArray();
  return w.EndObject().Take();
}

}  // namespace sluice
