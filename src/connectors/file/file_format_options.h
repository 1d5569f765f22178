// FileFormatOptions: the reader and writer options of the JSON-lines and CSV
// file formats, parsed from Spark's option names (case-insensitive keys, as
// DataFrameReader.option() takes them).
//
// Options understood (Spark's names and defaults; ReadOptionSet and
// WriteOptionSet describe them for the connector registry, which rejects any
// other key before the options reach Parse):
//   both formats
//     mode                       PERMISSIVE | DROPMALFORMED | FAILFAST (PERMISSIVE)
//     columnNameOfCorruptRecord  _corrupt_record
//     multiLine                  false (JSON: true is NotImplemented; CSV: true
//                                lets quoted fields span lines and disables
//                                splitting files)
//     ignoreNullFields           true  (JSON writer: omit null fields)
//     maxPartitionBytes          33554432 (Sluice: files larger than this are
//                                split by byte ranges; Spark's session conf
//                                spark.sql.files.maxPartitionBytes)
//     samplingBytes              8388608 (Sluice: bytes read per inference)
//     basePath                   none (partition directories col=value are
//                                read from the paths below it; partitioning.h)
//     ignoreMissingFiles         false (a file deleted after it was listed,
//                                or logged by the file stream source, is
//                                skipped instead of failing the query)
//   CSV only
//     header                     false
//     inferSchema                false
//     sep / delimiter            ,    (one character; "\t" and "\u0001" forms allowed)
//     quote                      "    (empty string turns quoting off)
//     escape                     \    (escapes the quote inside quoted fields)
//     charToEscapeQuoteEscaping  escape char (when escape != quote), else none
//     comment                    none (lines starting with it are skipped)
//     nullValue                  ""   (this text reads as NULL for every type;
//                                an unquoted empty field is always NULL)
//     emptyValue                 ""   (what a quoted empty field "" reads as,
//                                before the nullValue check: with both
//                                defaults "" reads as NULL, as in Spark 4)
//     nanValue / positiveInf / negativeInf   NaN / Inf / -Inf
//     ignoreLeadingWhiteSpace / ignoreTrailingWhiteSpace   false (reading)
//     quoteAll                   false (writer)
//     escapeQuotes               true  (writer)
//
// dateFormat / timestampFormat / timestampNTZFormat are not implemented:
// reading always uses Spark's default (non-legacy) parsing, which is what
// types/datetime.h ParseDate / ParseTimestamp accept (ISO 8601 with 'T' or
// ' ', optional fraction and zone); writing uses Spark's default patterns
// yyyy-MM-dd and yyyy-MM-dd'T'HH:mm:ss.SSSXXX (UTC, so "...000Z"). Setting
// them to anything else is an InvalidArgument error rather than silently
// reading differently.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/parse_mode.h"
#include "connectors/option_spec.h"
#include "render/csv_writer.h"
#include "render/json_lines_writer.h"
#include "sluice/status.h"

namespace sluice {

enum class FileFormat : uint8_t { kJson, kCsv, kParquet };

// "json" / "csv" / "parquet" (case-insensitive).
Result<FileFormat> ParseFileFormat(std::string_view name);
const char* FileFormatName(FileFormat format);

struct FileFormatOptions {
  ParseMode mode = ParseMode::kPermissive;
  std::string column_name_of_corrupt_record = "_corrupt_record";
  bool multi_line = false;
  bool ignore_null_fields = true;
  int64_t max_partition_bytes = int64_t{32} << 20;
  int64_t sampling_bytes = int64_t{8} << 20;
  bool ignore_missing_files = false;
  std::string base_path;  // basePath: where partition directories start (empty: the path read)

  // CSV.
  bool header = false;
  bool infer_schema = false;
  char sep = ',';
  char quote = '"';   // '\0': no quoting
  char escape = '\\';  // '\0': none
  char char_to_escape_quote_escaping = '\\';  // '\0': none
  char comment = '\0';  // '\0': none
  std::string null_value;
  std::string empty_value;
  std::string nan_value = "NaN";
  std::string positive_inf = "Inf";
  std::string negative_inf = "-Inf";
  bool ignore_leading_white_space = false;
  bool ignore_trailing_white_space = false;
  bool quote_all = false;
  bool escape_quotes = true;

  // Parquet (writer): compression (Spark's codec names, parquet_writer.h),
  // row group and page sizes in bytes, dictionary encoding.
  std::string parquet_compression = "snappy";
  int64_t parquet_block_size = int64_t{128} << 20;
  int64_t parquet_page_size = int64_t{1} << 20;
  bool parquet_dictionary = true;

  // The writer's share of these options.
  CsvWriteOptions csv_write_options() const {
    CsvWriteOptions o;
    o.header = header;
    o.sep = sep;
    o.quote = quote;
    o.escape = escape;
    o.null_value = null_value;
    o.quote_all = quote_all;
    o.escape_quotes = escape_quotes;
    return o;
  }
  JsonWriteOptions json_write_options() const { return JsonWriteOptions{ignore_null_fields}; }

  // The options a reader (batch table or streaming source) of `format`
  // takes, and those a writer (file sink) takes.
  static OptionSet ReadOptionSet(FileFormat format);
  static OptionSet WriteOptionSet(FileFormat format);

  // Parses `options` for `format`. Bad values are InvalidArgument errors
  // naming the option, the value and what is accepted.
  static Result<FileFormatOptions> Parse(FileFormat format,
                                         const std::map<std::string, std::string>& options);
};

}  // namespace sluice
