#include "connectors/kafka/kafka_config.h"

#include <cctype>
#include <chrono>
#include <future>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/log.h"
#include "common/redaction.h"

namespace sluice::kafka {

std::string LibraryVersion() { return rd_kafka_version_str(); }

bool IsSecretProperty(const std::string& name) { return IsSecretKey(name) || ToLower(name).find("ssl_key") != std::string::npos; }

namespace {

// The log tag of each live client (librdkafka's opaque is the delivery
// report's; the tag goes by client handle instead).
std::mutex& TagMutex() {
  static std::mutex mu;
  return mu;
}
std::unordered_map<const rd_kafka_t*, std::string>& Tags() {
  static std::unordered_map<const rd_kafka_t*, std::string> tags;
  return tags;
}
// The tag of the client being created on this thread (rd_kafka_new logs
// before its handle is known).
thread_local const std::string* t_new_client_tag = nullptr;

LogLevel FromSyslog(int level) {
  if (level <= 3) return LogLevel::kError;
  if (level == 4) return LogLevel::kWarn;
  if (level <= 6) return LogLevel::kInfo;
  return LogLevel::kDebug;
}

// librdkafka's log_level for the process log's level.
int ToSyslog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
    case LogLevel::kDebug: return 7;
    case LogLevel::kInfo: return 6;
    case LogLevel::kWarn: return 4;
    case LogLevel::kError: return 3;
    case LogLevel::kOff: return 0;
  }
  return 6;
}

void LogCallback(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  LogLevel l = FromSyslog(level);
  if (!LogEnabled(l)) return;
  std::string tag;
  {
    std::lock_guard<std::mutex> g(TagMutex());
    auto it = Tags().find(rk);
    if (it != Tags().end()) tag = it->second;
  }
  if (tag.empty() && t_new_client_tag != nullptr) tag = *t_new_client_tag;
  if (tag.empty()) tag = "kafka";
  const char* name = rk ? rd_kafka_name(rk) : nullptr;
  Log(l, name ? tag + " " + name : tag, "{}: {}", fac ? fac : "", buf ? buf : "");
}

// A JAAS entry: `<LoginModule class> <flag> key="value" key=value ... ;`.
struct JaasEntry {
  std::string module;
  std::map<std::string, std::string> options;
};

std::optional<JaasEntry> ParseJaas(const std::string& text) {
  size_t i = 0, n = text.size();
  auto skip = [&] {
    while (i < n && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto word = [&] {
    size_t b = i;
    while (i < n && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '=' && text[i] != ';') ++i;
    return text.substr(b, i - b);
  };
  JaasEntry e;
  skip();
  e.module = word();
  skip();
  std::string flag = ToLower(word());
  if (e.module.empty() || (flag != "required" && flag != "requisite" && flag != "sufficient" && flag != "optional")) {
    return std::nullopt;
  }
  while (true) {
    skip();
    if (i >= n || text[i] == ';') break;
    std::string key = word();
    skip();
    if (key.empty() || i >= n || text[i] != '=') return std::nullopt;
    ++i;
    skip();
    std::string value;
    if (i < n && (text[i] == '"' || text[i] == '\'')) {
      char quote = text[i++];
      while (i < n && text[i] != quote) {
        if (text[i] == '\\' && i + 1 < n) ++i;
        value += text[i++];
      }
      if (i >= n) return std::nullopt;
      ++i;
    } else {
      value = word();
    }
    e.options[key] = value;
  }
  if (i < n) ++i;  // ';'
  skip();
  if (i != n) return std::nullopt;  // one entry only
  return e;
}

}  // namespace

void SetLogCallback(rd_kafka_conf_t* conf) { rd_kafka_conf_set_log_cb(conf, LogCallback); }

rd_kafka_t* NewKafkaClient(rd_kafka_type_t type, rd_kafka_conf_t* conf, char* err, size_t err_size,
                           const std::string& tag) {
  t_new_client_tag = &tag;
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, err_size);
  if (rk != nullptr) {
    std::lock_guard<std::mutex> g(TagMutex());
    Tags()[rk] = tag;
  }
  t_new_client_tag = nullptr;
  return rk;
}

void ForgetClientTag(const rd_kafka_t* rk) {
  std::lock_guard<std::mutex> g(TagMutex());
  Tags().erase(rk);
}

Status KafkaConfig::ApplyJaasConfig(const std::string& jaas) {
  // The value is a secret: no message quotes it.
  auto entry = ParseJaas(jaas);
  if (!entry) {
    return Status::InvalidArgument(
        "Kafka option 'kafka.sasl.jaas.config' (value not shown) is not one JAAS entry of the form "
        "'<LoginModule> required username=\"...\" password=\"...\";'");
  }
  std::string module = entry->module.substr(entry->module.rfind('.') + 1);
  if (module != "PlainLoginModule" && module != "ScramLoginModule") {
    return Status::InvalidArgument("Kafka option 'kafka.sasl.jaas.config': login module " + entry->module +
                                   " is not supported (PlainLoginModule and ScramLoginModule are); for OAUTHBEARER "
                                   "set 'kafka.sasl.oauthbearer.config'");
  }
  for (const char* k : {"username", "password"}) {
    auto it = entry->options.find(k);
    if (it == entry->options.end()) {
      return Status::InvalidArgument(std::string("Kafka option 'kafka.sasl.jaas.config' (value not shown) has no ") +
                                     k + "=\"...\"");
    }
    props_.emplace(std::string("sasl.") + k, it->second);  // an explicit kafka.sasl.username wins
  }
  if (module == "PlainLoginModule") props_.emplace("sasl.mechanism", "PLAIN");
  return Status::OK();
}

Result<KafkaConfig> KafkaConfig::FromOptions(const SourceOptions& options, Role role) {
  static const std::set<std::string> kForbiddenSource = {"auto.offset.reset", "enable.auto.commit",
                                                         "key.deserializer", "value.deserializer",
                                                         "interceptor.classes"};
  static const std::set<std::string> kForbiddenSink = {"key.serializer", "value.serializer", "interceptor.classes",
                                                       "transactional.id"};
  KafkaConfig c;
  std::optional<std::string> jaas;
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
    if (prop == "sasl.jaas.config") {
      jaas = v;
      continue;
    }
    c.props_[prop] = v;
  }
  if (jaas) SLUICE_RETURN_NOT_OK(c.ApplyJaasConfig(*jaas));
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

std::string KafkaConfig::GroupId(const SourceOptions& options, const std::string& default_prefix) const {
  std::random_device rd;
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08x%08x", rd(), rd());
  return Get("group.id", options.GetOr("groupIdPrefix", default_prefix) + "-" + suffix);
}

std::string KafkaConfig::Get(const std::string& name, const std::string& def) const {
  auto it = props_.find(name);
  return it == props_.end() ? def : it->second;
}

std::string KafkaConfig::Redacted() const {
  std::string out;
  for (const auto& [k, v] : props_) {
    if (!out.empty()) out += ", ";
    out += k + "=" + (IsSecretProperty(k) ? std::string(kRedacted) : v);
  }
  return out;
}

Result<rd_kafka_conf_t*> KafkaConfig::NewConf(const std::map<std::string, std::string>& extra) const {
  std::map<std::string, std::string> all = {{"log_level", std::to_string(ToSyslog(GetLogLevel()))}};
  for (const auto& [k, v] : props_) all[k] = v;
  for (const auto& [k, v] : extra) all[k] = v;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  SetLogCallback(conf);
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
  rd_kafka_t* rk = NewKafkaClient(type, conf, err, sizeof err, log_tag_);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument("cannot create a Kafka client: " + RedactSecretValues(err, props_));
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
      ForgetClientTag(rk);
      done->set_value();
    }).detach();
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (auto& f : waits) f.wait_until(deadline);
}

void RdKafkaDeleter::operator()(rd_kafka_t* rk) const { DestroyClient(rk); }

void CountDeliveryErrors(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* d = static_cast<DeliveryErrors*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    d->acknowledged.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (d->failed.fetch_add(1) == 0) {
    std::lock_guard<std::mutex> l(d->mu);
    d->first_error = std::string(rd_kafka_err2str(m->err)) + " (topic '" +
                     (m->rkt ? rd_kafka_topic_name(m->rkt) : "?") + "' partition " + std::to_string(m->partition) + ")";
  }
}

}  // namespace sluice::kafka
