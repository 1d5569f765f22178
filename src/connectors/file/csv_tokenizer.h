// CsvTokenizer: splits one CSV record into fields (RFC 4180 quoting plus
// Spark's escape character), as Spark's univocity-based reader does with its
// default settings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connectors/file/file_format_options.h"

namespace sluice {

struct CsvField {
  std::string_view text;  // unquoted, unescaped
  bool quoted = false;
};

class CsvTokenizer {
 public:
  explicit CsvTokenizer(const FileFormatOptions& options) : o_(options) {}
  // Fields of `record`. Views point into `record` or into this tokenizer's
  // scratch space, valid until the next call.
  const std::vector<CsvField>& Split(std::string_view record);

 private:
  const FileFormatOptions& o_;
  std::vector<CsvField> fields_;
  std::string scratch_;
};

}  // namespace sluice
