// CsvTokenizer: splits one CSV record into fields as Spark's CSV reader does
// with its settings (univocity's parser, unescapedQuoteHandling
// STOP_AT_DELIMITER, no escaping outside quotes).
//
// Inside a quoted field the escape character (option `escape`, default `\`)
// escapes the quote, and charToEscapeQuoteEscaping (default: the escape
// character) escapes the escape itself: "a\"b" reads a"b, "a\\" reads a\.
// An escape before any other character is kept: "a\x" reads a\x.
// A quote that follows another quote is kept as one quote, a quirk Spark
// inherits ("ab""" reads ab"", """" reads ""), but a closing quote followed
// by anything other than the separator, the end of the record or whitespace
// is an unescaped quote: the field is then the record's text from the
// opening quote up to the next separator, quotes included ("a""b" reads
// "a""b", "a"x reads "a"x). With escape set to the quote character, a
// doubled quote is an escaped quote, as in RFC 4180 ("a""b" reads a"b).
// Text outside quotes is taken as it is, up to the separator.
//
// The parser's corner cases are followed too (QuotedFieldReader in the .cc
// mirrors its state machine): a lone quote at the end of a record reads as
// ", an escape at the end is dropped, and an escape right after a closing
// quote ("a"\"x",y) makes the field run on past the next separator
// (a"\"xy). Checked against pyspark 4.3.0 on thousands of random records.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connectors/file/file_format_options.h"

namespace sluice {

struct CsvField {
  std::string_view text;  // unquoted, unescaped
  bool quoted = false;    // the field started with the quote character
};

class CsvTokenizer {
 public:
  explicit CsvTokenizer(const FileFormatOptions& options) : o_(options) {}
  // Fields of `record`. Views point into `record` or into this tokenizer's
  // scratch space, valid until the next call.
  const std::vector<CsvField>& Split(std::string_view record);

 private:
  // Reads the quoted field whose opening quote is at rec[start], appending
  // its value to scratch_; returns the position of the separator that ends
  // it (or rec.size()).
  size_t ReadQuoted(std::string_view rec, size_t start);

  const FileFormatOptions& o_;
  std::vector<CsvField> fields_;
  std::string scratch_;
};

}  // namespace sluice
