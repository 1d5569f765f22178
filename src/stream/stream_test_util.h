// Test helper for StreamTest-style suites: rows as comparable text.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sluice/data_type.h"
#include "sluice/session.h"
#include "sluice/value.h"

namespace sluice {

// The (k STRING, v BIGINT) schema of many stream tests, and rows of it.
inline Schema KV() { return Schema({{"k", DataType::String()}, {"v", DataType::Bigint()}}); }

inline std::vector<std::vector<Value>> KVRows(std::vector<std::pair<std::string, int64_t>> kv) {
  std::vector<std::vector<Value>> out;
  for (auto& [k, v] : kv) out.push_back({Value::String(k), Value::Bigint(v)});
  return out;
}

// Each row as its values' text joined by ',', sorted (row order is not
// part of a micro-batch's result).
inline std::vector<std::string> Strings(const std::vector<std::vector<Value>>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string s;
    for (size_t i = 0; i < r.size(); ++i) s += (i ? "," : "") + r[i].ToString();
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// SELECT * FROM `table` of session `s` as Strings (a failed query fails the test).
inline std::vector<std::string> TableRows(Session& s, const std::string& table) {
  auto r = s.Sql("SELECT * FROM " + table);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  return Strings(r->Rows());
}

}  // namespace sluice
