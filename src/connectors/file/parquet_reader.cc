// Parquet reader (parquet_reader.h). Per split: the footer is read once,
// the row groups the split owns are chosen (middle byte inside the split)
// and filtered by their statistics, and parquet::arrow's record batch
// reader decodes the projected leaf columns of those row groups. Each Arrow
// record batch leaves libarrow through the C Data Interface
// (arrow::ExportRecordBatch) and becomes engine batches
// (arrow/arrow_batch.h's importer), arranged in projection order.
#include "connectors/file/parquet_reader.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <utility>

#include <arrow/c/bridge.h>
#include <arrow/memory_pool.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <parquet/arrow/reader.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>
#include <parquet/schema.h>
#include <parquet/statistics.h>

#include "arrow/arrow_batch.h"
#include "common/allocation_failure.h"
#include "connectors/file/arrow_env_io.h"
#include "connectors/file/file_checksum_check.h"
#include "types/data_type.h"

namespace sluice {
namespace {

struct ArrowSchemaGuard {
  ArrowSchema s;
  ArrowSchemaGuard() { std::memset(&s, 0, sizeof(s)); }
  ~ArrowSchemaGuard() {
    if (s.release != nullptr) s.release(&s);
  }
};
struct ArrowArrayGuard {
  ArrowArray a;
  ArrowArrayGuard() { std::memset(&a, 0, sizeof(a)); }
  ~ArrowArrayGuard() {
    if (a.release != nullptr) a.release(&a);
  }
};

struct OpenedFile {
  std::shared_ptr<EnvRandomAccessFile> file;
  std::unique_ptr<parquet::arrow::FileReader> reader;
};

Result<OpenedFile> Open(Env* env, const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(uint64_t size, env->GetFileSize(path));
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> raw, env->NewRandomAccessFile(path));
  OpenedFile out;
  out.file = std::make_shared<EnvRandomAccessFile>(std::move(raw), static_cast<int64_t>(size));
  parquet::arrow::FileReaderBuilder builder;
  arrow::Status st;
  try {
    st = builder.Open(out.file);
  } catch (const parquet::ParquetException& e) {
    st = arrow::Status::IOError(e.what());
  }
  if (!st.ok()) {
    return Status::Corruption("not a readable Parquet file: " + path + " (" + st.message() + ")");
  }
  parquet::ArrowReaderProperties props;
  props.set_batch_size(static_cast<int64_t>(kBatchSize));
  props.set_use_threads(false);  // the engine reads splits in parallel
  builder.properties(props);
  auto reader = builder.Build();
  if (!reader.ok()) return FromArrow(reader.status(), "reading " + path);
  out.reader = std::move(*reader);
  return out;
}

// The engine schema of an Arrow schema (errors name the column and `path`).
Result<ArrowBatchImporter> ImporterFor(const arrow::Schema& schema, const std::string& path) {
  ArrowSchemaGuard c;
  arrow::Status st = arrow::ExportSchema(schema, &c.s);
  if (!st.ok()) return FromArrow(st, "reading " + path);
  auto importer = ArrowBatchImporter::Make(&c.s);
  if (!importer.ok()) return importer.status().WithContext("reading " + path);
  return importer;
}

// Top-level field index of `name` in `names`: exact, else the only match
// ignoring case (Spark's default, spark.sql.caseSensitive=false); -1 when none.
int FindField(const std::vector<std::string>& names, const std::string& name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  int found = -1;
  for (size_t i = 0; i < names.size(); ++i) {
    if (EqualsIgnoreCase(names[i], name)) {
      if (found >= 0) return -1;
      found = static_cast<int>(i);
    }
  }
  return found;
}

// Types equal but for nullability (what the file says about NULLs is not
// the table's business: every Parquet column Spark writes is optional).
bool SameType(const DataType& a, const DataType& b) { return a.SimpleString() == b.SimpleString(); }

// ------------------------------------------------------- row-group pruning ---

// One pushed conjunct: `leaf` (a primitive top-level column's only leaf)
// `op` `literal`, with the column on the left.
struct Pushed {
  int leaf = -1;
  std::string op;
  Value literal;
  TypeId type = TypeId::kNull;
};

std::string Flip(const std::string& op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

// Skip when no value v in [mn, mx] can satisfy `v op lit`.
template <typename T>
bool RulesOut(const std::string& op, const T& mn, const T& mx, const T& lit, bool only_below) {
  if (op == "=") return lit < mn || mx < lit;
  if (op == "<") return !(mn < lit);
  if (op == "<=") return lit < mn;
  if (only_below) return false;  // DOUBLE: NaN (not in the statistics) is above every value
  if (op == ">") return !(lit < mx);
  if (op == ">=") return mx < lit;
  return false;
}

bool RowGroupRuledOut(const parquet::RowGroupMetaData& rg, const Pushed& p) {
  std::unique_ptr<parquet::ColumnChunkMetaData> chunk = rg.ColumnChunk(p.leaf);
  if (!chunk->is_stats_set()) return false;
  std::shared_ptr<parquet::Statistics> stats = chunk->statistics();
  if (stats == nullptr) return false;
  // Every value NULL: a comparison is never true.
  if (stats->HasNullCount() && stats->null_count() == rg.num_rows() && rg.num_rows() > 0) return true;
  if (!stats->HasMinMax()) return false;
  switch (p.type) {
    case TypeId::kInt:
    case TypeId::kDate: {
      if (stats->physical_type() != parquet::Type::INT32) return false;
      auto* t = static_cast<parquet::Int32Statistics*>(stats.get());
      int32_t lit = p.literal.int_value();
      return RulesOut<int32_t>(p.op, t->min(), t->max(), lit, false);
    }
    case TypeId::kBigint:
    case TypeId::kTimestamp: {
      if (stats->physical_type() != parquet::Type::INT64) return false;
      if (p.type == TypeId::kTimestamp) {
        auto lt = rg.schema()->Column(p.leaf)->logical_type();
        if (lt == nullptr || !lt->is_timestamp()) return false;
        auto* ts = static_cast<const parquet::TimestampLogicalType*>(lt.get());
        if (ts->time_unit() != parquet::LogicalType::TimeUnit::MICROS) return false;
      }
      auto* t = static_cast<parquet::Int64Statistics*>(stats.get());
      return RulesOut<int64_t>(p.op, t->min(), t->max(), p.literal.bigint_value(), false);
    }
    case TypeId::kDouble: {
      if (stats->physical_type() != parquet::Type::DOUBLE) return false;
      auto* t = static_cast<parquet::DoubleStatistics*>(stats.get());
      return RulesOut<double>(p.op, t->min(), t->max(), p.literal.double_value(), true);
    }
    case TypeId::kString: {
      if (stats->physical_type() != parquet::Type::BYTE_ARRAY) return false;
      auto* t = static_cast<parquet::ByteArrayStatistics*>(stats.get());
      std::string_view mn(reinterpret_cast<const char*>(t->min().ptr), t->min().len);
      std::string_view mx(reinterpret_cast<const char*>(t->max().ptr), t->max().len);
      return RulesOut<std::string_view>(p.op, mn, mx, std::string_view(p.literal.str_value()), false);
    }
    default: return false;
  }
}

// ------------------------------------------------------------------ stream ---

class ParquetSplitStream final : public BatchStream {
 public:
  ParquetSplitStream(FileSplit split, std::shared_ptr<const ScanSpec> spec) : split_(std::move(split)), spec_(std::move(spec)) {}

  Status Init() {
    // A file sink's part file: the CRC-32 of the bytes this split owns,
    // checked before anything is decoded (Parquet reads are not
    // sequential, so the bytes are read once more here), so that a file
    // changed after commit is reported as such, not as a decoding error.
    SLUICE_RETURN_NOT_OK(CheckOwnedBytes());
    SLUICE_ASSIGN_OR_RETURN(opened_, Open(spec_->env, split_.path));
    const std::string& path = split_.path;
    parquet::ParquetFileReader* raw = opened_.reader->parquet_reader();
    std::shared_ptr<parquet::FileMetaData> meta = raw->metadata();
    const parquet::SchemaDescriptor* schema = meta->schema();
    const parquet::schema::GroupNode* root = schema->group_node();
    std::vector<std::string> names;
    for (int i = 0; i < root->field_count(); ++i) names.push_back(root->field(i)->name());

    // The projected columns: their top-level field in the file (-1: missing).
    const Schema reader_schema = spec_->ReaderSchema();
    std::vector<int> field_of(reader_schema.size(), -1);
    std::vector<bool> wanted(names.size(), false);
    for (size_t k = 0; k < reader_schema.size(); ++k) {
      field_of[k] = FindField(names, reader_schema.field(k).name);
      if (field_of[k] >= 0) wanted[static_cast<size_t>(field_of[k])] = true;
    }
    // Leaves of the wanted fields, and each field's leaves.
    std::vector<std::vector<int>> leaves_of(names.size());
    for (int leaf = 0; leaf < schema->num_columns(); ++leaf) {
      const parquet::schema::Node* top = schema->GetColumnRoot(leaf);
      for (size_t f = 0; f < names.size(); ++f) {
        if (root->field(static_cast<int>(f)).get() == top) {
          leaves_of[f].push_back(leaf);
          if (wanted[f]) leaves_.push_back(leaf);
          break;
        }
      }
    }
    // The fields a read gives, in file order, and where each projected
    // column finds its values.
    std::vector<int> read_fields;
    for (size_t f = 0; f < names.size(); ++f) {
      if (wanted[f]) read_fields.push_back(static_cast<int>(f));
    }
    source_.assign(reader_schema.size(), -1);
    for (size_t k = 0; k < reader_schema.size(); ++k) {
      if (field_of[k] < 0) continue;
      auto pos = std::find(read_fields.begin(), read_fields.end(), field_of[k]);
      source_[k] = static_cast<int>(pos - read_fields.begin());
    }
    if (!leaves_.empty()) {
      // The file's types of the read fields, checked against the table's.
      std::shared_ptr<arrow::Schema> full;
      arrow::Status st = opened_.reader->GetSchema(&full);
      if (!st.ok()) return FromArrow(st, "reading " + path);
      std::vector<std::shared_ptr<arrow::Field>> fields;
      for (int f : read_fields) fields.push_back(full->field(f));
      SLUICE_ASSIGN_OR_RETURN(importer_, ImporterFor(arrow::Schema(fields), path));
      for (size_t k = 0; k < reader_schema.size(); ++k) {
        if (source_[k] < 0) continue;
        const DataType& file_type = importer_->schema().field(static_cast<size_t>(source_[k])).type;
        const DataType& want = reader_schema.field(k).type;
        if (!SameType(file_type, want)) {
          return Status::InvalidArgument("column '" + reader_schema.field(k).name + "' of Parquet file " + path +
                                         " is " + file_type.ToString() + ", the table reads it as " +
                                         want.ToString());
        }
      }
    }
    // The row groups this split owns, less those the statistics rule out.
    std::vector<Pushed> pushed = PushedConjuncts(names, leaves_of);
    for (int g = 0; g < meta->num_row_groups(); ++g) {
      std::unique_ptr<parquet::RowGroupMetaData> rg = meta->RowGroup(g);
      int64_t start = -1, bytes = 0;
      for (int c = 0; c < rg->num_columns(); ++c) {
        std::unique_ptr<parquet::ColumnChunkMetaData> col = rg->ColumnChunk(c);
        int64_t first = col->has_dictionary_page() && col->dictionary_page_offset() > 0
                            ? std::min(col->dictionary_page_offset(), col->data_page_offset())
                            : col->data_page_offset();
        start = start < 0 ? first : std::min(start, first);
        bytes += col->total_compressed_size();
      }
      int64_t middle = std::max<int64_t>(start, 0) + bytes / 2;
      if (middle < split_.start || middle >= split_.end()) continue;
      bool skip = false;
      for (const Pushed& p : pushed) {
        if (RowGroupRuledOut(*rg, p)) {
          skip = true;
          break;
        }
      }
      if (skip) {
        spec_->row_groups_skipped->fetch_add(1);
      } else {
        spec_->row_groups_read->fetch_add(1);
        row_groups_.push_back(g);
        rows_ += rg->num_rows();
      }
    }
    return Status::OK();
  }

  Result<std::optional<Batch>> Next() override {
    return CatchAllocationFailure("reading a Parquet file", [&]() -> Result<std::optional<Batch>> {
      // libparquet reports some damage by throwing (ParquetException).
      try {
        return NextBatch();
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const std::exception& e) {
        return Status::Corruption("reading Parquet file " + split_.path + ": " + e.what());
      }
    });
  }

  // Init, with libparquet's exceptions as errors naming the file.
  Status InitChecked() {
    try {
      return Init();
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      return Status::Corruption("reading Parquet file " + split_.path + ": " + e.what());
    }
  }

 private:
  // Conjuncts of spec->filter that row-group statistics can decide.
  std::vector<Pushed> PushedConjuncts(const std::vector<std::string>& names,
                                      const std::vector<std::vector<int>>& leaves_of) const {
    std::vector<Pushed> out;
    if (!spec_->filter) return out;
    std::vector<ExprPtr> conjuncts;
    SplitConjuncts(spec_->filter, &conjuncts);
    for (const ExprPtr& c : conjuncts) {
      if (!c || c->kind != ExprKind::kCall || c->args.size() != 2) continue;
      const std::string& op = c->name;
      if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") continue;
      const Expr* col = c->args[0].get();
      const Expr* lit = c->args[1].get();
      std::string o = op;
      if (col->kind == ExprKind::kLiteral && lit->kind == ExprKind::kColumnRef) {
        std::swap(col, lit);
        o = Flip(op);
      }
      if (col->kind != ExprKind::kColumnRef || lit->kind != ExprKind::kLiteral || lit->literal.is_null()) continue;
      if (!SameType(col->type, lit->literal.type())) continue;
      // The output column -> the data column it reads.
      int k = col->column_index;
      int data = -1;
      if (spec_->output.empty()) {
        if (k >= 0 && static_cast<size_t>(k) < spec_->projection.size()) data = spec_->projection[static_cast<size_t>(k)];
      } else if (k >= 0 && static_cast<size_t>(k) < spec_->output.size() && spec_->output[static_cast<size_t>(k)] >= 0) {
        data = spec_->projection[static_cast<size_t>(spec_->output[static_cast<size_t>(k)])];
      }
      if (data < 0) continue;
      const StructField& field = spec_->data_schema.field(static_cast<size_t>(data));
      if (!SameType(field.type, col->type)) continue;
      int f = FindField(names, field.name);
      if (f < 0 || leaves_of[static_cast<size_t>(f)].size() != 1) continue;
      Pushed p;
      p.leaf = leaves_of[static_cast<size_t>(f)][0];
      p.op = o;
      p.literal = lit->literal;
      p.type = field.type.id();
      out.push_back(std::move(p));
    }
    return out;
  }

  Result<std::optional<Batch>> NextBatch() {
    while (true) {
      if (!pending_.empty()) {
        Batch b = std::move(pending_.front());
        pending_.pop_front();
        return std::optional<Batch>(Arrange(std::move(b)));
      }
      if (done_) return std::optional<Batch>();
      if (row_groups_.empty()) {
        done_ = true;
        continue;
      }
      if (leaves_.empty()) {
        // No column of the file is read (count(*), or only missing
        // columns): the row groups' row counts.
        int64_t left = rows_;
        while (left > 0) {
          auto n = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(kBatchSize)));
          pending_.emplace_back(std::vector<Vector>{}, n);
          left -= static_cast<int64_t>(n);
        }
        rows_ = 0;
        row_groups_.clear();
        continue;
      }
      if (batches_ == nullptr) {
        auto rb = opened_.reader->GetRecordBatchReader(row_groups_, leaves_);
        if (!rb.ok()) return FromArrow(rb.status(), "reading " + split_.path);
        batches_ = std::move(*rb);
      }
      std::shared_ptr<arrow::RecordBatch> rb;
      arrow::Status st = batches_->ReadNext(&rb);
      if (!st.ok()) return Status::Corruption("reading Parquet file " + split_.path + ": " + st.message());
      if (rb == nullptr) {
        batches_.reset();
        row_groups_.clear();
        continue;
      }
      ArrowArrayGuard array;
      st = arrow::ExportRecordBatch(*rb, &array.a);
      if (!st.ok()) return FromArrow(st, "reading " + split_.path);
      std::vector<Batch> out;
      Status appended = importer_->Append(&array.a, &out);
      if (!appended.ok()) return appended.WithContext("reading " + split_.path);
      for (Batch& b : out) pending_.push_back(std::move(b));
    }
  }

  // The imported columns in projection order; NULLs for missing columns.
  Batch Arrange(Batch in) {
    const Schema reader_schema = spec_->ReaderSchema();
    Batch out;
    out.num_rows = in.num_rows;
    for (size_t k = 0; k < source_.size(); ++k) {
      if (source_[k] >= 0) {
        out.columns.push_back(std::move(in.columns[static_cast<size_t>(source_[k])]));
      } else {
        out.columns.push_back(Vector::Constant(Value::Null(reader_schema.field(k).type), in.num_rows));
      }
    }
    return out;
  }

  Status CheckOwnedBytes() {
    if (split_.checksum == nullptr) return Status::OK();
    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> f, spec_->env->NewRandomAccessFile(split_.path));
    std::string buf(size_t{1} << 20, '\0');
    uint32_t crc = 0;
    int64_t total = 0;
    for (int64_t pos = split_.start; pos < split_.end();) {
      size_t want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(buf.size()), split_.end() - pos));
      size_t got = 0;
      SLUICE_RETURN_NOT_OK(f->Read(static_cast<uint64_t>(pos), want, buf.data(), &got));
      if (got == 0) break;
      crc = FileChecksumCheck::Extend(crc, buf.data(), got);
      total += static_cast<int64_t>(got);
      pos += static_cast<int64_t>(got);
    }
    return split_.checksum->SplitDone(split_.checksum_index, crc, total);
  }

  FileSplit split_;
  std::shared_ptr<const ScanSpec> spec_;
  OpenedFile opened_;
  std::optional<ArrowBatchImporter> importer_;
  std::vector<int> leaves_;
  std::vector<int> source_;  // per projected column: its index among the read fields, or -1
  std::vector<int> row_groups_;
  int64_t rows_ = 0;
  std::unique_ptr<arrow::RecordBatchReader> batches_;
  std::deque<Batch> pending_;
  bool done_ = false;
};

}  // namespace

namespace {

Result<Schema> ReadSchema(Env* env, const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(OpenedFile opened, Open(env, path));
  std::shared_ptr<arrow::Schema> schema;
  arrow::Status st = opened.reader->GetSchema(&schema);
  if (!st.ok()) return FromArrow(st, "reading " + path);
  SLUICE_ASSIGN_OR_RETURN(ArrowBatchImporter importer, ImporterFor(*schema, path));
  // Every column nullable, as Spark reads Parquet.
  Schema out;
  for (const StructField& f : importer.schema().fields()) out.Add(StructField{f.name, f.type, true});
  return out;
}

}  // namespace

Result<Schema> ReadParquetSchema(Env* env, const std::string& path) {
  return CatchAllocationFailure("reading a Parquet footer", [&]() -> Result<Schema> {
    // libparquet reports some damage by throwing (ParquetException).
    try {
      return ReadSchema(env, path);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      return Status::Corruption("reading Parquet file " + path + ": " + e.what());
    }
  });
}

Result<std::vector<Batch>> ReadParquetColumns(Env* env, const std::string& path, const Schema& columns) {
  SLUICE_ASSIGN_OR_RETURN(uint64_t size, env->GetFileSize(path));
  auto spec = std::make_shared<ScanSpec>();
  spec->env = env;
  spec->format = FileFormat::kParquet;
  spec->data_schema = columns;
  for (size_t i = 0; i < columns.size(); ++i) spec->projection.push_back(static_cast<int>(i));
  FileSplit split{path, 0, static_cast<int64_t>(size), static_cast<int64_t>(size)};
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> stream, OpenParquetSplitReader(split, spec));
  std::vector<Batch> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(std::optional<Batch> b, stream->Next());
    if (!b) break;
    out.push_back(std::move(*b));
  }
  return out;
}

Result<std::unique_ptr<BatchStream>> OpenParquetSplitReader(const FileSplit& split,
                                                            std::shared_ptr<const ScanSpec> spec) {
  return CatchAllocationFailure("opening a Parquet file", [&]() -> Result<std::unique_ptr<BatchStream>> {
    auto stream = std::make_unique<ParquetSplitStream>(split, spec);
    SLUICE_RETURN_NOT_OK(stream->InitChecked());
    return std::unique_ptr<BatchStream>(std::move(stream));
  });
}

}  // namespace sluice
