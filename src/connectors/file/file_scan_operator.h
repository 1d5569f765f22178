// FileScanOperator: the physical scan of JSON-lines / CSV files. One
// partition per split of a FileScan (file_scan.h); each batch holds the
// projected columns, filtered by the optional pushed-down predicate.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/file/file_scan.h"
#include "exec/expression.h"
#include "exec/physical_operator.h"

namespace sluice {

class FileScanOperator : public PhysicalOperator {
 public:
  // `projection` indexes `data_schema` (output = those columns, in that
  // order); `filter` (may be null) is a BOOLEAN expression bound over the
  // output columns. With partition columns, the output is `output`'s
  // (FileScan::Make). Lists the files (in `env`, which the reads use too) and
  // plans the splits now, so the partition count is fixed for the plan's
  // life.
  static Result<std::shared_ptr<FileScanOperator>> Make(Env* env, FileFormat format,
                                                        std::vector<std::string> paths,
                                                        Schema data_schema,
                                                        FileFormatOptions options,
                                                        std::vector<int> projection,
                                                        ExprPtr filter = nullptr,
                                                        Schema partition_schema = {},
                                                        std::vector<int> output = {});

  int num_partitions() const override { return static_cast<int>(scan_->splits().size()); }
  Result<std::unique_ptr<BatchStream>> Open(int partition, ExecContext* ctx) const override;
  std::string name() const override;
  // "paths=[/data/*.json], columns=[a, b], filter=(a > 1), splits=3"
  std::string details() const override;

  const FileScan& scan() const { return *scan_; }
  const ExprPtr& filter() const { return filter_; }
  int64_t malformed_records() const { return scan_->malformed_records(); }

 private:
  FileScanOperator(std::shared_ptr<FileScan> scan, ExprPtr filter);
  std::shared_ptr<FileScan> scan_;
  ExprPtr filter_;
};

}  // namespace sluice
