// DeadLetterWriter: the Kafka source's dead-letter topic (source option
// `deadLetterTopic`). A record whose JSON value (or key) the scan finds
// malformed is written there as it was read: same key, same value bytes,
// its headers, plus headers saying where it came from and why:
//
//   sluice.source.topic      the topic it was read from
//   sluice.source.partition  its partition (decimal text)
//   sluice.source.offset     its offset (decimal text)
//   sluice.error             what was wrong ("field 'x': cannot convert ...")
//
// Written with the idempotent producer (acks=all) on the source's kafka.*
// settings. Every scan flushes before it ends, so a batch is committed only
// after its dead letters are acknowledged; a batch replayed after a crash
// writes them again (at least once, like Spark's Kafka sink).
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "connectors/kafka/kafka_config.h"

namespace sluice::kafka {

class DeadLetterWriter {
 public:
  DeadLetterWriter(KafkaConfig config, std::string topic) : config_(std::move(config)), topic_(std::move(topic)) {}
  ~DeadLetterWriter();
  DeadLetterWriter(const DeadLetterWriter&) = delete;
  DeadLetterWriter& operator=(const DeadLetterWriter&) = delete;

  const std::string& topic() const { return topic_; }
  // Queues a copy of `m` (read from `source_topic`) with the headers above.
  Status Write(const rd_kafka_message_t* m, const std::string& source_topic, std::string_view error);
  // Waits until every queued record is acknowledged; an error naming the
  // topic if one was not (the batch then fails and is retried).
  Status Flush();

 private:
  Result<rd_kafka_t*> Producer();

  KafkaConfig config_;
  std::string topic_;
  std::mutex mu_;
  rd_kafka_t* producer_ = nullptr;  // GUARDED_BY(mu_) for creation
  DeliveryErrors delivery_;
};

}  // namespace sluice::kafka
