// ParquetWriter (parquet_writer.h): each batch is exported through the Arrow
// C Data Interface (arrow/arrow_batch.h) and imported by libarrow
// (arrow::ImportRecordBatch: fixed-width buffers shared, not copied), then
// handed to parquet::arrow::FileWriter, which buffers a row group and
// encodes it when it is closed. The bytes go to Env through EnvOutputStream.
#include "connectors/file/parquet_writer.h"

#include <cmath>
#include <cstring>
#include <utility>

#include <arrow/c/bridge.h>
#include <arrow/memory_pool.h>
#include <arrow/record_batch.h>
#include <arrow/util/byte_size.h>
#include <parquet/arrow/writer.h>
#include <parquet/file_writer.h>
#include <parquet/metadata.h>
#include <parquet/properties.h>

#include "arrow/arrow_batch.h"
#include "common/allocation_failure.h"
#include "connectors/file/arrow_env_io.h"
#include "types/data_type.h"

namespace sluice {
namespace {

// Every field nullable, nested ones too: Parquet columns are written
// optional, as Spark writes them.
DataType AllNullable(const DataType& type) {
  if (type.id() == TypeId::kStruct) {
    std::vector<StructField> fields = type.fields();
    for (StructField& f : fields) {
      f.type = AllNullable(f.type);
      f.nullable = true;
    }
    return DataType::Struct(std::move(fields));
  }
  if (type.id() == TypeId::kArray) return DataType::Array(AllNullable(type.element()), true);
  return type;
}

Status CheckWritable(const DataType& type, const std::string& column) {
  if (type.id() == TypeId::kNull) {
    return Status::InvalidArgument("column '" + column +
                                   "' has type VOID (a NULL literal without a type), which Parquet cannot store; "
                                   "cast it to a type first");
  }
  if (type.id() == TypeId::kStruct) {
    if (type.fields().empty()) {
      return Status::InvalidArgument("column '" + column + "' is a STRUCT without fields, which Parquet cannot store");
    }
    for (const StructField& f : type.fields()) SLUICE_RETURN_NOT_OK(CheckWritable(f.type, column + "." + f.name));
  }
  if (type.id() == TypeId::kArray) SLUICE_RETURN_NOT_OK(CheckWritable(type.element(), column + ".element"));
  return Status::OK();
}

arrow::Compression::type ArrowCodec(ParquetCompression c) {
  switch (c) {
    case ParquetCompression::kNone: return arrow::Compression::UNCOMPRESSED;
    case ParquetCompression::kSnappy: return arrow::Compression::SNAPPY;
    case ParquetCompression::kGzip: return arrow::Compression::GZIP;
    case ParquetCompression::kZstd: return arrow::Compression::ZSTD;
    case ParquetCompression::kLz4Raw: return arrow::Compression::LZ4;
    case ParquetCompression::kBrotli: return arrow::Compression::BROTLI;
  }
  return arrow::Compression::SNAPPY;
}

// ---------------------------------------------------------------- stats ---

// One leaf column outside arrays: the child indices from the top-level
// column down, and the running min / max / null count.
struct LeafStats {
  std::vector<size_t> indices;  // indices[0]: the top-level column
  std::vector<std::string> path;
  DataType type;
  int64_t null_count = 0;
  bool has = false;
  int64_t imin = 0, imax = 0;  // BOOLEAN, INT, BIGINT, DATE, TIMESTAMP
  double dmin = 0, dmax = 0;
  __int128 cmin = 0, cmax = 0;
  std::string smin, smax;
};

void CollectLeaves(const DataType& type, std::vector<size_t>& indices, std::vector<std::string>& path,
                   std::vector<LeafStats>* out) {
  if (type.id() == TypeId::kArray || type.id() == TypeId::kNull) return;
  if (type.id() == TypeId::kStruct) {
    for (size_t i = 0; i < type.fields().size(); ++i) {
      indices.push_back(i);
      path.push_back(type.fields()[i].name);
      CollectLeaves(type.fields()[i].type, indices, path, out);
      indices.pop_back();
      path.pop_back();
    }
    return;
  }
  LeafStats s;
  s.indices = indices;
  s.path = path;
  s.type = type;
  out->push_back(std::move(s));
}

template <typename T>
void Track(const T* values, const std::vector<uint8_t>& valid, size_t n, bool* has, T* mn, T* mx) {
  for (size_t i = 0; i < n; ++i) {
    if (!valid[i]) continue;
    T v = values[i];
    if (!*has) {
      *mn = *mx = v;
      *has = true;
    } else {
      if (v < *mn) *mn = v;
      if (*mx < v) *mx = v;
    }
  }
}

void Update(LeafStats& s, const Batch& batch) {
  size_t n = batch.num_rows;
  // Validity along the path: a NULL struct makes its fields NULL.
  std::vector<uint8_t> valid(n, 1);
  const Vector* v = &batch.columns[s.indices[0]];
  for (size_t depth = 0;; ++depth) {
    if (v->MayHaveNulls()) {
      for (size_t i = 0; i < n; ++i) {
        if (valid[i] && v->IsNull(i)) valid[i] = 0;
      }
    }
    if (depth + 1 == s.indices.size()) break;
    v = &v->child(s.indices[depth + 1]);
  }
  for (size_t i = 0; i < n; ++i) s.null_count += valid[i] ? 0 : 1;
  switch (s.type.id()) {
    case TypeId::kBoolean: {
      const uint8_t* d = v->data<uint8_t>();
      for (size_t i = 0; i < n; ++i) {
        if (!valid[i]) continue;
        int64_t b = d[i] != 0 ? 1 : 0;
        if (!s.has) {
          s.imin = s.imax = b;
          s.has = true;
        } else {
          s.imin = std::min(s.imin, b);
          s.imax = std::max(s.imax, b);
        }
      }
      break;
    }
    case TypeId::kInt:
    case TypeId::kDate: {
      bool has = s.has;
      int32_t mn = static_cast<int32_t>(s.imin), mx = static_cast<int32_t>(s.imax);
      Track(v->data<int32_t>(), valid, n, &has, &mn, &mx);
      s.has = has;
      s.imin = mn;
      s.imax = mx;
      break;
    }
    case TypeId::kBigint:
    case TypeId::kTimestamp: Track(v->data<int64_t>(), valid, n, &s.has, &s.imin, &s.imax); break;
    case TypeId::kDouble: {
      const double* d = v->data<double>();
      for (size_t i = 0; i < n; ++i) {
        if (!valid[i] || std::isnan(d[i])) continue;
        if (!s.has) {
          s.dmin = s.dmax = d[i];
          s.has = true;
        } else {
          s.dmin = std::min(s.dmin, d[i]);
          s.dmax = std::max(s.dmax, d[i]);
        }
      }
      break;
    }
    case TypeId::kDecimal: Track(v->data<__int128>(), valid, n, &s.has, &s.cmin, &s.cmax); break;
    case TypeId::kString:
    case TypeId::kBinary: {
      const std::string_view* d = v->data<std::string_view>();
      for (size_t i = 0; i < n; ++i) {
        if (!valid[i]) continue;
        if (!s.has) {
          s.smin.assign(d[i]);
          s.smax.assign(d[i]);
          s.has = true;
        } else {
          if (d[i] < std::string_view(s.smin)) s.smin.assign(d[i]);
          if (std::string_view(s.smax) < d[i]) s.smax.assign(d[i]);
        }
      }
      break;
    }
    default: break;
  }
}

ParquetColumnStats Finish(const LeafStats& s) {
  ParquetColumnStats out;
  out.path = s.path;
  out.type = s.type;
  out.null_count = s.null_count;
  out.has_min_max = s.has;
  out.min = Value::Null(s.type);
  out.max = Value::Null(s.type);
  if (!s.has) return out;
  switch (s.type.id()) {
    case TypeId::kBoolean:
      out.min = Value::Boolean(s.imin != 0);
      out.max = Value::Boolean(s.imax != 0);
      break;
    case TypeId::kInt:
      out.min = Value::Int(static_cast<int32_t>(s.imin));
      out.max = Value::Int(static_cast<int32_t>(s.imax));
      break;
    case TypeId::kDate:
      out.min = Value::Date(static_cast<int32_t>(s.imin));
      out.max = Value::Date(static_cast<int32_t>(s.imax));
      break;
    case TypeId::kBigint:
      out.min = Value::Bigint(s.imin);
      out.max = Value::Bigint(s.imax);
      break;
    case TypeId::kTimestamp:
      out.min = Value::Timestamp(s.imin);
      out.max = Value::Timestamp(s.imax);
      break;
    case TypeId::kDouble:
      out.min = Value::Double(s.dmin);
      out.max = Value::Double(s.dmax);
      break;
    case TypeId::kDecimal:
      out.min = Value::Decimal(s.cmin, s.type.precision(), s.type.scale());
      out.max = Value::Decimal(s.cmax, s.type.precision(), s.type.scale());
      break;
    case TypeId::kString:
      out.min = Value::String(s.smin);
      out.max = Value::String(s.smax);
      break;
    case TypeId::kBinary:
      out.min = Value::Binary(s.smin);
      out.max = Value::Binary(s.smax);
      break;
    default: out.has_min_max = false; break;
  }
  return out;
}

}  // namespace

Result<ParquetCompression> ParseParquetCompression(std::string_view name) {
  std::string n = ToLower(name);
  if (n == "none" || n == "uncompressed") return ParquetCompression::kNone;
  if (n == "snappy") return ParquetCompression::kSnappy;
  if (n == "gzip") return ParquetCompression::kGzip;
  if (n == "zstd") return ParquetCompression::kZstd;
  if (n == "lz4" || n == "lz4_raw") return ParquetCompression::kLz4Raw;
  if (n == "brotli") return ParquetCompression::kBrotli;
  return Status::InvalidArgument("Parquet compression '" + std::string(name) +
                                 "' is not supported: none, uncompressed, snappy, gzip, zstd, lz4, lz4_raw, brotli");
}

const char* ParquetCompressionName(ParquetCompression c) {
  switch (c) {
    case ParquetCompression::kNone: return "uncompressed";
    case ParquetCompression::kSnappy: return "snappy";
    case ParquetCompression::kGzip: return "gzip";
    case ParquetCompression::kZstd: return "zstd";
    case ParquetCompression::kLz4Raw: return "lz4_raw";
    case ParquetCompression::kBrotli: return "brotli";
  }
  return "snappy";
}

struct ParquetWriter::Impl {
  Env* env = nullptr;
  std::string path;
  Schema schema;  // every field nullable
  ParquetWriteOptions options;
  std::shared_ptr<arrow::Schema> arrow_schema;
  std::shared_ptr<EnvOutputStream> sink;
  std::unique_ptr<parquet::arrow::FileWriter> writer;
  std::vector<LeafStats> stats;
  int64_t rows = 0;
  int64_t group_bytes = 0;
  static constexpr int64_t kPendingRows = 64 * 1024;
  arrow::RecordBatchVector pending;
  int64_t pending_rows = 0;
  int64_t pending_bytes = 0;
  Status failed;  // the first error; the writer takes nothing after it
  bool closed = false;

  Status Fail(Status st) {
    if (failed.ok()) failed = st;
    return st;
  }

  Status WriteOne(const Batch& batch) {
    if (batch.num_rows == 0) return Status::OK();
    if (options.collect_stats) {
      for (LeafStats& s : stats) Update(s, batch);
    }
    return Export(batch);
  }

  // The batch into libarrow and the file. A batch whose strings pass
  // Arrow's 32-bit offsets (2 GiB of one column's bytes) is written in
  // halves: the file's schema keeps `string`, as Spark's readers expect.
  Status Export(const Batch& batch) {
    ArrowExportOptions export_options;  // timestamp[us, tz=UTC], 32-bit offsets
    ArrowArray array;
    std::memset(&array, 0, sizeof(array));
    Status exported = ExportBatch(schema, batch, export_options, &array);
    if (!exported.ok()) {
      if (exported.code() != StatusCode::kInvalidArgument || batch.num_rows < 2) return exported;
      size_t half = batch.num_rows / 2;
      for (auto [from, to] : {std::pair<size_t, size_t>{0, half}, {half, batch.num_rows}}) {
        SelectionVector rows;
        for (size_t r = from; r < to; ++r) rows.push_back(static_cast<uint32_t>(r));
        Batch part;
        part.num_rows = rows.size();
        for (const Vector& v : batch.columns) part.columns.push_back(v.Gather(rows));
        SLUICE_RETURN_NOT_OK(Export(part));
      }
      return Status::OK();
    }
    // ImportRecordBatch releases the array, also when it fails.
    auto rb = arrow::ImportRecordBatch(&array, arrow_schema);
    if (!rb.ok()) return FromArrow(rb.status(), "writing " + path);
    pending.push_back(std::move(*rb));
    pending_rows += pending.back()->num_rows();
    pending_bytes += arrow::util::TotalBufferSize(*pending.back());
    // Written at 64K rows, or when the row group would be full (so that
    // row groups still close at parquet.block.size).
    bool full = pending_rows >= kPendingRows || group_bytes + pending_bytes >= options.row_group_bytes;
    return full ? Flush() : Status::OK();
  }

  // The pending record batches as one (libparquet's per-call work is paid
  // once per 64K rows, not per engine batch of 2K rows: about 10% less CPU
  // per row in bench/parquet/run.sh).
  Status Flush() {
    if (pending.empty()) return Status::OK();
    std::shared_ptr<arrow::RecordBatch> one = pending.front();
    if (pending.size() > 1) {
      auto joined = arrow::ConcatenateRecordBatches(pending);
      if (!joined.ok()) return FromArrow(joined.status(), "writing " + path);
      one = std::move(*joined);
    }
    pending.clear();
    pending_rows = 0;
    pending_bytes = 0;
    return Add(*one);
  }

  Status Add(const arrow::RecordBatch& rb) {
    // The row group is full: a new one, started only when rows follow (a
    // new group at the end would be written empty).
    if (group_bytes >= options.row_group_bytes) {
      SLUICE_RETURN_NOT_OK(Checked(writer->NewBufferedRowGroup()));
      group_bytes = 0;
    }
    SLUICE_RETURN_NOT_OK(Checked(writer->WriteRecordBatch(rb)));
    rows += rb.num_rows();
    group_bytes += arrow::util::TotalBufferSize(rb);
    return Status::OK();
  }

  // An Arrow error, or the Env error behind it.
  Status Checked(const arrow::Status& st) {
    if (st.ok()) return Status::OK();
    if (!sink->env_status().ok()) return sink->env_status();
    return FromArrow(st, "writing " + path);
  }
};

ParquetWriter::ParquetWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ParquetWriter::~ParquetWriter() {
  if (impl_ != nullptr && !impl_->closed) {
    impl_->writer.reset();
    if (impl_->sink != nullptr) (void)impl_->sink->Close();
    (void)impl_->env->DeleteFile(impl_->path);
  }
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(Env* env, const std::string& path, const Schema& schema,
                                                           const ParquetWriteOptions& options) {
  for (const StructField& f : schema.fields()) SLUICE_RETURN_NOT_OK(CheckWritable(f.type, f.name));
  if (schema.size() == 0) return Status::InvalidArgument("writing " + path + ": Parquet needs at least one column");
  if (options.row_group_bytes <= 0 || options.row_group_rows <= 0 || options.page_bytes <= 0) {
    return Status::InvalidArgument("writing " + path + ": row group and page sizes must be positive");
  }
  return CatchAllocationFailure("opening a Parquet file", [&]() -> Result<std::unique_ptr<ParquetWriter>> {
    auto impl = std::make_unique<Impl>();
    impl->env = env;
    impl->path = path;
    impl->options = options;
    for (const StructField& f : schema.fields()) impl->schema.Add(StructField{f.name, AllNullable(f.type), true});
    ArrowSchema c_schema;
    SLUICE_RETURN_NOT_OK(ExportArrowSchema(impl->schema, &c_schema));
    auto imported = arrow::ImportSchema(&c_schema);
    if (!imported.ok()) return FromArrow(imported.status(), "writing " + path);
    impl->arrow_schema = *imported;

    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
    impl->sink = std::make_shared<EnvOutputStream>(std::move(file));
    parquet::WriterProperties::Builder props;
    props.compression(ArrowCodec(options.compression))
        ->max_row_group_length(options.row_group_rows)
        ->data_pagesize(options.page_bytes)
        // INT32 / INT64 for small precision, as Spark writes them. created_by
        // stays libparquet's ("parquet-cpp-arrow version ..."): parquet-mr
        // trusts the binary statistics of writers whose name it can parse.
        ->enable_store_decimal_as_integer();
    if (!options.dictionary) props.disable_dictionary();
    parquet::ArrowWriterProperties::Builder arrow_props;
    arrow_props.set_use_threads(false);  // writers of several files run on the engine's threads
    auto writer = parquet::arrow::FileWriter::Open(*impl->arrow_schema, arrow::default_memory_pool(), impl->sink,
                                                   props.build(), arrow_props.build());
    if (!writer.ok()) {
      (void)impl->sink->Close();
      (void)env->DeleteFile(path);
      return FromArrow(writer.status(), "writing " + path);
    }
    impl->writer = std::move(*writer);
    if (options.collect_stats) {
      std::vector<size_t> indices;
      std::vector<std::string> names;
      for (size_t i = 0; i < impl->schema.size(); ++i) {
        indices.push_back(i);
        names.push_back(impl->schema.field(i).name);
        CollectLeaves(impl->schema.field(i).type, indices, names, &impl->stats);
        indices.pop_back();
        names.pop_back();
      }
    }
    return std::unique_ptr<ParquetWriter>(new ParquetWriter(std::move(impl)));
  });
}

Status ParquetWriter::Write(const Batch& batch) {
  Impl& m = *impl_;
  if (!m.failed.ok()) return m.failed;
  if (m.closed) return Status::Internal("ParquetWriter::Write after Close (" + m.path + ")");
  Status st = CatchAllocationFailure("writing a Parquet file", [&] { return m.WriteOne(batch); });
  if (!st.ok()) return m.Fail(std::move(st));
  return Status::OK();
}

Status ParquetWriter::Write(const std::vector<Batch>& batches) {
  for (const Batch& b : batches) SLUICE_RETURN_NOT_OK(Write(b));
  return Status::OK();
}

Result<ParquetFileInfo> ParquetWriter::Close() {
  Impl& m = *impl_;
  if (!m.failed.ok()) return m.failed;
  if (m.closed) return Status::Internal("ParquetWriter::Close twice (" + m.path + ")");
  Status st = m.Flush();
  if (st.ok()) st = m.Checked(m.writer->Close());
  if (st.ok()) st = m.Checked(m.sink->Close());
  if (!st.ok()) return m.Fail(std::move(st));
  ParquetFileInfo info;
  info.path = m.path;
  info.size = *m.sink->Tell();
  info.crc32 = m.sink->crc32();
  info.num_rows = m.rows;
  info.num_row_groups = m.writer->metadata() != nullptr ? m.writer->metadata()->num_row_groups() : 0;
  for (const LeafStats& s : m.stats) info.stats.push_back(Finish(s));
  m.closed = true;
  return info;
}

int64_t ParquetWriter::num_rows() const { return impl_->rows; }
const std::string& ParquetWriter::path() const { return impl_->path; }

Result<ParquetFileInfo> WriteParquetFile(Env* env, const std::string& path, const Schema& schema,
                                         const std::vector<Batch>& batches, const ParquetWriteOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<ParquetWriter> writer, ParquetWriter::Open(env, path, schema, options));
  SLUICE_RETURN_NOT_OK(writer->Write(batches));
  return writer->Close();
}

}  // namespace sluice
