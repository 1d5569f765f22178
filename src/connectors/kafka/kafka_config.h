// KafkaConfig: the librdkafka properties of a Kafka source or sink, taken
// from Spark-style options ("kafka.<property>" -> <property>), plus the
// redaction of secrets and the creation of librdkafka clients.
//
// Every "kafka.*" option is passed to librdkafka as it is (security.protocol,
// sasl.*, ssl.*, isolation.level, fetch sizes...), except the ones the
// connector owns (Spark refuses the same ones): auto.offset.reset
// (startingOffsets), enable.auto.commit (offsets live in the checkpoint
// only), key/value (de)serializers and interceptors (Java classes).
//
// Secrets never leave this class: Redacted() masks the value of every
// property whose name contains password, secret, token, "key.pem",
// "sasl.oauthbearer.config" or "sasl.jaas.config"; librdkafka's own error
// messages about such a property are replaced by one that does not quote
// the value.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/source.h"
#include "sluice/status.h"

namespace sluice::kafka {

// True if the value of librdkafka property `name` must never be shown.
bool IsSecretProperty(const std::string& name);

class KafkaConfig {
 public:
  enum class Role { kSource, kSink };
  // Picks the kafka.* options; InvalidArgument for a forbidden one or a
  // missing kafka.bootstrap.servers.
  static Result<KafkaConfig> FromOptions(const SourceOptions& options, Role role);

  const std::map<std::string, std::string>& properties() const { return props_; }
  std::string bootstrap_servers() const;
  std::string Get(const std::string& name, const std::string& def = "") const;
  // "bootstrap.servers=..., sasl.password=*****(redacted)".
  std::string Redacted() const;

  // A librdkafka client with these properties plus `extra` (which win).
  // Errors never quote secret values.
  Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, const std::map<std::string, std::string>& extra,
                                rd_kafka_conf_t** conf_out = nullptr) const;
  // Builds the conf only (caller may set callbacks, then rd_kafka_new).
  Result<rd_kafka_conf_t*> NewConf(const std::map<std::string, std::string>& extra) const;

 private:
  std::map<std::string, std::string> props_;
};

// Destroys a client without a consumer close (the connector never joins a
// group); does not wait more than 10 s.
void DestroyClient(rd_kafka_t* rk);
void DestroyClients(const std::vector<rd_kafka_t*>& clients);

// Failed deliveries of a producer: set `opaque` to a DeliveryErrors and the
// delivery report callback to CountDeliveryErrors.
struct DeliveryErrors {
  std::atomic<int64_t> failed{0};
  std::mutex mu;
  std::string first_error;  // GUARDED_BY(mu)
};
void CountDeliveryErrors(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);

// Deleters for RAII handles.
struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const;
};
using RdKafkaPtr = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;

}  // namespace sluice::kafka
