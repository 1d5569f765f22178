// Session: the entry point of Sluice. Holds the catalog (tables, views) and
// runs SQL text or DataFrame plans.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/data_type.h"
#include "sluice/status.h"
#include "sluice/value.h"

namespace sluice {

// A fully materialized query result: its schema (column names and types)
// and its rows. Copies are cheap and share the (immutable) rows.
class QueryResult {
 public:
  QueryResult();  // no columns, no rows
  // A result made of `rows`: one value per column, each NULL or of its
  // column's type (an InvalidArgument error naming the row and column
  // otherwise). Batches of kBatchSize rows.
  static Result<QueryResult> FromRows(Schema schema, const std::vector<std::vector<Value>>& rows);

  const Schema& schema() const;
  size_t num_columns() const { return schema().size(); }
  size_t num_rows() const;
  // Every row as values (slow path; tests and small results).
  std::vector<std::vector<Value>> Rows() const;

  // Aligned table with a header, as the CLI prints it ("NULL" for nulls).
  std::string ToTable(size_t max_rows = 1000, size_t truncate = 0) const;
  // CSV with a header line, as Spark's CSV writer writes it. A STRUCT or
  // ARRAY column is an InvalidArgument error, as in Spark
  // ([UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE]), whether or not there are rows.
  Result<std::string> ToCsv() const;
  // One JSON object per row, as Spark's JSON writer writes it (null fields
  // omitted, timestamps as 2024-01-01T10:00:00.000Z).
  Result<std::string> ToJsonLines() const;

 private:
  // The columnar batches (engine side: src/api/query_result_internal.h).
  struct Data;
  friend struct QueryResultAccess;
  explicit QueryResult(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
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
  // A DataFrame over rows held in memory (PySpark's createDataFrame; the
  // Python package's foreachBatch hands each micro-batch over this way).
  // The rows are shared, not copied.
  DataFrame createDataFrame(const QueryResult& data);

  // Streaming entry points (include sluice/streaming.h).
  DataStreamReader readStream();
  // The session's streaming queries and listeners (spark.streams).
  StreamingQueryManager& streams();
};

}  // namespace sluice
