#include "render/json_lines_writer.h"

#include <cmath>

#include "common/json_writer.h"
#include "render/scalar_text.h"
#include "types/value.h"

namespace sluice {

namespace {

void AppendJsonValue(const Vector& v, size_t i, bool ignore_nulls, std::string* out);

void AppendJsonObject(const Vector* const* cols, const std::vector<StructField>& fields, size_t i,
                      bool ignore_nulls, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (size_t f = 0; f < fields.size(); ++f) {
    const Vector& c = *cols[f];
    if (c.IsNull(i) && ignore_nulls) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendJsonTextString(out, fields[f].name);
    out->push_back(':');
    AppendJsonValue(c, i, ignore_nulls, out);
  }
  out->push_back('}');
}

void AppendJsonValue(const Vector& v, size_t i, bool ignore_nulls, std::string* out) {
  if (v.IsNull(i) || v.type().is_null()) {
    out->append("null");
    return;
  }
  switch (v.type().id()) {
    case TypeId::kBoolean:
    case TypeId::kInt:
    case TypeId::kBigint:
    case TypeId::kDecimal:
      out->append(ScalarText(v, i));
      return;
    case TypeId::kDouble: {
      double d = v.data<double>()[i];
      if (std::isfinite(d)) out->append(FormatDouble(d));
      else AppendJsonTextString(out, FormatDouble(d));
      return;
    }
    case TypeId::kStruct: {
      std::vector<const Vector*> cols;
      for (size_t c = 0; c < v.num_children(); ++c) cols.push_back(&v.child(c));
      AppendJsonObject(cols.data(), v.type().fields(), i, ignore_nulls, out);
      return;
    }
    case TypeId::kArray: {
      out->push_back('[');
      const uint32_t* off = v.offsets();
      for (uint32_t k = off[i]; k < off[i + 1]; ++k) {
        if (k > off[i]) out->push_back(',');
        AppendJsonValue(v.child(0), k, ignore_nulls, out);
      }
      out->push_back(']');
      return;
    }
    default:
      AppendJsonTextString(out, ScalarText(v, i));
  }
}

}  // namespace

Status JsonLinesWriter::Write(const Batch& batch, std::string* out) const {
  if (batch.num_columns() != schema_.size()) {
    return Status::Internal("batch has " + std::to_string(batch.num_columns()) + " columns, schema " +
                            std::to_string(schema_.size()));
  }
  std::vector<const Vector*> cols;
  for (const auto& c : batch.columns) cols.push_back(&c);
  for (size_t i = 0; i < batch.num_rows; ++i) {
    AppendJsonObject(cols.data(), schema_.fields(), i, options_.ignore_null_fields, out);
    out->push_back('\n');
  }
  return Status::OK();
}

}  // namespace sluice
