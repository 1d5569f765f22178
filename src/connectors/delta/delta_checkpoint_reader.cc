#include "connectors/delta/delta_checkpoint_reader.h"

#include <arrow/array.h>
#include <arrow/chunked_array.h>
#include <arrow/memory_pool.h>
#include <arrow/type.h>
#include <parquet/arrow/reader.h>

#include "common/json_writer.h"
#include "connectors/file/arrow_env_io.h"

namespace sluice {
namespace {

// The string at row i of a utf8 / large utf8 / binary array ("" when null).
std::string StringAt(const arrow::Array* a, int64_t i) {
  if (a == nullptr || a->IsNull(i)) return "";
  switch (a->type_id()) {
    case arrow::Type::STRING: return std::string(static_cast<const arrow::StringArray*>(a)->GetView(i));
    case arrow::Type::LARGE_STRING: return std::string(static_cast<const arrow::LargeStringArray*>(a)->GetView(i));
    case arrow::Type::BINARY: return std::string(static_cast<const arrow::BinaryArray*>(a)->GetView(i));
    case arrow::Type::STRING_VIEW: return std::string(static_cast<const arrow::StringViewArray*>(a)->GetView(i));
    default: return "";
  }
}

int64_t IntAt(const arrow::Array* a, int64_t i, int64_t def = 0) {
  if (a == nullptr || a->IsNull(i)) return def;
  switch (a->type_id()) {
    case arrow::Type::INT32: return static_cast<const arrow::Int32Array*>(a)->Value(i);
    case arrow::Type::INT64: return static_cast<const arrow::Int64Array*>(a)->Value(i);
    default: return def;
  }
}

const arrow::Array* Field(const arrow::StructArray& s, const std::string& name) {
  auto f = s.GetFieldByName(name);
  return f ? f.get() : nullptr;
}

std::vector<std::string> StringsAt(const arrow::Array* a, int64_t i) {
  std::vector<std::string> out;
  if (a == nullptr || a->IsNull(i) || a->type_id() != arrow::Type::LIST) return out;
  const auto* l = static_cast<const arrow::ListArray*>(a);
  for (int64_t j = l->value_offset(i); j < l->value_offset(i + 1); j++) out.push_back(StringAt(l->values().get(), j));
  return out;
}

// A map<string, string> row as pairs (null values as nullopt).
std::vector<std::pair<std::string, std::optional<std::string>>> MapAt(const arrow::Array* a, int64_t i) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  if (a == nullptr || a->IsNull(i) || a->type_id() != arrow::Type::MAP) return out;
  const auto* m = static_cast<const arrow::MapArray*>(a);
  const arrow::Array* keys = m->keys().get();
  const arrow::Array* items = m->items().get();
  for (int64_t j = m->value_offset(i); j < m->value_offset(i + 1); j++) {
    out.emplace_back(StringAt(keys, j), items->IsNull(j) ? std::nullopt : std::optional(StringAt(items, j)));
  }
  return out;
}

// The rows of top-level column `name` (a struct), chunk by chunk; absent
// columns give nothing.
Result<std::vector<std::shared_ptr<arrow::StructArray>>> ReadStructColumn(parquet::arrow::FileReader* reader,
                                                                          const arrow::Schema& schema,
                                                                          const std::string& name,
                                                                          const std::string& path) {
  std::vector<std::shared_ptr<arrow::StructArray>> out;
  int index = schema.GetFieldIndex(name);
  if (index < 0) return out;
  std::shared_ptr<arrow::ChunkedArray> column;
  SLUICE_RETURN_NOT_OK(FromArrow(reader->ReadColumn(index, &column), "reading column " + name + " of " + path));
  for (const auto& chunk : column->chunks()) {
    if (chunk->type_id() != arrow::Type::STRUCT) {
      return Status::Corruption("Delta checkpoint " + path + ": column " + name + " is not a struct but " +
                                chunk->type()->ToString());
    }
    out.push_back(std::static_pointer_cast<arrow::StructArray>(chunk));
  }
  return out;
}

}  // namespace

namespace {

Status ReadCheckpointParts(Env* env, const std::vector<std::string>& paths, int64_t version,
                           DeltaSnapshot* snapshot) {
  DeltaSnapshot snap;
  snap.track_files = snapshot->track_files;
  for (const std::string& path : paths) {
    SLUICE_ASSIGN_OR_RETURN(uint64_t size, env->GetFileSize(path));
    SLUICE_ASSIGN_OR_RETURN(auto file, env->NewRandomAccessFile(path));
    auto input = std::make_shared<EnvRandomAccessFile>(std::move(file), static_cast<int64_t>(size));
    auto opened = parquet::arrow::OpenFile(input, arrow::default_memory_pool());
    if (!opened.ok()) {
      return Status::Corruption("Delta checkpoint " + path + " is not a readable Parquet file: " +
                                opened.status().ToString());
    }
    std::unique_ptr<parquet::arrow::FileReader> reader = std::move(*opened);
    std::shared_ptr<arrow::Schema> schema;
    SLUICE_RETURN_NOT_OK(FromArrow(reader->GetSchema(&schema), "reading the schema of " + path));
    if (schema->GetFieldIndex("protocol") < 0 && schema->GetFieldIndex("metaData") < 0 &&
        schema->GetFieldIndex("add") < 0) {
      return Status::Corruption("Delta checkpoint " + path + " has none of the columns protocol, metaData, add");
    }
    SLUICE_ASSIGN_OR_RETURN(auto protocols, ReadStructColumn(reader.get(), *schema, "protocol", path));
    for (const auto& s : protocols) {
      for (int64_t i = 0; i < s->length(); i++) {
        if (s->IsNull(i)) continue;
        DeltaProtocol p;
        p.min_reader_version = static_cast<int>(IntAt(Field(*s, "minReaderVersion"), i));
        p.min_writer_version = static_cast<int>(IntAt(Field(*s, "minWriterVersion"), i));
        p.reader_features = StringsAt(Field(*s, "readerFeatures"), i);
        p.writer_features = StringsAt(Field(*s, "writerFeatures"), i);
        snap.protocol = std::move(p);
      }
    }
    SLUICE_ASSIGN_OR_RETURN(auto metas, ReadStructColumn(reader.get(), *schema, "metaData", path));
    for (const auto& s : metas) {
      for (int64_t i = 0; i < s->length(); i++) {
        if (s->IsNull(i)) continue;
        DeltaMetadata m;
        m.id = StringAt(Field(*s, "id"), i);
        m.schema_string = StringAt(Field(*s, "schemaString"), i);
        m.partition_columns = StringsAt(Field(*s, "partitionColumns"), i);
        for (auto& [k, v] : MapAt(Field(*s, "configuration"), i)) {
          if (v) m.configuration[k] = *v;
        }
        snap.metadata = std::move(m);
      }
    }
    SLUICE_ASSIGN_OR_RETURN(auto txns, ReadStructColumn(reader.get(), *schema, "txn", path));
    for (const auto& s : txns) {
      for (int64_t i = 0; i < s->length(); i++) {
        if (s->IsNull(i)) continue;
        snap.app_versions[StringAt(Field(*s, "appId"), i)] = IntAt(Field(*s, "version"), i);
      }
    }
    if (snap.track_files) {
      SLUICE_ASSIGN_OR_RETURN(auto adds, ReadStructColumn(reader.get(), *schema, "add", path));
      for (const auto& s : adds) {
        const arrow::Array* pv = Field(*s, "partitionValues");
        for (int64_t i = 0; i < s->length(); i++) {
          if (s->IsNull(i)) continue;
          DeltaFileEntry f;
          f.path = StringAt(Field(*s, "path"), i);
          f.size = IntAt(Field(*s, "size"), i);
          std::string json = "{";
          for (auto& [k, v] : MapAt(pv, i)) {
            if (json.size() > 1) json += ',';
            AppendJsonString(&json, k);
            json += ':';
            if (v) AppendJsonString(&json, *v); else json += "null";
          }
          f.partition_values_json = json + "}";
          snap.files[f.path] = std::move(f);
        }
      }
    }
  }
  if (!snap.protocol || !snap.metadata) {
    return Status::Corruption("Delta checkpoint of version " + std::to_string(version) + " (" + paths.front() +
                              ") holds no " + (snap.protocol ? "metaData" : "protocol") + " action");
  }
  snap.version = version;
  *snapshot = std::move(snap);
  return Status::OK();
}

}  // namespace

Status ReadDeltaCheckpoint(Env* env, const std::vector<std::string>& paths, int64_t version,
                           DeltaSnapshot* snapshot) {
  // libparquet throws (ParquetException) on some damaged files instead of
  // returning a status: a damaged checkpoint is an error, never a crash.
  try {
    return ReadCheckpointParts(env, paths, version, snapshot);
  } catch (const std::bad_alloc&) {
    throw;  // an allocation failure stays one (common/allocation_failure.h)
  } catch (const std::exception& e) {
    return Status::Corruption("Delta checkpoint of version " + std::to_string(version) + " (" + paths.front() +
                              ") is damaged: " + e.what());
  }
}

}  // namespace sluice
