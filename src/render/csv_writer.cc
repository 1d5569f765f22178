#include "render/csv_writer.h"

#include "render/scalar_text.h"

namespace sluice {

void CsvWriter::AppendField(std::string_view text, std::string* out) const {
  const CsvWriteOptions& o = options_;
  bool need = o.quote_all || text.empty();
  if (!need) {
    for (char c : text) {
      if (c == o.sep || c == o.quote || (o.escape && c == o.escape) || c == '\n' || c == '\r') {
        need = true;
        break;
      }
    }
  }
  if (!need || o.quote == '\0') {
    out->append(text);
    return;
  }
  char esc = o.escape ? o.escape : o.quote;
  out->push_back(o.quote);
  for (char c : text) {
    if ((c == o.quote && o.escape_quotes) || (o.escape && c == o.escape && o.escape != o.quote)) {
      out->push_back(esc);
    }
    out->push_back(c);
  }
  out->push_back(o.quote);
}

void CsvWriter::WriteHeader(std::string* out) const {
  if (!options_.header) return;
  for (size_t f = 0; f < schema_.size(); ++f) {
    if (f) out->push_back(options_.sep);
    AppendField(schema_.field(f).name, out);
  }
  out->push_back('\n');
}

Status CsvWriter::CheckSchema(const Schema& schema) {
  for (const auto& f : schema.fields()) {
    if (f.type.is_nested()) {
      return Status::InvalidArgument("[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support the column `" +
                                     f.name + "` of the type \"" + f.type.ToString() +
                                     "\"; write it as text (to_json(" + f.name + ") or CAST(" + f.name +
                                     " AS STRING)) or use JSON output");
    }
  }
  return Status::OK();
}

Status CsvWriter::Write(const Batch& batch, std::string* out) const {
  if (batch.num_columns() != schema_.size()) {
    return Status::Internal("batch has " + std::to_string(batch.num_columns()) + " columns, schema " +
                            std::to_string(schema_.size()));
  }
  SLUICE_RETURN_NOT_OK(CheckSchema(schema_));
  for (size_t i = 0; i < batch.num_rows; ++i) {
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      if (c) out->push_back(options_.sep);
      const Vector& v = batch.columns[c];
      if (v.IsNull(i) || v.type().is_null()) {
        out->append(options_.null_value);
        continue;
      }
      AppendField(ScalarText(v, i), out);
    }
    out->push_back('\n');
  }
  return Status::OK();
}

}  // namespace sluice
