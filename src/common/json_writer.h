// JsonWriter: builds compact JSON text (no spaces), as the checkpoint files
// and progress reports need it. Strings are escaped per RFC 8259: '"', '\\'
// and control characters (as \n, \t, ... or \u00XX); other bytes, including
// UTF-8 sequences, are copied as they are.
//
//   JsonWriter w;
//   w.BeginObject().Key("id").String("x").Key("n").Int(3).EndObject();
//   w.str()  // {"id":"x","n":3}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Double(double value);  // non-finite values are written as null
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Inserts already-serialized JSON as one value.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  // Per open container: whether it has an element yet.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// Appends `s` to *out as a quoted, escaped JSON string, its bytes kept as
// they are (checkpoint files must read back exactly, file paths included).
void AppendJsonString(std::string* out, std::string_view s);
// The same for text written for other readers (the JSON writer of the file
// sink and the CLI, to_json): each ill-formed UTF-8 sequence is replaced by
// U+FFFD, one per maximal subpart (the Unicode Standard's recommended
// practice, which Java's decoder and so Spark's JSON writer follow), so the
// output is always valid UTF-8 and valid JSON.
void AppendJsonTextString(std::string* out, std::string_view s);
std::string JsonQuote(std::string_view s);

}  // namespace sluice
