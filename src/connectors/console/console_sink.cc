#include "connectors/console/console_sink.h"

#include "api/query_result_internal.h"

namespace sluice {

Result<std::shared_ptr<ConsoleSink>> ConsoleSink::Make(const SourceOptions& options, std::FILE* out) {
  SLUICE_ASSIGN_OR_RETURN(int64_t n, options.GetInt("numRows", 20, true));
  size_t truncate = 20;
  auto t = options.Get("truncate");
  if (t) {
    if (EqualsIgnoreCase(*t, "false")) {
      truncate = 0;
    } else if (EqualsIgnoreCase(*t, "true")) {
      truncate = 20;
    } else {
      SLUICE_ASSIGN_OR_RETURN(int64_t tn, options.GetInt("truncate", 20));
      truncate = static_cast<size_t>(tn);
    }
  }
  return std::make_shared<ConsoleSink>(static_cast<size_t>(n), truncate, out);
}

std::string ConsoleSink::Format(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches) const {
  std::string s = "-------------------------------------------\nBatch: " + std::to_string(batch_id) +
                  "\n-------------------------------------------\n";
  QueryResult r = MakeQueryResult(schema, batches);
  s += r.ToTable(num_rows_, truncate_);
  if (r.num_rows() > num_rows_) s += "only showing top " + std::to_string(num_rows_) + " rows\n";
  s += "\n";
  return s;
}

Status ConsoleSink::AddBatch(int64_t batch_id, const Schema& schema, const std::vector<Batch>& batches,
                             OutputMode mode) {
  std::string s = Format(batch_id, schema, batches);
  std::fwrite(s.data(), 1, s.size(), out_);
  std::fflush(out_);
  return Status::OK();
}

}  // namespace sluice
