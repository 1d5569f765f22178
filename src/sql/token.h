// Token: one lexical unit of SQL text, as the Lexer produces it.
#pragma once

#include <cstddef>
#include <string>

namespace sluice {

enum class TokenKind : unsigned char {
  kWord,              // identifier or keyword (keywords are case-insensitive)
  kQuotedIdentifier,  // `weird name` (text has `` unescaped)
  kNumber,            // 12, 1.5, .5, 1e3, 10L, 1.5BD (text as written)
  kString,            // 'x' or "x" (text has escapes decoded)
  kBinaryString,      // X'0A1F' (text is the hex digits)
  kSymbol,            // operators and punctuation: ( ) , . ; + - * / % = == <>
                      // != < <= > >= <=> || :: [ ] : !
  kError,             // a lexical error; text is the message
  kEnd,               // end of input
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  // kWord only: the text in upper case, for keyword comparison.
  std::string upper;
  size_t offset = 0;  // byte offset of the first character in the source
  size_t length = 0;  // bytes of source text covered
  int line = 1;       // 1-based
  int column = 1;     // 1-based, in characters

  bool IsWord(const char* keyword_upper) const {
    return kind == TokenKind::kWord && upper == keyword_upper;
  }
  bool IsSymbol(const char* s) const { return kind == TokenKind::kSymbol && text == s; }
  // How error messages name the token: "keyword FROM", "identifier foo",
  // "number 12", "string 'x'", "')'", "end of input".
  std::string Describe() const;
};

// True for the words that cannot be used as bare identifiers or implicit
// aliases (FROM, SELECT, JOIN, ...); these are described as "keyword X".
bool IsReservedWord(const std::string& upper);

}  // namespace sluice
