// Test helper for the state store provider tests: a store's contents, and a
// fixed sequence of counting batches with the state it must leave.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

#include "state/state_store.h"

namespace sluice {

// Every key of `store` and its value; a key visited twice fails the test.
inline std::map<std::string, std::string> Contents(const StateStore& store) {
  std::map<std::string, std::string> out;
  store.ForEach([&](std::string_view k, std::string_view v) {
    EXPECT_TRUE(out.emplace(k, v).second) << "key " << k << " visited twice";
  });
  return out;
}

// Runs "batch" v: loads version v, counts key k+i per i in [0, 3) (keys k0..k4),
// removes k0 every fourth batch, commits version v + 1.
inline void RunCountingBatch(StateStoreProvider* p, int64_t v) {
  auto store = p->Load(v);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (int i = 0; i < 3; ++i) {
    std::string key = "k" + std::to_string((v + i) % 5);
    const std::string* old = (*store)->Get(key);
    int n = old ? std::stoi(*old) : 0;
    (*store)->Put(key, std::to_string(n + 1));
  }
  if (v % 4 == 3) (*store)->Remove("k0");
  auto committed = (*store)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(*committed, v + 1);
}

// The state RunCountingBatch leaves after batches 0..n-1, computed without a store.
inline std::map<std::string, std::string> CountingState(int64_t n) {
  std::map<std::string, int> m;
  for (int64_t v = 0; v < n; ++v) {
    for (int i = 0; i < 3; ++i) m["k" + std::to_string((v + i) % 5)]++;
    if (v % 4 == 3) m.erase("k0");
  }
  std::map<std::string, std::string> out;
  for (auto& [k, c] : m) out[k] = std::to_string(c);
  return out;
}

}  // namespace sluice
