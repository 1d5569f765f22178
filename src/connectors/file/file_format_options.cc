#include "connectors/file/file_format_options.h"

#include <charconv>

#include "types/data_type.h"

namespace sluice {

Result<FileFormat> ParseFileFormat(std::string_view name) {
  if (EqualsIgnoreCase(name, "json")) return FileFormat::kJson;
  if (EqualsIgnoreCase(name, "csv")) return FileFormat::kCsv;
  return Status::InvalidArgument("unknown file format '" + std::string(name) +
                                 "': expected json or csv");
}

const char* FileFormatName(FileFormat format) {
  return format == FileFormat::kJson ? "json" : "csv";
}

namespace {

Result<bool> ParseBool(const std::string& key, const std::string& v) {
  if (EqualsIgnoreCase(v, "true")) return true;
  if (EqualsIgnoreCase(v, "false")) return false;
  return Status::InvalidArgument("option " + key + " must be true or false, got '" + v + "'");
}

Result<int64_t> ParsePositive(const std::string& key, const std::string& v) {
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || out <= 0) {
    return Status::InvalidArgument("option " + key + " must be a positive integer, got '" + v + "'");
  }
  return out;
}

// One character, allowing the escapes Spark's CSVUtils.toChar accepts: \t,
// \n, \r, \b, \f, \", \', \\, \u0000 and "\u0001"-style unicode.
Result<char> ParseChar(const std::string& key, const std::string& v, bool allow_empty) {
  if (v.empty()) {
    if (allow_empty) return '\0';
    return Status::InvalidArgument("option " + key + " cannot be an empty string");
  }
  if (v.size() == 1) return v[0];
  if (v.size() == 2 && v[0] == '\\') {
    switch (v[1]) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'b': return '\b';
      case 'f': return '\f';
      case '"': return '"';
      case '\'': return '\'';
      case '\\': return '\\';
      case '0': return '\0';
    }
  }
  if (v.size() == 6 && v[0] == '\\' && v[1] == 'u') {
    unsigned code = 0;
    auto [p, ec] = std::from_chars(v.data() + 2, v.data() + 6, code, 16);
    if (ec == std::errc() && p == v.data() + 6 && code < 0x80) return static_cast<char>(code);
  }
  return Status::InvalidArgument("option " + key + " must be a single character, got '" + v + "'");
}

}  // namespace

Result<FileFormatOptions> FileFormatOptions::Parse(
    FileFormat format, const std::map<std::string, std::string>& options) {
  FileFormatOptions o;
  bool escape_quote_escaping_set = false;
  for (const auto& [raw_key, v] : options) {
    std::string k = ToLower(raw_key);
    if (k == "mode") {
      if (EqualsIgnoreCase(v, "PERMISSIVE")) {
        o.mode = ParseMode::kPermissive;
      } else if (EqualsIgnoreCase(v, "DROPMALFORMED")) {
        o.mode = ParseMode::kDropMalformed;
      } else if (EqualsIgnoreCase(v, "FAILFAST")) {
        o.mode = ParseMode::kFailFast;
      } else {
        return Status::InvalidArgument("mode '" + v +
                                       "' is not one of PERMISSIVE, DROPMALFORMED, FAILFAST");
      }
    } else if (k == "columnnameofcorruptrecord") {
      if (v.empty()) return Status::InvalidArgument("option columnNameOfCorruptRecord cannot be empty");
      o.column_name_of_corrupt_record = v;
    } else if (k == "multiline") {
      SLUICE_ASSIGN_OR_RETURN(o.multi_line, ParseBool(raw_key, v));
      if (o.multi_line && format == FileFormat::kJson) {
        return Status::NotImplemented("multiLine=true is not supported for JSON: Sluice reads JSON lines");
      }
    } else if (k == "ignorenullfields") {
      SLUICE_ASSIGN_OR_RETURN(o.ignore_null_fields, ParseBool(raw_key, v));
    } else if (k == "maxpartitionbytes") {
      SLUICE_ASSIGN_OR_RETURN(o.max_partition_bytes, ParsePositive(raw_key, v));
    } else if (k == "samplingbytes") {
      SLUICE_ASSIGN_OR_RETURN(o.sampling_bytes, ParsePositive(raw_key, v));
    } else if (k == "dateformat" || k == "timestampformat" || k == "timestampntzformat") {
      // Only Spark's defaults are implemented.
      bool is_default = (k == "dateformat" && v == "yyyy-MM-dd") ||
                        (k == "timestampformat" && (v == "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]" ||
                                                    v == "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"));
      if (!is_default) {
        return Status::InvalidArgument("option " + raw_key + " = '" + v +
                                       "' is not supported: Sluice reads ISO 8601 dates and "
                                       "timestamps (Spark's default formats); remove the option");
      }
    } else if (format != FileFormat::kCsv) {
      continue;  // CSV-only options are ignored for JSON, as Spark does.
    } else if (k == "header") {
      SLUICE_ASSIGN_OR_RETURN(o.header, ParseBool(raw_key, v));
    } else if (k == "inferschema") {
      SLUICE_ASSIGN_OR_RETURN(o.infer_schema, ParseBool(raw_key, v));
    } else if (k == "sep" || k == "delimiter") {
      SLUICE_ASSIGN_OR_RETURN(o.sep, ParseChar(raw_key, v, false));
    } else if (k == "quote") {
      SLUICE_ASSIGN_OR_RETURN(o.quote, ParseChar(raw_key, v, true));
    } else if (k == "escape") {
      SLUICE_ASSIGN_OR_RETURN(o.escape, ParseChar(raw_key, v, true));
    } else if (k == "chartoescapequoteescaping") {
      SLUICE_ASSIGN_OR_RETURN(o.char_to_escape_quote_escaping, ParseChar(raw_key, v, true));
      escape_quote_escaping_set = true;
    } else if (k == "comment") {
      SLUICE_ASSIGN_OR_RETURN(o.comment, ParseChar(raw_key, v, true));
    } else if (k == "nullvalue") {
      o.null_value = v;
    } else if (k == "emptyvalue") {
      o.empty_value = v;
    } else if (k == "nanvalue") {
      o.nan_value = v;
    } else if (k == "positiveinf") {
      o.positive_inf = v;
    } else if (k == "negativeinf") {
      o.negative_inf = v;
    } else if (k == "ignoreleadingwhitespace") {
      SLUICE_ASSIGN_OR_RETURN(o.ignore_leading_white_space, ParseBool(raw_key, v));
    } else if (k == "ignoretrailingwhitespace") {
      SLUICE_ASSIGN_OR_RETURN(o.ignore_trailing_white_space, ParseBool(raw_key, v));
    } else if (k == "quoteall") {
      SLUICE_ASSIGN_OR_RETURN(o.quote_all, ParseBool(raw_key, v));
    } else if (k == "escapequotes") {
      SLUICE_ASSIGN_OR_RETURN(o.escape_quotes, ParseBool(raw_key, v));
    }
  }
  if (format == FileFormat::kCsv) {
    if (!escape_quote_escaping_set) {
      o.char_to_escape_quote_escaping = o.escape != o.quote ? o.escape : '\0';
    }
    if (o.sep == '\n' || o.sep == '\r') {
      return Status::InvalidArgument("option sep cannot be a line separator");
    }
    if (o.quote != '\0' && o.quote == o.sep) {
      return Status::InvalidArgument("options sep and quote cannot be the same character");
    }
  }
  return o;
}

}  // namespace sluice
