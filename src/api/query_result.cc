#include <algorithm>

#include "api/query_result_internal.h"
#include "render/csv_writer.h"
#include "render/json_lines_writer.h"
#include "render/table_renderer.h"

namespace sluice {

QueryResult::QueryResult() {
  static const std::shared_ptr<const Data> kEmpty = std::make_shared<const Data>();
  data_ = kEmpty;
}

Result<QueryResult> QueryResult::FromRows(Schema schema, const std::vector<std::vector<Value>>& rows) {
  std::vector<Batch> batches;
  for (size_t start = 0; start < rows.size(); start += kBatchSize) {
    size_t n = std::min(kBatchSize, rows.size() - start);
    std::vector<Vector> cols;
    cols.reserve(schema.size());
    for (size_t c = 0; c < schema.size(); ++c) {
      const DataType& type = schema.field(c).type;
      Vector v(type);
      v.Reserve(n);
      for (size_t r = start; r < start + n; ++r) {
        if (rows[r].size() != schema.size()) {
          return Status::InvalidArgument("row " + std::to_string(r) + " has " + std::to_string(rows[r].size()) +
                                         " values but the schema has " + std::to_string(schema.size()) +
                                         " columns (" + schema.ToString() + ")");
        }
        const Value& val = rows[r][c];
        if (!val.is_null() && val.type() != type) {
          return Status::InvalidArgument("row " + std::to_string(r) + ", column `" + schema.field(c).name +
                                         "`: a " + val.type().ToString() + " value where the schema has " +
                                         type.ToString());
        }
        v.AppendValue(val.is_null() ? Value::Null(type) : val);
      }
      cols.push_back(std::move(v));
    }
    batches.emplace_back(std::move(cols), n);
  }
  return MakeQueryResult(std::move(schema), std::move(batches));
}

const Schema& QueryResult::schema() const { return data_->schema; }

size_t QueryResult::num_rows() const {
  size_t n = 0;
  for (const auto& b : data_->batches) n += b.num_rows;
  return n;
}

std::vector<std::vector<Value>> QueryResult::Rows() const {
  std::vector<std::vector<Value>> rows;
  for (const auto& b : data_->batches) {
    for (size_t i = 0; i < b.num_rows; ++i) rows.push_back(b.Row(i));
  }
  return rows;
}

std::string QueryResult::ToTable(size_t max_rows, size_t truncate) const {
  return RenderTable(data_->schema, data_->batches, max_rows, truncate);
}

Result<std::string> QueryResult::ToCsv() const {
  SLUICE_RETURN_NOT_OK(CsvWriter::CheckSchema(data_->schema));
  CsvWriteOptions options;
  options.header = true;
  CsvWriter writer(data_->schema, options);
  std::string out;
  writer.WriteHeader(&out);
  for (const auto& b : data_->batches) SLUICE_RETURN_NOT_OK(writer.Write(b, &out));
  return out;
}

Result<std::string> QueryResult::ToJsonLines() const {
  JsonLinesWriter writer(data_->schema);
  std::string out;
  for (const auto& b : data_->batches) SLUICE_RETURN_NOT_OK(writer.Write(b, &out));
  return out;
}

}  // namespace sluice
