#include "connectors/file/csv_tokenizer.h"

#include <cstring>

namespace sluice {

namespace {

inline bool IsWs(char c) { return c == ' ' || c == '\t'; }

// A character option as a value that no input byte equals when it is unset.
// `prev` below is kNone when no character matters; an unset option is
// kUnset, which neither input bytes nor kNone equal.
constexpr int kNone = -1;
constexpr int kUnset = -2;
inline int OptionChar(char c) { return c == '\0' ? kUnset : static_cast<unsigned char>(c); }
inline int Byte(char c) { return static_cast<unsigned char>(c); }

// One quoted field, read the way Spark's CSV parser (univocity, with
// Spark's settings) reads it; see csv_tokenizer.h for what that gives. The
// members mirror that parser's state: `ch` the current character, `prev`
// the one before it that still matters for escaping, `unescaped` set once
// an unescaped quote turned the value into plain text. The end of the
// record stops everything at once (the parser's end-of-input).
class QuotedFieldReader {
 public:
  QuotedFieldReader(const FileFormatOptions& o, std::string_view rec, std::string* out)
      : rec_(rec),
        out_(*out),
        value_begin_(out->size()),
        sep_(Byte(o.sep)),
        q_(Byte(o.quote)),
        esc_(OptionChar(o.escape)),
        esc_esc_(OptionChar(o.char_to_escape_quote_escaping)),
        trim_trailing_(o.ignore_trailing_white_space) {}

  // Reads the field whose opening quote is at rec[start]; returns the
  // position of the separator that ends it, or rec.size().
  size_t Read(size_t start) {
    p_ = start + 1;
    ch_ = q_;
    QuotedValue();
    if (at_end_) {
      // A lone opening quote at the end of the record is kept as text.
      if (ch_ == q_ && prev_ != q_ && !unescaped_) Append(ch_);
      return rec_.size();
    }
    return p_ - 1;  // ch_ is the separator
  }

 private:
  // Moves to the next character; false at the end of the record.
  bool Next() {
    if (p_ >= rec_.size()) {
      at_end_ = true;
      return false;
    }
    ch_ = Byte(rec_[p_++]);
    return true;
  }
  void Append(int c) { out_.push_back(static_cast<char>(c)); }
  // Whitespace after a closing quote: the control characters and the space.
  static bool IsTrailingWs(int c) { return c > 0 && c <= ' '; }

  void QuotedValue() {
    if (prev_ != kNone) {
      // After an unescaped quote: the value is the text from the opening
      // quote to the separator.
      out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(value_begin_), static_cast<char>(q_));
      if (!Next()) return;
      // Spark's parser copies this text without updating its current
      // character, which stays `first` if the record ends here.
      const int first = ch_;
      while (ch_ != sep_) {
        Append(ch_);
        if (!Next()) {
          ch_ = first;
          break;
        }
      }
      if (trim_trailing_) {
        while (out_.size() > value_begin_ && IsWs(out_.back())) out_.pop_back();
      }
      return;
    }
    if (!Next()) return;
    while (true) {
      if (prev_ == q_ && (IsTrailingWs(ch_) || ch_ == sep_)) break;  // after the closing quote
      if (ch_ != q_ && ch_ != esc_) {
        if (prev_ == q_) {  // a quote followed by text
          unescaped_ = true;
          Append(q_);
          Append(ch_);
          prev_ = ch_;
          QuotedValue();
          return;
        }
        if (prev_ == esc_) Append(esc_);  // an escape before an ordinary character
        while (ch_ != q_ && ch_ != esc_ && ch_ != esc_esc_) {
          Append(ch_);
          if (!Next()) return;
        }
      } else if (ProcessQuoteOrEscape()) {
        UnescapedQuoteInValue();
        if (at_end_) return;
      }
      prev_ = ch_;
      if (!Next()) return;
      if (unescaped_ && ch_ == sep_) return;
    }
    // Whitespace after the closing quote is dropped before the separator;
    // followed by anything else, the value becomes the text as it stands.
    if (ch_ != sep_ && IsTrailingWs(ch_)) {
      const size_t ws_begin = p_ - 1;
      do {
        if (!Next()) return;
      } while (IsTrailingWs(ch_));  // a whitespace separator (tab) included
      if (ch_ != sep_) {
        Append(q_);
        out_.append(rec_.substr(ws_begin, p_ - 1 - ws_begin));
        Append(ch_);
        prev_ = ch_;
        QuotedValue();
      }
    }
  }

  // ch_ is the quote or the escape character. True when it is the escape
  // character right after a quote: the caller then reads the value on as
  // text (UnescapedQuoteInValue).
  bool ProcessQuoteOrEscape() {
    if (ch_ == esc_ && prev_ == esc_esc_) {
      Append(esc_);  // an escaped escape character
      ch_ = kNone;
    } else if (prev_ == esc_) {
      if (ch_ == q_) {
        Append(q_);  // an escaped quote
        ch_ = kNone;
      } else {
        Append(prev_);
      }
    } else if (ch_ == q_ && prev_ == q_) {
      Append(q_);  // a quote after a quote is kept once
    } else if (prev_ == q_) {
      return true;
    }
    return false;
  }

  // A quote followed by the escape character: the rest, up to a separator,
  // is read as text in which escapes still apply. Spark's parser does this
  // by recursion, and each level it entered goes on past one more
  // separator when it returns; `depth` counts those levels (a loop, so a
  // long record cannot exhaust the stack).
  void UnescapedQuoteInValue() {
    Append(q_);
    prev_ = ch_;
    size_t depth = 1;
    while (true) {
      if (ch_ == sep_) {
        if (--depth == 0) return;
        prev_ = ch_;  // the enclosing level goes on past the separator
        if (!Next()) return;
        continue;
      }
      if (ch_ != q_ && ch_ != esc_) {
        if (prev_ == q_) {  // another unescaped quote: same level
          Append(q_);
          prev_ = ch_;
          continue;
        }
        Append(ch_);
      } else if (ProcessQuoteOrEscape()) {
        Append(q_);
        prev_ = ch_;
        ++depth;
        continue;
      }
      prev_ = ch_;
      if (!Next()) return;
    }
  }

  std::string_view rec_;
  std::string& out_;
  const size_t value_begin_;
  const int sep_, q_, esc_, esc_esc_;
  const bool trim_trailing_;
  size_t p_ = 0;
  int ch_ = kNone;
  int prev_ = kNone;
  bool unescaped_ = false;
  bool at_end_ = false;
};

}  // namespace

size_t CsvTokenizer::ReadQuoted(std::string_view rec, size_t start) {
  return QuotedFieldReader(o_, rec, &scratch_).Read(start);
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
