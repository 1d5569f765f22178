// JsonSplitReader: JSON lines of one split -> Batches (see file_scan.h for
// the semantics). Each line is parsed in place in the SplitReader's padded
// buffer by a JsonRecordParser (simdjson on demand), straight into the
// output vectors.
#include "connectors/file/json_split_reader.h"

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "json/json_record_parser.h"

namespace sluice {

namespace {

using Outcome = JsonRecordParser::Outcome;

class JsonSplitReader final : public BatchStream {
 public:
  JsonSplitReader(std::unique_ptr<SplitReader> in, std::shared_ptr<const ScanSpec> spec)
      : in_(std::move(in)), spec_(std::move(spec)) {
    const Schema& schema = spec_->data_schema;
    // The parser's fields are the projected data columns (not the corrupt
    // column); a column projected twice is parsed once and copied.
    std::vector<StructField> fields;
    std::unordered_map<std::string, int> first_out;
    for (size_t out = 0; out < spec_->projection.size(); ++out) {
      int col = spec_->projection[out];
      if (col == spec_->corrupt_column) {
        corrupt_out_ = static_cast<int>(out);
        continue;
      }
      const StructField& f = schema.field(static_cast<size_t>(col));
      auto [it, inserted] = first_out.emplace(f.name, static_cast<int>(out));
      if (!inserted) {
        duplicates_.push_back({static_cast<int>(out), it->second});
        continue;
      }
      fields.push_back(f);
      field_out_.push_back(static_cast<int>(out));
    }
    parser_ = NewJsonRecordParser(fields);
    outs_.resize(fields.size());
  }

  Result<std::optional<Batch>> Next() override {
    if (done_) return std::optional<Batch>();
    const Schema out_schema = spec_->ReaderSchema();
    std::vector<Vector> cols;
    cols.reserve(out_schema.size());
    for (const auto& f : out_schema.fields()) cols.emplace_back(f.type, kBatchSize);
    for (size_t s = 0; s < field_out_.size(); ++s) outs_[s] = &cols[static_cast<size_t>(field_out_[s])];
    parser_->SetOutputs(outs_.data());
    Vector* corrupt = corrupt_out_ >= 0 ? &cols[static_cast<size_t>(corrupt_out_)] : nullptr;
    const ParseMode mode = spec_->options.mode;

    size_t n = 0;
    while (n < kBatchSize) {
      std::string_view rec;
      SLUICE_ASSIGN_OR_RETURN(bool more, in_->Next(&rec));
      if (!more) {
        done_ = true;
        break;
      }
      if (IsBlank(rec)) continue;
      Outcome o = parser_->Parse(rec, static_cast<size_t>(in_->buffer_limit() - rec.data()), n);
      if (o == Outcome::kOk) {
        if (corrupt) corrupt->SetNull(n);
        ++n;
        continue;
      }
      spec_->malformed->fetch_add(1, std::memory_order_relaxed);
      if (mode == ParseMode::kFailFast) {
        SLUICE_ASSIGN_OR_RETURN(int64_t line, in_->LineNumber());
        return Status::MalformedRecord("malformed JSON record at " + in_->path() + ":" +
                                       std::to_string(line) + ": " + parser_->reason() +
                                       " (mode FAILFAST; use PERMISSIVE or DROPMALFORMED to "
                                       "keep going)");
      }
      if (mode == ParseMode::kDropMalformed) {
        for (auto& c : cols) ResetRow(c, n);
        continue;
      }
      if (o == Outcome::kSyntax) {
        for (auto& c : cols) SetRowNull(c, n);
      }
      if (corrupt) {
        corrupt->SetValid(n);
        corrupt->SetString(n, rec);
      }
      ++n;
    }
    if (n == 0) return std::optional<Batch>();
    for (auto [dst, src] : duplicates_) cols[static_cast<size_t>(dst)] = cols[static_cast<size_t>(src)];
    for (auto& c : cols) c.Resize(n);
    return std::optional<Batch>(Batch(std::move(cols), n));
  }

 private:
  static bool IsBlank(std::string_view rec) {
    for (char c : rec) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    }
    return true;
  }

  std::unique_ptr<SplitReader> in_;
  std::shared_ptr<const ScanSpec> spec_;
  std::unique_ptr<JsonRecordParser> parser_;
  std::vector<int> field_out_;  // output column per parser field
  std::vector<Vector*> outs_;
  std::vector<std::pair<int, int>> duplicates_;
  int corrupt_out_ = -1;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<BatchStream>> OpenJsonSplitReader(std::unique_ptr<SplitReader> in,
                                                         std::shared_ptr<const ScanSpec> spec) {
  return std::unique_ptr<BatchStream>(new JsonSplitReader(std::move(in), std::move(spec)));
}

}  // namespace sluice
