// Compiled LIKE patterns and RE2 regexes, cached per thread so that a
// pattern given as a literal is compiled once, not per row or per batch.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>

#include "sluice/status.h"

namespace sluice::fn {

class StringMatcher {
 public:
  enum class Kind : uint8_t { kEquals, kPrefix, kSuffix, kContains, kAny, kRegex };
  bool Matches(std::string_view s) const {
    switch (kind_) {
      case Kind::kEquals: return s == text_;
      case Kind::kPrefix: return s.substr(0, text_.size()) == text_;
      case Kind::kSuffix: return s.size() >= text_.size() && s.substr(s.size() - text_.size()) == text_;
      case Kind::kContains: return s.find(text_) != std::string_view::npos;
      case Kind::kAny: return true;
      case Kind::kRegex:
        return full_ ? RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re_)
                     : RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re_);
    }
    return false;
  }
  Kind kind_ = Kind::kRegex;
  std::string text_;
  bool full_ = true;
  std::unique_ptr<RE2> re_;
};

// SQL LIKE with `escape` (Spark: '\\' by default).
Result<const StringMatcher*> LikeMatcher(std::string_view pattern, char escape);
// RLIKE: Java's Matcher.find (unanchored).
Result<const StringMatcher*> RegexMatcher(std::string_view pattern);
// A compiled RE2 for regexp_extract / regexp_replace / split. Errors name the pattern.
Result<const RE2*> CompiledRegex(std::string_view pattern);

}  // namespace sluice::fn
