#include "connectors/delta/delta_checkpoint.h"

#include <simdjson.h>

#include <arrow/array.h>
#include <arrow/chunked_array.h>
#include <arrow/json/from_string.h>
#include <arrow/memory_pool.h>
#include <arrow/table.h>
#include <arrow/type.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>

#include <cstdio>

#include "checkpoint/checkpoint_metadata.h"
#include "common/json_writer.h"
#include "connectors/file/arrow_env_io.h"
#include "env/atomic_file.h"

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

// A map<string, string> row as a JSON object.
std::string PartitionValuesJson(const arrow::Array* pv, int64_t i) {
  std::string json = "{";
  for (auto& [k, v] : MapAt(pv, i)) {
    if (json.size() > 1) json += ',';
    AppendJsonString(&json, k);
    json += ':';
    if (v) {
      AppendJsonString(&json, *v);
    } else {
      json += "null";
    }
  }
  return json + "}";
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
        m.created_time = IntAt(Field(*s, "createdTime"), i);
        if (const arrow::Array* fmt = Field(*s, "format"); fmt && fmt->type_id() == arrow::Type::STRUCT) {
          std::string provider = StringAt(Field(*static_cast<const arrow::StructArray*>(fmt), "provider"), i);
          if (!provider.empty()) m.provider = provider;
        }
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
        std::string app = StringAt(Field(*s, "appId"), i);
        snap.app_versions[app] = IntAt(Field(*s, "version"), i);
        snap.app_last_updated[app] = IntAt(Field(*s, "lastUpdated"), i);
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
          f.partition_values_json = PartitionValuesJson(pv, i);
          f.modification_time = IntAt(Field(*s, "modificationTime"), i);
          f.stats = StringAt(Field(*s, "stats"), i);
          snap.files[f.path] = std::move(f);
        }
      }
      SLUICE_ASSIGN_OR_RETURN(auto removes, ReadStructColumn(reader.get(), *schema, "remove", path));
      for (const auto& s : removes) {
        const arrow::Array* pv = Field(*s, "partitionValues");
        for (int64_t i = 0; i < s->length(); i++) {
          if (s->IsNull(i)) continue;
          DeltaTombstone t;
          t.path = StringAt(Field(*s, "path"), i);
          t.deletion_timestamp = IntAt(Field(*s, "deletionTimestamp"), i);
          t.size = IntAt(Field(*s, "size"), i);
          t.partition_values_json = PartitionValuesJson(pv, i);
          snap.tombstones[t.path] = std::move(t);
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

namespace {

std::shared_ptr<arrow::DataType> StringMap() { return arrow::map(arrow::utf8(), arrow::utf8()); }

// The checkpoint's columns, as Spark writes them (the fields readers use).
std::shared_ptr<arrow::Schema> CheckpointSchema() {
  using arrow::field;
  auto strings = arrow::list(arrow::utf8());
  auto txn = arrow::struct_({field("appId", arrow::utf8()), field("version", arrow::int64()),
                             field("lastUpdated", arrow::int64())});
  auto add = arrow::struct_({field("path", arrow::utf8()), field("partitionValues", StringMap()),
                             field("size", arrow::int64()), field("modificationTime", arrow::int64()),
                             field("dataChange", arrow::boolean()), field("tags", StringMap()),
                             field("stats", arrow::utf8())});
  auto remove = arrow::struct_({field("path", arrow::utf8()), field("deletionTimestamp", arrow::int64()),
                                field("dataChange", arrow::boolean()), field("extendedFileMetadata", arrow::boolean()),
                                field("partitionValues", StringMap()), field("size", arrow::int64())});
  auto format = arrow::struct_({field("provider", arrow::utf8()), field("options", StringMap())});
  auto metadata = arrow::struct_({field("id", arrow::utf8()), field("name", arrow::utf8()),
                                  field("description", arrow::utf8()), field("format", format),
                                  field("schemaString", arrow::utf8()), field("partitionColumns", strings),
                                  field("configuration", StringMap()), field("createdTime", arrow::int64())});
  auto protocol = arrow::struct_({field("minReaderVersion", arrow::int32()), field("minWriterVersion", arrow::int32()),
                                  field("readerFeatures", strings), field("writerFeatures", strings)});
  return arrow::schema({field("txn", txn), field("add", add), field("remove", remove), field("metaData", metadata),
                        field("protocol", protocol)});
}

// A JSON object {"k": "v", ...} (partitionValues as the log holds them) as
// Arrow's JSON form of a map: [["k", "v"], ...].
Result<std::string> MapJson(const std::string& object_json) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(object_json).get_object().get(obj)) {
    return Status::Corruption("partitionValues is not a JSON object: " + object_json);
  }
  std::string out = "[";
  for (auto [k, v] : obj) {
    if (out.size() > 1) out += ',';
    out += '[';
    AppendJsonString(&out, k);
    out += ',';
    std::string_view sv;
    if (v.is_null()) {
      out += "null";
    } else if (!v.get_string().get(sv)) {
      AppendJsonString(&out, sv);
    } else {
      AppendJsonString(&out, simdjson::minify(v));
    }
    out += ']';
  }
  return out + "]";
}

std::string StringListJson(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) {
    if (out.size() > 1) out += ',';
    AppendJsonString(&out, s);
  }
  return out + "]";
}

Status WriteCheckpointFile(Env* env, const std::string& log_dir, const DeltaSnapshot& snap,
                           int64_t tombstones_since_ms, int64_t* rows_out) {
  // One JSON array per column, a row per action, null in the other columns.
  std::vector<std::string> cols(5, "[");  // txn, add, remove, metaData, protocol
  int64_t rows = 0;
  auto row = [&](int col, const std::string& value) {
    for (int c = 0; c < 5; c++) {
      if (rows > 0) cols[static_cast<size_t>(c)] += ',';
      cols[static_cast<size_t>(c)] += c == col ? value : "null";
    }
    rows++;
  };
  {
    const DeltaProtocol& p = *snap.protocol;
    std::string v = "{\"minReaderVersion\":" + std::to_string(p.min_reader_version) +
                    ",\"minWriterVersion\":" + std::to_string(p.min_writer_version) + ",\"readerFeatures\":" +
                    (p.min_reader_version >= 3 ? StringListJson(p.reader_features) : "null") +
                    ",\"writerFeatures\":" + (p.min_writer_version >= 7 ? StringListJson(p.writer_features) : "null") +
                    "}";
    row(4, v);
  }
  {
    const DeltaMetadata& m = *snap.metadata;
    JsonWriter w;
    w.BeginObject().Key("id").String(m.id).Key("name").Null().Key("description").Null();
    w.Key("format").BeginObject().Key("provider").String(m.provider).Key("options").BeginArray().EndArray().EndObject();
    w.Key("schemaString").String(m.schema_string).Key("partitionColumns").Raw(StringListJson(m.partition_columns));
    w.Key("configuration").BeginArray();
    for (const auto& [k, v] : m.configuration) w.BeginArray().String(k).String(v).EndArray();
    w.EndArray();
    if (m.created_time > 0) {
      w.Key("createdTime").Int(m.created_time);
    } else {
      w.Key("createdTime").Null();
    }
    w.EndObject();
    row(3, w.Take());
  }
  for (const auto& [app, version] : snap.app_versions) {
    JsonWriter w;
    auto lu = snap.app_last_updated.find(app);
    w.BeginObject().Key("appId").String(app).Key("version").Int(version);
    w.Key("lastUpdated").Int(lu == snap.app_last_updated.end() ? 0 : lu->second).EndObject();
    row(0, w.Take());
  }
  for (const auto& [path, f] : snap.files) {
    SLUICE_ASSIGN_OR_RETURN(std::string pv, MapJson(f.partition_values_json));
    JsonWriter w;
    w.BeginObject().Key("path").String(f.path).Key("partitionValues").Raw(pv).Key("size").Int(f.size);
    w.Key("modificationTime").Int(f.modification_time).Key("dataChange").Bool(false).Key("tags").Null();
    if (f.stats.empty()) {
      w.Key("stats").Null();
    } else {
      w.Key("stats").String(f.stats);
    }
    w.EndObject();
    row(1, w.Take());
  }
  for (const auto& [path, t] : snap.tombstones) {
    if (t.deletion_timestamp < tombstones_since_ms) continue;  // expired
    SLUICE_ASSIGN_OR_RETURN(std::string pv, MapJson(t.partition_values_json));
    JsonWriter w;
    w.BeginObject().Key("path").String(t.path).Key("deletionTimestamp").Int(t.deletion_timestamp);
    w.Key("dataChange").Bool(false).Key("extendedFileMetadata").Bool(true).Key("partitionValues").Raw(pv);
    w.Key("size").Int(t.size).EndObject();
    row(2, w.Take());
  }
  auto schema = CheckpointSchema();
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (int c = 0; c < 5; c++) {
    cols[static_cast<size_t>(c)] += ']';
    auto a = arrow::json::ArrayFromJSONString(schema->field(c)->type(), cols[static_cast<size_t>(c)]);
    if (!a.ok()) return FromArrow(a.status(), "building column " + schema->field(c)->name() + " of a Delta checkpoint");
    arrays.push_back(*a);
  }
  auto table = arrow::Table::Make(schema, arrays, rows);

  char name[48];
  std::snprintf(name, sizeof(name), "%020lld.checkpoint.parquet", static_cast<long long>(snap.version));
  std::string target = JoinPath(log_dir, name);
  std::string tmp = JoinPath(log_dir, "." + std::string(name) + "." + NewUuidV4() + ".tmp");
  {
    SLUICE_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(tmp));
    auto out = std::make_shared<EnvOutputStream>(std::move(file));
    auto props = parquet::WriterProperties::Builder().compression(parquet::Compression::SNAPPY)->build();
    arrow::Status st = parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 1 << 20, props);
    if (st.ok()) st = out->Close();  // flushes, fsyncs and closes
    if (!st.ok()) {
      Status s = out->env_status().ok() ? FromArrow(st, "writing " + tmp) : out->env_status();
      (void)env->DeleteFile(tmp);
      return s;
    }
  }
  Status s = env->RenameNoReplace(tmp, target);
  if (!s.ok()) {
    (void)env->DeleteFile(tmp);
    if (s.code() != StatusCode::kAlreadyExists) return s;  // else: another writer's checkpoint of v stands
  }
  SLUICE_RETURN_NOT_OK(env->SyncDir(log_dir));
  *rows_out = rows;
  return Status::OK();
}

}  // namespace

Status WriteDeltaCheckpoint(Env* env, const std::string& log_dir, const DeltaSnapshot& snapshot,
                            int64_t tombstones_since_ms) {
  if (!snapshot.track_files || !snapshot.protocol || !snapshot.metadata || snapshot.version < 0) {
    return Status::Internal("a Delta checkpoint needs a snapshot with its protocol, metadata and files");
  }
  int64_t rows = 0;
  try {
    SLUICE_RETURN_NOT_OK(WriteCheckpointFile(env, log_dir, snapshot, tombstones_since_ms, &rows));
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return Status::IOError("writing the Delta checkpoint of version " + std::to_string(snapshot.version) + " in " +
                           log_dir + ": " + e.what());
  }
  // _last_checkpoint: a hint for readers; never moved back.
  std::string last = JoinPath(log_dir, "_last_checkpoint");
  std::string old;
  if (env->FileExists(last) && env->ReadFileToString(last, &old).ok()) {
    simdjson::dom::parser parser;
    int64_t v = -1;
    if (!parser.parse(old).get_object()["version"].get_int64().get(v) && v >= snapshot.version) return Status::OK();
  }
  return WriteFileAtomically(env, last,
                             "{\"version\":" + std::to_string(snapshot.version) + ",\"size\":" + std::to_string(rows) + "}");
}

}  // namespace sluice
