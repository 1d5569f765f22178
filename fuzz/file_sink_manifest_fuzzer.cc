// Fuzz target: the file sink's manifest (`<output>/_sluice_metadata/`,
// checkpoint/file_sink_manifest.h) as its readers meet it: the sink's
// FileSinkManifest (latest batch, HasBatch, AllFiles over batch and
// .compact files) and a batch read of the output directory (ListFiles
// trusts the manifest, then the JSON reader reads the listed files).
//
// Input: one or more manifest files. A line "@@ <name>" starts the file
// <name> (e.g. "@@ 9.compact"); bytes before the first such line form file
// "0". The output directory also holds two small data files, part-0.json
// and part-1.json, that entries may name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checkpoint/file_sink_manifest.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/file_scan.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  const std::string out = "/out";
  const std::string dir = out + "/_sluice_metadata";
  MemEnv env;
  fuzz::PutFile(&env, out + "/part-0.json", "{\"a\": 1}\n{\"a\": 2}\n");
  fuzz::PutFile(&env, out + "/part-1.json", "{\"a\": 3}\n");
  SLUICE_CHECK(env.CreateDir(dir).ok());

  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string name = "0";
  std::string contents;
  auto flush = [&] {
    if (!name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos) {
      fuzz::PutFile(&env, dir + "/" + name, contents);
    }
    contents.clear();
  };
  while (!input.empty()) {
    auto [line, rest] = fuzz::SplitFirstLine(input);
    bool last = rest.empty() && input.back() != '\n';
    if (line.substr(0, 3) == "@@ ") {
      flush();
      name = std::string(line.substr(3));
    } else {
      contents.append(line);
      if (!last) contents.push_back('\n');
    }
    input = rest;
  }
  flush();

  auto manifest = FileSinkManifest::Open(&env, out);
  if (manifest.ok()) {
    auto latest = manifest->GetLatestBatchId();
    if (latest.ok() && *latest) {
      for (int64_t b = 0; b <= **latest && b < 64; ++b) (void)manifest->HasBatch(b);
    }
    (void)manifest->AllFiles();
  }
  auto files = ListFiles(&env, {out});
  if (files.ok()) {
    Schema schema({{"a", DataType::Bigint(), true}});
    auto options = FileFormatOptions::Parse(FileFormat::kJson, {});
    auto scan = FileScan::Make(&env, FileFormat::kJson, {out}, schema, *options, {0});
    if (scan.ok()) fuzz::DrainScan(**scan);
  }
  return 0;
}
