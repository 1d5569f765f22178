// String functions (UTF-8; positions and lengths count characters as Spark
// does): concat, concat_ws, substring/substr, left, right, upper, lower,
// initcap, trim/ltrim/rtrim, length, split, regexp_extract, regexp_replace,
// replace, instr, locate, lpad, rpad, starts_with, ends_with, contains,
// reverse, repeat, ascii, chr/char, translate, substring_index,
// format_string/printf (a Java Formatter subset), base64, unbase64.
#include <re2/re2.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "exec/functions/function_table.h"
#include "exec/functions/kernel_util.h"
#include "exec/functions/regex_cache.h"
#include "exec/functions/unicode_case.h"

namespace sluice::fn {

namespace {

using SV = std::string_view;

struct ArgReader {
  const std::vector<Vector>& v;
  size_t n;
  SV Str(size_t k, size_t i) const { return v[k].data<SV>()[Row(v[k], n, i)]; }
  int32_t Int(size_t k, size_t i) const { return v[k].data<int32_t>()[Row(v[k], n, i)]; }
  bool Valid(size_t k, size_t i) const { return ArgValid(v[k], n, i); }
};

// Row-wise STRING-producing kernel for null-intolerant functions. f(i,
// scratch) returns the result (a view into an argument or into scratch) or
// nullopt for NULL.
template <typename F>
Result<Vector> StringResult(const std::vector<Vector>& args, size_t n, F f) {
  Vector out(DataType::String(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  for (const auto& a : args) {
    if (a.type().is_string_like()) ShareHeap(&out, a);
  }
  SV* d = out.data<SV>();
  std::string scratch;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    scratch.clear();
    Result<std::optional<SV>> r = f(i, scratch);
    if (!r.ok()) return r.status();
    if (!r->has_value()) {
      out.SetNull(i);
      continue;
    }
    SV s = **r;
    bool in_scratch = !scratch.empty() && s.data() >= scratch.data() && s.data() <= scratch.data() + scratch.size();
    d[i] = in_scratch ? out.heap().Add(s) : s;
  }
  return out;
}

template <typename T, typename F>
Result<Vector> FixedResult(const DataType& type, const std::vector<Vector>& args, size_t n, F f) {
  Vector out(type, n);
  if (!PropagateNulls(&out, args, n)) return out;
  T* d = out.data<T>();
  for (size_t i = 0; i < n; ++i) {
    if (out.IsValid(i)) d[i] = f(i);
  }
  return out;
}

// Byte offset of character index `chars` in s (clamped to s.size()).
size_t CharOffset(SV s, int64_t chars) {
  size_t i = 0;
  for (int64_t c = 0; i < s.size() && c < chars; ++c) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

// Spark's UTF8String.substringSQL.
SV SubstringSql(SV s, int64_t pos, int64_t length) {
  int64_t len = static_cast<int64_t>(Utf8Length(s));
  int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? len + pos : 0);
  int64_t end = start + length;
  start = std::max<int64_t>(start, 0);
  if (start >= end) return {};
  size_t b = CharOffset(s, start);
  size_t e = CharOffset(s, std::min(end, len));
  if (b >= e) return {};
  return s.substr(b, e - b);
}

Result<Vector> Substring(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  bool has_len = args.size() == 3;
  return StringResult(args, n, [&](size_t i, std::string&) -> Result<std::optional<SV>> {
    int64_t len = has_len ? a.Int(2, i) : INT32_MAX;
    return std::optional<SV>(SubstringSql(a.Str(0, i), a.Int(1, i), len));
  });
}

Result<Vector> LeftRight(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  bool left = ctx.call->name == "left";
  return StringResult(args, n, [&](size_t i, std::string&) -> Result<std::optional<SV>> {
    int64_t k = a.Int(1, i);
    if (k <= 0) return std::optional<SV>(SV{});
    return std::optional<SV>(left ? SubstringSql(a.Str(0, i), 1, k) : SubstringSql(a.Str(0, i), -k, INT32_MAX));
  });
}

// Decodes one code point at s[*i]; advances *i. Invalid bytes map to U+FFFD.
uint32_t DecodeUtf8(SV s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
  uint32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
  ++*i;
  for (int k = 0; k < extra && *i < s.size(); ++k, ++*i) cp = (cp << 6) | (static_cast<unsigned char>(s[*i]) & 0x3F);
  return cp;
}

void EncodeUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

Result<Vector> CaseKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  const std::string& name = ctx.call->name;
  void (*change_case)(SV, std::string*) = (name == "upper" || name == "ucase") ? AppendUpperCase
                                           : name == "initcap"                  ? AppendInitCap
                                                                                : AppendLowerCase;
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    change_case(a.Str(0, i), &scratch);
    return std::optional<SV>(SV(scratch));
  });
}

Result<Vector> TrimKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  const std::string& name = ctx.call->name;
  bool left = name != "rtrim", right = name != "ltrim";
  return StringResult(args, n, [&](size_t i, std::string&) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i);
    SV chars = args.size() == 2 ? a.Str(1, i) : SV(" ");
    if (left) {
      size_t p = s.find_first_not_of(chars);
      s = p == SV::npos ? SV{} : s.substr(p);
    }
    if (right) {
      size_t p = s.find_last_not_of(chars);
      s = p == SV::npos ? SV{} : s.substr(0, p + 1);
    }
    return std::optional<SV>(s);
  });
}

Result<Vector> LengthKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  bool bytes = args[0].type().id() == TypeId::kBinary || ctx.call->name == "octet_length";
  return FixedResult<int32_t>(DataType::Int(), args, n, [&](size_t i) {
    SV s = a.Str(0, i);
    return static_cast<int32_t>(bytes ? s.size() : Utf8Length(s));
  });
}

Result<Vector> ConcatKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    for (size_t k = 0; k < args.size(); ++k) scratch += a.Str(k, i);
    return std::optional<SV>(SV(scratch));
  });
}

// concat_ws(sep, str | array<str>, ...): NULL arguments and elements are skipped.
Result<Vector> ConcatWsKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  Vector out(DataType::String(), n);
  if (!AndValidity(&out, args[0], n)) return out;
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    s.clear();
    SV sep = a.Str(0, i);
    bool first = true;
    auto add = [&](SV piece) {
      if (!first) s += sep;
      s += piece;
      first = false;
    };
    for (size_t k = 1; k < args.size(); ++k) {
      const Vector& v = args[k];
      size_t r = Row(v, n, i);
      if (!v.IsValid(r)) continue;
      if (v.type().id() == TypeId::kArray) {
        const Vector& el = v.child(0);
        for (uint32_t e = v.offsets()[r]; e < v.offsets()[r + 1]; ++e) {
          if (el.IsValid(e)) add(el.GetString(e));
        }
      } else {
        add(v.data<SV>()[r]);
      }
    }
    out.SetString(i, s);
  }
  return out;
}

Result<Vector> ReplaceKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i), search = a.Str(1, i);
    SV rep = args.size() == 3 ? a.Str(2, i) : SV{};
    if (search.empty()) return std::optional<SV>(s);
    size_t pos = 0;
    while (true) {
      size_t f = s.find(search, pos);
      if (f == SV::npos) break;
      scratch.append(s.substr(pos, f - pos));
      scratch.append(rep);
      pos = f + search.size();
    }
    if (pos == 0) return std::optional<SV>(s);
    scratch.append(s.substr(pos));
    return std::optional<SV>(SV(scratch));
  });
}

// instr(str, substr) / locate(substr, str[, pos]): 1-based character position, 0 if absent.
Result<Vector> InstrKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  bool locate = ctx.call->name == "locate" || ctx.call->name == "position";
  return FixedResult<int32_t>(DataType::Int(), args, n, [&](size_t i) -> int32_t {
    SV s = locate ? a.Str(1, i) : a.Str(0, i);
    SV sub = locate ? a.Str(0, i) : a.Str(1, i);
    int64_t start_char = 0;
    if (locate && args.size() == 3) {
      int32_t p = a.Int(2, i);
      if (p < 1) return 0;
      start_char = p - 1;
    }
    size_t from = CharOffset(s, start_char);
    if (from > s.size()) return 0;
    size_t f = s.find(sub, from);
    if (f == SV::npos) return 0;
    return static_cast<int32_t>(Utf8Length(s.substr(0, f)) + 1);
  });
}

// The longest string repeat, lpad and rpad build from the count they are
// given: Spark's strings hold at most 2^31 - 1 bytes, and a longer result is
// almost always a wrong count. Refused before anything is allocated.
constexpr int64_t kMaxBuiltStringBytes = 2147483647;

Status BuiltStringTooLong(const std::string& fn, int64_t bytes) {
  return Status::ExecutionError(fn + ": the result would be " + std::to_string(bytes) + " bytes, more than the " +
                                std::to_string(kMaxBuiltStringBytes) + " a string value may hold; check the count");
}

Result<Vector> PadKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  bool left = ctx.call->name == "lpad";
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i);
    int64_t len = a.Int(1, i);
    SV pad = args.size() == 3 ? a.Str(2, i) : SV(" ");
    if (len <= 0) return std::optional<SV>(SV{});
    int64_t chars = static_cast<int64_t>(Utf8Length(s));
    if (len <= chars || pad.empty()) return std::optional<SV>(s.substr(0, CharOffset(s, len)));
    int64_t need = len - chars;
    int64_t pad_chars = static_cast<int64_t>(Utf8Length(pad));
    // need <= 2^31 and pad.size() <= 4 * pad_chars: no overflow.
    int64_t whole = need / pad_chars;
    SV tail = pad.substr(0, CharOffset(pad, need % pad_chars));
    int64_t bytes = static_cast<int64_t>(s.size()) + whole * static_cast<int64_t>(pad.size()) +
                    static_cast<int64_t>(tail.size());
    if (bytes > kMaxBuiltStringBytes) return BuiltStringTooLong(ctx.call->name, bytes);
    scratch.reserve(static_cast<size_t>(bytes));
    if (!left) scratch += s;
    for (int64_t k = 0; k < whole; ++k) scratch += pad;
    scratch += tail;
    if (left) scratch += s;
    return std::optional<SV>(SV(scratch));
  });
}

Result<Vector> AffixKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  const std::string& name = ctx.call->name;
  int mode = (name == "starts_with" || name == "startswith") ? 0 : (name == "ends_with" || name == "endswith") ? 1 : 2;
  return FixedResult<uint8_t>(DataType::Boolean(), args, n, [&](size_t i) -> uint8_t {
    SV s = a.Str(0, i), x = a.Str(1, i);
    if (mode == 0) return s.substr(0, x.size()) == x;
    if (mode == 1) return s.size() >= x.size() && s.substr(s.size() - x.size()) == x;
    return s.find(x) != SV::npos;
  });
}

Result<Vector> ReverseKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  if (args[0].type().id() == TypeId::kArray) {
    Vector out(ctx.call->type, 0);
    out.Reserve(n);
    for (size_t i = 0; i < n; ++i) {
      Value v = GetArg(args[0], n, i);
      if (v.is_null()) {
        out.AppendValue(v);
        continue;
      }
      std::vector<Value> e(v.children().rbegin(), v.children().rend());
      out.AppendValue(Value::Nested(v.type(), std::move(e)));
    }
    return out;
  }
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i);
    scratch.resize(s.size());
    size_t w = s.size();
    for (size_t p = 0; p < s.size();) {
      size_t q = p + 1;
      while (q < s.size() && (static_cast<unsigned char>(s[q]) & 0xC0) == 0x80) ++q;
      w -= q - p;
      std::memcpy(&scratch[w], s.data() + p, q - p);
      p = q;
    }
    return std::optional<SV>(SV(scratch));
  });
}

Result<Vector> RepeatKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i);
    int64_t times = a.Int(1, i);
    if (times <= 0 || s.empty()) return std::optional<SV>(SV{});
    int64_t bytes = 0;
    bool overflow = __builtin_mul_overflow(static_cast<int64_t>(s.size()), times, &bytes);
    if (overflow || bytes > kMaxBuiltStringBytes) {
      return BuiltStringTooLong("repeat", overflow ? std::numeric_limits<int64_t>::max() : bytes);
    }
    scratch.reserve(static_cast<size_t>(bytes));
    for (int64_t k = 0; k < times; ++k) scratch += s;
    return std::optional<SV>(SV(scratch));
  });
}

Result<Vector> AsciiKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  return FixedResult<int32_t>(DataType::Int(), args, n, [&](size_t i) -> int32_t {
    SV s = a.Str(0, i);
    if (s.empty()) return 0;
    size_t p = 0;
    return static_cast<int32_t>(DecodeUtf8(s, &p));
  });
}

// Bytes of the UTF-8 character starting with byte `c` (1 for a stray
// continuation or invalid byte, so a walk always advances).
size_t Utf8CharBytes(unsigned char c) {
  if (c >= 0xF0 && c < 0xF8) return 4;
  if (c >= 0xE0) return c < 0xF0 ? 3 : 1;
  if (c >= 0xC0) return 2;
  return 1;
}

// Spark's UTF8String.split(pattern, limit). An empty pattern on a non-empty
// string splits into characters (UTF-8 code points), the last piece taking
// the rest when limit (> 0) is smaller than the count. Otherwise Java's
// String.split(regex, limit) with a limit of 0 taken as -1 (Spark keeps
// trailing empty strings): a zero-width match at the start never splits; a
// search goes on one character past a zero-width match, and from the end of
// any other match.
void SplitSpark(SV s, SV pattern, const RE2& re, int32_t limit, std::vector<Value>* parts) {
  if (!s.empty() && pattern.empty()) {
    for (size_t pos = 0; pos < s.size();) {
      if (limit > 0 && static_cast<int32_t>(parts->size()) == limit - 1) {
        parts->push_back(Value::String(std::string(s.substr(pos))));
        return;
      }
      size_t len = std::min(Utf8CharBytes(static_cast<unsigned char>(s[pos])), s.size() - pos);
      parts->push_back(Value::String(std::string(s.substr(pos, len))));
      pos += len;
    }
    return;
  }
  re2::StringPiece input(s.data(), s.size());
  size_t pos = 0, search = 0;
  re2::StringPiece m;
  while ((limit <= 0 || static_cast<int32_t>(parts->size()) < limit - 1) && search <= s.size() &&
         re.Match(input, search, s.size(), RE2::UNANCHORED, &m, 1)) {
    size_t mstart = static_cast<size_t>(m.data() - s.data());
    size_t mend = mstart + m.size();
    if (m.empty()) {
      search = mstart < s.size() ? mstart + std::min(Utf8CharBytes(static_cast<unsigned char>(s[mstart])),
                                                     s.size() - mstart)
                                 : s.size() + 1;
      if (mstart == 0) continue;  // no empty leading piece from a zero-width match
    } else {
      search = mend;
    }
    parts->push_back(Value::String(std::string(s.substr(pos, mstart - pos))));
    pos = mend;
  }
  parts->push_back(Value::String(std::string(s.substr(pos))));
}

// split(str, regex[, limit]) as Spark's StringSplit (see SplitSpark).
Result<Vector> SplitKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  Vector out(ctx.call->type, 0);
  out.Reserve(n);
  std::vector<Value> parts;
  for (size_t i = 0; i < n; ++i) {
    bool valid = true;
    for (size_t k = 0; k < args.size(); ++k) valid &= a.Valid(k, i);
    if (!valid) {
      out.AppendValue(Value::Null(ctx.call->type));
      continue;
    }
    SV pattern = a.Str(1, i);
    int32_t limit = args.size() == 3 ? a.Int(2, i) : -1;
    SLUICE_ASSIGN_OR_RETURN(const RE2* re, CompiledRegex(pattern));
    parts.clear();
    SplitSpark(a.Str(0, i), pattern, *re, limit, &parts);
    out.AppendValue(Value::Nested(ctx.call->type, parts));
  }
  return out;
}

Result<Vector> RegexpExtractKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  std::vector<re2::StringPiece> groups;
  return StringResult(args, n, [&](size_t i, std::string&) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i);
    SLUICE_ASSIGN_OR_RETURN(const RE2* re, CompiledRegex(a.Str(1, i)));
    int idx = args.size() == 3 ? a.Int(2, i) : 1;
    if (idx < 0 || idx > re->NumberOfCapturingGroups()) {
      return Status::ExecutionError("[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] regexp_extract: the regex has " +
                                    std::to_string(re->NumberOfCapturingGroups()) +
                                    " groups, but the group index is " + std::to_string(idx));
    }
    groups.assign(static_cast<size_t>(idx) + 1, re2::StringPiece());
    if (!re->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, groups.data(),
                   idx + 1)) {
      return std::optional<SV>(SV{});
    }
    const auto& g = groups[static_cast<size_t>(idx)];
    if (g.data() == nullptr) return std::optional<SV>(SV{});
    return std::optional<SV>(SV(g.data(), g.size()));
  });
}

// Java's replacement syntax (Matcher.appendReplacement: `\c` is the
// character c, `$n` and `${name}` a group) -> an RE2 rewrite (`\n`, a
// literal backslash `\\`). nullopt when Java would refuse it: a trailing
// backslash, a `$` not followed by a group, a group the pattern lacks. As in
// Java, `$12` with fewer than 12 groups is group 1 then the text "2".
std::optional<std::string> JavaReplacementToRe2(SV rep, const RE2& re) {
  const int groups = re.NumberOfCapturingGroups();
  std::string out;
  for (size_t i = 0; i < rep.size(); ++i) {
    char c = rep[i];
    if (c == '\\') {
      if (++i == rep.size()) return std::nullopt;
      if (rep[i] == '\\') {
        out += "\\\\";
      } else {
        out += rep[i];
      }
    } else if (c == '$') {
      if (++i == rep.size()) return std::nullopt;
      int group = 0;
      if (rep[i] == '{') {
        size_t close = rep.find('}', i);
        if (close == SV::npos) return std::nullopt;
        auto named = re.NamedCapturingGroups().find(std::string(rep.substr(i + 1, close - i - 1)));
        if (named == re.NamedCapturingGroups().end()) return std::nullopt;
        group = named->second;
        i = close;
      } else {
        if (!std::isdigit(static_cast<unsigned char>(rep[i]))) return std::nullopt;
        group = rep[i] - '0';
        if (group > groups) return std::nullopt;
        while (i + 1 < rep.size() && std::isdigit(static_cast<unsigned char>(rep[i + 1])) &&
               group * 10 + (rep[i + 1] - '0') <= groups) {
          group = group * 10 + (rep[++i] - '0');
        }
      }
      // RE2's rewrites name groups 0 to 9 only.
      if (group > 9) return std::nullopt;
      out += '\\';
      out += static_cast<char>('0' + group);
    } else {
      out += c;
    }
  }
  return out;
}

Result<Vector> RegexpReplaceKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i);
    SLUICE_ASSIGN_OR_RETURN(const RE2* re, CompiledRegex(a.Str(1, i)));
    int64_t pos = args.size() == 4 ? a.Int(3, i) : 1;
    if (pos < 1) return Status::ExecutionError("regexp_replace: position must be positive, got " + std::to_string(pos));
    size_t from = CharOffset(s, pos - 1);
    SV rest = from < s.size() ? s.substr(from) : SV{};
    std::optional<std::string> rewrite = JavaReplacementToRe2(a.Str(2, i), *re);
    if (!rewrite) {
      // Java only reads the replacement at a match: no match, no error.
      if (!RE2::PartialMatch(rest, *re)) return std::optional<SV>(s);
      return Status::ExecutionError("[INVALID_REGEXP_REPLACE] Could not perform regexp_replace for source = \"" +
                                    std::string(s) + "\", pattern = \"" + std::string(a.Str(1, i)) +
                                    "\", replacement = \"" + std::string(a.Str(2, i)) +
                                    "\" and position = " + std::to_string(pos) +
                                    ". (A replacement names a group as $n or ${name}, and writes a literal $ or \\ "
                                    "as \\$ or \\\\.)");
    }
    scratch.assign(rest);
    RE2::GlobalReplace(&scratch, *re, *rewrite);
    scratch.insert(0, s.substr(0, from));
    return std::optional<SV>(SV(scratch));
  });
}

// chr(n): the character of code point n & 0xFF; "" for negative n.
Result<Vector> ChrKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  const Vector& a = args[0];
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    int64_t v = a.data<int64_t>()[Row(a, n, i)];
    if (v < 0) return std::optional<SV>(SV{});
    EncodeUtf8(static_cast<uint32_t>(v & 0xFF), &scratch);
    return std::optional<SV>(SV(scratch));
  });
}

std::vector<uint32_t> CodePoints(SV s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) out.push_back(DecodeUtf8(s, &i));
  return out;
}

// translate(str, from, to): each character of `from` becomes the character
// at the same position of `to`, or is removed when `to` is shorter; the
// first occurrence in `from` wins.
Result<Vector> TranslateKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    std::vector<uint32_t> from = CodePoints(a.Str(1, i)), to = CodePoints(a.Str(2, i));
    SV s = a.Str(0, i);
    for (size_t p = 0; p < s.size();) {
      uint32_t cp = DecodeUtf8(s, &p);
      auto it = std::find(from.begin(), from.end(), cp);
      if (it == from.end()) {
        EncodeUtf8(cp, &scratch);
      } else {
        auto k = static_cast<size_t>(it - from.begin());
        if (k < to.size()) EncodeUtf8(to[k], &scratch);
      }
    }
    return std::optional<SV>(SV(scratch));
  });
}

// substring_index(str, delim, count): before the count-th delimiter from the
// left (count > 0) or after the count-th from the right (count < 0).
Result<Vector> SubstringIndexKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  return StringResult(args, n, [&](size_t i, std::string&) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i), delim = a.Str(1, i);
    int32_t count = a.Int(2, i);
    if (count == 0 || delim.empty()) return std::optional<SV>(SV{});
    if (count > 0) {
      size_t pos = 0;
      for (int32_t k = 0; k < count; ++k) {
        size_t f = s.find(delim, k == 0 ? 0 : pos + delim.size());
        if (f == SV::npos) return std::optional<SV>(s);
        pos = f;
      }
      return std::optional<SV>(s.substr(0, pos));
    }
    size_t pos = s.size();
    for (int64_t k = 0; k < -static_cast<int64_t>(count); ++k) {
      if (pos == 0) return std::optional<SV>(s);
      size_t f = s.rfind(delim, k == 0 ? SV::npos : pos - 1);
      if (f == SV::npos) return std::optional<SV>(s);
      pos = f;
    }
    return std::optional<SV>(s.substr(pos + delim.size()));
  });
}

// --- format_string / printf: java.util.Formatter for %s %S %d %x %X %o %f
// %e %c %b %B %% %n with flags - 0 + space , and width / precision /
// explicit argument indexes (%2$s). Arguments are Spark's internal values
// (DATE as days, TIMESTAMP as microseconds), as Spark passes them. ---

// Fixed notation of a decimal digit string whose point follows `point`
// digits, rounded HALF_UP to `prec` fraction digits (Java's Formatter
// rounds the shortest decimal representation of a double this way).
std::string FixedHalfUp(const std::string& digits, int point, int prec) {
  std::string ip, fp;
  int len = static_cast<int>(digits.size());
  if (point <= 0) {
    ip = "0";
    fp = std::string(static_cast<size_t>(-point), '0') + digits;
  } else if (point >= len) {
    ip = digits + std::string(static_cast<size_t>(point - len), '0');
  } else {
    ip = digits.substr(0, static_cast<size_t>(point));
    fp = digits.substr(static_cast<size_t>(point));
  }
  bool up = static_cast<int>(fp.size()) > prec && fp[static_cast<size_t>(prec)] >= '5';
  fp.resize(static_cast<size_t>(prec), '0');
  std::string all = ip + fp;
  if (up) {
    int k = static_cast<int>(all.size()) - 1;
    while (k >= 0 && all[static_cast<size_t>(k)] == '9') all[static_cast<size_t>(k--)] = '0';
    if (k < 0) {
      all.insert(0, "1");
    } else {
      all[static_cast<size_t>(k)]++;
    }
  }
  size_t ilen = all.size() - static_cast<size_t>(prec);
  std::string out = all.substr(0, ilen);
  while (out.size() > 1 && out[0] == '0') out.erase(0, 1);
  if (prec > 0) out += "." + all.substr(ilen);
  return out;
}

// Shortest decimal digits of |d| and the position of the point.
void ShortestDigits(double d, std::string* digits, int* point) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), std::fabs(d), std::chars_format::scientific);
  SV t(buf, static_cast<size_t>(r.ptr - buf));
  size_t e = t.find('e');
  int exp = std::atoi(std::string(t.substr(e + 1)).c_str());
  digits->clear();
  for (char c : t.substr(0, e)) {
    if (c != '.') *digits += c;
  }
  *point = exp + 1;
}

void GroupThousands(std::string* num) {
  size_t dot = num->find('.');
  size_t end = dot == std::string::npos ? num->size() : dot;
  for (size_t k = end; k > 3; k -= 3) num->insert(k - 3, ",");
}

struct FormatSpec {
  bool left = false, zero = false, plus = false, space = false, group = false, alt = false;
  int width = -1, precision = -1;
  char conv = 's';
};

Status FormatError(const std::string& msg) {
  return Status::ExecutionError("format_string: " + msg);
}

// Pads `body` (sign included in `sign`) to the spec's width.
std::string Justify(const FormatSpec& f, const std::string& sign, const std::string& body, bool numeric) {
  std::string s = sign + body;
  if (f.width < 0 || static_cast<int>(Utf8Length(s)) >= f.width) return s;
  size_t pad = static_cast<size_t>(f.width) - Utf8Length(s);
  if (f.left) return s + std::string(pad, ' ');
  if (f.zero && numeric) return sign + std::string(pad, '0') + body;
  return std::string(pad, ' ') + s;
}

Result<std::string> FormatOne(const FormatSpec& f, const Value& v) {
  char c = f.conv;
  bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
  char lc = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lc == 'b') {
    std::string s = v.is_null() ? "false" : (v.type().id() == TypeId::kBoolean ? (v.bool_value() ? "true" : "false") : "true");
    if (f.precision >= 0 && static_cast<int>(s.size()) > f.precision) s.resize(static_cast<size_t>(f.precision));
    if (upper) s = ToUpper(s);
    return Justify(f, "", s, false);
  }
  if (v.is_null()) {
    std::string s = upper ? "NULL" : "null";
    if (f.precision >= 0 && static_cast<int>(s.size()) > f.precision) s.resize(static_cast<size_t>(f.precision));
    return Justify(f, "", s, false);
  }
  TypeId t = v.type().id();
  bool integral = t == TypeId::kInt || t == TypeId::kBigint || t == TypeId::kDate || t == TypeId::kTimestamp;
  auto as_int = [&]() -> int64_t {
    return (t == TypeId::kInt || t == TypeId::kDate) ? v.int_value() : v.bigint_value();
  };
  auto wrong = [&]() {
    return FormatError(std::string("%") + c + " cannot format a " + v.type().ToString() + " value");
  };
  switch (lc) {
    case 's': {
      std::string s;
      if (integral) {
        s = std::to_string(as_int());
      } else if (t == TypeId::kBoolean) {
        s = v.bool_value() ? "true" : "false";
      } else if (t == TypeId::kString || t == TypeId::kBinary) {
        s = v.str_value();
      } else {
        s = v.ToString();
      }
      if (f.precision >= 0) s = std::string(SubstringSql(s, 1, f.precision));
      if (upper) {
        std::string u;
        AppendUpperCase(s, &u);
        s = u;
      }
      return Justify(f, "", s, false);
    }
    case 'c': {
      if (t != TypeId::kInt && t != TypeId::kString) return wrong();
      std::string s;
      if (t == TypeId::kInt) {
        EncodeUtf8(static_cast<uint32_t>(v.int_value()), &s);
      } else {
        s = std::string(SubstringSql(v.str_value(), 1, 1));
      }
      if (upper) s = ToUpper(s);
      return Justify(f, "", s, false);
    }
    case 'd': {
      if (!integral) return wrong();
      int64_t x = as_int();
      std::string body = x < 0 ? std::to_string(x).substr(1) : std::to_string(x);
      if (f.group) GroupThousands(&body);
      std::string sign = x < 0 ? "-" : f.plus ? "+" : f.space ? " " : "";
      return Justify(f, sign, body, true);
    }
    case 'x':
    case 'o': {
      if (!integral) return wrong();
      int64_t x = as_int();
      bool narrow = t == TypeId::kInt || t == TypeId::kDate;
      uint64_t u = narrow ? static_cast<uint32_t>(static_cast<int32_t>(x)) : static_cast<uint64_t>(x);
      unsigned radix = lc == 'x' ? 16 : 8;
      std::string body;
      do {
        body.insert(body.begin(), "0123456789abcdef"[u % radix]);
        u /= radix;
      } while (u != 0);
      if (f.alt) body.insert(0, lc == 'x' ? "0x" : "0");
      if (upper) body = ToUpper(body);
      return Justify(f, "", body, true);
    }
    case 'f':
    case 'e': {
      std::string digits;
      int point;
      bool neg;
      if (t == TypeId::kDouble) {
        double d = v.double_value();
        if (std::isnan(d) || std::isinf(d)) {
          std::string s = std::isnan(d) ? "NaN" : (d < 0 ? "-Infinity" : (f.plus ? "+Infinity" : "Infinity"));
          return Justify(f, "", s, false);
        }
        neg = std::signbit(d);
        ShortestDigits(d, &digits, &point);
      } else if (t == TypeId::kDecimal) {
        int128_t u = v.decimal_value();
        neg = u < 0;
        std::string txt = FormatDecimal(neg ? -u : u, 0);
        int scale = v.type().scale();
        digits = txt;
        point = static_cast<int>(txt.size()) - scale;
      } else {
        return wrong();
      }
      int prec = f.precision < 0 ? 6 : f.precision;
      std::string body;
      if (lc == 'f') {
        body = FixedHalfUp(digits, point, prec);
        if (f.group) GroupThousands(&body);
      } else {
        // d.ddd e(+|-)xx
        size_t nz = digits.find_first_not_of('0');
        int exp = 0;
        std::string mant;
        if (nz == std::string::npos) {
          mant = FixedHalfUp("0", 1, prec);
        } else {
          exp = point - static_cast<int>(nz) - 1;
          mant = FixedHalfUp(digits.substr(nz), 1, prec);
          if (mant.size() > 1 && mant[0] == '1' && mant[1] == '0' && mant.find('.') == 2) {
            // rounding carried into a new digit: 10.000 -> 1.000e+1
            mant = FixedHalfUp(digits.substr(nz), 0, prec);
            ++exp;
          }
        }
        std::string es = std::to_string(exp < 0 ? -exp : exp);
        if (es.size() < 2) es.insert(0, "0");
        body = mant + (upper ? "E" : "e") + (exp < 0 ? "-" : "+") + es;
      }
      bool is_zero = body.find_first_not_of("0.,") == std::string::npos;
      std::string sign = neg && !(is_zero && t == TypeId::kDecimal) ? "-" : f.plus ? "+" : f.space ? " " : "";
      return Justify(f, sign, body, true);
    }
    default: return FormatError(std::string("unsupported conversion %") + c);
  }
}

Result<std::string> FormatJava(SV fmt, const std::vector<Value>& args) {
  std::string out;
  size_t next_arg = 0;
  int last_index = -1;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    size_t start = i++;
    FormatSpec f;
    int index = -1;
    bool relative = false;
    // argument index: digits followed by '$', or '<'
    size_t j = i;
    while (j < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[j]))) ++j;
    if (j < fmt.size() && fmt[j] == '$' && j > i) {
      index = std::atoi(std::string(fmt.substr(i, j - i)).c_str()) - 1;
      i = j + 1;
    } else if (i < fmt.size() && fmt[i] == '<') {
      relative = true;
      ++i;
    }
    for (; i < fmt.size(); ++i) {
      char c = fmt[i];
      if (c == '-') f.left = true;
      else if (c == '0') f.zero = true;
      else if (c == '+') f.plus = true;
      else if (c == ' ') f.space = true;
      else if (c == ',') f.group = true;
      else if (c == '#') f.alt = true;
      else break;
    }
    if (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) {
      f.width = 0;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) f.width = f.width * 10 + (fmt[i++] - '0');
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      f.precision = 0;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) {
        f.precision = f.precision * 10 + (fmt[i++] - '0');
      }
    }
    if (i >= fmt.size()) return FormatError("incomplete format specifier '" + std::string(fmt.substr(start)) + "'");
    f.conv = fmt[i];
    if (f.conv == '%') {
      out += Justify(f, "", "%", false);
      continue;
    }
    if (f.conv == 'n') {
      out += '\n';
      continue;
    }
    int k = relative ? last_index : index >= 0 ? index : static_cast<int>(next_arg++);
    if (k < 0 || k >= static_cast<int>(args.size())) {
      return FormatError("missing argument for format specifier '" + std::string(fmt.substr(start, i + 1 - start)) + "'");
    }
    last_index = k;
    SLUICE_ASSIGN_OR_RETURN(std::string piece, FormatOne(f, args[static_cast<size_t>(k)]));
    out += piece;
  }
  return out;
}

Result<Vector> FormatStringKernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::String(), n);
  if (!AndValidity(&out, args[0], n)) return out;
  std::vector<Value> vals(args.size() - 1);
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    for (size_t k = 1; k < args.size(); ++k) vals[k - 1] = GetArg(args[k], n, i);
    SLUICE_ASSIGN_OR_RETURN(std::string s, FormatJava(args[0].data<SV>()[Row(args[0], n, i)], vals));
    out.SetString(i, s);
  }
  return out;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Result<Vector> Base64Kernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  ArgReader a{args, n};
  return StringResult(args, n, [&](size_t i, std::string& scratch) -> Result<std::optional<SV>> {
    SV s = a.Str(0, i);
    for (size_t p = 0; p < s.size(); p += 3) {
      uint32_t b0 = static_cast<unsigned char>(s[p]);
      uint32_t b1 = p + 1 < s.size() ? static_cast<unsigned char>(s[p + 1]) : 0;
      uint32_t b2 = p + 2 < s.size() ? static_cast<unsigned char>(s[p + 2]) : 0;
      uint32_t w = (b0 << 16) | (b1 << 8) | b2;
      scratch += kBase64[(w >> 18) & 63];
      scratch += kBase64[(w >> 12) & 63];
      scratch += p + 1 < s.size() ? kBase64[(w >> 6) & 63] : '=';
      scratch += p + 2 < s.size() ? kBase64[w & 63] : '=';
    }
    return std::optional<SV>(SV(scratch));
  });
}

// unbase64: a MIME-style decoder (characters outside the alphabet are
// skipped; decoding stops at '=').
Result<Vector> Unbase64Kernel(const KernelContext& ctx, const std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Binary(), n);
  if (!PropagateNulls(&out, args, n)) return out;
  std::string bytes;
  for (size_t i = 0; i < n; ++i) {
    if (!out.IsValid(i)) continue;
    SV s = args[0].data<SV>()[Row(args[0], n, i)];
    bytes.clear();
    uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
      if (c == '=') break;
      const char* p = std::strchr(kBase64, c);
      if (c == 0 || p == nullptr) continue;
      acc = (acc << 6) | static_cast<uint32_t>(p - kBase64);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes += static_cast<char>((acc >> bits) & 0xFF);
      }
    }
    out.SetString(i, bytes);
  }
  return out;
}

Result<ExprPtr> BindFormatString(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i]->type.is_nested()) return ArgTypeError(name, args, i, "an atomic");
  }
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), DataType::String(), nullable);
}

Result<ExprPtr> BindBase64(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kBinary) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), DataType::String(), nullable);
}

Result<ExprPtr> BindSplit(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 1, DataType::String()));
  if (args.size() == 3) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 2, DataType::Int()));
  bool nullable = AnyNullable(args);
  return Call(def, name, std::move(args), DataType::Array(DataType::String(), false), nullable);
}

Result<ExprPtr> BindConcatWs(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i]->type.id() == TypeId::kArray) {
      SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, i, DataType::Array(DataType::String())));
    } else {
      SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, i, DataType::String()));
    }
  }
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), DataType::String(), nullable);
}

Result<ExprPtr> BindLength(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kBinary) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), DataType::Int(), nullable);
}

Result<ExprPtr> BindReverse(const FunctionDef& def, const std::string& name, std::vector<ExprPtr> args) {
  if (args[0]->type.id() != TypeId::kArray) SLUICE_RETURN_NOT_OK(CoerceArg(name, &args, 0, DataType::String()));
  DataType t = args[0]->type;
  bool nullable = args[0]->nullable;
  return Call(def, name, std::move(args), t, nullable);
}

}  // namespace

void RegisterStringFunctions(FunctionTable& t) {
  DataType S = DataType::String(), I = DataType::Int(), B = DataType::Boolean();
  auto add = [&](const char* name, decltype(ScalarFunction::kernel) k, int min, int max, std::vector<DataType> params,
                 DataType result, std::vector<std::string> aliases = {}, BindFn bind = BindFixed) {
    FunctionDef d = FunctionDef::Kernel(name, k, bind, min, max);
    d.params = std::move(params);
    d.result = std::move(result);
    t.Add(std::move(d), std::move(aliases));
  };
  add("concat", ConcatKernel, 0, -1, {S}, S);
  add("concat_ws", ConcatWsKernel, 1, -1, {S}, S, {}, BindConcatWs);
  add("substring", Substring, 2, 3, {S, I, I}, S, {"substr"});
  add("left", LeftRight, 2, 2, {S, I}, S);
  add("right", LeftRight, 2, 2, {S, I}, S);
  add("upper", CaseKernel, 1, 1, {S}, S, {"ucase"});
  add("lower", CaseKernel, 1, 1, {S}, S, {"lcase"});
  add("initcap", CaseKernel, 1, 1, {S}, S);
  add("trim", TrimKernel, 1, 2, {S, S}, S, {"btrim"});
  add("ltrim", TrimKernel, 1, 2, {S, S}, S);
  add("rtrim", TrimKernel, 1, 2, {S, S}, S);
  add("length", LengthKernel, 1, 1, {S}, I, {"char_length", "character_length", "len"}, BindLength);
  add("octet_length", LengthKernel, 1, 1, {S}, I, {}, BindLength);
  add("split", SplitKernel, 2, 3, {S, S, I}, DataType::Array(S), {}, BindSplit);
  add("regexp_extract", RegexpExtractKernel, 2, 3, {S, S, I}, S);
  add("regexp_replace", RegexpReplaceKernel, 3, 4, {S, S, S, I}, S);
  add("replace", ReplaceKernel, 2, 3, {S, S, S}, S);
  add("instr", InstrKernel, 2, 2, {S, S}, I);
  add("locate", InstrKernel, 2, 3, {S, S, I}, I, {"position"});
  add("lpad", PadKernel, 2, 3, {S, I, S}, S);
  add("rpad", PadKernel, 2, 3, {S, I, S}, S);
  add("starts_with", AffixKernel, 2, 2, {S, S}, B, {"startswith"});
  add("ends_with", AffixKernel, 2, 2, {S, S}, B, {"endswith"});
  add("contains", AffixKernel, 2, 2, {S, S}, B);
  add("reverse", ReverseKernel, 1, 1, {S}, S, {}, BindReverse);
  add("repeat", RepeatKernel, 2, 2, {S, I}, S);
  add("ascii", AsciiKernel, 1, 1, {S}, I);
  add("chr", ChrKernel, 1, 1, {DataType::Bigint()}, S, {"char"});
  add("translate", TranslateKernel, 3, 3, {S, S, S}, S);
  add("substring_index", SubstringIndexKernel, 3, 3, {S, S, I}, S);
  add("format_string", FormatStringKernel, 1, -1, {}, S, {"printf"}, BindFormatString);
  add("base64", Base64Kernel, 1, 1, {}, S, {}, BindBase64);
  add("unbase64", Unbase64Kernel, 1, 1, {S}, DataType::Binary());
}

}  // namespace sluice::fn
