// Helpers shared by the fuzz targets of this folder.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/check.h"
#include "connectors/file/file_scan.h"
#include "env/mem_env.h"
#include "sluice/status.h"
#include "vector/vector.h"

namespace sluice::fuzz {

// Renders every row of `batch` (walks strings, structs and arrays, so a
// vector with bad offsets or lengths shows up under ASan).
inline void TouchRows(const Batch& batch) {
  for (size_t r = 0; r < batch.num_rows; ++r) {
    for (const Value& v : batch.Row(r)) (void)v.ToString();
  }
}

// Reads every split of `scan` to its end or its first error, rendering the
// rows; returns the number of rows read.
inline size_t DrainScan(const FileScan& scan) {
  size_t rows = 0;
  for (size_t i = 0; i < scan.splits().size(); ++i) {
    auto stream = scan.OpenSplit(i);
    if (!stream.ok()) return rows;
    while (true) {
      auto batch = (*stream)->Next();
      if (!batch.ok() || !*batch) break;
      TouchRows(**batch);
      rows += (*batch)->num_rows;
    }
  }
  return rows;
}

// Splits `data` at the first '\n': the head line and the rest.
inline std::pair<std::string_view, std::string_view> SplitFirstLine(std::string_view data) {
  size_t nl = data.find('\n');
  if (nl == std::string_view::npos) return {data, {}};
  return {data.substr(0, nl), data.substr(nl + 1)};
}

// A MemEnv holding `contents` at `path` (parent directories created).
inline void PutFile(MemEnv* env, const std::string& path, std::string_view contents) {
  Status st = env->CreateDirRecursive(DirName(path));
  if (st.ok()) st = env->WriteFile(path, contents, /*sync=*/false);
  SLUICE_CHECK(st.ok());
}

// Makes a fresh directory /tmp/sluice-<name>-XXXXXX holding copies of the
// files of `data_dir` the working directory, removed at exit: the sandbox of
// the targets that run SQL (their CREATE TABLE paths may only name its files).
inline void EnterSandbox(const char* name, const char* data_dir) {
  static std::filesystem::path* sandbox = nullptr;
  std::string tmpl = std::string("/tmp/sluice-") + name + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::perror("fuzz sandbox: mkdtemp");
    std::abort();
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir, ec)) {
    if (entry.is_regular_file()) {
      std::filesystem::copy_file(entry.path(), std::filesystem::path(tmpl) / entry.path().filename(), ec);
    }
  }
  if (chdir(tmpl.c_str()) != 0) {
    std::perror("fuzz sandbox: chdir");
    std::abort();
  }
  sandbox = new std::filesystem::path(tmpl);
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(*sandbox, ignored);
  });
}

// A path the sandbox allows: a plain file name of it (no '/', not hidden).
inline bool SandboxedPath(const std::string& p) {
  return !p.empty() && p[0] != '.' && p.find('/') == std::string::npos;
}

}  // namespace sluice::fuzz
