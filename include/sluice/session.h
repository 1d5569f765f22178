// Session: the entry point of Sluice. Holds the catalog (tables, views) and
// runs SQL text or DataFrame plans.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"
#include "types/data_type.h"
#include "types/value.h"
#include "vector/vector.h"

namespace sluice {

// A fully materialized query result.
class QueryResult {
 public:
  QueryResult() = default;
  QueryResult(Schema schema, std::vector<Batch> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}

  const Schema& schema() const { return schema_; }
  const std::vector<Batch>& batches() const { return batches_; }
  size_t num_rows() const;
  // Every row as values (slow path; tests and small results).
  std::vector<std::vector<Value>> Rows() const;

  // Aligned table with a header, as the CLI prints it ("NULL" for nulls).
  std::string ToTable(size_t max_rows = 1000, size_t truncate = 0) const;
  // CSV with a header line, as Spark's CSV writer writes it.
  std::string ToCsv() const;
  // One JSON object per row, as Spark's JSON writer writes it (null fields
  // omitted, timestamps as 2024-01-01T10:00:00.000Z).
  std::string ToJsonLines() const;

 private:
  Schema schema_;
  std::vector<Batch> batches_;
};

class DataFrameReader;
class DataFrame;
class DataStreamReader;
class StreamingQueryManager;

class Session {
 public:
  static std::shared_ptr<Session> Create();
  virtual ~Session() = default;

  // Runs one or more statements separated by ';'. Returns the result of the
  // last one (DDL statements return an empty result). Errors name the line
  // and column of the offending SQL.
  virtual Result<QueryResult> Sql(std::string_view text) = 0;

  // DataFrame entry points (include sluice/dataframe.h to use them).
  DataFrameReader read();
  // A catalog table or view as a DataFrame.
  DataFrame table(const std::string& name);
  // One query (SELECT ...) as a DataFrame.
  DataFrame sql(const std::string& query);

  // Streaming entry points (include sluice/streaming.h; link sluice_stream).
  DataStreamReader readStream();
  // The session's streaming queries and listeners (spark.streams).
  StreamingQueryManager& streams();
};

}  // namespace sluice
