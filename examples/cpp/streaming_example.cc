// A streaming query: the rate-micro-batch source (a fixed number of rows per
// batch) counted by key into the memory sink, run to completion with the
// available-now trigger, then read back with SQL. Exits non-zero if the
// counts are not the expected ones.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "sluice/log.h"
#include "sluice/session.h"
#include "sluice/streaming.h"

int main() {
  sluice::SetLogLevel(sluice::LogLevel::kWarn);
  char dir_template[] = "/tmp/sluice-example-ck-XXXXXX";
  const char* checkpoint = mkdtemp(dir_template);
  if (checkpoint == nullptr) return 2;

  auto spark = sluice::Session::Create();
  auto counts = spark->readStream()
                    .format("rate-micro-batch")
                    .option("rowsPerBatch", "50")
                    .load()
                    .selectExpr({"value % 5 AS k"})
                    .groupBy({"k"})
                    .count();
  auto query = counts.writeStream()
                   .format("memory")
                   .queryName("counts")
                   .outputMode("complete")
                   .trigger(sluice::Trigger::Once())
                   .option("checkpointLocation", checkpoint)
                   .start();
  if (!query.ok()) {
    std::fprintf(stderr, "error: %s\n", query.status().ToString().c_str());
    return 1;
  }
  sluice::Status st = query->awaitTermination();
  if (!st.ok()) {
    std::fprintf(stderr, "query failed: %s\n", st.ToString().c_str());
    return 1;
  }
  auto progress = query->lastProgress();
  if (progress) std::printf("%s\n", progress->json().c_str());

  auto result = spark->Sql("SELECT k, `count` FROM counts ORDER BY k");
  if (!result.ok()) {
    std::fprintf(stderr, "error: %s\n", result.status().ToString().c_str());
    return 1;
  }
  std::printf("%s", result->ToTable().c_str());
  std::string got;
  for (const auto& row : result->Rows()) got += row[0].ToString() + ":" + row[1].ToString() + " ";
  std::filesystem::remove_all(checkpoint);
  if (got != "0:10 1:10 2:10 3:10 4:10 ") {
    std::fprintf(stderr, "unexpected counts: %s\n", got.c_str());
    return 1;
  }
  std::printf("ok\n");
  return 0;
}
