#include "exec/functions/regex_cache.h"

#include <unordered_map>

namespace sluice::fn {

namespace {

constexpr size_t kMaxCached = 256;

template <typename V>
struct Cache {
  std::unordered_map<std::string, std::unique_ptr<V>> map;
  V* Find(const std::string& key) {
    auto it = map.find(key);
    return it == map.end() ? nullptr : it->second.get();
  }
  V* Put(std::string key, std::unique_ptr<V> v) {
    if (map.size() >= kMaxCached) map.clear();
    V* p = v.get();
    map[std::move(key)] = std::move(v);
    return p;
  }
};

Status BadRegex(std::string_view pattern, const std::string& why) {
  return Status::ExecutionError("[INVALID_PARAMETER_VALUE.PATTERN] invalid regular expression '" +
                                std::string(pattern) + "': " + why);
}

std::unique_ptr<RE2> Compile(const std::string& regex) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_dot_nl(false);
  return std::make_unique<RE2>(regex, opts);
}

}  // namespace

Result<const StringMatcher*> LikeMatcher(std::string_view pattern, char escape) {
  thread_local Cache<StringMatcher> cache;
  std::string key(pattern);
  key.push_back('\0');
  key.push_back(escape);
  if (auto* m = cache.Find(key)) return m;
  auto m = std::make_unique<StringMatcher>();
  // Literal runs separated by wildcards.
  std::string literal, regex = "(?s)";
  bool has_underscore = false;
  std::vector<std::string> parts{""};
  std::vector<char> seps;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == escape) {
      if (i + 1 >= pattern.size()) {
        return Status::ExecutionError("[INVALID_FORMAT.ESC_AT_THE_END] the pattern '" + std::string(pattern) +
                                      "' ends with the escape character");
      }
      char next = pattern[++i];
      parts.back() += next;
      regex += RE2::QuoteMeta(std::string(1, next));
    } else if (c == '%' || c == '_') {
      if (c == '_') has_underscore = true;
      seps.push_back(c);
      parts.emplace_back();
      regex += c == '%' ? ".*" : ".";
    } else {
      parts.back() += c;
      regex += RE2::QuoteMeta(std::string(1, c));
    }
  }
  if (!has_underscore) {
    if (seps.empty()) {
      m->kind_ = StringMatcher::Kind::kEquals;
      m->text_ = parts[0];
    } else if (seps.size() == 1 && parts[1].empty()) {
      m->kind_ = parts[0].empty() ? StringMatcher::Kind::kAny : StringMatcher::Kind::kPrefix;
      m->text_ = parts[0];
    } else if (seps.size() == 1 && parts[0].empty()) {
      m->kind_ = StringMatcher::Kind::kSuffix;
      m->text_ = parts[1];
    } else if (seps.size() == 2 && parts[0].empty() && parts[2].empty()) {
      m->kind_ = StringMatcher::Kind::kContains;
      m->text_ = parts[1];
    }
  }
  if (m->kind_ == StringMatcher::Kind::kRegex) {
    m->re_ = Compile(regex);
    if (!m->re_->ok()) return BadRegex(pattern, m->re_->error());
    m->full_ = true;
  }
  return cache.Put(std::move(key), std::move(m));
}

Result<const StringMatcher*> RegexMatcher(std::string_view pattern) {
  thread_local Cache<StringMatcher> cache;
  std::string key(pattern);
  if (auto* m = cache.Find(key)) return m;
  auto m = std::make_unique<StringMatcher>();
  m->kind_ = StringMatcher::Kind::kRegex;
  m->full_ = false;
  m->re_ = Compile(key);
  if (!m->re_->ok()) return BadRegex(pattern, m->re_->error());
  return cache.Put(std::move(key), std::move(m));
}

Result<const RE2*> CompiledRegex(std::string_view pattern) {
  thread_local Cache<RE2> cache;
  std::string key(pattern);
  if (auto* r = cache.Find(key)) return r;
  auto re = Compile(key);
  if (!re->ok()) return BadRegex(pattern, re->error());
  return cache.Put(std::move(key), std::move(re));
}

}  // namespace sluice::fn
