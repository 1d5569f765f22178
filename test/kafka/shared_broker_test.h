// SharedBrokerTest: the fixture of a suite that shares one real broker
// (started before the suite's first test, stopped after its last; each test
// uses its own topics), with a Session and a temporary folder per test.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "connectors/kafka/test_broker.h"
#include "env/temp_dir.h"
#include "sluice/streaming.h"

namespace sluice::kafka::testing {

class SharedBrokerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto b = TestKafkaBroker::Start();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    broker_ = b->release();
  }
  static void TearDownTestSuite() {
    delete broker_;
    broker_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(broker_, nullptr); }
  const std::string& bootstrap() const { return broker_->bootstrap_servers(); }

  // Rows of `sql`, each "v1,v2,...", sorted; a memory table that no batch
  // created yet is empty.
  std::vector<std::string> Rows(const std::string& sql) {
    auto r = spark->Sql(sql);
    if (!r.ok() && r.status().ToString().find("TABLE_OR_VIEW_NOT_FOUND") != std::string::npos) return {};
    return SortedRows(r);
  }
  // The rows of `r`, each "v1,v2,...", sorted (none, and a test failure,
  // when `r` is an error).
  static std::vector<std::string> SortedRows(const Result<QueryResult>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (const auto& row : r->Rows()) {
      std::string s;
      for (size_t i = 0; i < row.size(); ++i) s += (i ? "," : "") + row[i].ToString();
      out.push_back(s);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // One suite runs at a time, so the suites can share the slot.
  inline static TestKafkaBroker* broker_ = nullptr;
  std::shared_ptr<Session> spark = Session::Create();
  TempDir dir;
};

}  // namespace sluice::kafka::testing
