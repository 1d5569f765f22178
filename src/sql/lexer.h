// Lexer: SQL text -> tokens. Keywords are case-insensitive, identifiers keep
// their case; `backquoted` identifiers use `` for a literal backquote;
// comments are -- to end of line and /* ... */ (nestable, as in Spark).
#pragma once

#include <string_view>
#include <vector>

#include "sluice/status.h"
#include "sql/token.h"

namespace sluice {

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  // All tokens, ending with one kEnd token. A lexical error (unterminated
  // string or comment, unknown character, bad number) becomes a kError
  // token; lexing resumes after an unknown character, and stops after an
  // unterminated string or comment (they run to the end of the input).
  std::vector<Token> TokenizeAll();

  // All tokens, or the first lexical error as a SyntaxError with location.
  Result<std::vector<Token>> Tokenize();

 private:
  Token Next();
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < sql_.size() ? sql_[pos_ + ahead] : '\0';
  }
  void Advance(size_t n = 1);
  // Skips whitespace and comments; returns an error token for an
  // unterminated block comment, or kEnd kind with empty text otherwise.
  bool SkipSpaceAndComments(Token* error);
  Token Start() const;
  Token Finish(Token t) const;
  Token LexNumber();
  Token LexString(char quote);
  Token LexRawString();
  Token LexQuotedIdentifier();
  Token LexWord();
  Token LexSymbol();

  std::string_view sql_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace sluice
