#include "connectors/file/csv_tokenizer.h"

#include <cstring>

namespace sluice {

namespace {

inline bool IsWs(char c) { return c == ' ' || c == '\t'; }

// What the quoted-field reader counts as whitespace after a closing quote:
// the control characters and the space, as univocity does.
inline bool IsQuoteTrailingWs(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u > 0 && u <= ' ';
}

// A character option as a value that no input byte equals when it is unset.
// `prev` below is kNone when no character matters; an unset option is
// kUnset, which neither input bytes nor kNone equal.
constexpr int kNone = -1;
constexpr int kUnset = -2;
inline int OptionChar(char c) { return c == '\0' ? kUnset : static_cast<unsigned char>(c); }
inline int Byte(char c) { return static_cast<unsigned char>(c); }

}  // namespace

size_t CsvTokenizer::ReadQuoted(std::string_view rec, size_t start) {
  const size_t n = rec.size();
  const int sep = Byte(o_.sep), q = Byte(o_.quote), esc = OptionChar(o_.escape),
            esc_esc = OptionChar(o_.char_to_escape_quote_escaping);
  std::string& out = scratch_;
  const size_t value_begin = out.size();
  size_t p = start + 1;
  // `prev` is the last character that still matters for escaping (kNone
  // after an escape sequence was completed, or at the start).
  int prev = kNone;
  // Takes the rest of the field as plain text: the text from the opening
  // quote (restored in front of what was read so far) to the separator.
  auto take_rest_unquoted = [&]() {
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(value_begin), o_.quote);
    while (p < n && Byte(rec[p]) != sep) out.push_back(rec[p++]);
    if (o_.ignore_trailing_white_space) {
      while (out.size() > value_begin && IsWs(out.back())) out.pop_back();
    }
    return p;
  };
  while (p < n) {
    const char c = rec[p];
    const int b = Byte(c);
    if (prev == q && (b == sep || IsQuoteTrailingWs(c))) break;  // the closing quote
    if (b != q && b != esc) {
      if (prev == q) {
        // An unescaped quote followed by text: the value is unquoted text.
        out.push_back(o_.quote);
        return take_rest_unquoted();
      }
      if (prev == esc) out.push_back(o_.escape);  // an escape before an ordinary character
      out.push_back(c);
      prev = b;
      ++p;
      continue;
    }
    // c is the quote or the escape character.
    if (b == esc && prev == esc_esc) {
      out.push_back(c);  // an escaped escape character
      prev = kNone;
    } else if (prev == esc) {
      if (b == q) {
        out.push_back(c);  // an escaped quote
        prev = kNone;
      } else {
        out.push_back(static_cast<char>(prev));
        prev = b;
      }
    } else if (b == q && prev == q) {
      out.push_back(c);  // a quote after a quote is kept, once
      prev = b;
    } else if (prev == q) {
      // The escape character right after a quote: the value goes on as
      // unquoted text, in which escapes still apply.
      out.push_back(o_.quote);
      prev = kNone;
      while (p < n && Byte(rec[p]) != sep) {
        const int d = Byte(rec[p]);
        if (d == esc && prev == esc_esc) {
          out.push_back(rec[p]);
          prev = kNone;
        } else if (d == esc) {
          prev = d;
        } else {
          if (prev == esc) out.push_back(o_.escape);
          out.push_back(rec[p]);
          prev = d;
        }
        ++p;
      }
      if (prev == esc) out.push_back(o_.escape);
      return p;
    } else {
      prev = b;
    }
    ++p;
  }
  if (p >= n) {
    // The record ends inside the quotes or right after the closing quote.
    if (prev == esc && esc != q) out.push_back(o_.escape);
    return p;
  }
  // After the closing quote: whitespace up to the separator is dropped;
  // anything else makes the value unquoted text.
  size_t after_quote = p;
  while (p < n && Byte(rec[p]) != sep && IsQuoteTrailingWs(rec[p])) ++p;
  if (p >= n || Byte(rec[p]) == sep) return p;
  out.push_back(o_.quote);
  out.append(rec.substr(after_quote, p - after_quote));
  return take_rest_unquoted();
}

const std::vector<CsvField>& CsvTokenizer::Split(std::string_view rec) {
  fields_.clear();
  scratch_.clear();
  // Quoted values go to scratch_ first; their (offset, length) are kept in
  // the field's view until every field is read, then turned into views.
  std::vector<std::pair<size_t, size_t>> quoted_at;
  const char sep = o_.sep, q = o_.quote;
  const size_t n = rec.size();
  size_t pos = 0;
  while (true) {
    size_t start = pos;
    if (o_.ignore_leading_white_space) {
      while (start < n && IsWs(rec[start])) ++start;
    }
    CsvField f;
    if (q != '\0' && start < n && rec[start] == q) {
      f.quoted = true;
      size_t begin = scratch_.size();
      pos = ReadQuoted(rec, start);
      quoted_at.emplace_back(begin, scratch_.size() - begin);
    } else {
      const void* s = start < n ? std::memchr(rec.data() + start, sep, n - start) : nullptr;
      size_t end = s ? static_cast<size_t>(static_cast<const char*>(s) - rec.data()) : n;
      size_t e = end;
      if (o_.ignore_trailing_white_space) {
        while (e > start && IsWs(rec[e - 1])) --e;
      }
      f.text = rec.substr(start, e - start);
      pos = end;
    }
    fields_.push_back(f);
    if (pos < n && rec[pos] == sep) {
      ++pos;
      continue;
    }
    break;
  }
  size_t next_quoted = 0;
  for (CsvField& f : fields_) {
    if (!f.quoted) continue;
    const auto [offset, length] = quoted_at[next_quoted++];
    f.text = std::string_view(scratch_).substr(offset, length);
  }
  return fields_;
}

}  // namespace sluice
