// KafkaConfig without a broker: Spark's kafka.sasl.jaas.config read into
// librdkafka's SASL properties, and secrets never shown.
#include "connectors/kafka/kafka_config.h"

#include <gtest/gtest.h>

#include "connectors/kafka/kafka_sink.h"
#include "connectors/kafka/kafka_source.h"

namespace sluice::kafka {
namespace {

const char* kJaas =
    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" "
    "password=\"jaas-hunter2\";";

SourceOptions Options(std::map<std::string, std::string> extra) {
  extra["kafka.bootstrap.servers"] = "127.0.0.1:1";
  return SourceOptions(extra);
}

TEST(KafkaConfigTest, JaasConfigBecomesSaslUsernameAndPassword) {
  auto c = KafkaConfig::FromOptions(Options({{"kafka.sasl.jaas.config", kJaas}}), KafkaConfig::Role::kSource);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->Get("sasl.username"), "alice");
  EXPECT_EQ(c->Get("sasl.password"), "jaas-hunter2");
  EXPECT_EQ(c->Get("sasl.mechanism"), "PLAIN");
  EXPECT_EQ(c->properties().count("sasl.jaas.config"), 0u);
  EXPECT_EQ(c->Redacted().find("hunter2"), std::string::npos) << c->Redacted();
  EXPECT_NE(c->Redacted().find("sasl.username=alice"), std::string::npos) << c->Redacted();

  // Explicit properties win; SCRAM needs its mechanism named.
  auto scram = KafkaConfig::FromOptions(
      Options({{"kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username='x' password=\"p w\";"},
               {"kafka.sasl.mechanism", "SCRAM-SHA-512"}, {"kafka.sasl.username", "bob"}}),
      KafkaConfig::Role::kSink);
  ASSERT_TRUE(scram.ok()) << scram.status().ToString();
  EXPECT_EQ(scram->Get("sasl.username"), "bob");
  EXPECT_EQ(scram->Get("sasl.password"), "p w");
  EXPECT_EQ(scram->Get("sasl.mechanism"), "SCRAM-SHA-512");
}

TEST(KafkaConfigTest, BadJaasConfigErrorsDoNotQuoteIt) {
  for (const char* bad : {"PlainLoginModule username=\"u\" password=\"jaas-hunter2\";",
                          "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"jaas-hunter2\";",
                          "com.example.Kerberos required keyTab=\"jaas-hunter2\";",
                          "PlainLoginModule required username=\"u\" password=\"jaas-hunter2"}) {
    auto c = KafkaConfig::FromOptions(Options({{"kafka.sasl.jaas.config", bad}}), KafkaConfig::Role::kSource);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find("kafka.sasl.jaas.config"), std::string::npos) << c.status().ToString();
    EXPECT_EQ(c.status().message().find("hunter2"), std::string::npos) << c.status().ToString();
  }
}

TEST(KafkaConfigTest, DescriptionsNeverShowSecrets) {
  auto opts = Options({{"subscribe", "events"}, {"kafka.sasl.jaas.config", kJaas}, {"topic", "out"}});
  auto source = KafkaSource::Make(opts);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ((*source)->description(), "KafkaV2[Subscribe[events]]");
  auto sink = KafkaSink::Make(opts);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  EXPECT_EQ((*sink)->description().find("hunter2"), std::string::npos);
}

// The librdkafka Sluice links (scripts/setup_rdkafka.sh, cmake/rdkafka.cmake):
// not older than 2.4.0, whose main thread no longer spins for up to 1 ms
// before each timer (upstream issue 4684; a transactional producer arms a
// 1 ms timer in every transaction, so Debian 12's 2.0.2 cost every
// exactly-once batch up to a millisecond of a core), and built with what
// Kafka deployments use: TLS, SASL PLAIN, SCRAM and GSSAPI (Kerberos), and
// every compression codec a topic may hold.
TEST(KafkaLibraryTest, LinkedLibrdkafkaIsNewEnoughAndHasTheFeatures) {
  EXPECT_GE(rd_kafka_version(), 0x02040000) << "linked librdkafka " << rd_kafka_version_str();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char features[512];
  size_t size = sizeof(features);
  ASSERT_EQ(rd_kafka_conf_get(conf, "builtin.features", features, &size), RD_KAFKA_CONF_OK);
  rd_kafka_conf_destroy(conf);
  const std::string have = std::string(",") + features + ",";
  for (const char* f : {"gzip", "snappy", "ssl", "sasl_plain", "sasl_scram", "sasl_gssapi", "lz4", "zstd"}) {
    EXPECT_NE(have.find(std::string(",") + f + ","), std::string::npos) << f << " missing from " << features;
  }
}

}  // namespace
}  // namespace sluice::kafka
