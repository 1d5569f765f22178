#include "connectors/file/csv_split_reader.h"

#include <limits>

#include "connectors/file/csv_tokenizer.h"
#include "connectors/file/row_builder.h"
#include "types/text_value_parser.h"
#include "types/datetime.h"

namespace sluice {

bool ConvertCsvField(std::string_view text, bool quoted, const FileFormatOptions& o, Vector& out,
                     size_t row) {
  if (!quoted && text.empty()) {
    out.SetNull(row);
    return true;
  }
  // A quoted empty field ("") reads as the empty value (emptyValue, default
  // ""), which is then compared with nullValue like any other text: with
  // Spark's defaults (both "") it is NULL in every column type.
  if (quoted && text.empty()) text = o.empty_value;
  if (text == o.null_value) {
    out.SetNull(row);
    return true;
  }
  bool ok = true;
  switch (out.type().id()) {
    case TypeId::kString:
    case TypeId::kBinary:
      out.SetString(row, text);
      break;
    case TypeId::kInt:
      ok = ParseInt32Text(text, &out.data<int32_t>()[row]);
      break;
    case TypeId::kBigint:
      ok = ParseInt64Text(text, &out.data<int64_t>()[row]);
      break;
    case TypeId::kDouble: {
      double& d = out.data<double>()[row];
      if (text == o.nan_value) {
        d = std::numeric_limits<double>::quiet_NaN();
      } else if (text == o.positive_inf) {
        d = std::numeric_limits<double>::infinity();
      } else if (text == o.negative_inf) {
        d = -std::numeric_limits<double>::infinity();
      } else {
        ok = ParseDoubleText(text, &d);
      }
      break;
    }
    case TypeId::kBoolean: {
      bool b = false;
      ok = ParseBooleanText(text, &b);
      out.data<uint8_t>()[row] = b ? 1 : 0;
      break;
    }
    case TypeId::kDecimal:
      ok = ParseDecimalText(text, out.type().precision(), out.type().scale(), &out.data<int128_t>()[row]);
      break;
    case TypeId::kDate: {
      auto d = ParseDate(text);
      ok = d.has_value();
      if (ok) out.data<int32_t>()[row] = *d;
      break;
    }
    case TypeId::kTimestamp: {
      auto t = ParseTimestamp(text);
      ok = t.has_value();
      if (ok) out.data<int64_t>()[row] = *t;
      break;
    }
    case TypeId::kNull:
      out.SetNull(row);
      return true;
    default:
      ok = false;
      break;
  }
  if (!ok) {
    out.SetNull(row);
    return false;
  }
  out.SetValid(row);
  return true;
}

namespace {

class CsvSplitReader final : public BatchStream {
 public:
  CsvSplitReader(std::unique_ptr<SplitReader> in, std::shared_ptr<const ScanSpec> spec)
      : in_(std::move(in)), spec_(std::move(spec)), tokenizer_(spec_->options) {
    const Schema& schema = spec_->data_schema;
    std::vector<int> token_of_col(schema.size(), -1);
    int t = 0;
    for (size_t c = 0; c < schema.size(); ++c) {
      if (static_cast<int>(c) == spec_->corrupt_column) continue;
      token_of_col[c] = t++;
    }
    num_tokens_ = static_cast<size_t>(t);
    for (size_t out = 0; out < spec_->projection.size(); ++out) {
      int col = spec_->projection[out];
      if (col == spec_->corrupt_column) {
        corrupt_out_ = static_cast<int>(out);
        token_of_out_.push_back(-1);
      } else {
        token_of_out_.push_back(token_of_col[static_cast<size_t>(col)]);
      }
    }
  }

  Result<std::optional<Batch>> Next() override {
    if (done_) return std::optional<Batch>();
    const Schema out_schema = spec_->ReaderSchema();
    const FileFormatOptions& o = spec_->options;
    std::vector<Vector> cols;
    cols.reserve(out_schema.size());
    for (const auto& f : out_schema.fields()) cols.emplace_back(f.type, kBatchSize);
    Vector* corrupt = corrupt_out_ >= 0 ? &cols[static_cast<size_t>(corrupt_out_)] : nullptr;

    size_t n = 0;
    while (n < kBatchSize) {
      std::string_view rec;
      SLUICE_ASSIGN_OR_RETURN(bool more, in_->Next(&rec));
      if (!more) {
        done_ = true;
        break;
      }
      if (rec.empty()) continue;
      if (o.comment != '\0' && rec[0] == o.comment) continue;
      if (o.header && in_->AtFirstLineOfFile()) continue;
      const std::vector<CsvField>& fields = tokenizer_.Split(rec);
      std::string reason;
      if (fields.size() != num_tokens_) {
        reason = "expected " + std::to_string(num_tokens_) + " fields but found " +
                 std::to_string(fields.size());
      }
      for (size_t out = 0; out < cols.size(); ++out) {
        int tok = token_of_out_[out];
        if (tok < 0) continue;
        Vector& v = cols[out];
        if (static_cast<size_t>(tok) >= fields.size()) {
          v.SetNull(n);
          continue;
        }
        const CsvField& f = fields[static_cast<size_t>(tok)];
        if (!ConvertCsvField(f.text, f.quoted, o, v, n) && reason.empty()) {
          reason = "field '" + out_schema.field(out).name + "': cannot convert '" +
                   std::string(f.text) + "' to " + v.type().ToString();
        }
      }
      if (reason.empty()) {
        if (corrupt) corrupt->SetNull(n);
        ++n;
        continue;
      }
      spec_->malformed->fetch_add(1, std::memory_order_relaxed);
      if (o.mode == ParseMode::kFailFast) {
        SLUICE_ASSIGN_OR_RETURN(int64_t line, in_->LineNumber());
        return Status::MalformedRecord("malformed CSV record at " + in_->path() + ":" +
                                       std::to_string(line) + ": " + reason +
                                       " (mode FAILFAST; use PERMISSIVE or DROPMALFORMED to "
                                       "keep going)");
      }
      if (o.mode == ParseMode::kDropMalformed) {
        for (auto& c : cols) c.SetValid(n);
        continue;
      }
      if (corrupt) {
        corrupt->SetValid(n);
        corrupt->SetString(n, rec);
      }
      ++n;
    }
    if (n == 0) return std::optional<Batch>();
    for (auto& c : cols) c.Resize(n);
    return std::optional<Batch>(Batch(std::move(cols), n));
  }

 private:
  std::unique_ptr<SplitReader> in_;
  std::shared_ptr<const ScanSpec> spec_;
  CsvTokenizer tokenizer_;
  size_t num_tokens_ = 0;
  std::vector<int> token_of_out_;
  int corrupt_out_ = -1;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<BatchStream>> OpenCsvSplitReader(std::unique_ptr<SplitReader> in,
                                                        std::shared_ptr<const ScanSpec> spec) {
  return std::unique_ptr<BatchStream>(new CsvSplitReader(std::move(in), std::move(spec)));
}

}  // namespace sluice
