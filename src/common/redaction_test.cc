#include "common/redaction.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(RedactionTest, SecretKeysByName) {
  for (const char* k : {"kafka.sasl.jaas.config", "kafka.sasl.password", "kafka.SSL.KEY.PASSWORD", "kafka.ssl.key.pem",
                        "kafka.ssl.keystore.key", "kafka.sasl.oauthbearer.config", "client.secret", "accessToken",
                        "Password", "fs.s3a.access.key"}) {
    EXPECT_TRUE(IsSecretKey(k)) << k;
  }
  for (const char* k : {"kafka.bootstrap.servers", "subscribe", "path", "kafka.sasl.mechanism",
                        "kafka.security.protocol", "startingOffsets"}) {
    EXPECT_FALSE(IsSecretKey(k)) << k;
  }
}

TEST(RedactionTest, RedactsValues) {
  EXPECT_EQ(RedactValue("kafka.sasl.password", "hunter2"), std::string(kRedacted));
  EXPECT_EQ(RedactValue("subscribe", "events"), "events");
  std::map<std::string, std::string> opts = {
      {"kafka.sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"s3cr3t\";"},
      {"subscribe", "events"}};
  auto r = RedactOptions(opts);
  EXPECT_EQ(r["kafka.sasl.jaas.config"], std::string(kRedacted));
  EXPECT_EQ(r["subscribe"], "events");
  EXPECT_EQ(RedactSecretValues("bad: pw is hunter2, hunter2!", {{"kafka.sasl.password", "hunter2"}, {"x", "pw"}}),
            "bad: pw is *****(redacted), *****(redacted)!");
}

}  // namespace
}  // namespace sluice
