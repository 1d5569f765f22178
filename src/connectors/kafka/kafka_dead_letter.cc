#include "connectors/kafka/kafka_dead_letter.h"

#include <map>

namespace sluice::kafka {

DeadLetterWriter::~DeadLetterWriter() {
  if (producer_) {
    rd_kafka_flush(producer_, 10000);
    rd_kafka_destroy(producer_);
    ForgetClientTag(producer_);
  }
}

Result<rd_kafka_t*> DeadLetterWriter::Producer() {
  std::lock_guard<std::mutex> l(mu_);
  if (producer_) return producer_;
  std::map<std::string, std::string> extra = {{"enable.idempotence", "true"}, {"acks", "all"}};
  if (config_.properties().find("linger.ms") == config_.properties().end()) extra["linger.ms"] = "5";
  SLUICE_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, config_.NewConf(extra));
  rd_kafka_conf_set_dr_msg_cb(conf, CountDeliveryErrors);
  rd_kafka_conf_set_opaque(conf, &delivery_);
  char err[512];
  rd_kafka_t* rk = NewKafkaClient(RD_KAFKA_PRODUCER, conf, err, sizeof err,
                                  config_.log_tag() + " deadLetterTopic=" + topic_);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument("cannot create the producer of deadLetterTopic '" + topic_ + "': " + err);
  }
  producer_ = rk;
  return rk;
}

Status DeadLetterWriter::Write(const rd_kafka_message_t* m, const std::string& source_topic, std::string_view error) {
  SLUICE_ASSIGN_OR_RETURN(rd_kafka_t * rk, Producer());
  rd_kafka_headers_t* hdrs = nullptr;
  rd_kafka_headers_t* original = nullptr;
  if (rd_kafka_message_headers(m, &original) == RD_KAFKA_RESP_ERR_NO_ERROR && original) {
    hdrs = rd_kafka_headers_copy(original);
  } else {
    hdrs = rd_kafka_headers_new(4);
  }
  std::string partition = std::to_string(m->partition);
  std::string offset = std::to_string(m->offset);
  auto add = [&](const char* k, std::string_view v) {
    rd_kafka_header_add(hdrs, k, -1, v.data(), static_cast<ssize_t>(v.size()));
  };
  add("sluice.source.topic", source_topic);
  add("sluice.source.partition", partition);
  add("sluice.source.offset", offset);
  add("sluice.error", error);
  for (;;) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_KEY(m->key, m->key_len),
        RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk, 10);
      continue;
    }
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_destroy(hdrs);  // not taken over on failure
      return Status::IOError("cannot write to deadLetterTopic '" + topic_ + "': " + rd_kafka_err2str(e));
    }
    return Status::OK();
  }
}

Status DeadLetterWriter::Flush() {
  rd_kafka_t* rk;
  {
    std::lock_guard<std::mutex> l(mu_);
    rk = producer_;
  }
  if (!rk) return Status::OK();
  rd_kafka_resp_err_t e = rd_kafka_flush(rk, 60000);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("deadLetterTopic '" + topic_ + "': records not acknowledged in 60 s: " + rd_kafka_err2str(e));
  }
  if (int64_t failed = delivery_.failed.exchange(0)) {
    std::lock_guard<std::mutex> l(delivery_.mu);
    return Status::IOError("deadLetterTopic '" + topic_ + "': " + std::to_string(failed) +
                           " records were not delivered: " + delivery_.first_error);
  }
  return Status::OK();
}

}  // namespace sluice::kafka
