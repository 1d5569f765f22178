#include "connectors/delta/delta_stats.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "common/json_writer.h"
#include "types/datetime.h"
#include "types/value.h"

namespace sluice {
namespace {

constexpr size_t kStringPrefixChars = 32;

// A tree of JSON values keyed by field name, for the nested stats objects.
struct Node {
  std::string raw;  // a leaf: serialized JSON value
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> children;  // in schema order

  Node* Child(const std::string& name) {
    for (auto& [n, c] : children) {
      if (n == name) return c.get();
    }
    children.emplace_back(name, std::make_unique<Node>());
    return children.back().second.get();
  }
  void Set(const std::vector<std::string>& path, std::string value) {
    Node* n = this;
    for (const auto& p : path) n = n->Child(p);
    n->raw = std::move(value);
  }
  void Write(JsonWriter& w) const {
    if (children.empty()) {
      w.Raw(raw);
      return;
    }
    w.BeginObject();
    for (const auto& [name, c] : children) {
      w.Key(name);
      c->Write(w);
    }
    w.EndObject();
  }
};

// Byte length of the first `chars` UTF-8 characters of s.
size_t Utf8PrefixBytes(const std::string& s, size_t chars) {
  size_t i = 0;
  for (size_t n = 0; i < s.size() && n < chars; n++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }
  return std::min(i, s.size());
}

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

// The JSON of a bound, or "" to leave it out.
std::string Bound(const Value& v, bool is_max) {
  if (v.is_null()) return "";
  switch (v.type().id()) {
    case TypeId::kInt: return std::to_string(v.int_value());
    case TypeId::kBigint: return std::to_string(v.bigint_value());
    case TypeId::kDouble: {
      double d = v.double_value();
      if (!std::isfinite(d)) return "";
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", d);
      return buf;
    }
    case TypeId::kDecimal: return FormatDecimal(v.decimal_value(), v.type().scale());
    case TypeId::kDate: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(v.int_value(), &y, &m, &d);
      if (y < 0 || y > 9999) return "";
      return Quoted(FormatDate(v.int_value()));
    }
    case TypeId::kTimestamp: {
      int64_t us = v.bigint_value();
      int64_t ms = is_max ? -FloorDiv(-us, 1000) : FloorDiv(us, 1000);
      std::string s = FormatDeltaTimestampMillis(ms);
      return s.empty() ? "" : Quoted(s);
    }
    case TypeId::kString: {
      const std::string& s = v.str_value();
      size_t n = Utf8PrefixBytes(s, kStringPrefixChars);
      if (n < s.size()) {
        if (is_max) return "";
        return Quoted(std::string_view(s).substr(0, n));
      }
      return Quoted(s);
    }
    default: return "";  // BOOLEAN, BINARY: no bounds, as Spark
  }
}

}  // namespace

std::string FormatDeltaTimestampMillis(int64_t millis) {
  int64_t days = FloorDiv(millis, 86400000);
  int64_t rem = FloorMod(millis, 86400000);
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  if (y < 0 || y > 9999) return "";
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), mo, d,
                static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
                static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
  return buf;
}

std::string DeltaStatsJson(int64_t num_records, const std::vector<DeltaColumnStats>& columns) {
  Node mins, maxs, nulls;
  for (const DeltaColumnStats& c : columns) {
    if (c.path.empty()) continue;
    nulls.Set(c.path, std::to_string(c.null_count));
    if (!c.has_min_max) continue;
    std::string lo = Bound(c.min, false), hi = Bound(c.max, true);
    if (!lo.empty()) mins.Set(c.path, std::move(lo));
    if (!hi.empty()) maxs.Set(c.path, std::move(hi));
  }
  JsonWriter w;
  w.BeginObject().Key("numRecords").Int(num_records);
  w.Key("minValues");
  if (mins.children.empty()) w.BeginObject().EndObject(); else mins.Write(w);
  w.Key("maxValues");
  if (maxs.children.empty()) w.BeginObject().EndObject(); else maxs.Write(w);
  w.Key("nullCount");
  if (nulls.children.empty()) w.BeginObject().EndObject(); else nulls.Write(w);
  w.EndObject();
  return w.Take();
}

}  // namespace sluice
