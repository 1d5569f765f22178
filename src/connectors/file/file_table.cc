#include "connectors/file/file_table.h"

#include "connectors/file/file_scan_operator.h"
#include "connectors/file/partitioning.h"
#include "connectors/file/schema_inference.h"

namespace sluice {

namespace {

class FileTable : public TableSource {
 public:
  // `schema`: the table's columns; those named in `partition_schema` come
  // from the files' directories, the others from the files.
  FileTable(Env* env, FileFormat format, std::vector<std::string> paths, Schema schema, Schema partition_schema,
            FileFormatOptions options)
      : env_(env), format_(format), paths_(std::move(paths)), schema_(std::move(schema)),
        partition_schema_(std::move(partition_schema)), options_(std::move(options)) {
    for (size_t i = 0; i < schema_.size(); ++i) {
      int p = partition_schema_.IndexOf(schema_.field(i).name);
      if (p >= 0) {
        column_source_.push_back(-1 - p);
      } else {
        column_source_.push_back(static_cast<int>(data_schema_.size()));
        data_schema_.Add(schema_.field(i));
      }
    }
  }

  const Schema& schema() const override { return schema_; }

  std::string description() const override {
    std::string s = std::string(FileFormatName(format_)) + " [";
    for (size_t i = 0; i < paths_.size(); ++i) s += (i ? ", " : "") + paths_[i];
    return s + "]";
  }

  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override {
    if (partition_schema_.size() == 0) {
      SLUICE_ASSIGN_OR_RETURN(auto op,
                              FileScanOperator::Make(env_, format_, paths_, schema_, options_, columns, filter));
      return PhysicalOperatorPtr(std::move(op));
    }
    std::vector<int> projection;
    std::vector<int> output;
    for (int c : columns) {
      if (c < 0 || static_cast<size_t>(c) >= column_source_.size()) {
        return Status::InvalidArgument("scan column " + std::to_string(c) + " is out of range");
      }
      int src = column_source_[static_cast<size_t>(c)];
      if (src < 0) {
        output.push_back(src);
      } else {
        output.push_back(static_cast<int>(projection.size()));
        projection.push_back(src);
      }
    }
    SLUICE_ASSIGN_OR_RETURN(auto op, FileScanOperator::Make(env_, format_, paths_, data_schema_, options_,
                                                            std::move(projection), filter, partition_schema_,
                                                            std::move(output)));
    return PhysicalOperatorPtr(std::move(op));
  }

 private:
  Env* env_;
  FileFormat format_;
  std::vector<std::string> paths_;
  Schema schema_;
  Schema partition_schema_;
  Schema data_schema_;               // schema_ without the partition columns: what the files hold
  std::vector<int> column_source_;  // per column of schema_: its index in data_schema_, or -1 - partition index
  FileFormatOptions options_;
};

}  // namespace

Result<TableSourcePtr> MakeFileTable(const std::string& format, std::vector<std::string> paths,
                                     std::optional<Schema> schema,
                                     const std::map<std::string, std::string>& options, Env* env,
                                     const Schema* partition_schema) {
  if (env == nullptr) env = Env::Default();
  SLUICE_ASSIGN_OR_RETURN(FileFormat f, ParseFileFormat(format));
  SLUICE_ASSIGN_OR_RETURN(FileFormatOptions opts, FileFormatOptions::Parse(f, options));
  if (partition_schema != nullptr) {
    if (!schema) return Status::InvalidArgument("a file table with given partition columns needs a schema");
    for (const auto& p : partition_schema->fields()) {
      if (schema->IndexOf(p.name) < 0) {
        return Status::InvalidArgument("partition column " + p.name + " is not in the schema " + schema->ToString());
      }
    }
    return TableSourcePtr(std::make_shared<FileTable>(env, f, std::move(paths), std::move(*schema),
                                                      *partition_schema, std::move(opts)));
  }
  auto listed = ListFiles(env, paths);
  if (!listed.ok() && schema && listed.status().code() == StatusCode::kNotFound) {
    // A declared table over a path that does not exist yet: no partition
    // columns to find; the scan reports the path if it is still missing.
    return TableSourcePtr(
        std::make_shared<FileTable>(env, f, std::move(paths), std::move(*schema), Schema(), std::move(opts)));
  }
  SLUICE_ASSIGN_OR_RETURN(auto files, std::move(listed));
  SLUICE_ASSIGN_OR_RETURN(DiscoveredPartitions parts,
                          DiscoverFilePartitions(files, schema ? &*schema : nullptr, opts.base_path));
  Schema full;
  if (schema) {
    // The user's columns, partition columns moved to the end (Spark).
    for (const auto& field : schema->fields()) {
      if (parts.schema.IndexOf(field.name) < 0) full.Add(field);
    }
    for (const auto& p : parts.schema.fields()) full.Add(p);
  } else {
    std::vector<FileInfo> data_files;
    for (size_t i = 0; i < files.size(); ++i) {
      if (parts.schema.size() == 0 || !parts.excluded[i]) data_files.push_back(files[i]);
    }
    if (data_files.empty()) {
      // InferSchema's error for no files.
      SLUICE_ASSIGN_OR_RETURN(Schema inferred, InferSchema(env, f, paths, opts));
      full = std::move(inferred);
    } else {
      SLUICE_ASSIGN_OR_RETURN(Schema inferred, InferSchemaOfFiles(env, f, data_files, opts));
      // A partition column also found in the files keeps the files' position
      // and takes the directories' values and type (Spark).
      for (const auto& field : inferred.fields()) {
        int p = parts.schema.IndexOf(field.name);
        full.Add(p >= 0 ? parts.schema.field(static_cast<size_t>(p)) : field);
      }
      for (const auto& p : parts.schema.fields()) {
        if (full.IndexOf(p.name) < 0) full.Add(p);
      }
    }
  }
  return TableSourcePtr(
      std::make_shared<FileTable>(env, f, std::move(paths), std::move(full), std::move(parts.schema), std::move(opts)));
}

ConnectorSpec FileTableSpec(const std::string& format) {
  auto parsed = ParseFileFormat(format);
  FileFormat f = parsed.ok() ? *parsed : FileFormat::kJson;
  ConnectorSpec spec;
  spec.name = FileFormatName(f);
  spec.kind = ConnectorKind::kTable;
  spec.description = f == FileFormat::kJson  ? "JSON-lines files (a file or a directory of files)"
                     : f == FileFormat::kCsv ? "CSV files (a file or a directory of files)"
                                             : "Parquet files (a file or a directory of files; schema from a "
                                               "footer when not given)";
  spec.schema_policy = SchemaPolicy::kOptional;
  spec.options.Add(OptionSpec::String("path", "", "the file or directory (or LOCATION / load(path))"));
  spec.options.Add(FileFormatOptions::ReadOptionSet(f));
  spec.make_table = [f](const SourceOptions& options, std::vector<std::string> paths,
                        std::optional<Schema> schema) -> Result<TableSourcePtr> {
    std::map<std::string, std::string> opts;
    for (const auto& [k, v] : options.map()) {
      if (k != "path") opts[k] = v;
    }
    return MakeFileTable(FileFormatName(f), std::move(paths), std::move(schema), opts);
  };
  return spec;
}

}  // namespace sluice
