#include "connectors/kafka/kafka_config.h"

#include <chrono>
#include <future>
#include <set>
#include <thread>

namespace sluice::kafka {

bool IsSecretProperty(const std::string& name) {
  std::string n = ToLower(name);
  for (const char* s : {"password", "secret", "token", "key.pem", "sasl.oauthbearer.config", "sasl.jaas.config",
                        "ssl.key.", "ssl_key", "keystore.key"}) {
    if (n.find(s) != std::string::npos) return true;
  }
  return false;
}

Result<KafkaConfig> KafkaConfig::FromOptions(const SourceOptions& options, Role role) {
  static const std::set<std::string> kForbiddenSource = {"auto.offset.reset", "enable.auto.commit",
                                                         "key.deserializer", "value.deserializer",
                                                         "interceptor.classes"};
  static const std::set<std::string> kForbiddenSink = {"key.serializer", "value.serializer", "interceptor.classes",
                                                       "transactional.id"};
  KafkaConfig c;
  for (const auto& [k, v] : options.map()) {
    if (k.rfind("kafka.", 0) != 0) continue;
    std::string prop = k.substr(6);
    const auto& forbidden = role == Role::kSource ? kForbiddenSource : kForbiddenSink;
    if (forbidden.count(prop)) {
      std::string why;
      if (prop == "auto.offset.reset") {
        why = "Set the source option 'startingOffsets' instead to specify where to start.";
      } else if (prop == "enable.auto.commit") {
        why = "Offsets are tracked in the query's checkpoint, never committed to Kafka.";
      } else if (prop == "transactional.id") {
        why = "With exactlyOnce 'true' the sink derives it from the query id (option transactionalIdPrefix).";
      } else {
        why = "Keys and values are always read and written as bytes.";
      }
      return Status::InvalidArgument("Kafka option 'kafka." + prop + "' is not supported. " + why);
    }
    c.props_[prop] = v;
  }
  if (c.props_.find("bootstrap.servers") == c.props_.end()) {
    return Status::InvalidArgument(
        "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka consumer/producer, e.g. "
        ".option(\"kafka.bootstrap.servers\", \"127.0.0.1:9092\")");
  }
  // Checks every property now (unknown names, bad values) with a throwaway conf.
  SLUICE_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, c.NewConf({}));
  rd_kafka_conf_destroy(conf);
  return c;
}

std::string KafkaConfig::bootstrap_servers() const { return Get("bootstrap.servers"); }

std::string KafkaConfig::Get(const std::string& name, const std::string& def) const {
  auto it = props_.find(name);
  return it == props_.end() ? def : it->second;
}

std::string KafkaConfig::Redacted() const {
  std::string out;
  for (const auto& [k, v] : props_) {
    if (!out.empty()) out += ", ";
    out += k + "=" + (IsSecretProperty(k) ? std::string("*****(redacted)") : v);
  }
  return out;
}

Result<rd_kafka_conf_t*> KafkaConfig::NewConf(const std::map<std::string, std::string>& extra) const {
  std::map<std::string, std::string> all = {{"log_level", "3"}};
  for (const auto& [k, v] : props_) all[k] = v;
  for (const auto& [k, v] : extra) all[k] = v;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : all) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      if (IsSecretProperty(k)) {
        return Status::InvalidArgument("Kafka option 'kafka." + k + "': invalid value (redacted)");
      }
      return Status::InvalidArgument("Kafka option 'kafka." + k + "': " + err);
    }
  }
  return conf;
}

Result<rd_kafka_t*> KafkaConfig::NewClient(rd_kafka_type_t type, const std::map<std::string, std::string>& extra,
                                           rd_kafka_conf_t** conf_out) const {
  SLUICE_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewConf(extra));
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    std::string msg = err;
    for (const auto& [k, v] : props_) {
      if (IsSecretProperty(k) && !v.empty()) {
        for (size_t p; (p = msg.find(v)) != std::string::npos;) msg.replace(p, v.size(), "*****");
      }
    }
    return Status::InvalidArgument("cannot create a Kafka client: " + msg);
  }
  if (conf_out) *conf_out = nullptr;
  return rk;
}

void DestroyClient(rd_kafka_t* rk) { DestroyClients({rk}); }

void DestroyClients(const std::vector<rd_kafka_t*>& clients) {
  // librdkafka 2.0's rd_kafka_destroy can wait forever on a consumer that
  // once read a topic deleted since: give it 10 s, then let it finish (or
  // not) on its own thread rather than hang the query's shutdown.
  std::vector<std::future<void>> waits;
  for (rd_kafka_t* rk : clients) {
    if (!rk) continue;
    auto done = std::make_shared<std::promise<void>>();
    waits.push_back(done->get_future());
    std::thread([rk, done] {
      rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
      done->set_value();
    }).detach();
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (auto& f : waits) f.wait_until(deadline);
}

void RdKafkaDeleter::operator()(rd_kafka_t* rk) const { DestroyClient(rk); }

void CountDeliveryErrors(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* d = static_cast<DeliveryErrors*>(opaque);
  if (d->failed.fetch_add(1) == 0) {
    std::lock_guard<std::mutex> l(d->mu);
    d->first_error = rd_kafka_err2str(m->err);
  }
}

}  // namespace sluice::kafka
