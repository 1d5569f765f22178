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
// property whose name marks it as a secret (common/redaction.h: password,
// secret, token, "sasl.jaas.config", "ssl.key"...); librdkafka's own error
// messages about such a property are replaced by one that does not quote
// the value.
//
// kafka.sasl.jaas.config (Spark's way to give SASL credentials) is read
// rather than passed on: a PlainLoginModule or ScramLoginModule entry's
// username and password become librdkafka's sasl.username and sasl.password
// (PlainLoginModule also sets sasl.mechanism PLAIN unless it is given).
//
// Logs: every client's librdkafka log goes through a log callback into the
// process log (common/log.h), tagged with the client's log tag (the source's
// or sink's description) and librdkafka's client name; librdkafka's syslog
// levels map to error (0-3), warn (4), info (5-6) and debug (7), and its
// log_level follows the process log's level unless kafka.log_level is set.
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

// The version of the librdkafka linked in ("2.8.0"; scripts/setup_rdkafka.sh),
// for `sluice --version` and the monitor's environment.
std::string LibraryVersion();

// True if the value of librdkafka property `name` must never be shown.
bool IsSecretProperty(const std::string& name);

// Routes a conf's log to the process log (create its client with
// NewKafkaClient, which records the tag its lines carry).
void SetLogCallback(rd_kafka_conf_t* conf);
// rd_kafka_new, with the client's log lines tagged `tag` from the start.
rd_kafka_t* NewKafkaClient(rd_kafka_type_t type, rd_kafka_conf_t* conf, char* err, size_t err_size,
                           const std::string& tag);
// Drops the tag of a client destroyed without DestroyClient(s).
void ForgetClientTag(const rd_kafka_t* rk);

class KafkaConfig {
 public:
  enum class Role { kSource, kSink };
  // Picks the kafka.* options; InvalidArgument for a forbidden one or a
  // missing kafka.bootstrap.servers.
  static Result<KafkaConfig> FromOptions(const SourceOptions& options, Role role);

  const std::map<std::string, std::string>& properties() const { return props_; }
  std::string bootstrap_servers() const;
  std::string Get(const std::string& name, const std::string& def = "") const;
  // The group.id librdkafka needs (the group is never joined): kafka.group.id
  // when set, else option groupIdPrefix (default `default_prefix`) + "-" + a
  // random suffix.
  std::string GroupId(const SourceOptions& options, const std::string& default_prefix) const;
  // "bootstrap.servers=..., sasl.password=*****(redacted)".
  std::string Redacted() const;
  // What the clients' log lines are tagged with (the source or sink's
  // description).
  void set_log_tag(std::string tag) { log_tag_ = std::move(tag); }
  const std::string& log_tag() const { return log_tag_; }

  // A librdkafka client with these properties plus `extra` (which win).
  // Errors never quote secret values.
  Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, const std::map<std::string, std::string>& extra,
                                rd_kafka_conf_t** conf_out = nullptr) const;
  // Builds the conf only, its log routed to the process log (caller may set
  // callbacks, then NewKafkaClient with log_tag()).
  Result<rd_kafka_conf_t*> NewConf(const std::map<std::string, std::string>& extra) const;

 private:
  // sasl.jaas.config -> sasl.username, sasl.password (sasl.mechanism).
  Status ApplyJaasConfig(const std::string& jaas);

  std::map<std::string, std::string> props_;
  std::string log_tag_ = "kafka";
};

// Destroys a client without a consumer close (the connector never joins a
// group); does not wait more than 10 s.
void DestroyClient(rd_kafka_t* rk);
void DestroyClients(const std::vector<rd_kafka_t*>& clients);

// Failed deliveries of a producer: set `opaque` to a DeliveryErrors and the
// delivery report callback to CountDeliveryErrors.
struct DeliveryErrors {
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> acknowledged{0};  // records the broker took
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
