#include "exec/functions/unicode_case.h"

#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <cstdint>

namespace sluice::fn {

namespace {

bool IsAscii(std::string_view s) {
  // Eight bytes at a time: any byte with its high bit set is non-ASCII.
  size_t i = 0;
  uint64_t any = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    __builtin_memcpy(&w, s.data() + i, 8);
    any |= w;
  }
  for (; i < s.size(); ++i) any |= static_cast<unsigned char>(s[i]);
  return (any & 0x8080808080808080ull) == 0;
}

char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The string as UTF-16, ill-formed UTF-8 replaced by U+FFFD.
icu::UnicodeString ToUnicode(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

void AppendUtf8(const icu::UnicodeString& u, std::string* out) { u.toUTF8String(*out); }

bool IsWellFormedUtf8(std::string_view s) {
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

// Upper- or lowercases well-formed UTF-8 in place, without UTF-16; ill-formed
// text goes through UnicodeString, which replaces each ill-formed sequence by
// U+FFFD (ICU's UTF-8 case mapping would copy it through).
void AppendFullCaseMapping(std::string_view s, bool upper, std::string* out) {
  if (IsWellFormedUtf8(s)) {
    icu::StringByteSink<std::string> sink(out);
    UErrorCode error = U_ZERO_ERROR;
    const icu::StringPiece src(s.data(), static_cast<int32_t>(s.size()));
    if (upper) {
      icu::CaseMap::utf8ToUpper("", 0, src, sink, nullptr, error);
    } else {
      icu::CaseMap::utf8ToLower("", 0, src, sink, nullptr, error);
    }
    if (U_SUCCESS(error)) return;
  }
  icu::UnicodeString u = ToUnicode(s);
  AppendUtf8(upper ? u.toUpper(icu::Locale::getRoot()) : u.toLower(icu::Locale::getRoot()), out);
}

// Unicode's Final_Sigma condition for the capital sigma at u[at]: preceded
// by a cased letter (case-ignorable characters skipped) and not followed by
// one. Spark's initcap applies it (CollationAwareUTF8String).
bool IsFinalSigma(const icu::UnicodeString& u, int32_t at) {
  bool preceded = false;
  for (int32_t i = at; i > 0;) {
    UChar32 c = u.char32At(i - 1);
    i -= U16_LENGTH(c);
    if (u_hasBinaryProperty(c, UCHAR_CASE_IGNORABLE)) continue;
    preceded = u_hasBinaryProperty(c, UCHAR_CASED);
    break;
  }
  if (!preceded) return false;
  for (int32_t i = at + 1; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_hasBinaryProperty(c, UCHAR_CASE_IGNORABLE)) continue;
    return !u_hasBinaryProperty(c, UCHAR_CASED);
  }
  return true;
}

}  // namespace

void AppendUpperCase(std::string_view s, std::string* out) {
  if (IsAscii(s)) {
    const size_t start = out->size();
    out->append(s);
    for (size_t i = start; i < out->size(); ++i) (*out)[i] = AsciiUpper((*out)[i]);
    return;
  }
  AppendFullCaseMapping(s, true, out);
}

void AppendLowerCase(std::string_view s, std::string* out) {
  if (IsAscii(s)) {
    const size_t start = out->size();
    out->append(s);
    for (size_t i = start; i < out->size(); ++i) (*out)[i] = AsciiLower((*out)[i]);
    return;
  }
  AppendFullCaseMapping(s, false, out);
}

void AppendInitCap(std::string_view s, std::string* out) {
  if (IsAscii(s)) {
    bool word_start = true;
    for (char c : s) {
      out->push_back(word_start ? AsciiUpper(c) : AsciiLower(c));
      word_start = c == ' ';
    }
    return;
  }
  const icu::UnicodeString u = ToUnicode(s);
  const icu::Locale& root = icu::Locale::getRoot();
  bool word_start = true;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    if (c < 0x80) {
      out->push_back(word_start ? AsciiUpper(static_cast<char>(c)) : AsciiLower(static_cast<char>(c)));
    } else if (word_start) {
      // The full titlecase mapping of this one character (ǆ -> ǅ, ß -> Ss).
      icu::UnicodeString one(c);
      AppendUtf8(one.toTitle(nullptr, root, U_TITLECASE_WHOLE_STRING | U_TITLECASE_NO_BREAK_ADJUSTMENT), out);
    } else if (c == 0x03A3) {  // GREEK CAPITAL LETTER SIGMA
      AppendUtf8(icu::UnicodeString(static_cast<UChar32>(IsFinalSigma(u, i) ? 0x03C2 : 0x03C3)), out);
    } else {
      icu::UnicodeString one(c);
      AppendUtf8(one.toLower(root), out);
    }
    word_start = c == ' ';
    i += U16_LENGTH(c);
  }
}

}  // namespace sluice::fn
