// Fuzz target: SQL text through a whole Session (parse, bind, optimize,
// plan, execute): Session::Create()->Sql(text), so the binder, the function
// registry's coercions, the optimizer rules and the operators all see the
// mutated statements, from_json and the other JSON functions included.
//
// Sandbox: statements that read files (CREATE TABLE ... USING json|csv
// OPTIONS (path '...') / LOCATION '...') may only name files of a private
// temporary directory, the target's working directory, which it fills at
// start-up with a copy of test/data (the SQL logic tests' data files, so
// their statements are good seeds): a path must be a plain relative name
// (no '/', not starting with '.'), else the input is skipped. Batch SQL writes no
// files; streaming statements are parsed and then refused by the Session.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "sluice/session.h"
#include "sql/ast.h"
#include "sql/parser.h"

namespace {

bool EnterSandbox() {
  sluice::fuzz::EnterSandbox("sql-fuzz", SLUICE_FUZZ_DATA_DIR);
  return true;
}

// True if running `statements` cannot read or write outside the sandbox.
bool StaysInSandbox(const std::vector<sluice::ast::StatementPtr>& statements) {
  for (const auto& st : statements) {
    if (st->kind != sluice::ast::StatementKind::kCreateTable) continue;
    const auto& ct = st->As<sluice::ast::CreateTableStatement>();
    if (ct.location_path && !sluice::fuzz::SandboxedPath(*ct.location_path)) return false;
    for (const auto& [key, value] : ct.options) {
      // Option keys are case-insensitive; `path` (and Spark's `paths`) name files.
      std::string k;
      for (char c : key) k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (k.find("path") != std::string::npos && !sluice::fuzz::SandboxedPath(value)) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool sandboxed = EnterSandbox();
  (void)sandboxed;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto statements = sluice::ParseStatements(text);
  if (!statements.ok() || !StaysInSandbox(*statements)) return 0;

  auto session = sluice::Session::Create();
  auto result = session->Sql(text);
  if (result.ok()) {
    (void)result->ToTable(50, 30);
    (void)result->ToCsv();
    (void)result->ToJsonLines();
  } else {
    (void)result.status().ToString();
  }
  return 0;
}
