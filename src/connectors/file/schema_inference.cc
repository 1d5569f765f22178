#include "connectors/file/schema_inference.h"

#include <simdjson.h>

#include "connectors/file/parquet_reader.h"

#include <algorithm>
#include <map>

#include "connectors/file/csv_tokenizer.h"
#include "connectors/file/split_reader.h"
#include "types/text_value_parser.h"
#include "types/datetime.h"

namespace sluice {

namespace {

// Calls fn(reader, record) for the records of the sample; stops on error.
template <typename Fn>
Status ForEachSampleRecord(Env* env, const std::vector<FileInfo>& files, const FileFormatOptions& o,
                           bool csv, Fn&& fn) {
  int64_t budget = o.sampling_bytes;
  for (const auto& f : files) {
    if (budget <= 0) break;
    FileSplit split{f.path, 0, std::min(f.size, budget), f.size};
    budget -= split.length;
    SplitReader::Options ro;
    if (csv && o.multi_line) {
      ro.quoted_newlines = true;
      ro.quote = o.quote;
      ro.escape = o.escape;
    }
    SLUICE_ASSIGN_OR_RETURN(auto reader, SplitReader::Open(env, split, ro));
    std::string_view rec;
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
      if (!more) break;
      SLUICE_RETURN_NOT_OK(fn(*reader, rec));
    }
  }
  return Status::OK();
}

DataType MergeJson(const DataType& a, const DataType& b);

DataType MergeStructs(const DataType& a, const DataType& b) {
  std::map<std::string, DataType> fields;
  for (const auto& f : a.fields()) fields[f.name] = f.type;
  for (const auto& f : b.fields()) {
    auto it = fields.find(f.name);
    if (it == fields.end()) fields[f.name] = f.type;
    else it->second = MergeJson(it->second, f.type);
  }
  std::vector<StructField> out;
  for (auto& [name, type] : fields) out.push_back({name, type, true});
  return DataType::Struct(std::move(out));
}

DataType MergeJson(const DataType& a, const DataType& b) {
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  if (a == b) return a;
  if (a.is_numeric() && b.is_numeric()) {
    if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return DataType::Double();
    if (a.id() == TypeId::kDecimal || b.id() == TypeId::kDecimal) {
      const DataType& d = a.id() == TypeId::kDecimal ? a : b;
      const DataType& o = a.id() == TypeId::kDecimal ? b : a;
      if (o.id() == TypeId::kDecimal) {
        int scale = std::max(d.scale(), o.scale());
        int ints = std::max(d.precision() - d.scale(), o.precision() - o.scale());
        if (ints + scale > 38) return DataType::Double();
        return DataType::Decimal(ints + scale, scale);
      }
      int ints = std::max(d.precision() - d.scale(), 19);
      if (ints + d.scale() > 38) return DataType::Double();
      return DataType::Decimal(ints + d.scale(), d.scale());
    }
    return DataType::Bigint();
  }
  if (a.id() == TypeId::kStruct && b.id() == TypeId::kStruct) return MergeStructs(a, b);
  if (a.id() == TypeId::kArray && b.id() == TypeId::kArray) {
    return DataType::Array(MergeJson(a.element(), b.element()));
  }
  return DataType::String();
}

// NULL types (fields only ever null) become STRING, as in Spark.
DataType Finalize(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return DataType::String();
    case TypeId::kArray: return DataType::Array(Finalize(t.element()));
    case TypeId::kStruct: {
      std::vector<StructField> fs;
      for (const auto& f : t.fields()) fs.push_back({f.name, Finalize(f.type), true});
      return DataType::Struct(std::move(fs));
    }
    default: return t;
  }
}

DataType InferJsonElement(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::INT64: return DataType::Bigint();
    case simdjson::dom::element_type::UINT64: return DataType::Decimal(20, 0);
    case simdjson::dom::element_type::DOUBLE: return DataType::Double();
    case simdjson::dom::element_type::STRING: return DataType::String();
    case simdjson::dom::element_type::BOOL: return DataType::Boolean();
    case simdjson::dom::element_type::NULL_VALUE: return DataType::Null();
    case simdjson::dom::element_type::ARRAY: {
      DataType elem = DataType::Null();
      simdjson::dom::array arr;
      if (e.get_array().get(arr) != simdjson::SUCCESS) return DataType::String();
      for (simdjson::dom::element x : arr) elem = MergeJson(elem, InferJsonElement(x));
      return DataType::Array(elem);
    }
    case simdjson::dom::element_type::OBJECT: {
      std::map<std::string, DataType> fields;
      simdjson::dom::object obj;
      if (e.get_object().get(obj) != simdjson::SUCCESS) return DataType::String();
      for (simdjson::dom::key_value_pair kv : obj) {
        DataType t = InferJsonElement(kv.value);
        std::string k(kv.key);
        auto it = fields.find(k);
        if (it == fields.end()) fields.emplace(std::move(k), t);
        else it->second = MergeJson(it->second, t);
      }
      std::vector<StructField> out;
      for (auto& [name, type] : fields) out.push_back({name, type, true});
      return DataType::Struct(std::move(out));
    }
  }
  return DataType::String();
}

Result<Schema> InferJson(Env* env, const std::vector<FileInfo>& files, const FileFormatOptions& o) {
  simdjson::dom::parser parser;
  DataType root = DataType::Struct({});
  bool corrupt = false;
  Status st = ForEachSampleRecord(env, files, o, false, [&](SplitReader& r, std::string_view rec) -> Status {
    bool blank = true;
    for (char c : rec) blank &= (c == ' ' || c == '\t');
    if (blank) return Status::OK();
    simdjson::dom::element e;
    auto err = parser.parse(rec.data(), rec.size(), /*realloc_if_needed=*/true).get(e);
    std::string reason;
    if (err) reason = simdjson::error_message(err);
    else if (e.type() != simdjson::dom::element_type::OBJECT) reason = "the record is not a JSON object";
    if (reason.empty()) {
      root = MergeStructs(root, InferJsonElement(e));
      return Status::OK();
    }
    if (o.mode == ParseMode::kFailFast) {
      SLUICE_ASSIGN_OR_RETURN(int64_t line, r.LineNumber());
      return Status::MalformedRecord("malformed JSON record at " + r.path() + ":" + std::to_string(line) +
                                     " while inferring the schema: " + reason +
                                     " (mode FAILFAST)");
    }
    if (o.mode == ParseMode::kPermissive) corrupt = true;
    return Status::OK();
  });
  SLUICE_RETURN_NOT_OK(st);
  if (corrupt) {
    root = MergeStructs(root, DataType::Struct({{o.column_name_of_corrupt_record, DataType::String(), true}}));
  }
  DataType fin = Finalize(root);
  return Schema(fin.fields());
}

DataType InferCsvField(std::string_view s, bool quoted, const FileFormatOptions& o) {
  if ((!quoted && s.empty()) || s == o.null_value) return DataType::Null();
  int32_t i32;
  if (ParseInt32Text(s, &i32)) return DataType::Int();
  int64_t i64;
  if (ParseInt64Text(s, &i64)) return DataType::Bigint();
  double d;
  if (s == o.nan_value || s == o.positive_inf || s == o.negative_inf || ParseDoubleText(s, &d)) {
    return DataType::Double();
  }
  bool b;
  if (ParseBooleanText(s, &b)) return DataType::Boolean();
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && ParseDate(s)) return DataType::Date();
  if (s.size() > 10 && s.find(':') != std::string_view::npos && ParseTimestamp(s)) {
    return DataType::Timestamp();
  }
  return DataType::String();
}

DataType MergeCsv(const DataType& a, const DataType& b) {
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  if (a == b) return a;
  auto rank = [](TypeId t) {
    return t == TypeId::kInt ? 1 : t == TypeId::kBigint ? 2 : t == TypeId::kDouble ? 3 : 0;
  };
  if (rank(a.id()) && rank(b.id())) return rank(a.id()) > rank(b.id()) ? a : b;
  if ((a.id() == TypeId::kDate && b.id() == TypeId::kTimestamp) ||
      (a.id() == TypeId::kTimestamp && b.id() == TypeId::kDate)) {
    return DataType::Timestamp();
  }
  return DataType::String();
}

Result<Schema> InferCsv(Env* env, const std::vector<FileInfo>& files, const FileFormatOptions& o) {
  CsvTokenizer tok(o);
  std::vector<std::string> names;
  std::vector<DataType> types;
  bool have_names = false;
  Status st = ForEachSampleRecord(env, files, o, true, [&](SplitReader& r, std::string_view rec) -> Status {
    if (rec.empty() || (o.comment != '\0' && rec[0] == o.comment)) return Status::OK();
    const auto& fields = tok.Split(rec);
    bool is_header = o.header && r.AtFirstLineOfFile();
    if (!have_names) {
      have_names = true;
      for (size_t i = 0; i < fields.size(); ++i) {
        std::string n = is_header ? std::string(fields[i].text) : "";
        if (n.empty() || (is_header && n == o.null_value)) n = "_c" + std::to_string(i);
        names.push_back(n);
      }
      // Duplicate names get their index appended, as Spark's makeSafeHeader.
      std::vector<std::string> dedup = names;
      for (size_t i = 0; i < names.size(); ++i) {
        for (size_t j = 0; j < names.size(); ++j) {
          if (i != j && EqualsIgnoreCase(names[i], names[j])) {
            dedup[i] = names[i] + std::to_string(i);
            break;
          }
        }
      }
      names = dedup;
      types.assign(names.size(), DataType::Null());
    }
    if (is_header || !o.infer_schema) return Status::OK();
    for (size_t i = 0; i < fields.size() && i < types.size(); ++i) {
      types[i] = MergeCsv(types[i], InferCsvField(fields[i].text, fields[i].quoted, o));
    }
    return Status::OK();
  });
  SLUICE_RETURN_NOT_OK(st);
  Schema out;
  for (size_t i = 0; i < names.size(); ++i) {
    out.Add({names[i], types[i].is_null() ? DataType::String() : types[i], true});
  }
  return out;
}

}  // namespace

Result<Schema> InferSchemaOfFiles(Env* env, FileFormat format, const std::vector<FileInfo>& files,
                                  const FileFormatOptions& options) {
  if (format == FileFormat::kJson) return InferJson(env, files, options);
  if (format == FileFormat::kParquet) {
    // The first file's footer (Spark without mergeSchema); other files'
    // columns are matched by name when they are read.
    if (files.empty()) return Status::AnalysisError("unable to infer schema for Parquet: no files");
    return ReadParquetSchema(env, files.front().path);
  }
  return InferCsv(env, files, options);
}

Result<Schema> InferSchema(Env* env, FileFormat format, const std::vector<std::string>& paths,
                           const FileFormatOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(auto files, ListFiles(env, paths));
  if (files.empty()) {
    std::string p;
    for (const auto& x : paths) p += (p.empty() ? "" : ", ") + x;
    return Status::AnalysisError(std::string("unable to infer schema for ") +
                                 (format == FileFormat::kJson ? "JSON" : format == FileFormat::kCsv ? "CSV" : "Parquet") + ": no files at " + p +
                                 "; specify the schema");
  }
  return InferSchemaOfFiles(env, format, files, options);
}

}  // namespace sluice
