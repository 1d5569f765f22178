// Fuzz target: JSON records -> typed columns, both ways Sluice parses them.
//
// Input: the first line is a schema ("a INT, b STRUCT<c: ARRAY<STRING>>", as
// from_json and CREATE TABLE take it); the rest is JSON lines. With that
//  * the JSON file reader (connectors/file over json/JsonRecordParser, the
//    simdjson on-demand parser the Kafka scan's from_json also uses) reads
//    the lines from a MemEnv with the schema (plus a _corrupt_record
//    column), as one split and cut into tiny splits;
//  * schema inference reads them and the reader runs again with the
//    inferred schema;
//  * from_json(line, schema) (exec/functions, simdjson's DOM parser) runs
//    over the lines as a STRING column.
// Every row produced is rendered, so a vector left inconsistent shows up.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/file/file_scan.h"
#include "connectors/file/schema_inference.h"
#include "exec/expression_evaluator.h"
#include "exec/function_registry.h"
#include "fuzz_util.h"
#include "sql/parser.h"

namespace sluice {
namespace {

constexpr char kPath[] = "/in/data.json";

void ReadWithSchema(MemEnv* env, const Schema& schema, int64_t max_partition_bytes) {
  std::map<std::string, std::string> opts = {{"maxPartitionBytes", std::to_string(max_partition_bytes)}};
  auto options = FileFormatOptions::Parse(FileFormat::kJson, opts);
  if (!options.ok()) return;
  std::vector<int> projection;
  for (size_t i = 0; i < schema.size(); ++i) projection.push_back(static_cast<int>(i));
  auto scan = FileScan::Make(env, FileFormat::kJson, {kPath}, schema, *options, projection);
  if (scan.ok()) fuzz::DrainScan(**scan);
}

void FromJson(std::string_view schema_text, std::string_view lines) {
  Vector texts(DataType::String(), 0);
  size_t n = 0;
  while (!lines.empty() && n < 4096) {
    auto [line, rest] = fuzz::SplitFirstLine(lines);
    texts.AppendValue(Value::String(std::string(line)));
    lines = rest;
    ++n;
  }
  if (n == 0) return;
  Batch batch({texts}, n);
  auto call = BindScalarFunction("from_json", {MakeColumnRef(0, DataType::String(), "value"),
                                               MakeLiteral(Value::String(std::string(schema_text)))});
  if (!call.ok()) return;
  auto out = ExpressionEvaluator::Evaluate(**call, batch, nullptr, EvalContext{});
  if (!out.ok()) return;
  for (size_t i = 0; i < out->size(); ++i) (void)out->GetValue(i).ToString();
}

}  // namespace
}  // namespace sluice

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto [schema_text, lines] = fuzz::SplitFirstLine(input);

  MemEnv env;
  fuzz::PutFile(&env, kPath, lines);
  auto schema = ParseSchema(schema_text);
  if (schema.ok()) {
    Schema with_corrupt = *schema;
    if (with_corrupt.IndexOf("_corrupt_record") < 0) with_corrupt.Add({"_corrupt_record", DataType::String(), true});
    ReadWithSchema(&env, with_corrupt, int64_t{32} << 20);
    ReadWithSchema(&env, with_corrupt, 7);
  }
  auto options = FileFormatOptions::Parse(FileFormat::kJson, {});
  if (options.ok()) {
    auto inferred = InferSchema(&env, FileFormat::kJson, {kPath}, *options);
    if (inferred.ok()) ReadWithSchema(&env, *inferred, int64_t{32} << 20);
  }
  FromJson(schema_text, lines);
  return 0;
}
