#include "connectors/file/file_scan.h"

#include <algorithm>

#include "connectors/file/csv_split_reader.h"
#include "connectors/file/json_split_reader.h"
#include "connectors/file/parquet_reader.h"
#include "connectors/file/partitioning.h"
#include "exec/expression_evaluator.h"
#include "exec/function_registry.h"
#include "common/log.h"

namespace sluice {

namespace {
class EmptyBatchStream final : public BatchStream {
 public:
  Result<std::optional<Batch>> Next() override { return std::optional<Batch>(); }
};

// The output of a scan with partition columns: the reader's columns and a
// constant column per partition column, in ScanSpec::output's order.
class PartitionValuesStream final : public BatchStream {
 public:
  PartitionValuesStream(std::unique_ptr<BatchStream> in, std::shared_ptr<const ScanSpec> spec,
                        std::shared_ptr<const std::vector<Value>> values)
      : in_(std::move(in)), spec_(std::move(spec)), values_(std::move(values)) {}

  Result<std::optional<Batch>> Next() override {
    SLUICE_ASSIGN_OR_RETURN(auto batch, in_->Next());
    if (!batch) return batch;
    Batch out;
    out.num_rows = batch->num_rows;
    out.columns.reserve(spec_->output.size());
    for (int c : spec_->output) {
      if (c >= 0) {
        out.columns.push_back(batch->columns[static_cast<size_t>(c)]);
        continue;
      }
      auto p = static_cast<size_t>(-1 - c);
      const Value& v = values_ ? (*values_)[p] : null_;
      if (v.is_null()) {
        Vector col(spec_->partition_schema.field(p).type, 0);
        for (size_t r = 0; r < out.num_rows; ++r) col.AppendValue(Value::Null(col.type()));
        out.columns.push_back(std::move(col));
      } else {
        out.columns.push_back(Vector::Constant(v, out.num_rows));
      }
    }
    return std::optional<Batch>(std::move(out));
  }

 private:
  std::unique_ptr<BatchStream> in_;
  std::shared_ptr<const ScanSpec> spec_;
  std::shared_ptr<const std::vector<Value>> values_;
  Value null_;
};

}  // namespace

Schema ScanSpec::ReaderSchema() const {
  Schema out;
  for (int c : projection) out.Add(data_schema.field(static_cast<size_t>(c)));
  return out;
}

Schema ScanSpec::OutputSchema() const {
  if (output.empty()) return ReaderSchema();
  Schema out;
  for (int c : output) {
    if (c >= 0) {
      out.Add(data_schema.field(static_cast<size_t>(projection[static_cast<size_t>(c)])));
    } else {
      out.Add(partition_schema.field(static_cast<size_t>(-1 - c)));
    }
  }
  return out;
}

std::vector<FileSplit> PlanSplits(const std::vector<FileInfo>& files, int64_t max_bytes,
                                  bool splittable) {
  std::vector<FileSplit> out;
  max_bytes = std::max<int64_t>(max_bytes, 1);
  for (const auto& f : files) {
    size_t first = out.size();
    if (!splittable || f.size <= max_bytes) {
      out.push_back({f.path, 0, f.size, f.size});
    } else {
      for (int64_t start = 0; start < f.size; start += max_bytes) {
        out.push_back({f.path, start, std::min(max_bytes, f.size - start), f.size});
      }
    }
    for (size_t i = first; i < out.size(); ++i) out[i].partition_values = f.partition_values;
    if (f.crc32) {  // a file sink's part file: its splits check its CRC-32 together
      auto check = std::make_shared<FileChecksumCheck>(f.path, f.size, *f.crc32, out.size() - first, f.manifest_dir);
      for (size_t i = first; i < out.size(); ++i) {
        out[i].checksum = check;
        out[i].checksum_index = i - first;
      }
    }
  }
  return out;
}

namespace {

Result<std::unique_ptr<BatchStream>> OpenDataReader(const FileSplit& split, std::shared_ptr<const ScanSpec> spec) {
  SplitReader::Options ro;
  if (spec->format == FileFormat::kCsv && spec->options.multi_line) {
    ro.quoted_newlines = true;
    ro.quote = spec->options.quote;
    ro.escape = spec->options.escape;
  }
  auto opened = SplitReader::Open(spec->env, split, ro);
  if (!opened.ok() && opened.status().code() == StatusCode::kNotFound && spec->options.ignore_missing_files) {
    // Deleted since it was listed: no rows (Spark's ignoreMissingFiles).
    LogWarn("file scan", "skipping {}: it was deleted after it was listed (ignoreMissingFiles)", split.path);
    return std::unique_ptr<BatchStream>(std::make_unique<EmptyBatchStream>());
  }
  SLUICE_ASSIGN_OR_RETURN(auto in, std::move(opened));
  if (spec->format == FileFormat::kJson) return OpenJsonSplitReader(std::move(in), std::move(spec));
  return OpenCsvSplitReader(std::move(in), std::move(spec));
}

Result<std::unique_ptr<BatchStream>> OpenReader(const FileSplit& split, std::shared_ptr<const ScanSpec> spec) {
  if (spec->format != FileFormat::kParquet) return OpenDataReader(split, std::move(spec));
  auto opened = OpenParquetSplitReader(split, spec);
  if (!opened.ok() && opened.status().code() == StatusCode::kNotFound && spec->options.ignore_missing_files) {
    LogWarn("file scan", "skipping {}: it was deleted after it was listed (ignoreMissingFiles)", split.path);
    return std::unique_ptr<BatchStream>(std::make_unique<EmptyBatchStream>());
  }
  return opened;
}

}  // namespace

Result<std::unique_ptr<BatchStream>> OpenSplitReader(const FileSplit& split,
                                                     std::shared_ptr<const ScanSpec> spec) {
  SLUICE_ASSIGN_OR_RETURN(auto in, OpenReader(split, spec));
  if (spec->output.empty()) return in;
  return std::unique_ptr<BatchStream>(
      std::make_unique<PartitionValuesStream>(std::move(in), std::move(spec), split.partition_values));
}

namespace {

// True if `e` reads only partition columns (ScanSpec::output < 0) and
// calls only deterministic functions.
bool OnPartitionColumnsOnly(const Expr& e, const std::vector<int>& output) {
  switch (e.kind) {
    case ExprKind::kColumnRef:
      return e.column_index >= 0 && static_cast<size_t>(e.column_index) < output.size() &&
             output[static_cast<size_t>(e.column_index)] < 0;
    case ExprKind::kLiteral:
      return true;
    case ExprKind::kCall:
      if (e.function == nullptr || !e.function->deterministic) return false;
      for (const auto& a : e.args) {
        if (!a || !OnPartitionColumnsOnly(*a, output)) return false;
      }
      return true;
  }
  return false;
}

// Drops the files whose partition values a conjunct of `filter` over
// partition columns rejects; returns how many.
int64_t PruneFiles(const ScanSpec& spec, const ExprPtr& filter, std::vector<FileInfo>* files) {
  std::vector<ExprPtr> conjuncts;
  SplitConjuncts(filter, &conjuncts);
  std::vector<ExprPtr> on_partitions;
  for (const auto& c : conjuncts) {
    if (c && c->type.id() == TypeId::kBoolean && OnPartitionColumnsOnly(*c, spec.output)) on_partitions.push_back(c);
  }
  if (on_partitions.empty()) return 0;
  const Schema out = spec.OutputSchema();
  EvalContext eval;
  eval.now_known = false;  // a conjunct that needs the query's clock keeps every file
  int64_t pruned = 0;
  std::vector<FileInfo> kept;
  for (auto& f : *files) {
    bool keep = true;
    if (f.partition_values) {
      // One row: the file's partition values, NULL for the data columns
      // (which the conjuncts do not read).
      Batch row;
      row.num_rows = 1;
      for (size_t k = 0; k < spec.output.size(); ++k) {
        Vector v(out.field(k).type, 0);
        int c = spec.output[k];
        v.AppendValue(c < 0 ? (*f.partition_values)[static_cast<size_t>(-1 - c)] : Value::Null(out.field(k).type));
        row.columns.push_back(std::move(v));
      }
      for (const auto& c : on_partitions) {
        auto sel = ExpressionEvaluator::Select(*c, row, nullptr, eval);
        if (sel.ok() && sel->empty()) {
          keep = false;
          break;
        }
      }
    }
    if (keep) {
      kept.push_back(std::move(f));
    } else {
      ++pruned;
    }
  }
  *files = std::move(kept);
  return pruned;
}

}  // namespace

Result<std::shared_ptr<FileScan>> FileScan::Make(Env* env, FileFormat format, std::vector<std::string> paths,
                                                 Schema data_schema, FileFormatOptions options,
                                                 std::vector<int> projection, Schema partition_schema,
                                                 std::vector<int> output, ExprPtr filter) {
  auto spec = std::make_shared<ScanSpec>();
  spec->env = env;
  spec->format = format;
  for (int c : projection) {
    if (c < 0 || static_cast<size_t>(c) >= data_schema.size()) {
      return Status::InvalidArgument("projected column " + std::to_string(c) +
                                     " is out of range for schema (" + data_schema.ToString() + ")");
    }
  }
  for (size_t i = 0; i < data_schema.size(); ++i) {
    const StructField& f = data_schema.field(i);
    if (f.name == options.column_name_of_corrupt_record) {
      if (f.type.id() != TypeId::kString) {
        return Status::InvalidArgument("the corrupt record column " + f.name +
                                       " must be of type STRING, not " + f.type.ToString());
      }
      spec->corrupt_column = static_cast<int>(i);
      continue;
    }
    if (format == FileFormat::kCsv && f.type.is_nested()) {
      return Status::InvalidArgument("CSV data source does not support " + f.type.ToString() +
                                     " data type (column " + f.name + ")");
    }
  }
  spec->data_schema = std::move(data_schema);
  spec->options = std::move(options);
  spec->projection = std::move(projection);
  for (int c : output) {
    if ((c >= 0 && static_cast<size_t>(c) >= spec->projection.size()) ||
        (c < 0 && static_cast<size_t>(-1 - c) >= partition_schema.size())) {
      return Status::InvalidArgument("scan output column " + std::to_string(c) + " is out of range");
    }
  }
  spec->partition_schema = std::move(partition_schema);
  spec->output = std::move(output);
  spec->filter = filter;

  auto scan = std::shared_ptr<FileScan>(new FileScan());
  SLUICE_ASSIGN_OR_RETURN(scan->files_, ListFiles(env, paths));
  SLUICE_RETURN_NOT_OK(AttachPartitionValues(&scan->files_, spec->partition_schema, spec->options.base_path));
  if (filter && !spec->output.empty()) scan->files_pruned_ = PruneFiles(*spec, filter, &scan->files_);
  bool splittable = !(format == FileFormat::kCsv && spec->options.multi_line);
  scan->splits_ = PlanSplits(scan->files_, spec->options.max_partition_bytes, splittable);
  scan->paths_ = std::move(paths);
  scan->spec_ = std::move(spec);
  return scan;
}

Result<std::unique_ptr<BatchStream>> FileScan::OpenSplit(size_t i) const {
  if (i >= splits_.size()) return Status::Internal("split index out of range");
  return OpenSplitReader(splits_[i], spec_);
}

}  // namespace sluice
