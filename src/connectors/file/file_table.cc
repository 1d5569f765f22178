#include "connectors/file/file_table.h"

#include "connectors/file/file_scan_operator.h"
#include "connectors/file/schema_inference.h"

namespace sluice {

namespace {

class FileTable : public TableSource {
 public:
  FileTable(Env* env, FileFormat format, std::vector<std::string> paths, Schema schema, FileFormatOptions options)
      : env_(env), format_(format), paths_(std::move(paths)), schema_(std::move(schema)), options_(std::move(options)) {}

  const Schema& schema() const override { return schema_; }

  std::string description() const override {
    std::string s = std::string(FileFormatName(format_)) + " [";
    for (size_t i = 0; i < paths_.size(); ++i) s += (i ? ", " : "") + paths_[i];
    return s + "]";
  }

  Result<PhysicalOperatorPtr> CreateScan(const std::vector<int>& columns, ExprPtr filter) const override {
    SLUICE_ASSIGN_OR_RETURN(auto op, FileScanOperator::Make(env_, format_, paths_, schema_, options_, columns, filter));
    return PhysicalOperatorPtr(std::move(op));
  }

 private:
  Env* env_;
  FileFormat format_;
  std::vector<std::string> paths_;
  Schema schema_;
  FileFormatOptions options_;
};

}  // namespace

Result<TableSourcePtr> MakeFileTable(const std::string& format, std::vector<std::string> paths,
                                     std::optional<Schema> schema,
                                     const std::map<std::string, std::string>& options, Env* env) {
  if (env == nullptr) env = Env::Default();
  SLUICE_ASSIGN_OR_RETURN(FileFormat f, ParseFileFormat(format));
  SLUICE_ASSIGN_OR_RETURN(FileFormatOptions opts, FileFormatOptions::Parse(f, options));
  if (!schema) {
    SLUICE_ASSIGN_OR_RETURN(Schema inferred, InferSchema(env, f, paths, opts));
    schema = std::move(inferred);
  }
  return TableSourcePtr(std::make_shared<FileTable>(env, f, std::move(paths), std::move(*schema), std::move(opts)));
}

ConnectorSpec FileTableSpec(const std::string& format) {
  FileFormat f = EqualsIgnoreCase(format, "csv") ? FileFormat::kCsv : FileFormat::kJson;
  ConnectorSpec spec;
  spec.name = FileFormatName(f);
  spec.kind = ConnectorKind::kTable;
  spec.description = f == FileFormat::kJson ? "JSON-lines files (a file or a directory of files)"
                                            : "CSV files (a file or a directory of files)";
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
