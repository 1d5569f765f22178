// A DataFrame query over a small JSON file: total amount per user, largest
// first. Exits non-zero if the answer is not the expected one.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sluice/dataframe.h"
#include "sluice/session.h"
#include "sluice/version.h"

using sluice::col;

int main() {
  char dir_template[] = "/tmp/sluice-example-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return 2;
  std::string path = std::string(dir) + "/orders.json";
  std::ofstream(path) << R"({"user":"ann","amount":10}
{"user":"bob","amount":5}
{"user":"ann","amount":7}
{"user":"cid","amount":1}
)";

  auto spark = sluice::Session::Create();
  auto orders = spark->read().format("json").schema("user STRING, amount BIGINT").load(path);
  auto totals = orders.filter(col("amount") > sluice::lit(1))
                    .groupBy({"user"})
                    .agg({sluice::sum(col("amount")).alias("total"), sluice::count(col("amount")).alias("n")})
                    .orderBy({col("total").desc()});
  auto result = totals.collect();
  if (!result.ok()) {
    std::fprintf(stderr, "error: %s\n", result.status().ToString().c_str());
    return 1;
  }
  std::printf("sluice %s\n%s", SLUICE_VERSION, result->ToTable().c_str());

  // The schema: column names and Spark's type names.
  const sluice::Schema& schema = result->schema();
  std::string columns;
  for (const auto& f : schema.fields()) columns += f.name + ":" + f.type.ToString() + " ";
  // The rows, as values.
  std::string rows;
  for (const auto& row : result->Rows()) {
    rows += row[0].str_value() + "=" + std::to_string(row[1].bigint_value()) + "/" + row[2].ToString() + " ";
  }
  std::filesystem::remove_all(dir);
  if (result->num_rows() != 2 || columns != "user:STRING total:BIGINT n:BIGINT " || rows != "ann=17/2 bob=5/1 ") {
    std::fprintf(stderr, "unexpected answer: %zu rows, columns %s, rows %s\n", result->num_rows(), columns.c_str(),
                 rows.c_str());
    return 1;
  }
  std::printf("ok\n");
  return 0;
}
