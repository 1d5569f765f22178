// Fuzz target: the CSV reader (connectors/file: SplitReader, CsvTokenizer,
// the CSV split reader's conversions, schema inference), over a MemEnv.
//
// Input: line 1 holds reader options as key=value pairs separated by tabs
// (Spark's names: header=true<TAB>sep=;<TAB>mode=DROPMALFORMED...); line 2
// is a schema ("a INT, b STRING") or empty to infer one; the rest is the
// file. The file is read whole, then cut into tiny splits (every split
// boundary the split rule has to get right), and with the inferred schema.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/file/file_scan.h"
#include "connectors/file/schema_inference.h"
#include "fuzz_util.h"
#include "sql/parser.h"

namespace sluice {
namespace {

constexpr char kPath[] = "/in/data.csv";

std::map<std::string, std::string> ParseOptionLine(std::string_view line) {
  std::map<std::string, std::string> out;
  while (!line.empty()) {
    size_t tab = line.find('\t');
    std::string_view pair = line.substr(0, tab);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos) out[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return out;
}

void Read(MemEnv* env, const Schema& schema, const std::map<std::string, std::string>& opts) {
  auto options = FileFormatOptions::Parse(FileFormat::kCsv, opts);
  if (!options.ok()) return;
  std::vector<int> projection;
  for (size_t i = 0; i < schema.size(); ++i) projection.push_back(static_cast<int>(i));
  auto scan = FileScan::Make(env, FileFormat::kCsv, {kPath}, schema, *options, projection);
  if (scan.ok()) fuzz::DrainScan(**scan);
}

}  // namespace
}  // namespace sluice

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto [option_line, rest] = fuzz::SplitFirstLine(input);
  auto [schema_line, contents] = fuzz::SplitFirstLine(rest);
  std::map<std::string, std::string> opts = ParseOptionLine(option_line);

  MemEnv env;
  fuzz::PutFile(&env, kPath, contents);
  auto options = FileFormatOptions::Parse(FileFormat::kCsv, opts);
  if (!options.ok()) return 0;
  auto inferred = InferSchema(&env, FileFormat::kCsv, {kPath}, *options);
  auto schema = schema_line.empty() ? inferred : ParseSchema(schema_line);
  if (!schema.ok()) return 0;
  Read(&env, *schema, opts);
  auto split = opts;
  split["maxPartitionBytes"] = "5";
  Read(&env, *schema, split);
  return 0;
}
