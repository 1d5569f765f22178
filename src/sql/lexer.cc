#include "sql/lexer.h"

#include <cctype>
#include <cstdint>
#include <optional>
#include <unordered_set>

#include "sql/error_location.h"

namespace sluice {

namespace {

bool IsWordStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         (static_cast<unsigned char>(c) & 0x80) != 0;  // non-ASCII letters
}
bool IsWordChar(char c) {
  return IsWordStart(c) || std::isdigit(static_cast<unsigned char>(c));
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value of the `digits` hex digits at text[at...], or nullopt when
// there are fewer or one is not a hex digit.
std::optional<uint32_t> HexAt(std::string_view text, size_t at, size_t digits) {
  if (at + digits > text.size()) return std::nullopt;
  uint32_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[at + i];
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(IsDigit(c) ? c - '0' : (std::tolower(c) - 'a' + 10));
  }
  return v;
}

// Appends the UTF-8 encoding of a code point. A lone surrogate becomes '?',
// as Java's UTF-8 encoder (which Spark's string goes through) writes it; a
// value past U+10FFFF becomes U+FFFD.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    *out += '?';
    return;
  }
  if (cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

// OFFSET is not reserved (Kafka rows have a column named offset); the parser
// keeps it from being taken as an implicit alias instead.
bool IsReservedWord(const std::string& upper) {
  static const std::unordered_set<std::string> kReserved = {
      "ALL",     "AND",    "ANTI",   "AS",        "ASC",      "BETWEEN", "BY",
      "CASE",    "CAST",   "CREATE", "CROSS",     "DESC",     "DISTINCT", "DIV",
      "DROP",    "ELSE",   "END",    "ESCAPE",    "EXCEPT",   "EXISTS",  "EXPLAIN",
      "FALSE",   "FROM",   "FULL",   "GROUP",     "HAVING",   "IN",      "INNER",
      "INTERSECT", "IS",   "JOIN",   "LATERAL",   "LEFT",     "LIKE",    "LIMIT",
      "MINUS",   "NATURAL", "NOT",   "NULL",      "ON",      "OR",
      "ORDER",   "OUTER",  "REGEXP", "RIGHT",     "RLIKE",    "SELECT",  "SEMI",
      "THEN",    "TRUE",   "UNION",  "USING",     "WHEN",     "WHERE",   "WINDOW",
      "WITH",    "VALUES", "TRY_CAST", "QUALIFY",
  };
  return kReserved.count(upper) > 0;
}

std::string Token::Describe() const {
  switch (kind) {
    case TokenKind::kWord:
      return IsReservedWord(upper) ? "keyword " + upper : "identifier " + text;
    case TokenKind::kQuotedIdentifier: return "identifier `" + text + "`";
    case TokenKind::kNumber: return "number " + text;
    case TokenKind::kString: return "string '" + text + "'";
    case TokenKind::kBinaryString: return "binary literal X'" + text + "'";
    case TokenKind::kSymbol: return "'" + text + "'";
    case TokenKind::kError: return text;
    case TokenKind::kEnd: return "end of input";
  }
  return "?";
}

void Lexer::Advance(size_t n) {
  for (size_t i = 0; i < n && pos_ < sql_.size(); ++i) {
    char c = sql_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;
    } else {
      // A UTF-8 continuation byte: same character as the previous byte.
    }
  }
}

Token Lexer::Start() const {
  Token t;
  t.offset = pos_;
  t.line = line_;
  t.column = column_;
  return t;
}

Token Lexer::Finish(Token t) const {
  t.length = pos_ - t.offset;
  return t;
}

bool Lexer::SkipSpaceAndComments(Token* error) {
  while (pos_ < sql_.size()) {
    char c = Peek();
    if (std::isspace(static_cast<unsigned char>(c))) {
      Advance();
    } else if (c == '-' && Peek(1) == '-') {
      while (pos_ < sql_.size() && Peek() != '\n') Advance();
    } else if (c == '/' && Peek(1) == '*') {
      Token start = Start();
      Advance(2);
      int depth = 1;
      while (depth > 0) {
        if (pos_ >= sql_.size()) {
          start.kind = TokenKind::kError;
          start.text = "unterminated comment: '/*' has no matching '*/'";
          *error = Finish(start);
          return false;
        }
        if (Peek() == '*' && Peek(1) == '/') {
          --depth;
          Advance(2);
        } else if (Peek() == '/' && Peek(1) == '*') {
          ++depth;
          Advance(2);
        } else {
          Advance();
        }
      }
    } else {
      break;
    }
  }
  return true;
}

Token Lexer::LexNumber() {
  Token t = Start();
  t.kind = TokenKind::kNumber;
  while (IsDigit(Peek())) Advance();
  if (Peek() == '.') {
    Advance();
    while (IsDigit(Peek())) Advance();
  }
  if ((Peek() == 'e' || Peek() == 'E') &&
      (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
    Advance(2);
    while (IsDigit(Peek())) Advance();
  }
  // Type suffix.
  char s = static_cast<char>(std::toupper(static_cast<unsigned char>(Peek())));
  if (s == 'B' && (Peek(1) == 'D' || Peek(1) == 'd') && !IsWordChar(Peek(2))) {
    Advance(2);
  } else if ((s == 'L' || s == 'S' || s == 'Y' || s == 'D' || s == 'F') &&
             !IsWordChar(Peek(1))) {
    Advance();
  }
  if (IsWordChar(Peek())) {
    while (IsWordChar(Peek())) Advance();
    t.kind = TokenKind::kError;
    t.text = "invalid number '" + std::string(sql_.substr(t.offset, pos_ - t.offset)) + "'";
    return Finish(t);
  }
  t.text = std::string(sql_.substr(t.offset, pos_ - t.offset));
  return Finish(t);
}

// R'...' or R"...": Spark's raw literal, every character up to the next
// quote of the same kind taken as it is (no escapes, no doubled quotes).
Token Lexer::LexRawString() {
  Token t = Start();
  t.kind = TokenKind::kString;
  Advance();  // R
  const char quote = Peek();
  Advance();
  const size_t begin = pos_;
  while (pos_ < sql_.size() && Peek() != quote) Advance();
  if (pos_ >= sql_.size()) {
    t.kind = TokenKind::kError;
    t.text = std::string("unterminated string literal: missing closing ") + quote;
    return Finish(t);
  }
  t.text = std::string(sql_.substr(begin, pos_ - begin));
  Advance();  // closing quote
  return Finish(t);
}

Token Lexer::LexString(char quote) {
  Token t = Start();
  t.kind = TokenKind::kString;
  Advance();  // opening quote
  std::string out;
  while (true) {
    if (pos_ >= sql_.size()) {
      t.kind = TokenKind::kError;
      t.text = std::string("unterminated string literal: missing closing ") +
               (quote == '\'' ? "'" : "\"");
      return Finish(t);
    }
    char c = Peek();
    if (c == quote) {
      // A doubled quote inside the literal is one quote (Spark 4).
      if (Peek(1) == quote && pos_ + 1 < sql_.size()) {
        out += quote;
        Advance(2);
        continue;
      }
      Advance();
      break;
    }
    if (c != '\\') {
      out += c;
      Advance();
      continue;
    }
    // Backslash escapes, as Spark's unescapeSQLString.
    char e = Peek(1);
    if (pos_ + 1 >= sql_.size()) {
      Advance();
      continue;  // reported as unterminated on the next iteration
    }
    // \uXXXX (two of them may be a UTF-16 surrogate pair) and \UXXXXXXXX.
    if (e == 'u' || e == 'U') {
      const size_t hex_digits = e == 'u' ? 4 : 8;
      if (auto cp = HexAt(sql_, pos_ + 2, hex_digits)) {
        Advance(2 + hex_digits);
        uint32_t code_point = *cp;
        if (e == 'u' && code_point >= 0xD800 && code_point <= 0xDBFF && Peek() == '\\' && Peek(1) == 'u') {
          auto low = HexAt(sql_, pos_ + 2, 4);
          if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
            Advance(6);
          }
        }
        AppendUtf8(code_point, &out);
        continue;
      }
    }
    // Octal \[01][0-7][0-7]: Spark takes a first digit of 0 or 1 only, so the
    // character is ASCII.
    if (e >= '0' && e <= '1' && Peek(2) >= '0' && Peek(2) <= '7' && Peek(3) >= '0' &&
        Peek(3) <= '7') {
      out += static_cast<char>((e - '0') * 64 + (Peek(2) - '0') * 8 + (Peek(3) - '0'));
      Advance(4);
      continue;
    }
    switch (e) {
      case '0': out += '\0'; break;
      case 'b': out += '\b'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'Z': out += '\x1A'; break;
      case '%': out += "\\%"; break;
      case '_': out += "\\_"; break;
      default: out += e; break;  // \\ \' \" and any other char
    }
    Advance(2);
  }
  t.text = std::move(out);
  return Finish(t);
}

Token Lexer::LexQuotedIdentifier() {
  Token t = Start();
  t.kind = TokenKind::kQuotedIdentifier;
  Advance();
  std::string out;
  while (true) {
    if (pos_ >= sql_.size()) {
      t.kind = TokenKind::kError;
      t.text = "unterminated quoted identifier: missing closing `";
      return Finish(t);
    }
    if (Peek() == '`') {
      if (Peek(1) == '`') {
        out += '`';
        Advance(2);
        continue;
      }
      Advance();
      break;
    }
    out += Peek();
    Advance();
  }
  if (out.empty()) {
    t.kind = TokenKind::kError;
    t.text = "empty quoted identifier ``";
    return Finish(t);
  }
  t.text = std::move(out);
  return Finish(t);
}

Token Lexer::LexWord() {
  Token t = Start();
  t.kind = TokenKind::kWord;
  while (IsWordChar(Peek())) Advance();
  t.text = std::string(sql_.substr(t.offset, pos_ - t.offset));
  t.upper.reserve(t.text.size());
  for (char c : t.text) t.upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return Finish(t);
}

Token Lexer::LexSymbol() {
  Token t = Start();
  t.kind = TokenKind::kSymbol;
  static const char* const kSymbols[] = {
      "<=>", "<>", "<=", ">=", "!=", "==", "=>", "||", "::", "(", ")", ",", ".", ";", "+", "-",
      "*",   "/",  "%",  "=",  "<",  ">",  "[",  "]",  ":", "!", "{", "}",
  };
  for (const char* s : kSymbols) {
    std::string_view sv(s);
    if (sql_.substr(pos_, sv.size()) == sv) {
      Advance(sv.size());
      t.text = std::string(sv);
      return Finish(t);
    }
  }
  // Unknown character: report the whole UTF-8 character.
  size_t start = pos_;
  Advance();
  while (pos_ < sql_.size() && (static_cast<unsigned char>(sql_[pos_]) & 0xC0) == 0x80) ++pos_;
  t.kind = TokenKind::kError;
  t.text = "unexpected character '" + std::string(sql_.substr(start, pos_ - start)) + "'";
  return Finish(t);
}

Token Lexer::Next() {
  Token error;
  if (!SkipSpaceAndComments(&error)) return error;
  if (pos_ >= sql_.size()) return Finish(Start());  // kEnd
  char c = Peek();
  if (IsDigit(c)) return LexNumber();
  if (c == '\'' || c == '"') return LexString(c);
  if (c == '`') return LexQuotedIdentifier();
  if ((c == 'r' || c == 'R') && (Peek(1) == '\'' || Peek(1) == '"')) return LexRawString();
  if ((c == 'x' || c == 'X') && Peek(1) == '\'') {
    Token t = Start();
    Advance();
    Token s = LexString('\'');
    if (s.kind == TokenKind::kError) {
      s.offset = t.offset;
      s.line = t.line;
      s.column = t.column;
      return Finish(s);
    }
    t.kind = TokenKind::kBinaryString;
    for (char h : s.text) {
      if (!std::isxdigit(static_cast<unsigned char>(h))) {
        t.kind = TokenKind::kError;
        t.text = "invalid binary literal X'" + s.text + "': expected hexadecimal digits";
        return Finish(t);
      }
    }
    t.text = s.text;
    return Finish(t);
  }
  if (IsWordStart(c)) return LexWord();
  return LexSymbol();
}

std::vector<Token> Lexer::TokenizeAll() {
  std::vector<Token> tokens;
  while (true) {
    // ".5" is a number unless it follows something that can be qualified
    // (t.5 is not a number).
    bool after_name = !tokens.empty() && (tokens.back().kind == TokenKind::kWord ||
                                          tokens.back().kind == TokenKind::kQuotedIdentifier ||
                                          tokens.back().IsSymbol(")") ||
                                          tokens.back().IsSymbol("]"));
    Token t;
    Token error;
    if (!SkipSpaceAndComments(&error)) {
      t = error;
    } else if (!after_name && Peek() == '.' && IsDigit(Peek(1))) {
      t = LexNumber();
    } else {
      t = Next();
    }
    TokenKind kind = t.kind;
    bool fatal = kind == TokenKind::kError && pos_ >= sql_.size();
    tokens.push_back(std::move(t));
    if (kind == TokenKind::kEnd) break;
    if (fatal) {
      Token end = Start();
      tokens.push_back(Finish(end));
      break;
    }
  }
  return tokens;
}

Result<std::vector<Token>> Lexer::Tokenize() {
  std::vector<Token> tokens = TokenizeAll();
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::kError) return SyntaxErrorAt(sql_, t.line, t.column, t.text);
  }
  return tokens;
}

}  // namespace sluice
