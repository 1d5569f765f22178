#include "connectors/file/partitioned_file_writer.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "checkpoint/checkpoint_metadata.h"
#include "connectors/file/file_checksum_check.h"
#include "connectors/file/parquet_writer.h"
#include "connectors/file/partitioning.h"
#include "render/csv_writer.h"
#include "render/json_lines_writer.h"

namespace sluice {

struct PartitionedFileWriter::Part {
  std::unique_ptr<WritableFile> file;
  std::string name;  // relative to dir_
  int64_t size = 0;
  uint32_t crc32 = 0;  // of the bytes written so far (appended or buffered)
  // Bytes not yet appended: a file of a partition directory gets a few
  // rows per input batch, so writes are gathered into appends of ~1 MB.
  std::string buffer;
  // Parquet: the file's writer (which buffers a row group itself); `file`
  // stays null.
  std::unique_ptr<ParquetWriter> parquet;
};

namespace {
// A file's buffer is appended at this size, and all of a writer's buffers
// when together they pass kWriterBufferBytes (many partition directories).
constexpr size_t kAppendBytes = size_t{1} << 20;
constexpr size_t kWriterBufferBytes = size_t{16} << 20;
}  // namespace

Result<std::vector<std::string>> ParsePartitionByOption(const std::string& value) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos <= value.size();) {
    size_t comma = value.find(',', pos);
    if (comma == std::string::npos) comma = value.size();
    std::string name = value.substr(pos, comma - pos);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) {
      return Status::InvalidArgument("option partitionBy '" + value +
                                     "' has an empty column name: give column names separated by commas");
    }
    out.push_back(std::move(name));
    pos = comma + 1;
  }
  return out;
}

Result<std::vector<int>> ResolvePartitionColumns(const Schema& schema, const std::vector<std::string>& partition_by) {
  std::vector<int> out;
  for (const auto& name : partition_by) {
    int idx = schema.IndexOf(name);
    if (idx < 0) {
      std::string cols;
      for (const auto& f : schema.fields()) cols += (cols.empty() ? "" : ", ") + f.name;
      return Status::AnalysisError("Partition column " + name + " not found in existing columns (" + cols + ")");
    }
    if (std::find(out.begin(), out.end(), idx) != out.end()) {
      return Status::AnalysisError("Found duplicate column(s) in the partition schema: " + name);
    }
    const DataType& t = schema.field(static_cast<size_t>(idx)).type;
    if (t.is_nested() || t.id() == TypeId::kBinary) {
      return Status::AnalysisError("Cannot use " + t.ToString() + " for partition column " +
                                   schema.field(static_cast<size_t>(idx)).name +
                                   " (a partition value is a directory name: use an atomic type)");
    }
    out.push_back(idx);
  }
  if (!out.empty() && out.size() == schema.size()) {
    return Status::AnalysisError(
        "[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for partition columns (partitionBy names "
        "every column, so the files would hold nothing)");
  }
  return out;
}

Result<std::unique_ptr<PartitionedFileWriter>> PartitionedFileWriter::Make(
    Env* env, std::string dir, FileFormat format, FileFormatOptions options, const Schema& schema,
    const std::vector<std::string>& partition_by, int num_writers, std::string file_prefix) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<int> partition_columns, ResolvePartitionColumns(schema, partition_by));
  std::unique_ptr<PartitionedFileWriter> w(new PartitionedFileWriter());
  w->env_ = env;
  w->dir_ = std::move(dir);
  w->format_ = format;
  w->options_ = std::move(options);
  w->file_prefix_ = std::move(file_prefix);
  w->partition_columns_ = std::move(partition_columns);
  for (size_t i = 0; i < schema.size(); ++i) {
    if (std::find(w->partition_columns_.begin(), w->partition_columns_.end(), static_cast<int>(i)) ==
        w->partition_columns_.end()) {
      w->data_columns_.push_back(static_cast<int>(i));
      w->data_schema_.Add(schema.field(i));
    }
  }
  for (int c : w->partition_columns_) w->partition_names_.push_back(schema.field(static_cast<size_t>(c)).name);
  w->parts_.resize(static_cast<size_t>(std::max(num_writers, 1)));
  w->buffered_.assign(w->parts_.size(), 0);
  return w;
}

PartitionedFileWriter::~PartitionedFileWriter() {
  if (finished_) return;
  for (auto& files : parts_) {
    for (auto& [dir, p] : files) {
      if (p->parquet) {
        p->parquet.reset();  // an unclosed writer deletes its file; a closed one's goes here
        (void)env_->DeleteFile(JoinPath(dir_, p->name));
      }
      if (!p->file) continue;
      (void)p->file->Close();
      (void)env_->DeleteFile(p->file->path());
    }
  }
}

Status PartitionedFileWriter::Write(int writer, const Batch& batch) {
  if (batch.num_rows == 0) return Status::OK();
  if (writer < 0 || static_cast<size_t>(writer) >= parts_.size()) {
    return Status::Internal("file writer " + std::to_string(writer) + " out of range");
  }
  auto& files = parts_[static_cast<size_t>(writer)];
  auto part = [&](const std::string& dir) -> Part& {
    auto& p = files[dir];
    if (!p) p = std::make_unique<Part>();
    return *p;
  };
  size_t& buffered = buffered_[static_cast<size_t>(writer)];
  if (partition_columns_.empty()) return WriteTo(part(""), "", batch, &buffered);
  // Rows grouped by their partition directory, in order of first
  // appearance. Each row's key is its partition values' bytes (no Value,
  // no text): the directory name is made once per distinct key.
  std::vector<std::string> dirs;
  std::map<std::string, SelectionVector> groups;
  std::unordered_map<std::string, SelectionVector*> by_key;
  std::string key;
  std::string prev_key;
  SelectionVector* current = nullptr;
  for (size_t r = 0; r < batch.num_rows; ++r) {
    key.clear();
    for (int c : partition_columns_) {
      const Vector& v = batch.columns[static_cast<size_t>(c)];
      if (v.IsNull(r)) {
        key += '\0';
        continue;
      }
      key += '\1';
      if (v.type().is_string_like()) {
        std::string_view sv = v.GetString(r);
        auto len = static_cast<uint32_t>(sv.size());
        key.append(reinterpret_cast<const char*>(&len), sizeof(len));
        key.append(sv);
      } else {
        size_t w = PhysicalWidth(v.type());
        key.append(reinterpret_cast<const char*>(v.data<uint8_t>()) + r * w, w);
      }
    }
    if (current == nullptr || key != prev_key) {
      auto it = by_key.find(key);
      if (it == by_key.end()) {
        std::string dir;
        for (size_t k = 0; k < partition_columns_.size(); ++k) {
          Value value = batch.columns[static_cast<size_t>(partition_columns_[k])].GetValue(r);
          dir += (k ? "/" : "") + PartitionDirectoryName(partition_names_[k], value);
        }
        auto [g, inserted] = groups.try_emplace(dir);
        if (inserted) dirs.push_back(dir);
        it = by_key.emplace(key, &g->second).first;
      }
      current = it->second;
      prev_key = key;
    }
    current->push_back(static_cast<uint32_t>(r));
  }
  for (const auto& dir : dirs) {
    const SelectionVector& sel = groups[dir];
    Batch data;
    data.num_rows = sel.size();
    for (int c : data_columns_) data.columns.push_back(batch.columns[static_cast<size_t>(c)].Gather(sel));
    SLUICE_RETURN_NOT_OK(WriteTo(part(dir), dir, data, &buffered));
  }
  if (buffered > kWriterBufferBytes) {
    for (auto& [d, p] : files) {
      if (p->buffer.empty()) continue;
      SLUICE_RETURN_NOT_OK(p->file->Append(p->buffer));
      p->buffer.clear();
    }
    buffered = 0;
  }
  return Status::OK();
}

Status PartitionedFileWriter::WriteTo(Part& p, const std::string& dir, const Batch& batch, size_t* buffered) {
  if (format_ == FileFormat::kParquet) {
    if (!p.parquet) {
      SLUICE_ASSIGN_OR_RETURN(ParquetCompression codec, ParseParquetCompression(options_.parquet_compression));
      p.name = (dir.empty() ? "" : dir + "/") + file_prefix_ + NewUuidV4() +
               (codec == ParquetCompression::kNone ? std::string() : std::string(".") + ParquetCompressionName(codec)) +
               ".parquet";
      if (!dir.empty()) SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(JoinPath(dir_, dir)));
      ParquetWriteOptions po;
      po.compression = codec;
      po.row_group_bytes = options_.parquet_block_size;
      po.page_bytes = options_.parquet_page_size;
      po.dictionary = options_.parquet_dictionary;
      po.collect_stats = false;
      SLUICE_ASSIGN_OR_RETURN(p.parquet, ParquetWriter::Open(env_, JoinPath(dir_, p.name), data_schema_, po));
    }
    return p.parquet->Write(batch);
  }
  if (!p.file) {
    p.name = (dir.empty() ? "" : dir + "/") + file_prefix_ + NewUuidV4() + "." + FileFormatName(format_);
    if (!dir.empty()) SLUICE_RETURN_NOT_OK(env_->CreateDirRecursive(JoinPath(dir_, dir)));
    SLUICE_ASSIGN_OR_RETURN(p.file, env_->NewWritableFile(JoinPath(dir_, p.name)));
  }
  std::string data;
  data.reserve(batch.num_rows * 16);
  if (format_ == FileFormat::kJson) {
    SLUICE_RETURN_NOT_OK(JsonLinesWriter(data_schema_, options_.json_write_options()).Write(batch, &data));
  } else {
    CsvWriter writer(data_schema_, options_.csv_write_options());
    if (p.size == 0) writer.WriteHeader(&data);  // a header opens the file only
    SLUICE_RETURN_NOT_OK(writer.Write(batch, &data));
  }
  p.size += static_cast<int64_t>(data.size());
  p.crc32 = FileChecksumCheck::Extend(p.crc32, data.data(), data.size());
  p.buffer += data;
  *buffered += data.size();
  if (p.buffer.size() >= kAppendBytes) {
    SLUICE_RETURN_NOT_OK(p.file->Append(p.buffer));
    *buffered -= p.buffer.size();
    p.buffer.clear();
  }
  return Status::OK();
}

Result<std::vector<WrittenFile>> PartitionedFileWriter::Finish() {
  std::vector<WrittenFile> out;
  std::set<std::string> dirs;  // relative directories holding new files, and their parents
  for (auto& files : parts_) {
    for (auto& [dir, p] : files) {
      if (p->parquet) {
        // Close writes the footer and syncs the file.
        SLUICE_ASSIGN_OR_RETURN(ParquetFileInfo info, p->parquet->Close());
        out.push_back({p->name, info.path, info.size, info.crc32});
      } else if (p->file) {
        if (!p->buffer.empty()) SLUICE_RETURN_NOT_OK(p->file->Append(p->buffer));
        p->buffer.clear();
        SLUICE_RETURN_NOT_OK(p->file->Sync());
        SLUICE_RETURN_NOT_OK(p->file->Close());
        out.push_back({p->name, p->file->path(), p->size, p->crc32});
      } else {
        continue;
      }
      for (std::string d = dir; !d.empty();) {
        dirs.insert(d);
        size_t slash = d.rfind('/');
        d = slash == std::string::npos ? "" : d.substr(0, slash);
      }
    }
  }
  // Deepest first (a child sorts after its parent), so that each
  // directory's entry in its parent is synced after the directory itself.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    SLUICE_RETURN_NOT_OK(env_->SyncDir(JoinPath(dir_, *it)));
  }
  if (!out.empty()) SLUICE_RETURN_NOT_OK(env_->SyncDir(dir_));
  finished_ = true;
  return out;
}

Result<std::vector<WrittenFile>> WriteFiles(Env* env, const std::string& dir, FileFormat format,
                                            const FileFormatOptions& options, const Schema& schema,
                                            const std::vector<Batch>& batches,
                                            const std::vector<std::string>& partition_by) {
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(dir));
  SLUICE_ASSIGN_OR_RETURN(
      auto writer, PartitionedFileWriter::Make(env, dir, format, options, schema, partition_by, 1, "part-00000-"));
  for (const auto& b : batches) SLUICE_RETURN_NOT_OK(writer->Write(0, b));
  SLUICE_ASSIGN_OR_RETURN(auto files, writer->Finish());
  SLUICE_ASSIGN_OR_RETURN(auto success, env->NewWritableFile(JoinPath(dir, "_SUCCESS")));
  SLUICE_RETURN_NOT_OK(success->Sync());
  SLUICE_RETURN_NOT_OK(success->Close());
  SLUICE_RETURN_NOT_OK(env->SyncDir(dir));
  return files;
}

}  // namespace sluice
