#include "connectors/file/file_format_options.h"

#include <charconv>
#include <limits>

#include "connectors/file/parquet_writer.h"
#include "connectors/option_spec.h"
#include "types/data_type.h"

namespace sluice {

Result<FileFormat> ParseFileFormat(std::string_view name) {
  if (EqualsIgnoreCase(name, "json")) return FileFormat::kJson;
  if (EqualsIgnoreCase(name, "csv")) return FileFormat::kCsv;
  if (EqualsIgnoreCase(name, "parquet")) return FileFormat::kParquet;
  return Status::InvalidArgument("unknown file format '" + std::string(name) +
                                 "': expected json, csv or parquet");
}

const char* FileFormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kJson: return "json";
    case FileFormat::kCsv: return "csv";
    case FileFormat::kParquet: return "parquet";
  }
  return "json";
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

}  // namespace

Result<FileFormatOptions> FileFormatOptions::Parse(
    FileFormat format, const std::map<std::string, std::string>& options) {
  FileFormatOptions o;
  if (format == FileFormat::kParquet) o.max_partition_bytes = int64_t{128} << 20;  // Spark's default
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
    } else if (k == "basepath") {
      o.base_path = v;
    } else if (k == "ignoremissingfiles") {
      SLUICE_ASSIGN_OR_RETURN(o.ignore_missing_files, ParseBool(raw_key, v));
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
    } else if (format == FileFormat::kParquet && (k == "compression" || k == "parquet.compression")) {
      SLUICE_ASSIGN_OR_RETURN(ParquetCompression c, ParseParquetCompression(v));
      o.parquet_compression = ParquetCompressionName(c);
    } else if (format == FileFormat::kParquet && k == "parquet.block.size") {
      SLUICE_ASSIGN_OR_RETURN(o.parquet_block_size, ParsePositive(raw_key, v));
    } else if (format == FileFormat::kParquet && k == "parquet.page.size") {
      SLUICE_ASSIGN_OR_RETURN(o.parquet_page_size, ParsePositive(raw_key, v));
    } else if (format == FileFormat::kParquet && k == "parquet.enable.dictionary") {
      SLUICE_ASSIGN_OR_RETURN(o.parquet_dictionary, ParseBool(raw_key, v));
    } else if (format == FileFormat::kParquet && k == "mergeschema") {
      SLUICE_ASSIGN_OR_RETURN(bool merge, ParseBool(raw_key, v));
      if (merge) {
        return Status::InvalidArgument(
            "option mergeSchema=true is not supported: Sluice takes a Parquet table's schema from one file's footer "
            "(or the schema given); give the schema to read files whose columns differ (missing columns read as "
            "NULL)");
      }
    } else if (format != FileFormat::kCsv) {
      continue;  // CSV-only options are ignored for JSON, as Spark does.
    } else if (k == "header") {
      SLUICE_ASSIGN_OR_RETURN(o.header, ParseBool(raw_key, v));
    } else if (k == "inferschema") {
      SLUICE_ASSIGN_OR_RETURN(o.infer_schema, ParseBool(raw_key, v));
    } else if (k == "sep" || k == "delimiter") {
      SLUICE_ASSIGN_OR_RETURN(o.sep, ParseOptionChar(raw_key, v, false));
    } else if (k == "quote") {
      SLUICE_ASSIGN_OR_RETURN(o.quote, ParseOptionChar(raw_key, v, true));
    } else if (k == "escape") {
      SLUICE_ASSIGN_OR_RETURN(o.escape, ParseOptionChar(raw_key, v, true));
    } else if (k == "chartoescapequoteescaping") {
      SLUICE_ASSIGN_OR_RETURN(o.char_to_escape_quote_escaping, ParseOptionChar(raw_key, v, true));
      escape_quote_escaping_set = true;
    } else if (k == "comment") {
      SLUICE_ASSIGN_OR_RETURN(o.comment, ParseOptionChar(raw_key, v, true));
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

namespace {

void AddUnsupportedReadOptions(FileFormat format, OptionSet* set) {
  const char* files = "Sluice reads every file of the path it is given";
  set->Unsupported("pathGlobFilter", files)
      .Unsupported("recursiveFileLookup", files)
      .Unsupported("modifiedBefore", files)
      .Unsupported("modifiedAfter", files)
      .Unsupported("ignoreCorruptFiles", "a damaged file is always an error naming it")
      .Unsupported("encoding", "files are read as UTF-8")
      .Unsupported("charset", "files are read as UTF-8")
      .Unsupported("lineSep", "records end at \\n, \\r\\n or \\r")
      .Unsupported("locale", "numbers and dates are parsed as in Spark's default locale (en-US)");
  if (format == FileFormat::kJson) {
    const char* strict = "Sluice parses standard JSON only";
    set->Unsupported("primitivesAsString", "values are parsed with the schema's types")
        .Unsupported("prefersDecimal", "schema inference gives DOUBLE for fractions")
        .Unsupported("allowComments", strict)
        .Unsupported("allowUnquotedFieldNames", strict)
        .Unsupported("allowSingleQuotes", strict)
        .Unsupported("allowNumericLeadingZeros", strict)
        .Unsupported("allowBackslashEscapingAnyCharacter", strict)
        .Unsupported("allowUnquotedControlChars", strict)
        .Unsupported("allowNonNumericNumbers", strict)
        .Unsupported("dropFieldIfAllNull", "schema inference keeps every field it saw");
  } else {
    set->Unsupported("enforceSchema", "the header is not checked against the schema")
        .Unsupported("samplingRatio", "inference reads the first samplingBytes of each file")
        .Unsupported("maxColumns", "records are not limited in columns")
        .Unsupported("maxCharsPerColumn", "fields are not limited in length")
        .Unsupported("unescapedQuoteHandling", "quotes are read as Spark's default, STOP_AT_DELIMITER, reads them")
        .Unsupported("preferDate", "inference gives DATE only for yyyy-MM-dd values");
  }
}

// The options of every format that lists files: missing files and the base
// of partition directories.
void AddListingOptions(OptionSet* set) {
  set->Add(OptionSpec::Bool("ignoreMissingFiles", "false",
                            "a file deleted after it was listed (a stream: after it was logged for a batch) is "
                            "skipped, not an error"))
      .Add(OptionSpec::String("basePath", "",
                              "partition columns (col=value directories) are read from the paths below this "
                              "directory (default: the path read)"));
}

}  // namespace

OptionSet FileFormatOptions::ReadOptionSet(FileFormat format) {
  OptionSet set;
  if (format == FileFormat::kParquet) {
    set.Add(OptionSpec::Int("maxPartitionBytes", "134217728", 1, std::numeric_limits<int64_t>::max(),
                            "files larger than this are read in byte ranges in parallel (each range reads the "
                            "row groups whose middle lies in it)"));
    AddListingOptions(&set);
    set.Add(OptionSpec::Bool("mergeSchema", "false",
                             "true is not supported: the schema comes from one file's footer or is given"));
    const char* files = "Sluice reads every file of the path it is given";
    set.Unsupported("pathGlobFilter", files)
        .Unsupported("recursiveFileLookup", files)
        .Unsupported("modifiedBefore", files)
        .Unsupported("modifiedAfter", files)
        .Unsupported("ignoreCorruptFiles", "a damaged file is always an error naming it")
        .Unsupported("datetimeRebaseMode", "dates and timestamps are read as written (Spark's CORRECTED)")
        .Unsupported("int96RebaseMode", "INT96 timestamps are read as written (Spark's CORRECTED)");
    return set;
  }
  set.Add(OptionSpec::Enum("mode", "PERMISSIVE", {"PERMISSIVE", "DROPMALFORMED", "FAILFAST"},
                           "what a malformed record does: NULL fields (and the raw text in the corrupt-record "
                           "column), dropped, or the query fails"))
      .Add(OptionSpec::String("columnNameOfCorruptRecord", "_corrupt_record",
                              "a STRING column of the schema with this name receives malformed records' text"))
      .Add(OptionSpec::Bool("multiLine", "false",
                            format == FileFormat::kJson ? "true is not supported: Sluice reads JSON lines"
                                                        : "quoted fields may span lines (files are not split)"))
      .Add(OptionSpec::Int("maxPartitionBytes", "33554432", 1, std::numeric_limits<int64_t>::max(),
                           "files larger than this are read in byte ranges in parallel"))
      .Add(OptionSpec::Int("samplingBytes", "8388608", 1, std::numeric_limits<int64_t>::max(),
                           "bytes of each file read to infer a schema"));
  AddListingOptions(&set);
  set.Add(OptionSpec::String("dateFormat", "yyyy-MM-dd", "only Spark's default is accepted"))
      .Add(OptionSpec::String("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]",
                              "only Spark's default is accepted"))
      .Add(OptionSpec::String("timestampNTZFormat", "", "only Spark's default is accepted"));
  if (format == FileFormat::kCsv) {
    set.Add(OptionSpec::Bool("header", "false", "the first line of each file holds the column names"))
        .Add(OptionSpec::Bool("inferSchema", "false", "infer column types from the data (else all STRING)"))
        .Add(OptionSpec::Char("sep", ",", "the field separator").Alias("delimiter"))
        .Add(OptionSpec::Char("quote", "\"", "the quote character (empty: no quoting)"))
        .Add(OptionSpec::Char("escape", "\\", "escapes the quote inside quoted fields"))
        .Add(OptionSpec::Char("charToEscapeQuoteEscaping", "", "escapes the escape character before a quote"))
        .Add(OptionSpec::Char("comment", "", "lines starting with this character are skipped"))
        .Add(OptionSpec::String("nullValue", "", "this text reads as NULL"))
        .Add(OptionSpec::String("emptyValue", "", "what a quoted empty field reads as (NULL when it equals nullValue, as by default)"))
        .Add(OptionSpec::String("nanValue", "NaN", "this text reads as DOUBLE NaN"))
        .Add(OptionSpec::String("positiveInf", "Inf", "this text reads as +Infinity"))
        .Add(OptionSpec::String("negativeInf", "-Inf", "this text reads as -Infinity"))
        .Add(OptionSpec::Bool("ignoreLeadingWhiteSpace", "false", "trim leading spaces of unquoted fields"))
        .Add(OptionSpec::Bool("ignoreTrailingWhiteSpace", "false", "trim trailing spaces of unquoted fields"));
  }
  AddUnsupportedReadOptions(format, &set);
  return set;
}

OptionSet FileFormatOptions::WriteOptionSet(FileFormat format) {
  OptionSet set;
  if (format == FileFormat::kParquet) {
    set.Add(OptionSpec::Enum("compression", "snappy",
                             {"none", "uncompressed", "snappy", "gzip", "zstd", "lz4", "lz4_raw", "brotli"},
                             "the codec of the data pages (Spark's names; lzo is not available)")
                .Alias("parquet.compression"))
        .Add(OptionSpec::Int("parquet.block.size", "134217728", 1, std::numeric_limits<int64_t>::max(),
                             "a row group is closed once its rows take this many bytes in memory"))
        .Add(OptionSpec::Int("parquet.page.size", "1048576", 1, std::numeric_limits<int64_t>::max(),
                             "the size of a data page in bytes"))
        .Add(OptionSpec::Bool("parquet.enable.dictionary", "true", "dictionary-encode columns"));
    return set;
  }
  if (format == FileFormat::kJson) {
    set.Add(OptionSpec::Bool("ignoreNullFields", "true", "omit NULL fields from the objects written"));
  } else {
    set.Add(OptionSpec::Bool("header", "false", "write the column names as the first line of each file"))
        .Add(OptionSpec::Char("sep", ",", "the field separator").Alias("delimiter"))
        .Add(OptionSpec::Char("quote", "\"", "the quote character (empty: no quoting)"))
        .Add(OptionSpec::Char("escape", "\\", "escapes the quote inside quoted fields"))
        .Add(OptionSpec::String("nullValue", "", "how NULL is written"))
        .Add(OptionSpec::Bool("quoteAll", "false", "quote every field"))
        .Add(OptionSpec::Bool("escapeQuotes", "true", "escape quotes inside quoted fields"));
  }
  set.Unsupported("compression", "part files are written uncompressed")
      .Unsupported("encoding", "files are written as UTF-8")
      .Unsupported("lineSep", "lines end with \\n")
      .Unsupported("dateFormat", "dates are written as yyyy-MM-dd")
      .Unsupported("timestampFormat", "timestamps are written as yyyy-MM-dd'T'HH:mm:ss.SSSXXX in UTC");
  return set;
}

}  // namespace sluice
