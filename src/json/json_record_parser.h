// JsonRecordParser: one JSON object (a record) -> one row of typed column
// vectors, with simdjson's on-demand API. Only the requested fields are
// converted; other keys are skipped without being materialized (their
// values are not checked beyond what simdjson's structural pass sees, so a
// bad atom such as `tru` in a field nobody asked for goes unnoticed).
//
// Used by the JSON file reader (the columns of a table) and by the Kafka
// source (from_json(CAST(value AS STRING), schema) parsed in the scan).
//
// Conversion rules (Spark's JSON reader): JSON null -> NULL; INT/BIGINT from
// integral numbers in range; DOUBLE from numbers or the strings NaN,
// Infinity, -Infinity; DECIMAL from numbers or strings that fit; STRING and
// BINARY from strings, other JSON kept as its compact text; DATE/TIMESTAMP
// from ISO strings (TIMESTAMP also from integral seconds); BOOLEAN from
// true/false; STRUCT from objects; ARRAY from arrays. A value of another
// JSON type, or out of range, makes that field NULL and the record
// malformed (kBadValue). A duplicated key: the last one wins. Text after
// the object is ignored (Spark's parser reads one value per record).
//
// Two builds of the implementation exist (AVX2 and generic, see
// json_record_parser.cc); NewJsonRecordParser picks one for this CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// simdjson reads up to this many bytes past the end of a record (their
// contents do not matter, but they must be readable).
inline constexpr size_t kJsonPadding = 64;

class JsonRecordParser {
 public:
  enum class Outcome : uint8_t {
    kOk,
    kBadValue,  // some field did not fit its type: that field is NULL
    kSyntax,    // not JSON, or not an object: the row's contents are undefined
  };
  virtual ~JsonRecordParser() = default;

  // The vector of each field (outs[i] for fields[i], of its type), used by
  // every Parse until the next call. Vectors are written row by row, front
  // to back.
  virtual void SetOutputs(Vector* const* outs) = 0;
  // Parses `rec` into row `row` of the outputs. `capacity` bytes from
  // rec.data() must be readable, at least rec.size() + kJsonPadding. On
  // kSyntax the caller must SetRowNull or ResetRow the outputs' row.
  virtual Outcome Parse(std::string_view rec, size_t capacity, size_t row) = 0;
  // Why the last Parse was not kOk: a simdjson error or "field 'a.b': cannot
  // convert JSON string to INT".
  virtual const std::string& reason() const = 0;
};

// A parser for objects whose wanted keys are `fields` (names unique).
std::unique_ptr<JsonRecordParser> NewJsonRecordParser(const std::vector<StructField>& fields);

// True if the AVX2 build of the parser is used on this CPU.
bool JsonParserUsesAvx2();

}  // namespace sluice
